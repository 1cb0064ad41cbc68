"""Customers in the Django admin: staff search, filter and edit details (through customer_update)."""

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Sum
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries import countries
from django_countries.filters import CountryFilter

from agreements.models import Confirmation
from customers.forms import CountrySelect
from customers.models import AgreementStatus, Channel, Customer, PartnerCustomerCount
from customers.selectors import tenant_id_range
from customers.services import EDITABLE_FIELDS, customer_update
from customers.validators import phone_normalize
from portal.admin import HistoryAdmin, ReadOnlyInline
from portal.audit import actor_from_request
from portal.pagination import PER_PAGE


class AgreementStatusFilter(admin.SimpleListFilter):
    title = _("agreement status")
    parameter_name = "agreement_status"

    def lookups(self, request, model_admin):
        return AgreementStatus.choices

    def queryset(self, request, queryset):
        if self.value() in AgreementStatus.values:
            return queryset.with_status(self.value())
        return queryset


class CountryInUseFilter(CountryFilter):
    """django-countries' filter (only the countries customers are in), cheaper to build on every view.

    The codes come from a skip scan of the country index, one probe per country in use
    (PostgreSQL cannot skip through an index on its own: its DISTINCT read all 100,000
    entries, 6 ms). Field.get_choices() re-translated all 250 names on every view.
    """

    def lookup_choices(self, changelist):
        table = connection.ops.quote_name(Customer._meta.db_table)
        column = connection.ops.quote_name(Customer._meta.get_field("country").column)
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH RECURSIVE used(code) AS (SELECT MIN({column}) FROM {table}"
                f" UNION ALL SELECT (SELECT MIN({column}) FROM {table} WHERE {column} > used.code)"
                f" FROM used WHERE used.code IS NOT NULL) SELECT code FROM used WHERE code IS NOT NULL"
            )
            codes = {code for (code,) in cursor.fetchall()}
        # In django-countries' order; it keeps its sorted, translated list per language.
        return [(code, name) for code, name in countries if code in codes]

    def queryset(self, request, queryset):
        # A value that is no country code is the admin's "incorrect lookup" (it shows the
        # unfiltered list), not a query: PostgreSQL refused one with a NUL byte, a 500 (R14).
        for value in self.used_parameters.values():
            for code in value if isinstance(value, list) else [value]:
                if code not in countries:
                    raise IncorrectLookupParameters(code)
        return super().queryset(request, queryset)


class CustomerAdminForm(forms.ModelForm):
    # Typed as the agent would; normalised for the customer's country in clean().
    contact_phone = forms.CharField(
        label=capfirst(Customer._meta.get_field("contact_phone").verbose_name), max_length=40, required=False
    )

    class Meta:
        model = Customer
        fields = EDITABLE_FIELDS
        widgets = {"country": CountrySelect}

    def clean(self):
        cleaned = super().clean()
        # R1: the phone number must suit the customer's country, as customer_update will insist.
        if cleaned.get("country"):
            try:
                cleaned["contact_phone"] = phone_normalize(
                    raw=cleaned.get("contact_phone"), country=cleaned["country"], field="contact_phone"
                )
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned


class ConfirmationInline(ReadOnlyInline):
    """The customer's confirmations, read-only (R5)."""

    model = Confirmation
    fields = (
        "date_agreed",
        "first_name",
        "last_name",
        "email",
        "phone_number",
        "template",
        "channel",
        "recorded_by",
        "recorded_at",
    )
    show_change_link = True
    ordering = ("-recorded_at", "-id")
    # A script may confirm a customer thousands of times; the rest are a link away.
    max_shown = PER_PAGE

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("template", "recorded_by")


class CustomerAdminPaginator(Paginator):
    """Unfiltered, every partner's kept counts added up, not a COUNT(*) of the whole table (issue 6)."""

    @cached_property
    def count(self):
        if not self.object_list.query.where:
            return PartnerCustomerCount.objects.aggregate(total=Sum("customers"))["total"] or 0
        return super().count


class CustomerChangeList(ChangeList):
    """One reverse() for the page's change links, not one per row (issue 6)."""

    PK_PLACEHOLDER = "0"

    @cached_property
    def _change_url_parts(self):
        url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=(self.PK_PLACEHOLDER,),
            current_app=self.model_admin.admin_site.name,
        )
        prefix, _placeholder, suffix = url.rpartition(f"/{self.PK_PLACEHOLDER}/")
        return f"{prefix}/", f"/{suffix}"

    def url_for_result(self, result):
        prefix, suffix = self._change_url_parts
        return f"{prefix}{quote(result.pk)}{suffix}"


