"""State kept per version of the customer list: page anchors and remembered searches (issue 6).

Page anchors: deep pages without skipping every row before them.

Without a search, page N of a partner's list is rows (N-1)×25 … N×25 in name order;
an OFFSET reads every index entry before them (page 2,000 of 100,000 customers:
50,000). An anchor is the company name and id of the row at a multiple of `EVERY`:
the page then reads from the anchor before it, skipping fewer than `EVERY` entries.
The first request that needs an anchor finds it (that one OFFSET) and keeps it for the
version of the list it was found in. The count triggers move the version with every
write that changes which rows the list holds or their order (customers/triggers.py),
so an anchor is only ever used in the state of the list it describes.

A search is remembered the same way (CustomerListSearch): its total and its first match,
kept for the version of the list it was made in, so that the same search again counts
nothing and starts its pages from its first match, not from the top of the list.

These rows are read and written in plain SQL: they are read on every page of the list and
written in a GET, and the ORM took 20 times as long to build each statement as the database
to run it (a search's keep: 2.5 ms against 0.12 ms on SQLite, issue 6).
"""

import dataclasses
import logging

from django.db import DatabaseError, connection, transaction
from django.db.models import F, Field, Func, Value
from django.db.models.lookups import GreaterThanOrEqual
from django.db.transaction import TransactionManagementError

from customers.models import CustomerListAnchor, CustomerListSearch, PartnerCustomerCount

logger = logging.getLogger(__name__)

# An anchor every this many rows: a page skips fewer entries than this, and a list of
# 100,000 customers has at most 100 anchors per status.
EVERY = 1000

# How long a keep waits at most, on PostgreSQL, for a write of the partner's customers to end
# (it holds their count row): a keep only saves time, and a request should not wait out a
# long import for it. Writes through the portal hold the row for milliseconds.
KEEP_WAIT = "500ms"

# Searches remembered per partner: a search made once keeps its row until this many newer
# ones push it out, or a write moves the list to its next version.
SEARCHES_KEPT = 100


@dataclasses.dataclass(frozen=True)
class ListVersion:
    """One state of a partner's customer list, whole ("") or of one status.

    Its rows, their order and what a search matches: the versions move with each.
    """

    partner_id: int
    status: str
    list_version: int
    status_version: int

    @classmethod
    def of_counts(cls, counts: PartnerCustomerCount, status: str) -> "ListVersion":
        """The version of the partner's list, whole ("") or of `status`, its kept counts name."""
        return cls(
            partner_id=counts.partner_id,
            status=status,
            list_version=counts.list_version,
            # The whole list's rows and order do not change with a status.
            status_version=counts.status_version if status else 0,
        )

    def lock_current(self) -> bool:
        """Whether this is still the list's version; its count row stays locked until the transaction ends.

        A row kept for a version the list has left (a restore set the versions back and
        cleared what was kept, while a request was still counting) would come back into
        use once writes bring the versions to it again. The lock (PostgreSQL: SQLite's
        writers queue anyway) holds the versions still until the row is kept, and queues
        the partner's keeps, which delete each other's rows: unqueued, two can deadlock.
        A keep waits `KEEP_WAIT` at most for the lock, then fails (logged, nothing kept).
        """
        lock = ""
        if connection.vendor == "postgresql":
            _execute(f"SET LOCAL lock_timeout = '{KEEP_WAIT}'")
            lock = " FOR NO KEY UPDATE"
        counts = _table(PartnerCustomerCount)
        rows = _execute(
            f"SELECT list_version, status_version FROM {counts} WHERE partner_id = %s{lock}",
            [self.partner_id],
        )
        if not rows:
            return False
        ((list_version, status_version),) = rows
        counts = PartnerCustomerCount(
            partner_id=self.partner_id, list_version=list_version, status_version=status_version
        )
        return ListVersion.of_counts(counts, self.status) == self

    def anchors(self):
        return CustomerListAnchor.objects.filter(**self.fields())

    def fields(self) -> dict:
        """The fields that name this version on a row kept for it (its own, by name)."""
        return dataclasses.asdict(self)

    def params(self) -> list:
        """The values of `_VERSION`'s placeholders for this version."""
        return list(self.fields().values())


# A kept row's version: ListVersion.params() fills it in.
_VERSION = " AND ".join(f"{field.name} = %s" for field in dataclasses.fields(ListVersion))


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _execute(sql: str, params: list | None = None) -> list[tuple] | None:
    """Run one statement; the rows a SELECT returns."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def insert_row(model, values: dict, *, update: tuple[str, ...] = ()) -> None:
    """Insert a kept row. Where its version already holds one for the same place (the model's
    `…_once` unique constraint), that row stays, with the `update` columns set from `values`."""
    (once,) = (c for c in model._meta.constraints if c.name.endswith("_once"))
    conflict = ", ".join(model._meta.get_field(name).column for name in once.fields)
    action = "DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in update) if update else "DO NOTHING"
    _execute(
        f"INSERT INTO {_table(model)} ({', '.join(values)}) VALUES ({', '.join(['%s'] * len(values))}) "
        f"ON CONFLICT ({conflict}) {action}",
        list(values.values()),
    )


def _keep(model, version: ListVersion, values: dict, *, update: tuple[str, ...] = ()) -> bool:
    """Keep a row for `version` unless the list has left it (False); drop this list's rows of
    other versions. In the caller's transaction, which holds the lock until it ends."""
    if not connection.in_atomic_block:
        raise TransactionManagementError("Keep list state in a transaction: its lock lasts until it ends.")
    if not version.lock_current():
        return False
    _execute(
        f"DELETE FROM {_table(model)} WHERE partner_id = %s AND status = %s "
        "AND NOT (list_version = %s AND status_version = %s)",
        version.params(),
    )
    insert_row(model, {**version.fields(), **values}, update=update)
    return True


