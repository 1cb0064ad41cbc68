"""Order and license-count forms: they read input; order_place and subscription_set_quantity decide."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from orders.models import Offer
from orders.selectors import offer_list
from orders.services import LineItem
from portal.forms import IdempotencyKeyField, PortalForm

FIELD_PREFIX = "quantity__"
OFFER_ID_MAX = Offer._meta.get_field("id").max_length


def offer_field_name(offer_id: str) -> str:
    return f"{FIELD_PREFIX}{offer_id}"


class WholeNumberInput(forms.TextInput):
    """A whole number typed as text, with the phone's number pad.

    A browser sends what was typed in a number input only when it reads as a number, and
    nothing otherwise: "1-2" came as blank, its product left out of the order (R14).
    """

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "autocomplete": "off", **(attrs or {})})


class OrderForm(PortalForm):
    """One row per offer: a quantity for license-based offers, a checkbox for usage-based ones.

    A blank quantity (or an unticked box) leaves the offer out of the order; the
    bounds are order_place's to check, so that every caller gets the same message.
    """

    idempotency_key = IdempotencyKeyField()

    def __init__(self, *args, offers: list[Offer], **kwargs):
        super().__init__(*args, **kwargs)
        self.offers = offers
        for offer in offers:
            if offer.is_license_based:
                field = forms.IntegerField(
                    label=_("Quantity of %(offer)s") % {"offer": offer.name},
                    required=False,
                    widget=WholeNumberInput(attrs={"class": "form-control quantity-input"}),
                )
            else:
                # Usage-based offers have no quantity (R9): ordered or not.
                field = forms.BooleanField(
                    label=_("Add %(offer)s") % {"offer": offer.name},
                    required=False,
                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
                )
            self.fields[offer_field_name(offer.id)] = field

    def clean(self):
        cleaned = super().clean()
        # An offer withdrawn from the catalogue since the form (or the saved draft) was filled in
        # has no field any more: say so, rather than placing the order without it (R14).
        for name in self.withdrawn_offers.values():
            self.add_error(
                None,
                ValidationError(
                    _(
                        "%(offer)s can no longer be ordered, so it was taken out of this order. "
                        "Check the order and place it again."
                    ),
                    code="offer_withdrawn",
                    params={"offer": name},
                ),
            )
        return cleaned

    @cached_property
    def withdrawn_offers(self) -> dict[str, str]:
        """id → name of the catalogue's offers chosen in the data that are no longer offered.

        Keys naming no offer at all (typed by hand) are ignored, as any other unknown field.
        """
        wanted = [
            name.removeprefix(FIELD_PREFIX)
            for name in self.data
            if name.startswith(FIELD_PREFIX)
            and name not in self.fields
            and self.data.get(name) not in ("", None)
        ]
        wanted = [offer_id for offer_id in wanted if len(offer_id) <= OFFER_ID_MAX and "\x00" not in offer_id]
        if not wanted:
            return {}
        found = offer_list(active_only=False).filter(id__in=wanted, is_active=False)
        return dict(sorted(found.values_list("id", "name")))

    def rows(self):
        """(offer, bound field) per offer, in catalogue order, for the template."""
        return [(offer, self[offer_field_name(offer.id)]) for offer in self.offers]

    def line_items(self) -> tuple[list[LineItem], list[str]]:
        """The chosen lines and, index for index, the form field each came from."""
        lines, fields = [], []
        for offer in self.offers:
            name = offer_field_name(offer.id)
            value = self.cleaned_data.get(name)
            if offer.is_license_based:
                if value is None:
                    continue
                quantity = value
            else:
                if not value:
                    continue
                quantity = None
            lines.append(LineItem(offer_id=offer.id, quantity=quantity, line_item_number=len(lines)))
            fields.append(name)
        return lines, fields

    def draft(self) -> dict[str, str]:
        """What the agent typed, as typed, to keep across the confirmation prompt (F3).

        A withdrawn offer's choice is kept too, so that the order shown on return names it.
        """
        kept = [*self.fields, *(offer_field_name(offer_id) for offer_id in self.withdrawn_offers)]
        return {
            name: self.data.get(name, "")
            for name in kept
            if name.startswith(FIELD_PREFIX) and self.data.get(name, "") not in ("", None)
        }


class LicenseCountForm(PortalForm):
    """F5: the new license count of one license-based subscription."""

    quantity = forms.IntegerField(
        label=_("New license count"),
        widget=WholeNumberInput(),
    )
    # The count the page showed: a change made meanwhile by someone else is not overwritten unseen.
    seen_quantity = forms.Field(required=False, widget=forms.HiddenInput)

    def clean_seen_quantity(self) -> int | None:
        # Not the agent's input: an unreadable one (a tampered page) only loses the check (R14).
        try:
            return int(self.cleaned_data["seen_quantity"])
        except (TypeError, ValueError):
            return None
