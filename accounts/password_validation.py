"""A password validator of Accord's own, beside Django's (AUTH_PASSWORD_VALIDATORS)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class NotTheCurrentPasswordValidator:
    """A new password differs from the current one: Django's change form took the current one and
    said "Your password was changed." although nothing was. Every form that sets a password asks it."""

    def validate(self, password, user=None):
        if user is not None and user.pk and user.has_usable_password() and user.check_password(password):
            raise ValidationError(
                _("The new password must differ from the current one."), code="password_unchanged"
            )

    def get_help_text(self):
        return _("Your new password must differ from your current one.")
