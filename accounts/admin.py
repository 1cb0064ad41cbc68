from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

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
