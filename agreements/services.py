"""Every write of a confirmation goes through confirmation_record (R1–R7, R10, R13, R15)."""

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import AgreementTemplate, Confirmation, ConfirmationChannel
from agreements.selectors import confirmation_from_submission, template_latest_mca
from customers.locks import customer_lock_for_update
from customers.models import Customer
from customers.validators import phone_normalize, refuse_nul, text_trim
from portal.audit import Actor
from portal.once import SubmissionReused

NAME_MAX_LENGTH = 50


class AgreementsUnavailable(Exception):
    """R10: agreements exist only in the public cloud."""

    def __init__(self):
        super().__init__(str(_("Agreements are not available in this cloud.")))


class ConfirmNotAllowed(PermissionDenied):
    """R3: only admin agents and sales agents may confirm."""

    code = "role"
    default_message = _(
        "Only admin agents and sales agents can confirm that a customer accepted the "
        "Microsoft Customer Agreement."
    )

    def __init__(self, message=None):
        super().__init__(str(message or self.default_message))


class ResellerCannotConfirm(ConfirmNotAllowed):
    """R4: indirect resellers ask their indirect provider."""

    code = "reseller"
    default_message = _(
        "Indirect resellers cannot confirm customer acceptance. Ask your indirect provider "
        "to confirm that the customer accepted the Microsoft Customer Agreement."
    )


@dataclass(frozen=True)
class Acceptor:
    """Who accepted, and when (R1, R2). date_agreed may be an aware datetime (API)."""

    first_name: str
    last_name: str
    email: str
    phone_number: str
    date_agreed: datetime.date | datetime.datetime


def agreements_available() -> bool:
    """R10: agreements, and with them the gates R8 and R9, exist only in the public cloud."""
    return settings.PORTAL_CLOUD == "public"


def ensure_agreements_available() -> None:
    if not agreements_available():
        raise AgreementsUnavailable()


def confirm_refusal(user) -> ConfirmNotAllowed | None:
    """Why this user may not confirm (R3, R4), or None when they may."""
    if not user.has_perm("agreements.add_confirmation") or user.partner_id is None:
        return ConfirmNotAllowed()
    if not user.partner.can_confirm_agreements:
        return ResellerCannotConfirm()
    return None


def ensure_may_confirm(user) -> None:
    refusal = confirm_refusal(user)
    if refusal is not None:
        raise refusal


def _clean_date_agreed(value, *, user, template: AgreementTemplate) -> datetime.date:
    """R2: not later than today in the user's time zone, not before publication.

    An aware datetime (API) is a moment: it must not be later than now, and its
    date is the one in the sender's offset, which may already be tomorrow in
    the user's time zone (12:00+14:00 on the 25th is 22:00 UTC on the 24th).
    Dates in messages are ISO 8601, which reads the same in every locale.
    """
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        if value > timezone.now():
            raise ValidationError(
                {
                    "date_agreed": ValidationError(
                        _("The agreement acceptance date cannot be in the future."),
                        code="future_date",
                    )
                }
            )
        value = _as_date(value)
    else:
        value = _as_date(value)
        today = timezone.localdate(timezone=user.zoneinfo)
        if value > today:
            raise ValidationError(
                {
                    "date_agreed": ValidationError(
                        _(
                            "The agreement acceptance date cannot be later than today "
                            "(%(today)s in your time zone, %(zone)s)."
                        ),
                        code="future_date",
                        params={"today": today.isoformat(), "zone": user.time_zone},
                    )
                }
            )
    if value < template.published_on:
        raise ValidationError(
            {
                "date_agreed": ValidationError(
                    _(
                        "The agreement acceptance date cannot be earlier than "
                        "%(published)s, when this agreement version was published."
                    ),
                    code="before_publication",
                    params={"published": template.published_on.isoformat()},
                )
            }
        )
    return value


def _same_acceptor(current: Confirmation | None, candidate: Confirmation | Acceptor) -> bool:
    """R6: the same first name, last name, email and phone as the current confirmation."""
    if current is None:
        return False
    return (
        current.first_name == candidate.first_name
        and current.last_name == candidate.last_name
        and current.email.casefold() == candidate.email.casefold()
        and str(current.phone_number or "") == str(candidate.phone_number or "")
    )


