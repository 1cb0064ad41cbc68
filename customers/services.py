"""Every write of a customer goes through these functions (F1, R13, R15)."""

import copy
import uuid
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from agreements.models import ConfirmationChannel
from agreements.services import Acceptor, confirmation_record, confirmation_submitted
from customers.models import Channel, Customer
from customers.selectors import customer_from_submission
from customers.validators import domain_normalize, phone_normalize, refuse_nul, text_trim
from portal.audit import Actor
from portal.once import CHANGED_MEANWHILE, SubmissionReused

# The fields an agent types; everything else is Accord's to set.
CUSTOMER_FIELDS = (
    "company_name",
    "domain",
    "email",
    "culture",
    "language",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "postal_code",
    "country",
    "contact_first_name",
    "contact_last_name",
    "contact_email",
    "contact_phone",
)
EDITABLE_FIELDS = tuple(f for f in CUSTOMER_FIELDS if f != "domain")


def _clean_details(details: dict) -> dict:
    cleaned = {}
    for name, value in details.items():
        if name not in CUSTOMER_FIELDS:
            raise TypeError(f"unknown customer field {name!r}")
        cleaned[name] = text_trim(value) if isinstance(value, str) else value
    if "domain" in cleaned:
        cleaned["domain"] = domain_normalize(cleaned["domain"])
    return cleaned


def _judges_phone(customer: Customer) -> bool:
    # A number is valid or not for a country: without a known one only the country is named,
    # not the number as invalid "for ," (R14).
    return customer.country.code in countries


def _apply_phone(customer: Customer, errors: dict) -> None:
    if not _judges_phone(customer):
        return
    try:
        customer.contact_phone = phone_normalize(
            raw=customer.contact_phone, country=customer.country, field="contact_phone"
        )
    except ValidationError as exc:
        errors.update(exc.error_dict)


def _validate(customer: Customer, errors: dict, exclude=()) -> None:
    if not _judges_phone(customer):
        exclude = [*exclude, "contact_phone"]
    try:
        customer.full_clean(exclude=[*errors.keys(), *exclude, "partner"])
    except ValidationError as exc:
        for field, field_errors in exc.error_dict.items():
            errors.setdefault(field, []).extend(field_errors)
    if errors:
        raise ValidationError(errors)


def _new_customer(*, user, channel: str, idempotency_key, details: dict) -> Customer:
    """Build an unsaved customer of the user's partner; raise every field error at once."""
    cleaned = _clean_details(details)
    customer = Customer(
        partner_id=user.partner_id,
        created_by=user,
        created_channel=channel,
        idempotency_key=idempotency_key,
        **cleaned,
    )
    errors: dict = {}
    refuse_nul(cleaned, errors)
    _apply_phone(customer, errors)
    _validate(customer, errors)
    return customer


def _ensure_may_create(user) -> None:
    if not user.has_perm("customers.add_customer") or user.partner_id is None:
        raise PermissionDenied(_("You do not have permission to create customers."))


def customer_validate(*, actor: Actor, channel: str = Channel.WEB, **details) -> None:
    """Raise the ValidationError customer_create would raise for these details; store nothing.

    F1's *Next* calls it so that errors are shown on the first step, not only at the end.
    """
    _ensure_may_create(actor.user)
    _new_customer(user=actor.user, channel=channel, idempotency_key=None, details=details)


@transaction.atomic
def customer_create(
    *,
    actor: Actor,
    channel: str = Channel.WEB,
    acceptor: Acceptor | None = None,
    confirmation_channel: str = ConfirmationChannel.NEW_CUSTOMER,
    idempotency_key: uuid.UUID | None = None,
    **details,
) -> Customer:
    """Create a customer for the actor's partner, with its confirmation when given (F1).

    The customer and the confirmation are written in one transaction: if the
    confirmation is refused, no customer is left behind. A repeated submission
    (same idempotency key) returns the customer it created the first time (R15).
    """
    user = actor.user
    _ensure_may_create(user)
    existing = customer_from_submission(user=user, idempotency_key=idempotency_key)
    if existing is not None:
        return submitted_customer(existing, details, acceptor)

    try:
        customer = _new_customer(user=user, channel=channel, idempotency_key=idempotency_key, details=details)
    except ValidationError:
        # The same submission, a moment ahead (a double-click, a retry), has just taken this domain:
        # answer with what it created, not with "already exists" (R15).
        existing = customer_from_submission(user=user, idempotency_key=idempotency_key)
        if existing is not None:
            return submitted_customer(existing, details, acceptor)
        raise
    customer._history_user = user  # R13: scripts and imports have no request for the history middleware
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError:
        # Lost a race with the same submission or the same domain.
        existing = customer_from_submission(user=user, idempotency_key=idempotency_key)
        if existing is not None:
            return submitted_customer(existing, details, acceptor)
        taken = Customer._meta.get_field("domain").error_messages["unique"]
        raise ValidationError({"domain": ValidationError(taken, code="unique")}) from None
    if acceptor is not None:
        confirmation_record(
            actor=actor,
            customer=customer,
            acceptor=acceptor,
            channel=confirmation_channel,
            idempotency_key=idempotency_key,
        )
        customer.refresh_from_db()
    return customer


