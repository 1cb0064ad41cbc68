"""Reads of customers, always scoped to the user's partner (R12, STYLE 3)."""

import string
import uuid

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404

from customers.list_state import ListVersion, kept_counts
from customers.models import AgreementStatus, Customer, PartnerCustomerCount
from customers.triggers import SEARCH_INDEX, SEARCH_KEY_BITS, SEARCH_MAX_PARTNER


def customer_list(*, user, q: str = "", status: str = "", indexed: bool = True) -> QuerySet[Customer]:
    """The user's partner's customers, searched by company name, domain or tenant id.

    `indexed=False` matches the search row by row on SQLite, for a walk of the name index
    that stops at a page's last match (customers.pagination); the same customers either way.
    """
    qs = (
        Customer.objects.filter(partner_id=user.partner_id).with_agreement()
        if user.partner_id
        else Customer.objects.none()
    )
    q = customer_search_text(q)
    if q:
        qs = qs.filter(customer_search_condition(q, partner_id=user.partner_id if indexed else None))
    if status in AgreementStatus.values:
        qs = qs.with_status(status)
    return qs.order_by("company_name", "id")


def customer_search_total(*, user, q: str, status: str = "") -> int | None:
    """How many of the partner's customers a search matches, counted in SQLite's search index alone.

    None where the index cannot tell: another database, a status filter (the status is the
    row's), a text too short for the index or that may be a tenant id's beginning.
    """
    q = customer_search_text(q)
    if (
        status in AgreementStatus.values
        or "\x00" in q
        or tenant_id_range(q) is not None
        or not _index_finds(q, user.partner_id)
    ):
        return None
    where, params = _search_index_match(q, user.partner_id)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {SEARCH_INDEX} WHERE {where}", params)
        return cursor.fetchone()[0]


def customer_search_text(q: str | None) -> str:
    """The search text as the customer list searches for it (and remembers it): trimmed."""
    return (q or "").strip()


# What a search with a NUL byte matches: no name holds one, and PostgreSQL refuses one in a statement (R14).
NOTHING = Q(pk__in=[])

# The columns a prefix search may start: Partner Center's CompanyName and Domain.
PREFIX_FIELDS = ("company_name", "domain")


def customer_search_condition(q: str, *, partner_id: int | None = None) -> Q:
    """A fragment of the company name or domain (trigram indexes on PostgreSQL), or a tenant id or
    its beginning (its unique index).

    On SQLite a fragment of three characters or more is looked up in the partner's part of
    the search index (customers/triggers.py) when the partner is given, instead of matched
    against every row: the same customers, as LIKE would find them (ASCII letters in either
    case).
    """
    if "\x00" in q:
        return NOTHING
    if _index_finds(q, partner_id):
        where, params = _search_index_match(q, partner_id)
        # The rowid less the partner's part is the customer's id.
        low, _high = _search_index_keys(partner_id)
        condition = Q(pk__in=RawSQL(f"SELECT rowid - %s FROM {SEARCH_INDEX} WHERE {where}", [low, *params]))
    else:
        condition = Q(company_name__icontains=q) | Q(domain__icontains=q)
    tenant_ids = tenant_id_range(q)
    if tenant_ids is not None:
        condition |= Q(tenant_id__range=tenant_ids)
    return condition


# The fewest characters SQLite's search index finds: it indexes every three in a row.
SEARCH_INDEX_MIN = 3


def _index_finds(q: str, partner_id: int | None) -> bool:
    return (
        connection.vendor == "sqlite"
        and partner_id is not None
        and 0 < partner_id <= SEARCH_MAX_PARTNER
        and len(q) >= SEARCH_INDEX_MIN
    )


# The index holds names as SQLite's lower() writes them: ASCII letters lowered, nothing else.
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _search_index_match(q: str, partner_id: int) -> tuple[str, list]:
    """The condition on SQLite's search index that finds `q` among the partner's rows, and its
    parameters: a quoted phrase of trigrams, which matches exactly where `q` occurs (its query
    syntax taken as text), within the partner's range of rowids."""
    phrase = '"{}"'.format(q.translate(_ASCII_LOWER).replace('"', '""'))
    return f"{SEARCH_INDEX} MATCH %s AND rowid BETWEEN %s AND %s", [phrase, *_search_index_keys(partner_id)]


