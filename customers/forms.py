"""Customer forms: the new-customer wizard (F1) and the details edit form.

Forms only check the shape of the input; the rules (R1, R2, R6 …) are the
services'. Their ValidationErrors are put next to the fields with
portal.forms.add_service_errors.
"""

from django import forms
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_countries.widgets import LazySelect

from agreements.forms import AcceptanceDateInput
from agreements.services import Acceptor
from customers.models import Customer
from portal.forms import IdempotencyKeyField, PortalForm, replace_posted

# The acceptor's fields of F1 and the service fields they stand for.
ACCEPTOR_FIELDS = {
    "first_name": "acceptor_first_name",
    "last_name": "acceptor_last_name",
    "email": "acceptor_email",
    "phone_number": "acceptor_phone",
    "date_agreed": "date_agreed",
}
# When the acceptor is the primary contact, the acceptor's errors belong to the contact's fields.
CONTACT_FIELDS = {
    "first_name": "contact_first_name",
    "last_name": "contact_last_name",
    "email": "contact_email",
    "phone_number": "contact_phone",
    "date_agreed": "date_agreed",
}


class CountrySelect(LazySelect):
    """django-countries' select, its 250 options written out here instead of one template each.

    Django renders every option through its own template include and builds a dict of
    attributes for each: 9 ms for the country list, more than the rest of a customer
    form. The select and its options are Django's markup but for the whitespace between
    them (crispy-forms names the widget's class in the select's CSS classes, as it does
    for any widget) (issue 6).
    """

    def render(self, name, value, attrs=None, renderer=None):
        values = set(self.format_value(value))
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        found = False
        html = [format_html('<select name="{}"{}>', name, _attributes(attrs))]
        # ChoiceWidget.optgroups' walk through the choices, without a dict per option.
        for group_value, group_label in self.choices:
            if group_value is None:
                group_value = ""
            if isinstance(group_label, (list, tuple)):
                group_name, options = group_value, group_label
            else:
                group_name, options = None, [(group_value, group_label)]
            if group_name:
                html.append(format_html('<optgroup label="{}">', group_name))
            for option_value, label in options:
                option_value = str(option_value)
                selected = (not found or self.allow_multiple_selected) and option_value in values
                found |= selected
                html.append(
                    f'<option value="{escape(option_value)}"{" selected" if selected else ""}>'
                    f"{conditional_escape(label)}</option>"
                )
            if group_name:
                html.append("</optgroup>")
        html.append("</select>")
        return mark_safe("".join(html))


