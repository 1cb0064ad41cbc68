"""Customers: the customer tenants of one partner."""

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

DOMAIN_SUFFIX = ".onmicrosoft.com"

domain_validator = RegexValidator(
    regex=r"^[a-z0-9]{1,27}\.onmicrosoft\.com\Z",
    message=_("Enter a domain prefix of 1 to 27 letters or digits (prefix.onmicrosoft.com)."),
    code="invalid_domain",
)


class Channel(models.TextChoices):
    """Through which door a write came in (R13)."""

    WEB = "web", _("Web")
    API = "api", _("API")
    ADMIN = "admin", _("Admin")
    IMPORT = "import", _("Import")


class AgreementStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    REQUIRED = "required", _("Required")


class CustomerQuerySet(models.QuerySet):
    def with_agreement(self):
        """Fetch the current confirmation in the same query (no query per row)."""
        return self.select_related("current_confirmation", "current_confirmation__template")

    def with_status(self, status: str):
        if status == AgreementStatus.CONFIRMED:
            return self.filter(current_confirmation__isnull=False)
        if status == AgreementStatus.REQUIRED:
            return self.filter(current_confirmation__isnull=True)
        return self


class Customer(models.Model):
    """A customer tenant of one partner."""

    partner = models.ForeignKey(
        "accounts.Partner", verbose_name=_("partner"), on_delete=models.PROTECT, related_name="customers"
    )
    tenant_id = models.UUIDField(_("tenant ID"), default=uuid.uuid4, unique=True, editable=False)
    company_name = models.CharField(_("company name"), max_length=200)
    domain = models.CharField(
        _("domain"),
        max_length=64,
        unique=True,
        validators=[domain_validator],
        # Django's own wording ("Customer with this Domain already exists.", 具有 域 的 客户 已存在。) read
        # like a template in both languages and gave no way on.
        error_messages={"unique": _("This domain is already in use. Choose another prefix.")},
    )
    email = models.EmailField(_("billing email"), max_length=254, blank=True)
    culture = models.CharField(_("culture"), max_length=16, default="en-US")
    language = models.CharField(_("language"), max_length=16, default="en")
    address_line1 = models.CharField(_("address line 1"), max_length=200)
    address_line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100)
    state = models.CharField(_("state or province"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = CountryField(_("country"))
    contact_first_name = models.CharField(_("first name"), max_length=50)
    contact_last_name = models.CharField(_("last name"), max_length=50)
    contact_email = models.EmailField(_("email address"), max_length=254)
    contact_phone = PhoneNumberField(_("phone number"), blank=True)
    # The newest confirmation (R5), kept beside the customer so that the status
    # of every row in a list is one join and the order gate (R8) reads it under
    # the same row lock that confirmation_record takes to change it.
    current_confirmation = models.OneToOneField(
        "agreements.Confirmation",
        verbose_name=_("current confirmation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.WEB, editable=False
    )
    # Who made the last change of the details and through which door (R13); the history keeps earlier ones.
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    updated_channel = models.CharField(
        _("update channel"), max_length=16, choices=Channel.choices, blank=True, editable=False
    )
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    # Named here: simple-history's own "historical customer" is English in every language (R16).
    history = HistoricalRecords(
        excluded_fields=["idempotency_key"],
        verbose_name=_("historical customer"),
        verbose_name_plural=_("historical customers"),
    )

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["company_name", "id"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [
            # The list's order; domain rides along so that a search by company name or
            # domain, and its count, read only the index (SQLite scans it; no table lookups).
            models.Index(
                fields=["partner", "company_name", "id", "domain"], name="customer_partner_name_domain"
            ),
            # The admin lists every partner's customers in name order: no sort of the whole table.
            models.Index(fields=["company_name", "id"], name="customer_name"),
            # The admin's country filter lists the countries in use: one probe of this index per
            # country (customers.admin.CountryInUseFilter), no scan or sort of the whole table.
            models.Index(fields=["country"], name="customer_country"),
            models.Index(
                fields=["partner", "current_confirmation", "company_name"],
                name="customer_partner_status",
            ),
            # The home page's recent activity: the partner's newest customers.
            models.Index(fields=["partner", "-created_at"], name="customer_partner_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "idempotency_key"], name="customer_once_per_submission"
            ),
            models.CheckConstraint(
                condition=~models.Q(company_name=""), name="customer_company_name_not_blank"
            ),
        ]

    def __str__(self):
        return self.company_name

    def get_absolute_url(self):
        return reverse("customers:detail", kwargs={"tenant_id": self.tenant_id})

    def detail_text(self, name: str) -> str:
        """A detail as an edit form shows it and posts it back: text, a country's code, a phone as
        Account info shows it (international format: the same number reads the same on both)."""
        value = getattr(self, name)
        if name == "contact_phone":
            return value.as_international if value else ""
        return str(getattr(value, "code", value) or "")

    def detail_display(self, name: str) -> str:
        """A detail as Account info shows it: a country's name, a phone in international format."""
        if name == "country":
            return str(self.country.name or "")
        return self.detail_text(name)

    @property
    def agreement_status(self) -> str:
        if self.current_confirmation_id:
            return AgreementStatus.CONFIRMED
        return AgreementStatus.REQUIRED

    @property
    def is_confirmed(self) -> bool:
        return self.agreement_status == AgreementStatus.CONFIRMED

    @property
    def agreement_status_label(self):
        return AgreementStatus(self.agreement_status).label


class PartnerCustomerCount(models.Model):
    """How many customers a partner has and how many of them are Confirmed.

    Kept by database triggers on the customer table (customers/triggers.py), so that every
    path that writes customers — the services, the bulk seed, the admin, a fixture —
    keeps it exact without remembering to; the customer list and the home page read
    it instead of counting 100,000 rows on every view (issue 6). Only the triggers and
    `recount_customers` write it.
    """

    partner = models.OneToOneField(
        "accounts.Partner",
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    customers = models.IntegerField(_("customers"), default=0)
    confirmed = models.IntegerField(_("confirmed customers"), default=0)
    # Moved by every change of which rows the partner's list holds, of their name order or
    # of what a search matches (an insert, a delete, a move to another partner, a new
    # company name, domain or tenant ID) ...
    list_version = models.BigIntegerField(_("list version"), default=0, db_default=0)
    # ... and by every change of a customer's Confirmed/Required status: a page anchor
    # (CustomerListAnchor) and a remembered search (CustomerListSearch) belong to one pair
    # of them, so no write leaves one in use.
    status_version = models.BigIntegerField(_("status version"), default=0, db_default=0)

    class Meta:
        verbose_name = _("partner customer count")
        verbose_name_plural = _("partner customer counts")

    def __str__(self):
        return f"{self.partner_id}: {self.confirmed}/{self.customers}"


class CustomerListState(models.Model):
    """A row kept for one version of a partner's customer list (customers.list_state.ListVersion).

    The count triggers move the versions with every write that changes the list's rows,
    their order or what a search matches, so a row is only used in the state it describes.
    A migration that changes these tables drops the count triggers first, as 0010 does:
    SQLite rebuilds a changed table, and refuses to while the triggers name it.
    """

    # Indexed by each child's unique constraint, which starts with it.
    partner = models.ForeignKey(
        "accounts.Partner",
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    # "" for the whole list, or the agreement status it is filtered by.
    status = models.CharField(_("agreement status"), max_length=16, blank=True)
    list_version = models.BigIntegerField(_("list version"))
    status_version = models.BigIntegerField(_("status version"))

    class Meta:
        abstract = True


class CustomerListAnchor(CustomerListState):
    """Where row `position` of a partner's customer list stood in one version of the list.

    A deep page of the list starts from the nearest anchor before it instead of skipping
    every row before it (issue 6): page 2,000 of 100,000 customers skips at most
    `customers.list_state.EVERY` index entries, not 50,000. Found by the first request that
    needs it, kept for the versions it was found in (PartnerCustomerCount); a write that
    moves rows moves the version, and the next request finds the anchor again.
    """

    position = models.PositiveIntegerField(_("position"))
    company_name = models.CharField(_("company name"), max_length=200)
    # The row's id, not a foreign key: an anchor is a place in the order, and the customer
    # it names may be deleted (which moves the version) without touching this table.
    customer_id = models.BigIntegerField(_("customer ID"))

    class Meta:
        verbose_name = _("customer list anchor")
        verbose_name_plural = _("customer list anchors")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "status", "position", "list_version", "status_version"],
                name="customer_list_anchor_once",
            ),
        ]

    def __str__(self):
        return f"{self.partner_id} {self.status or '*'} #{self.position}: {self.company_name}"


class CustomerListSearch(CustomerListState):
    """A search of a partner's customer list, remembered for one version of the list.

    How many customers the search matched, and the first of them in the list's order:
    the same search again (its next page, the page reloaded, a colleague's) reads its total
    here instead of counting every match, and its pages start from its first match instead
    of walking every name before it (issue 6). Kept for the versions it was made in
    (PartnerCustomerCount), which move with every write that changes what a search
    matches; the next search after such a write counts again.
    """

    # As typed, trimmed: the databases fold case differently, so no folding here.
    search = models.CharField(_("search text"), max_length=200)
    total = models.PositiveIntegerField(_("matches"))
    # The first match's name and id: both empty until page 1 was read, or when nothing matched.
    company_name = models.CharField(_("company name"), max_length=200, blank=True)
    customer_id = models.BigIntegerField(_("customer ID"), null=True, blank=True)

    class Meta:
        verbose_name = _("remembered customer search")
        verbose_name_plural = _("remembered customer searches")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "status", "search", "list_version", "status_version"],
                name="customer_list_search_once",
            ),
        ]

    def __str__(self):
        return f"{self.partner_id} {self.status or '*'} {self.search!r}: {self.total}"

    @property
    def first(self) -> tuple[str, int] | None:
        """The first match's place in the list's order (company name, id), if known."""
        return None if self.customer_id is None else (self.company_name, self.customer_id)
