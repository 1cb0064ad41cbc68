"""Agreement templates and the append-only confirmations of customer acceptance."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

MCA_TEMPLATE_ID = "117a77b0-9360-443b-8795-c6dedc750cf9"
CLOUD_AGREEMENT_TEMPLATE_ID = "998b88de-aa99-4388-a42c-1b3517d49490"


class AgreementType(models.TextChoices):
    MICROSOFT_CUSTOMER_AGREEMENT = "MicrosoftCustomerAgreement", _("Microsoft Customer Agreement")
    MICROSOFT_CLOUD_AGREEMENT = "MicrosoftCloudAgreement", _("Microsoft Cloud Agreement (retired)")


class ConfirmationChannel(models.TextChoices):
    NEW_CUSTOMER = "new-customer", _("New customer")
    ACCOUNT_INFO = "account-info", _("Account info")
    ORDER_PROMPT = "order-prompt", _("Order prompt")
    API = "api", _("API")
    IMPORT = "import", _("Import")
    CUSTOMER_LINK = "customer-link", _("Customer link")


class AgreementTemplate(models.Model):
    """Metadata of one agreement version (Partner Center's agreement metadata)."""

    template_id = models.UUIDField(_("template ID"), unique=True)
    agreement_type = models.CharField(_("agreement type"), max_length=40, choices=AgreementType.choices)
    agreement_link = models.URLField(_("agreement link"))
    version_rank = models.PositiveIntegerField(_("version rank"), default=0)
    published_on = models.DateField(_("published on"))

    class Meta:
        ordering = ["agreement_type", "-version_rank"]
        verbose_name = _("agreement template")
        verbose_name_plural = _("agreement templates")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement_type", "version_rank"], name="template_one_rank_per_type"
            )
        ]

    def __str__(self):
        return f"{self.get_agreement_type_display()} v{self.version_rank} ({self.template_id})"

    def clean(self):
        # R7: a new template of the retired type could never be confirmed; it would only join
        # /v1/agreements' list. The seeded one stays, as do the confirmations that refer to it.
        if self._state.adding and self.agreement_type and not self.is_supported:
            raise ValidationError(
                {
                    "agreement_type": ValidationError(
                        _(
                            "The Microsoft Cloud Agreement is retired: a new template must be of "
                            "the Microsoft Customer Agreement."
                        ),
                        code="retired_type",
                    )
                }
            )

    @property
    def is_supported(self) -> bool:
        """R7: only Microsoft Customer Agreement templates can be confirmed."""
        return self.agreement_type == AgreementType.MICROSOFT_CUSTOMER_AGREEMENT


class AppendOnlyQuerySet(models.QuerySet):
    """R5: bulk updates and deletes are refused like single ones."""

    def update(self, **kwargs):
        raise ConfirmationImmutable()

    def delete(self):
        raise ConfirmationImmutable()

    def bulk_create(
        self, objs, batch_size=None, ignore_conflicts=False, update_conflicts=False, *args, **kwargs
    ):
        # An upsert overwrites the stored row it meets. Django's own signature, so that the flag
        # cannot slip past by position.
        if update_conflicts:
            raise ConfirmationImmutable()
        return super().bulk_create(objs, batch_size, ignore_conflicts, False, *args, **kwargs)


class ConfirmationImmutable(Exception):
    """R5: a confirmation is never edited or deleted."""

    def __init__(self):
        super().__init__(str(_("Confirmations are append-only; they cannot be changed or deleted.")))


class Confirmation(models.Model):
    """One record that a customer accepted an agreement (append-only, R5)."""

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="confirmations",
    )
    # The customer's partner, stored: a partner's newest confirmations are one index range,
    # however many other partners confirm (a customer never changes partner).
    partner = models.ForeignKey(
        "accounts.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,  # confirmation_partner_recent starts with it
    )
    template = models.ForeignKey(
        AgreementTemplate, verbose_name=_("template"), on_delete=models.PROTECT, related_name="+"
    )
    agreement_type = models.CharField(_("agreement type"), max_length=40, choices=AgreementType.choices)
    first_name = models.CharField(_("first name"), max_length=50)
    last_name = models.CharField(_("last name"), max_length=50)
    email = models.EmailField(_("email address"), max_length=254)
    phone_number = PhoneNumberField(_("phone number"), blank=True)
    date_agreed = models.DateField(_("agreement acceptance date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    channel = models.CharField(_("channel"), max_length=16, choices=ConfirmationChannel.choices)
    client_ip = models.GenericIPAddressField(_("client IP"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=512, blank=True)
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        # Django's internal reads and cascades too (`_base_manager`) go through the append-only queryset.
        base_manager_name = "objects"
        verbose_name = _("confirmation")
        verbose_name_plural = _("confirmations")
        indexes = [
            models.Index(fields=["customer", "-recorded_at", "-id"], name="confirmation_history"),
            # The admin's list: newest confirmations first.
            models.Index(fields=["-recorded_at"], name="confirmation_recent"),
            # The home page's recent activity: the partner's newest confirmations.
            models.Index(fields=["partner", "-recorded_at", "-id"], name="confirmation_partner_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "idempotency_key"], name="confirmation_once_per_submission"
            ),
            models.CheckConstraint(
                condition=~models.Q(first_name="") & ~models.Q(last_name="") & ~models.Q(email=""),
                name="confirmation_names_not_blank",
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name} <{self.email}> {self.date_agreed:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ConfirmationImmutable()
        # Only ever an INSERT: a new instance given a stored one's id would otherwise UPDATE it.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ConfirmationImmutable()