def _attributes(attrs: dict) -> str:
    """Attributes as Django's widget templates write them (django/forms/widgets/attrs.html)."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class RequiredWhenShownMixin:
    """Marked required like every required field, but checked by the form's clean() and only
    when the field is in use: the browser must not insist on a field it hides (F1 *Update*)."""

    def __init__(self, **kwargs):
        super().__init__(required=True, **kwargs)
        self.widget.use_required_attribute = lambda initial: False

    def validate(self, value):
        if value not in self.empty_values:
            super().validate(value)


class AcceptorNameField(RequiredWhenShownMixin, forms.CharField):
    pass


class AcceptorEmailField(RequiredWhenShownMixin, forms.EmailField):
    pass


class CustomerDetailsForm(PortalForm):
    """Company details, address and primary contact: what an agent may edit."""

    company_name = forms.CharField(label=_("Company name"), max_length=200)
    email = forms.EmailField(label=_("Billing email (optional)"), max_length=254, required=False)
    address_line1 = forms.CharField(label=_("Address line 1"), max_length=200)
    address_line2 = forms.CharField(label=_("Address line 2 (optional)"), max_length=200, required=False)
    city = forms.CharField(label=_("City"), max_length=100)
    state = forms.CharField(label=_("State or province (optional)"), max_length=100, required=False)
    postal_code = forms.CharField(label=_("Postal code (optional)"), max_length=20, required=False)
    country = Customer._meta.get_field("country").formfield(label=_("Country"), widget=CountrySelect)
    contact_first_name = forms.CharField(label=_("First name"), max_length=50)
    contact_last_name = forms.CharField(label=_("Last name"), max_length=50)
    contact_email = forms.EmailField(label=_("Email address"), max_length=254)
    contact_phone = forms.CharField(
        label=_("Phone number (optional)"),
        max_length=40,
        required=False,
        help_text=_("Valid for the customer's country; stored in international format."),
    )

    COMPANY = ("company_name", "email")
    ADDRESS = ("address_line1", "address_line2", "city", "state", "postal_code", "country")
    CONTACT = ("contact_first_name", "contact_last_name", "contact_email", "contact_phone")

    @classmethod
    def initial_from(cls, customer: Customer) -> dict:
        return {name: customer.detail_text(name) for name in CustomerDetailsForm.base_fields}

    def details(self) -> dict:
        """The cleaned values, keyed as customer_create and customer_update expect them.

        Of a form with errors, the fields that did clean: the views judge them by the rules too (R14).
        """
        return {
            name: self.cleaned_data[name]
            for name in CustomerDetailsForm.base_fields
            if name in self.cleaned_data
        }


class CustomerEditForm(CustomerDetailsForm):
    """The edit form: it posts back, beside each field, the value it was drawn with (Django's
    hidden initial, which crispy's field templates render), so that only what the agent changed
    is saved and a field someone else changed meanwhile is not overwritten unseen."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.show_hidden_initial = True

    def _shown_posted(self) -> bool:
        return all(self[name].html_initial_name in self.data for name in self.fields)

    def changes(self) -> tuple[dict, dict | None]:
        """The details the agent changed and the values they were shown, for customer_update.

        A post without the shown values (a script) changes every detail, as before.
        """
        details = self.details()
        if not self._shown_posted():
            return details, None
        changed = {name: value for name, value in details.items() if name in self.changed_data}
        seen = {name: self.data[self[name].html_initial_name] for name in changed}
        return changed, seen

    def show_stored(self, customer: Customer, conflicts) -> None:
        """After a refusal for changes made meanwhile: the fields the agent left alone and the
        conflicting ones' shown values become what is stored now; what the agent typed stays."""
        shown = {}
        for name in self.fields:
            stored = customer.detail_text(name)
            if name not in self.changed_data:
                shown[self.add_prefix(name)] = stored
            if name not in self.changed_data or name in conflicts:
                shown[self[name].html_initial_name] = stored
        replace_posted(self, shown)


class NewCustomerForm(CustomerDetailsForm):
    """F1 step 1, *Account info*: the customer and, in the public cloud, the MCA section."""

    domain = forms.CharField(
        label=_("Domain prefix"),
        max_length=64,
        help_text=_(
            "Letters and digits only; the domain is prefix.onmicrosoft.com and cannot be changed later."
        ),
    )
    accepted = forms.BooleanField(
        label=_("Customer has accepted the latest Microsoft Customer Agreement"),
        error_messages={
            "required": _("Confirm that the customer has accepted the Microsoft Customer Agreement.")
        },
    )
    date_agreed = forms.DateField(label=_("Agreement acceptance date"), widget=AcceptanceDateInput)
    acceptor_update = forms.BooleanField(
        label=_("Update"),
        required=False,
        help_text=_("The acceptor is the primary contact unless you enter someone else."),
    )
    acceptor_first_name = AcceptorNameField(label=_("First name"), max_length=50)
    acceptor_last_name = AcceptorNameField(label=_("Last name"), max_length=50)
    acceptor_email = AcceptorEmailField(label=_("Email address"), max_length=254)
    acceptor_phone = forms.CharField(label=_("Phone number (optional)"), max_length=40, required=False)
    idempotency_key = IdempotencyKeyField()

    COMPANY = ("company_name", "domain", "email")
    AGREEMENT = ("accepted", "date_agreed")
    ACCEPTOR = ("acceptor_first_name", "acceptor_last_name", "acceptor_email", "acceptor_phone")

    def __init__(self, *args, agreements_available: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreements_available = agreements_available
        if not agreements_available:
            # R10: outside the public cloud the customer is created without the MCA section.
            for name in (*self.AGREEMENT, "acceptor_update", *self.ACCEPTOR):
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        if self.agreements_available and cleaned.get("acceptor_update"):
            for name in ("acceptor_first_name", "acceptor_last_name", "acceptor_email"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, forms.ValidationError(_("This field is required."), code="required"))
        return cleaned

    @property
    def acceptor_is_contact(self) -> bool:
        return not self.cleaned_data.get("acceptor_update")

    def acceptor(self) -> Acceptor | None:
        """Who accepted: the primary contact unless *Update* was ticked; None outside the public cloud.

        Of a form with errors, what did clean (blank otherwise), for the views to judge (R14).
        """
        if not self.agreements_available:
            return None
        data = self.cleaned_data
        prefix = "contact" if self.acceptor_is_contact else "acceptor"
        return Acceptor(
            first_name=data.get(f"{prefix}_first_name", ""),
            last_name=data.get(f"{prefix}_last_name", ""),
            email=data.get(f"{prefix}_email", ""),
            phone_number=data.get(f"{prefix}_phone") or "",
            date_agreed=data.get("date_agreed"),
        )

    def acceptor_field_map(self) -> dict[str, str]:
        """Where the service's acceptor errors go on this form."""
        return CONTACT_FIELDS if self.acceptor_is_contact else ACCEPTOR_FIELDS

    def details(self) -> dict:
        domain = {"domain": self.cleaned_data["domain"]} if "domain" in self.cleaned_data else {}
        return {**super().details(), **domain}
