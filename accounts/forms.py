"""Sign-in form with the product's labels (PRODUCT §5); API token forms; the admin's password form."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# The id of the block that shows a form's non-field errors (templates/bootstrap5/errors.html).
NON_FIELD_ERRORS_ID = "non-field-errors"


class SignInForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username")
        # AuthenticationForm sets max_length after building the field, so nothing
        # enforces it; a longer name would reach django-axes' 255-character column (R14).
        self.fields["username"].validators.append(MaxLengthValidator(self.fields["username"].max_length))
        self.fields["password"].label = _("Password")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's form carries the token
        self.helper.add_input(Submit("submit", _("Sign in")))

    def full_clean(self):
        super().full_clean()
        # WCAG 3.3.1: "Please enter a correct username and password" is about both fields, so
        # both are invalid and described by it; the focused Username reads it out.
        if self.is_bound and self.non_field_errors():
            for field in self.fields.values():
                field.widget.attrs.update({"aria-invalid": "true", "aria-describedby": NON_FIELD_ERRORS_ID})


class ApiTokenRevokeForm(forms.Form):
    """Which of the user's own tokens to revoke, by its stored digest (never the token)."""

    digest = forms.CharField(max_length=128, widget=forms.HiddenInput)


class AdminPasswordChangeForm(auth_forms.AdminPasswordChangeForm):
    """Django's form for setting a user's password in the admin, its help text in the user's language.

    Django adds an English-only warning to the help text with `+`, which translates the help
    text there and then, when the module is imported: the admin showed it in English (R16).
    """

    usable_password_help_text = format_lazy(
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        auth_forms.SetUnusablePasswordMixin.usable_password_help_text,
        _("If disabled, the current password for this user will be lost."),
    )