@admin.register(Customer)
class CustomerAdmin(HistoryAdmin):
    """Staff edit a customer's details; the domain, tenant and confirmations stay as they are."""

    form = CustomerAdminForm
    list_display = ("company_name", "domain", "tenant_id", "partner", "country_name", "status")
    list_select_related = ("partner",)
    list_filter = ("partner", ("country", CountryInUseFilter), AgreementStatusFilter)
    search_fields = ("company_name", "domain")
    search_help_text = _("Company name, domain or tenant ID")
    readonly_fields = (
        "partner",
        "domain",
        "tenant_id",
        "current_confirmation",
        "confirmation_list",
        "created_by",
        "created_at",
        "created_channel",
        "updated_by",
        "updated_channel",
    )
    fieldsets = (
        (
            None,
            {"fields": ("partner", "tenant_id", "company_name", "domain", "email", "culture", "language")},
        ),
        (
            _("Address"),
            {"fields": ("address_line1", "address_line2", "city", "state", "postal_code", "country")},
        ),
        (
            _("Primary contact"),
            {"fields": ("contact_first_name", "contact_last_name", "contact_email", "contact_phone")},
        ),
        (_("Agreement"), {"fields": ("current_confirmation", "confirmation_list")}),
        (
            _("Audit"),
            {"fields": ("created_by", "created_at", "created_channel", "updated_by", "updated_channel")},
        ),
    )
    inlines = [ConfirmationInline]
    # A page the size of the partners' own list; no full-table count beside the filtered one.
    list_per_page = PER_PAGE
    show_full_result_count = False
    paginator = CustomerAdminPaginator

    def get_changelist(self, request, **kwargs):
        return CustomerChangeList

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.has_perm("agreements.view_confirmation"):
            return fieldsets
        # Who accepted, and when, are the confirmations' to show: a staff member who may not
        # view them saw them here all the same, with a link that then answered 403.
        return [(name, options) for name, options in fieldsets if name != _("Agreement")]

    @admin.display(description=_("country"), ordering="country")
    def country_name(self, obj):
        # Not the "country" field itself: the admin would rebuild the 250 choices per row (~2 ms each).
        # A plain str: the admin compares a lazy one with every empty value, translating each time.
        return str(obj.country.name)

    @admin.display(description=_("agreement status"))
    def status(self, obj):
        return str(obj.agreement_status_label)

    @admin.display(description=_("confirmations"))
    def confirmation_list(self, obj):
        """How many confirmations the customer has, how many the inline shows, and a link to all."""
        count = obj.confirmations.count()
        if not count:
            return self.get_empty_value_display()
        shown = ConfirmationInline.max_shown
        if count > shown:
            text = ngettext(
                "%(count)d confirmation; the newest %(shown)d are listed below.",
                "%(count)d confirmations; the newest %(shown)d are listed below.",
                count,
            ) % {"count": count, "shown": shown}
        else:
            text = ngettext(
                "%(count)d confirmation, listed below.", "%(count)d confirmations, listed below.", count
            ) % {"count": count}
        url = reverse("admin:agreements_confirmation_changelist", current_app=self.admin_site.name)
        return format_html(
            '{} <a href="{}?{}">{}</a>',
            text,
            url,
            urlencode({"customer__id__exact": obj.pk}),
            _("Show in the confirmation list"),
        )

    def get_search_results(self, request, queryset, search_term):
        # A tenant id or its beginning, as the partners' list finds it (customers.selectors).
        tenant_ids = tenant_id_range(search_term)
        if tenant_ids is not None and tenant_ids[0] == tenant_ids[1]:
            return queryset.filter(tenant_id=tenant_ids[0]), False  # a whole id: one row, no name scan
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if tenant_ids is not None:
            results |= queryset.filter(tenant_id__range=tenant_ids)
        return results, may_have_duplicates

    # Account info is the partner's page: staff, who belong to no partner, get a 404 there.
    view_on_site = False

    def has_add_permission(self, request):
        # Customers are created by partner users (F1, API), never by staff (PRODUCT §3).
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        names = form.changed_data
        if request.resolver_match.url_name.endswith("_simple_history"):
            # A revert: its form starts from the old version, so nothing in it has changed; every
            # detail is the old version's, and customer_update writes those that differ now.
            names = [name for name in EDITABLE_FIELDS if name in form.cleaned_data]
        changes = {name: form.cleaned_data[name] for name in names if name in EDITABLE_FIELDS}
        customer_update(actor=actor_from_request(request), customer=obj, channel=Channel.ADMIN, **changes)