def submitted_customer(existing: Customer, details: dict, acceptor: Acceptor | None = None) -> Customer:
    """The customer an earlier submission with this key created, when these details and acceptor
    are what it recorded (written any way that stores the same); SubmissionReused otherwise (R15)."""
    cleaned = _clean_details(details)
    candidate = Customer(**{name: getattr(existing, name) for name in CUSTOMER_FIELDS})
    for name, value in cleaned.items():
        setattr(candidate, name, value)
    unreadable: dict = {}
    _apply_phone(candidate, unreadable)
    same = not unreadable and all(
        candidate.detail_text(name) == existing.detail_text(name) for name in cleaned
    )
    if not same:
        raise SubmissionReused()
    # The acceptor the key recorded with it, if any (F1 confirms with the latest template).
    if acceptor is not None:
        recorded = confirmation_submitted(
            customer=existing, idempotency_key=existing.idempotency_key, acceptor=acceptor
        )
        if recorded is None:
            raise SubmissionReused()
    return existing


def customer_update_validate(*, customer: Customer, **changes) -> None:
    """Raise the ValidationError customer_update would raise for these changes; store nothing.

    The edit form calls it for the fields that cleaned when others did not, so that every
    bad field is reported at once (R14).
    """
    _changed(copy.copy(customer), changes)


def _changed(customer: Customer, changes: dict) -> Customer:
    """The customer with these changes applied and checked; raise every field error at once."""
    cleaned = _clean_details(changes)
    if "domain" in cleaned:
        raise ValidationError(
            {"domain": ValidationError(_("The domain cannot be changed."), code="immutable")}
        )
    for name, value in cleaned.items():
        setattr(customer, name, value)
    errors: dict = {}
    refuse_nul(cleaned, errors)
    _apply_phone(customer, errors)
    _validate(customer, errors)
    return customer


def _shows(customer: Customer, name: str, text: str) -> bool:
    """Whether `text` is this detail as an edit form showed it: a phone by its value, so that a form
    drawn with another format (E.164, before a deploy) still reads the same number."""
    if customer.detail_text(name) == text:
        return True
    if name != "contact_phone" or not text or not customer.contact_phone:
        return False
    try:
        shown = phone_normalize(raw=text, country=customer.country, field=name)
    except ValidationError:
        return False
    return shown == customer.contact_phone.as_e164


class CustomerUpdate(NamedTuple):
    """What customer_update did: the customer as stored now, and whether anything was written."""

    customer: Customer
    written: bool


@transaction.atomic
def customer_update(
    *, actor: Actor, customer: Customer, channel: str, seen: dict[str, str] | None = None, **changes
) -> CustomerUpdate:
    """Change a customer's details (not its domain, tenant id or confirmation).

    Partner users edit their own partner's customers; staff (no partner) edit any
    through the Django admin. The customer and its history record who and
    through which channel (R13).

    `seen` holds, for fields in `changes`, the value the editor was shown (as
    `Customer.detail_text` writes it). Only `changes` are written, so what others changed
    meanwhile in other fields stays; a field someone else changed meanwhile to
    something else is refused with its value now, and nothing is saved.
    """
    user = actor.user
    own = user.partner_id is not None and customer.partner_id == user.partner_id
    staff = user.is_staff and user.partner_id is None
    if not user.has_perm("customers.change_customer") or not (own or staff):
        raise PermissionDenied(_("You do not have permission to edit this customer."))
    stored = Customer.objects.select_for_update().get(pk=customer.pk)
    before = copy.copy(stored)
    customer = _changed(stored, changes)
    conflicts = {
        name: ValidationError(
            _(
                "Someone changed this to “%(current)s” after you opened the page. "
                "Save again to replace it with what you entered."
            ),
            code=CHANGED_MEANWHILE,
            params={"current": before.detail_display(name) or "—"},
        )
        for name in changes
        if seen is not None
        and name in seen
        and not _shows(before, name, seen[name])
        and customer.detail_text(name) != before.detail_text(name)
    }
    if conflicts:
        raise ValidationError(conflicts)
    if all(customer.detail_text(name) == before.detail_text(name) for name in changes):
        # The same values written another way ("(425) 555-0100"): nothing to record (R13).
        return CustomerUpdate(customer, written=False)
    customer.updated_by = user
    customer.updated_channel = channel
    customer._history_user = user
    customer._change_reason = channel
    customer.save()
    return CustomerUpdate(customer, written=True)