def _search_index_keys(partner_id: int) -> tuple[int, int]:
    """The first and last rowid of the partner's customers in SQLite's search index."""
    low = partner_id << SEARCH_KEY_BITS
    return low, low + (1 << SEARCH_KEY_BITS) - 1


# A tenant id's beginning is searched from its first block on: shorter, "cafe" or "2024" are words.
TENANT_ID_PREFIX_MIN = 8


def tenant_id_range(q: str) -> tuple[uuid.UUID, uuid.UUID] | None:
    """The tenant ids that start with `q`, as the lowest and highest such id; None when `q` is no
    tenant id's beginning. Written as the list shows ids (with hyphens) or as one block of hex."""
    text = q.strip().lower().removeprefix("urn:uuid:").strip("{}")
    digits = text.replace("-", "")
    if not TENANT_ID_PREFIX_MIN <= len(digits) <= 32 or digits.strip("0123456789abcdef"):
        return None
    low = uuid.UUID(digits.ljust(32, "0"))
    if "-" in text and not str(low).startswith(text):
        return None  # hyphens where an id has none
    return low, uuid.UUID(digits.ljust(32, "f"))


def customer_prefix_condition(*, field: str, prefix: str) -> Q:
    """Customers whose company name or domain starts with `prefix`, case ignored (the API's filter)."""
    if field not in PREFIX_FIELDS:
        raise ValueError(f"customers are not searched by the start of {field!r}")
    if "\x00" in prefix:
        return NOTHING
    return Q(**{f"{field}__istartswith": prefix})


def customer_get(*, user, tenant_id) -> Customer:
    """One of the user's partner's customers; another partner's is a 404 like a missing one."""
    try:
        tenant_uuid = uuid.UUID(str(tenant_id))
    except ValueError:
        raise Http404 from None
    try:
        return Customer.objects.with_agreement().get(partner_id=user.partner_id, tenant_id=tenant_uuid)
    except Customer.DoesNotExist:
        raise Http404 from None


def _kept_counts(user) -> PartnerCustomerCount | None:
    if not user.partner_id:
        return None
    return kept_counts(user.partner_id)


def customer_status_counts(*, user) -> dict[str, int]:
    """How many of the partner's customers are Confirmed and Required (home page, list).

    Read from the counts the customer table's triggers keep, not counted row by row.
    """
    return _by_status(_kept_counts(user))


def _by_status(counts: PartnerCustomerCount | None) -> dict[str, int]:
    confirmed = counts.confirmed if counts else 0
    total = counts.customers if counts else 0
    return {AgreementStatus.CONFIRMED: confirmed, AgreementStatus.REQUIRED: total - confirmed}


def customer_list_state(*, user, status: str = "") -> tuple[int, ListVersion | None]:
    """How many customers the unsearched list holds, and which version of it that is.

    Both from the partner's kept counts, one row read once: the version names the list's
    page anchors (customers.list_state). None when the partner has no customers yet.
    """
    counts = _kept_counts(user)
    if counts is None:
        return 0, None
    status = status if status in AgreementStatus.values else ""
    total = _by_status(counts)[status] if status else counts.customers
    return total, ListVersion.of_counts(counts, status)


def customer_recent(*, user, limit: int = 5) -> list[Customer]:
    """The partner's newest customers, with their status (home page's recent activity)."""
    if not user.partner_id:
        return []
    return list(
        Customer.objects.filter(partner_id=user.partner_id)
        .select_related("current_confirmation")
        .order_by("-created_at", "-id")[:limit]
    )


def customer_from_submission(*, user, idempotency_key) -> Customer | None:
    """The customer an earlier post of the same new-customer form created (R15), if any."""
    if not user.partner_id or idempotency_key is None:
        return None
    return Customer.objects.filter(partner_id=user.partner_id, idempotency_key=idempotency_key).first()
