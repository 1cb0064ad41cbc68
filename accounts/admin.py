from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.conf import settings as axes_settings
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from knox.models import AuthToken

from accounts.forms import AdminPasswordChangeForm
from accounts.models import ApiToken, Partner, User


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "created_at"]
    list_filter = ["type"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    change_password_form = AdminPasswordChangeForm
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

    # Staff powers: only a superuser gives them. Django lets anyone who may change users
    # tick *Superuser status*, their own included.
    STAFF_POWERS = ["is_superuser", "is_staff", "user_permissions"]
    # A role in a partner: given to portal users, never taken by a staff member for themselves
    # (staff confirm and order nothing, PRODUCT §3).
    PARTNER_ROLE = ["partner", "groups"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += self.STAFF_POWERS
            if obj == request.user:
                readonly += self.PARTNER_ROLE
        return readonly

    def has_change_permission(self, request, obj=None):
        # Another staff member's account (password included, which uses this check) is a
        # superuser's to change: it may hold powers its changer has not.
        if _other_staff(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if _other_staff(request, obj):
            return False
        return super().has_delete_permission(request, obj)


def _other_staff(request, obj) -> bool:
    """Whether `obj` is a staff member or superuser other than the user, who is no superuser."""
    return (
        obj is not None
        and (obj.is_staff or obj.is_superuser)
        and obj != request.user
        and not request.user.is_superuser
    )


# knox registers its own admin, which creates tokens and shows digests; staff
# here only see who holds which token and revoke it (delete). Tokens are made
# by `create_api_token` or on the user's API tokens page. Under ApiToken, whose
# names are translated; knox's fields are named in English only.
if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)


class CreatedFilter(admin.DateFieldListFilter):
    """The admin's date filter, headed in the user's language (knox's field is "created" only)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("created")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["key", "holder", "made", "expires"]
    list_filter = [("created", CreatedFilter)]
    list_select_related = ["user"]
    search_fields = ["token_key", "user__username"]
    fields = list_display
    readonly_fields = fields
    ordering = ["-created"]

    @admin.display(description=_("Token key"), ordering="token_key")
    def key(self, token):
        return token.token_key

    @admin.display(description=_("User"), ordering="user__username")
    def holder(self, token):
        return token.user

    @admin.display(
        description=pgettext_lazy("column heading: when it was created", "Created"), ordering="created"
    )
    def made(self, token):
        return token.created

    @admin.display(description=_("Expires"), ordering="expiry")
    def expires(self, token):
        return token.expiry

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# django-axes' list of attempts: its "Status" and "Expiration" columns are headed in English
# only, and its clean-up action failed and then spoke English (an f-string inside gettext).
if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(AxesAccessAttemptAdmin):
    @admin.display(description=_("Status"))
    def status(self, obj):
        remaining = axes_settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        if remaining <= 0:
            return _("Locked Out")
        return ngettext("%(count)d attempt remaining", "%(count)d attempts remaining", remaining) % {
            "count": remaining
        }

    @admin.display(description=_("Expires At"))
    def expiration(self, obj):
        return super().expiration(obj)

    @admin.action(description=_("Clean up expired attempts"))
    def cleanup_expired_attempts(self, request, queryset):
        # axes reads the attempt time that its sign-in handling puts on the request: on an admin
        # request there was none, and the action was a 500 (R14).
        AxesProxyHandler.update_request(request)
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(
            request,
            ngettext(
                "Cleaned up %(count)d expired access attempt.",
                "Cleaned up %(count)d expired access attempts.",
                count,
            )
            % {"count": count},
        )