def _as_date(value) -> datetime.date | None:
    """An acceptance date as stored: a date-time's date in its own offset."""
    return value.date() if isinstance(value, datetime.datetime) else value


def _acceptor_matches(stored: Confirmation, acceptor: Acceptor, country) -> bool:
    """Whether `acceptor` is what `stored` recorded: R6's four fields and the acceptance date."""
    try:
        phone = phone_normalize(raw=acceptor.phone_number, country=country, field="phone_number")
    except ValidationError:
        return False
    first_name, last_name, email = _trimmed(acceptor)
    candidate = Confirmation(first_name=first_name, last_name=last_name, email=email, phone_number=phone)
    return _same_acceptor(stored, candidate) and stored.date_agreed == _as_date(acceptor.date_agreed)


def _trimmed(acceptor: Acceptor) -> tuple[str, str, str]:
    """R1: the acceptor's first name, last name and email, trimmed (blank when missing)."""
    return tuple(text_trim(value) for value in (acceptor.first_name, acceptor.last_name, acceptor.email))


def confirmation_submitted(
    *,
    customer: Customer,
    idempotency_key: uuid.UUID | None,
    acceptor: Acceptor | None,
    template: AgreementTemplate | None = None,
    agreement_type: str | None = None,
) -> Confirmation | None:
    """What an earlier submission with this key recorded for the customer, when this one is the
    same again (a double-click, a retry); None when the key recorded nothing. Other details under
    the key (a form changed after Back, a reused MS-RequestId) raise SubmissionReused (R15).
    """
    existing = confirmation_from_submission(customer=customer, idempotency_key=idempotency_key)
    if existing is None:
        return None
    same = (
        acceptor is not None
        and existing.template_id == (template or template_latest_mca()).pk
        and agreement_type in (None, existing.agreement_type)
        and _acceptor_matches(existing, acceptor, customer.country)
    )
    if not same:
        raise SubmissionReused()
    return existing


def template_for_confirmation(template: AgreementTemplate | None = None) -> AgreementTemplate:
    """R7: the given template, or the latest MCA; the retired Cloud Agreement is refused."""
    template = template or template_latest_mca()
    if template is None or not template.is_supported:
        raise ValidationError(
            {
                "template": ValidationError(
                    _(
                        "The Microsoft Cloud Agreement is no longer supported; "
                        "confirm the Microsoft Customer Agreement instead."
                    ),
                    code="template_retired",
                )
            }
        )
    return template


def acceptor_validate(*, user, acceptor: Acceptor, country, template: AgreementTemplate) -> Acceptor:
    """Check R1 and R2 for one acceptor; return it trimmed, phone in E.164, date as a date.

    Every bad field is reported at once (keys first_name, last_name, email,
    phone_number, date_agreed). Forms call it to report errors early (F1's
    *Next*); confirmation_record calls it before it stores anything.
    """
    errors: dict[str, list[ValidationError]] = {}
    first_name, last_name, email = _trimmed(acceptor)
    for field, value in (("first_name", first_name), ("last_name", last_name), ("email", email)):
        if not value:
            errors[field] = [ValidationError(_("This field is required."), code="required")]
    refuse_nul({"first_name": first_name, "last_name": last_name, "email": email}, errors)
    for field, value in (("first_name", first_name), ("last_name", last_name)):
        if len(value) > NAME_MAX_LENGTH:
            errors[field] = [
                ValidationError(
                    _("Enter at most %(max)d characters."), code="max_length", params={"max": NAME_MAX_LENGTH}
                )
            ]
    if email and "email" not in errors:
        try:
            Confirmation._meta.get_field("email").clean(email, None)
        except ValidationError as exc:
            errors["email"] = exc.error_list
    try:
        phone = phone_normalize(raw=acceptor.phone_number, country=country, field="phone_number")
    except ValidationError as exc:
        errors.update(exc.error_dict)
        phone = ""
    date_agreed = None
    if acceptor.date_agreed is None:
        errors["date_agreed"] = [ValidationError(_("This field is required."), code="required")]
    else:
        try:
            date_agreed = _clean_date_agreed(acceptor.date_agreed, user=user, template=template)
        except ValidationError as exc:
            errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    return Acceptor(first_name, last_name, email, phone, date_agreed)


