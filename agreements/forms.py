"""The confirmation form, shared by F2 (account info) and F3 (order prompt)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.services import Acceptor
from portal.forms import IdempotencyKeyField, PortalForm


class AcceptanceDateInput(forms.DateInput):
    """A date picker that offers no day after the user's today (R2); the rule itself is the service's.

    `max` is worked out when the page is drawn, in the signed-in user's time zone (the
    middleware activates it). The forms are `novalidate`, so a stale page left open past
    midnight still submits and the service decides.
    """

    def __init__(self, attrs=None):
        super().__init__({"type": "date", **(attrs or {})}, format="%Y-%m-%d")

    def get_context(self, name, value, attrs):
        attrs = {
            **(attrs or {}),
            "max": timezone.localdate().isoformat(),
            # A date typed in part is sent as nothing, which the server can only call missing:
            # the page's script says this instead, before sending (static/js/portal.js).
            "data-incomplete-message": _("Enter the whole date: day, month and year."),
        }
        return super().get_context(name, value, attrs)


class ConfirmationForm(PortalForm):
    """Acceptor's details and the acceptance date; the rules are confirmation_record's."""

    first_name = forms.CharField(label=_("First name"), max_length=50)
    last_name = forms.CharField(label=_("Last name"), max_length=50)
    email = forms.EmailField(label=_("Email address"), max_length=254)
    phone_number = forms.CharField(label=_("Phone number (optional)"), max_length=40, required=False)
    date_agreed = forms.DateField(
        label=_("Agreement acceptance date"),
        widget=AcceptanceDateInput,
    )
    idempotency_key = IdempotencyKeyField()

    @staticmethod
    def initial_for(customer) -> dict:
        """Start from the customer's primary contact (F2, F3)."""
        return {
            "first_name": customer.contact_first_name,
            "last_name": customer.contact_last_name,
            "email": customer.contact_email,
            "phone_number": customer.detail_text("contact_phone"),  # as Account info shows it
        }

    def acceptor(self) -> Acceptor:
        """The acceptor typed; of a form with errors, what did clean (blank otherwise) (R14)."""
        data = self.cleaned_data
        return Acceptor(
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            email=data.get("email", ""),
            phone_number=data.get("phone_number") or "",
            date_agreed=data.get("date_agreed"),
        )