def _read(model, columns: tuple[str, ...], where: str, params: list, **known):
    """The one row of `model` that `where` finds, as an instance with `columns` and `known` set; or None."""
    rows = _execute(f"SELECT {', '.join(columns)} FROM {_table(model)} WHERE {where}", params)
    return model(**known, **dict(zip(columns, rows[0], strict=True))) if rows else None


def kept_counts(partner_id: int) -> PartnerCustomerCount | None:
    """The partner's kept counts and versions (read by every page of the list and the home page)."""
    columns = ("customers", "confirmed", "list_version", "status_version")
    return _read(PartnerCustomerCount, columns, "partner_id = %s", [partner_id], partner_id=partner_id)


def anchor_get(*, version: ListVersion, position: int) -> tuple[str, int] | None:
    """The (company name, id) of the row at `position` in this version of the list, if kept."""
    anchors = _table(CustomerListAnchor)
    rows = _execute(
        f"SELECT company_name, customer_id FROM {anchors} WHERE {_VERSION} AND position = %s",
        [*version.params(), position],
    )
    return rows[0] if rows else None


def anchor_keep(*, version: ListVersion, position: int, row: tuple[str, int]) -> None:
    """Keep an anchor found for this version unless the list has left it; drop the other versions' anchors.

    An anchor only saves time, so a write that fails (SQLite busy past its timeout) is
    logged and the page is shown all the same; the next request finds the anchor again.
    Two requests may find the same anchor at once: the second one's insert is a no-op.
    """
    company_name, customer_id = row
    try:
        with transaction.atomic():
            _keep(
                CustomerListAnchor,
                version,
                {"position": position, "company_name": company_name, "customer_id": customer_id},
            )
    except DatabaseError:
        logger.warning("Customer list anchor %s of %s not kept", position, version, exc_info=True)


def search_rememberable(search: str) -> bool:
    """Whether a search text can be remembered: longer ones match nothing a column holds."""
    max_length = CustomerListSearch._meta.get_field("search").max_length
    # PostgreSQL refuses a NUL byte in a statement (R14); no name holds one.
    return 0 < len(search) <= max_length and "\x00" not in search


def search_get(*, version: ListVersion, search: str) -> CustomerListSearch | None:
    """This search as remembered for this version of the list, if it was made before."""
    columns = ("id", "total", "company_name", "customer_id")
    where, params = f"{_VERSION} AND search = %s", [*version.params(), search]
    return _read(CustomerListSearch, columns, where, params, **version.fields(), search=search)


def search_keep(*, version: ListVersion, search: str, total: int, first: tuple[str, int] | None) -> None:
    """Remember a search's total (and its first match, once known) for this version of the list.

    Nothing is kept when the list has left this version since the search was counted (a
    write meanwhile). Drops the partner's searches of other versions of this list, and all
    but its `SEARCHES_KEPT` newest. Like an anchor, a search that cannot be kept is logged
    and the page shown all the same. Two requests may make the same search at once: the
    second one's insert is a no-op; page 1 of a search remembered from a later page sets
    its first match.
    """
    company_name, customer_id = first if first is not None else ("", None)
    table = _table(CustomerListSearch)
    try:
        with transaction.atomic():
            kept = _keep(
                CustomerListSearch,
                version,
                {"search": search, "total": total, "company_name": company_name, "customer_id": customer_id},
                update=("company_name", "customer_id") if first is not None else (),
            )
            if kept:
                _execute(
                    f"DELETE FROM {table} WHERE partner_id = %s AND id < "
                    f"(SELECT id FROM {table} WHERE partner_id = %s ORDER BY id DESC LIMIT 1 OFFSET %s)",
                    [version.partner_id, version.partner_id, SEARCHES_KEPT - 1],
                )
    except DatabaseError:
        logger.warning("Customer search %r of %s not kept", search, version, exc_info=True)


class _Row(Func):
    """A row value, `(a, b)`: both databases compare it column by column and read it from an index."""

    template = "(%(expressions)s)"
    output_field = Field()


def at_or_after(row: tuple[str, int]) -> GreaterThanOrEqual:
    """Customers at or after `row` in the list's order (company name, id): a range of its index."""
    company_name, pk = row
    return GreaterThanOrEqual(_Row(F("company_name"), F("pk")), _Row(Value(company_name), Value(pk)))