def confirmation_validate(*, user, customer: Customer, acceptor: Acceptor) -> None:
    """Raise the ValidationError confirmation_record would raise for this acceptor (R1, R2, R6);
    record nothing. A form shown again after a language switch is judged by it (R16)."""
    template = template_for_confirmation()
    cleaned = acceptor_validate(user=user, acceptor=acceptor, country=customer.country, template=template)
    if _same_acceptor(customer.current_confirmation, cleaned):
        raise _duplicate()


def _duplicate() -> ValidationError:
    """R6's refusal."""
    return ValidationError(
        _(
            "This customer's current confirmation already has this acceptor "
            "(first name, last name, email address and phone number). Nothing was recorded."
        ),
        code="duplicate",
    )


@transaction.atomic
def confirmation_record(
    *,
    actor: Actor,
    customer: Customer,
    acceptor: Acceptor,
    channel: str,
    template: AgreementTemplate | None = None,
    idempotency_key: uuid.UUID | None = None,
    agreement_type: str | None = None,
) -> Confirmation:
    """Record that the customer accepted the agreement, making it the current confirmation.

    agreement_type, when given (the API's `type`), must be the template's type:
    the stored type follows the template (R7). A repeated submission (same
    idempotency key) returns the confirmation it created the first time (R15).
    """
    ensure_agreements_available()
    user = actor.user
    ensure_may_confirm(user)
    # The row lock serialises confirmations with each other and with order_place (R8).
    customer = customer_lock_for_update(customer=customer, user=user)
    existing = confirmation_submitted(
        customer=customer,
        idempotency_key=idempotency_key,
        acceptor=acceptor,
        template=template,
        agreement_type=agreement_type,
    )
    if existing is not None:
        return existing

    template = template_for_confirmation(template)
    if agreement_type is not None and agreement_type != template.agreement_type:
        raise ValidationError(
            {
                "agreement_type": ValidationError(
                    _("%(type)s does not match the agreement template, which is a %(template_type)s."),
                    code="type_mismatch",
                    params={"type": agreement_type, "template_type": template.agreement_type},
                )
            }
        )
    cleaned = acceptor_validate(user=user, acceptor=acceptor, country=customer.country, template=template)
    confirmation = Confirmation(
        customer=customer,
        partner_id=customer.partner_id,
        template=template,
        agreement_type=template.agreement_type,
        first_name=cleaned.first_name,
        last_name=cleaned.last_name,
        email=cleaned.email,
        phone_number=cleaned.phone_number,
        date_agreed=cleaned.date_agreed,
        recorded_by=user,
        recorded_at=timezone.now(),
        channel=channel,
        client_ip=actor.client_ip,
        user_agent=(actor.user_agent or "")[:512],
        idempotency_key=idempotency_key,
    )
    # Field validation only: the idempotency key was looked up above under the row lock, and the
    # database holds the check constraints; checking them here would be three more statements
    # while every other writer waits (SQLite locks the whole database).
    confirmation.full_clean(
        exclude=["customer", "partner", "template", "recorded_by"],
        validate_unique=False,
        validate_constraints=False,
    )
    if _same_acceptor(customer.current_confirmation, confirmation):
        raise _duplicate()
    confirmation.save()
    customer.current_confirmation = confirmation
    customer._history_user = user  # scripts outside a request still name the user (R13)
    customer.save(update_fields=["current_confirmation"])
    return confirmation


__all__ = [
    "Acceptor",
    "acceptor_validate",
    "template_for_confirmation",
    "AgreementsUnavailable",
    "ConfirmNotAllowed",
    "ConfirmationChannel",
    "ResellerCannotConfirm",
    "agreements_available",
    "confirm_refusal",
    "confirmation_submitted",
    "confirmation_record",
    "confirmation_validate",
    "ensure_may_confirm",
]
