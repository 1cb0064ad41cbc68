from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

from accounts.models import Partner, User


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "created_at"]
    list_filter = ["type"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "partner", "is_staff", "is_active"]
    list_filter = ["partner", "groups", "is_staff", "is_active"]
    list_select_related = ["partner"]
    search_fields = ["username", "email", "first_name", "last_name", "partner__name"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Partner and time zone"), {"fields": ["partner", "time_zone"]}),
    ]
    add_fieldsets = [
        *DjangoUserAdmin.add_fieldsets,
        (_("Partner, roles and time zone"), {"fields": ["partner", "groups", "time_zone"]}),
    ]


# knox registers its own admin, which creates tokens and shows digests; staff
# here only see who holds which token and revoke it (delete). Tokens are made
# by `create_api_token` or on the user's API tokens page.
if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    list_display = ["token_key", "user", "created", "expiry"]
    list_filter = ["created"]
    list_select_related = ["user"]
    search_fields = ["token_key", "user__username"]
    fields = ["token_key", "user", "created", "expiry"]
    readonly_fields = fields
    ordering = ["-created"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
