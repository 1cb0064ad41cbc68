"""Reads of agreement templates and confirmations."""

import uuid

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import AgreementTemplate, AgreementType, Confirmation


def template_latest_mca() -> AgreementTemplate:
    """R7: the UI always confirms the latest published MCA template (highest versionRank).

    A version published later than today is not yet in force: nobody can have accepted it
    (R2 bounds the date by the publication), so it waits until its day comes.
    """
    return (
        AgreementTemplate.objects.filter(
            agreement_type=AgreementType.MICROSOFT_CUSTOMER_AGREEMENT,
            published_on__lte=timezone.localdate(),
        )
        .order_by("-version_rank")
        .first()
    )


def template_list(*, agreement_type: str | None = None) -> QuerySet[AgreementTemplate]:
    """Published templates of one type, or all when agreement_type is None.

    A version published later than today is left out, as the UI leaves it (template_latest_mca).
    """
    qs = AgreementTemplate.objects.filter(published_on__lte=timezone.localdate()).order_by(
        "agreement_type", "-version_rank"
    )
    if agreement_type:
        qs = qs.filter(agreement_type=agreement_type)
    return qs


def template_get(*, template_id) -> AgreementTemplate:
    """Look a template up by its templateId; an unknown or malformed one is a ValidationError."""
    try:
        return AgreementTemplate.objects.get(template_id=uuid.UUID(str(template_id)))
    except (ValueError, TypeError, AttributeError, AgreementTemplate.DoesNotExist):
        raise ValidationError(
            {"template": ValidationError(_("Unknown agreement template."), code="template_unknown")}
        ) from None


def confirmation_history(*, customer, agreement_type: str | None = None) -> QuerySet[Confirmation]:
    """The customer's confirmations, newest first (R5, F4)."""
    qs = Confirmation.objects.filter(customer=customer).select_related("template", "recorded_by")
    if agreement_type:
        qs = qs.filter(agreement_type=agreement_type)
    return qs.order_by("-recorded_at", "-id")


def confirmation_recent(*, user, limit: int = 5) -> list[Confirmation]:
    """The partner's newest confirmations with customer and recorder (home page's recent activity)."""
    if not user.partner_id:
        return []
    return list(
        Confirmation.objects.filter(partner_id=user.partner_id)
        .select_related("customer", "recorded_by", "template")
        .order_by("-recorded_at", "-id")[:limit]
    )


def confirmation_from_submission(*, customer, idempotency_key) -> Confirmation | None:
    """The confirmation an earlier post of the same form recorded for this customer (R15), if any."""
    if idempotency_key is None:
        return None
    return Confirmation.objects.filter(customer=customer, idempotency_key=idempotency_key).first()
