"""The product catalogue, orders and the subscriptions they create."""

import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from customers.models import Channel

# What an offer id may hold: printable ASCII without spaces (Offer.clean).
OFFER_ID_PATTERN = re.compile(r"[\x21-\x7e]+")


class Offer(models.Model):
    """One product of the catalogue."""

    class BillingType(models.TextChoices):
        LICENSE = "license", _("License-based")
        USAGE = "usage", _("Usage-based")

    id = models.CharField(_("offer ID"), max_length=64, primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    billing_type = models.CharField(_("billing type"), max_length=16, choices=BillingType.choices)
    min_quantity = models.PositiveIntegerField(
        _("minimum quantity"),
        default=1,
        help_text=_("A usage-based offer has no license count: its quantities are set to 1."),
    )
    max_quantity = models.PositiveIntegerField(_("maximum quantity"), default=300)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_quantity__gte=1)
                & models.Q(max_quantity__gte=models.F("min_quantity")),
                name="offer_quantity_bounds",
            ),
            # R9: a usage-based offer has no license count; the catalogue (/v1/offers) says so.
            models.CheckConstraint(
                condition=models.Q(billing_type="license") | models.Q(min_quantity=1, max_quantity=1),
                name="offer_usage_quantity_one",
                violation_error_message=_(
                    "A usage-based offer has no license count: its minimum and maximum quantity are 1."
                ),
            ),
            # Partner Center's offer ids (a GUID, or product:SKU such as CFQ7TTC0LH18:0001) name the
            # same offer in any case; two that differ only in case would be one product listed twice.
            models.UniqueConstraint(
                Lower("id"),
                name="offer_id_unique_ignoring_case",
                violation_error_code="offer_id_taken",
                violation_error_message=_("An offer with this ID already exists (ignoring case)."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        # R9: a usage-based offer's bounds are 1 (the constraint above), whatever a form's defaults
        # (1 to 300) or staff typed: they mean nothing without a license count.
        if not self.is_license_based:
            self.min_quantity = self.max_quantity = 1
        # R9: once ordered, its subscriptions are of its billing type; a change would leave a
        # license count nobody may change, or give an Azure plan one.
        stored = Offer.objects.filter(pk=self.pk).values_list("billing_type", flat=True).first()
        if stored is not None and stored != self.billing_type and self.was_ordered:
            raise ValidationError(
                {
                    "billing_type": ValidationError(
                        _("An offer that was ordered keeps its billing type."), code="billing_type_sold"
                    )
                }
            )
        # R9: a license count stays within its offer's bounds; outside them, F5 and the API
        # would refuse even the count the subscription has. Checked when staff save, not held:
        # a count changed in the same moment is judged by the bounds it read (the services lock
        # the customer, not the offer, which every partner's orders share).
        lowest, highest = self.quantities_in_use if stored is not None else (None, None)
        errors = {}
        if highest is not None and self.max_quantity is not None and self.max_quantity < highest:
            errors["max_quantity"] = ValidationError(
                _(
                    "A subscription of this offer has %(quantity)d licenses: the maximum quantity "
                    "cannot be lower."
                ),
                code="max_below_subscriptions",
                params={"quantity": highest},
            )
        # Partner Center's offer ids are ASCII (a GUID, or PRODUCT:SKU). Beyond ASCII, "unique and
        # found in any case" would hold on PostgreSQL only: SQLite's lower() folds ASCII letters
        # alone, so ÄPFEL:1 and äpfel:1 could both exist and an order for äpfel:1 miss ÄPFEL:1.
        if self.id and not OFFER_ID_PATTERN.fullmatch(self.id):
            errors["id"] = ValidationError(
                _("An offer ID has only ASCII letters, digits and punctuation, as Partner Center's do."),
                code="offer_id_not_ascii",
            )
        if lowest is not None and self.min_quantity is not None and self.min_quantity > lowest:
            errors["min_quantity"] = ValidationError(
                _(
                    "A subscription of this offer has %(quantity)d licenses: the minimum quantity "
                    "cannot be higher."
                ),
                code="min_above_subscriptions",
                params={"quantity": lowest},
            )
        if errors:
            raise ValidationError(errors)

    @property
    def was_ordered(self) -> bool:
        # Every subscription comes from an order line (order_place).
        return OrderLine.objects.filter(offer_id=self.pk).exists()

    @property
    def is_license_based(self) -> bool:
        return self.billing_type == self.BillingType.LICENSE

    @property
    def quantities_in_use(self) -> tuple[int | None, int | None]:
        """The smallest and largest license count of this offer's subscriptions; None when none has one."""
        in_use = Subscription.objects.filter(offer_id=self.pk)
        found = in_use.aggregate(lowest=models.Min("quantity"), highest=models.Max("quantity"))
        return found["lowest"], found["highest"]


class Order(models.Model):
    """An order placed for a customer; only orders.services.order_place creates one."""

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="orders"
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("placed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The id the API and the pages show: a GUID, as Partner Center's order ids are strings,
    # not a number counted across every partner (which told a partner how many orders others placed).
    api_id = models.UUIDField(_("order ID"), default=uuid.uuid4, unique=True, editable=False)
    placed_at = models.DateTimeField(_("placed at"), default=timezone.now)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    client_ip = models.GenericIPAddressField(_("client IP"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=512, blank=True)
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    # Named here: simple-history's own "historical order" is English in every language (R16).
    history = HistoricalRecords(
        excluded_fields=["idempotency_key"],
        verbose_name=_("historical order"),
        verbose_name_plural=_("historical orders"),
    )

    class Meta:
        ordering = ["-placed_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["customer", "-placed_at"], name="order_customer_recent"),
            # The admin's list of every partner's orders, newest first, a page at a time (issue 6).
            models.Index(fields=["-placed_at", "-id"], name="order_recent"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["customer", "idempotency_key"], name="order_once_per_submission")
        ]

    def __str__(self):
        return _("Order %(id)s") % {"id": self.api_id}


class OrderLine(models.Model):
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines")
    line_item_number = models.PositiveIntegerField(_("line item number"))
    offer = models.ForeignKey(Offer, verbose_name=_("offer"), on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        ordering = ["order", "line_item_number"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.UniqueConstraint(fields=["order", "line_item_number"], name="orderline_number_unique"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="orderline_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.line_item_number}: {self.offer_id} × {self.quantity}"


class Subscription(models.Model):
    """A subscription created by an order; license-based ones have a license count (R9)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="subscriptions",
    )
    offer = models.ForeignKey(Offer, verbose_name=_("offer"), on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="subscriptions"
    )
    # The line that created it (the API's lineItems[].subscriptionId); empty for
    # subscriptions that no order line created (imports, demo data).
    order_line = models.ForeignKey(
        OrderLine,
        verbose_name=_("order line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subscriptions",
    )
    # The API's id: a GUID, as Partner Center's subscription ids are (its tools check the form).
    api_id = models.UUIDField(_("subscription ID"), default=uuid.uuid4, unique=True, editable=False)
    # None for usage-based offers: they have no license count.
    quantity = models.PositiveIntegerField(_("license count"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Who made the last write, through which channel and from where (R13); the
    # history keeps every earlier one.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, blank=True)
    client_ip = models.GenericIPAddressField(_("client IP"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=512, blank=True)
    history = HistoricalRecords(
        verbose_name=_("historical subscription"), verbose_name_plural=_("historical subscriptions")
    )

    class Meta:
        ordering = ["customer", "created_at", "id"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        # The admin's list of every partner's subscriptions, newest first, a page at a time (issue 6).
        indexes = [models.Index(fields=["-created_at", "-id"], name="subscription_recent")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__isnull=True) | models.Q(quantity__gte=1),
                name="subscription_quantity_positive",
            )
        ]

    def __str__(self):
        return str(self.offer)

    @property
    def is_license_based(self) -> bool:
        return self.offer.is_license_based
