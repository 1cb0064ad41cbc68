"""The customer list's paginator: kept totals, pages read through the index, page anchors and
remembered searches (issue 6)."""

import dataclasses

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Value
from django.db.models.functions import Concat
from django.utils.functional import cached_property

from customers import list_state
from customers.models import Customer, CustomerListSearch
from customers.selectors import (
    customer_list,
    customer_list_state,
    customer_search_text,
    customer_search_total,
)


class CustomerPaginator(Paginator):
    """The total from the kept counts (or one plain COUNT for a search); a page in one query.

    The ids of a page come from the (partner, company name, id, domain) index
    alone, however deep the page (OFFSET skips index entries, not joined rows), as a
    subquery of the one query that reads that page's rows with the columns a row shows.
    Without a search, a page far from both ends starts from its page anchor
    (customers.list_state) and skips fewer than `list_state.EVERY` entries. A search is
    remembered for the version of the list it was made in: made again, its total is
    read, not counted, and its pages start from its first match.
    """

    ROW_FIELDS = ("id", "tenant_id", "company_name", "domain", "current_confirmation_id")

    # A search matching at most this share of the unsearched list sorts its matches on PostgreSQL.
    FEW_MATCHES = 0.2

    def __init__(
        self,
        *args,
        known_count=None,
        unsearched_count=None,
        version=None,
        search: str = "",
        user=None,
        status: str = "",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        # Whose list, filtered by which status: a search's total and its walk are read for them.
        self.user = user
        self.status = status
        self.known_count = known_count
        # How many the list holds without the search (a search weighs a walk against a sort by it).
        self.unsearched_count = unsearched_count
        # Which state of the list this is: the unsearched list's deep pages start from page
        # anchors, and a search is remembered for it.
        self.version = version
        # The search text as the list searched for it (trimmed), or "".
        self.search = search

    @classmethod
    def of_list(cls, object_list, per_page, *, user, status: str, search: str = "") -> "CustomerPaginator":
        """The customer list's paginator: the kept count, the page anchors, the remembered searches."""
        count, version = customer_list_state(user=user, status=status)
        search = customer_search_text(search)
        if search:
            return cls(
                object_list,
                per_page,
                unsearched_count=count,
                version=version,
                search=search,
                user=user,
                status=status,
            )
        return cls(object_list, per_page, known_count=count, version=version)

    @cached_property
    def count(self):
        if self.known_count is not None:
            return self.known_count
        if self.remembered is not None:
            return self.remembered.total
        if self.user is not None:
            total = customer_search_total(user=self.user, q=self.search, status=self.status)
            if total is not None:
                return total
        if self._first_page is not None:
            return self._first_page.total
        return self.object_list.select_related(None).order_by().count()

    @cached_property
    def _first_page(self) -> "_FirstPage | None":
        """PostgreSQL, a search not made before in this version of the list that matches at most
        `FEW_MATCHES` of it: its total and its first page's ids, from one read of its matches.
        None for any other list, and where the planner expects the search to match more.
        """
        if (
            connection.vendor != "postgresql"
            or not self.search
            or self.unsearched_count is None
            or self.remembered is not None
        ):
            return None
        few = int(self.unsearched_count * self.FEW_MATCHES)
        if few < 1:  # the planner never expects fewer than one row: its question would be wasted
            return None
        matches = self.object_list.select_related(None).order_by().values_list("company_name", "pk")
        try:
            sql, params = matches.query.sql_with_params()
        except EmptyResultSet:  # a search that can match nothing (a NUL byte): counted without a query
            return None
        # A search the planner expects to match many (`soft`: every domain) is counted and walked
        # as before: this read would stop only after a fifth of the list, 20 ms wasted (issue 6).
        if self._expected_matches(sql, params) > few:
            return None
        with connection.cursor() as cursor:
            # The trigram indexes are lossy: every match is read from the table to be rechecked,
            # to count the matches and again to sort them (Silver: 6.4 + 7.8 ms, issue 6). Read
            # once here, names and ids only. MATERIALIZED: the planner, seeing the LIMIT, would
            # otherwise walk the name index filtering every entry (60 ms for Silver). The read
            # stops one row past `few`: a search matching more is counted and walked as before.
            cursor.execute(
                f"WITH matches (company_name, id) AS MATERIALIZED ({sql} LIMIT %s)"
                " SELECT counted.total, page.id FROM (SELECT COUNT(*) AS total FROM matches) counted"
                " LEFT JOIN LATERAL (SELECT id FROM matches ORDER BY company_name, id LIMIT %s) page ON TRUE",
                [*params, few + 1, self.per_page + self.orphans],
            )
            found = cursor.fetchall()
        total = found[0][0]
        if total > few:
            return None
        return _FirstPage(total=total, ids=tuple(pk for _total, pk in found if pk is not None))

    @staticmethod
    def _expected_matches(sql: str, params) -> float:
        """How many rows PostgreSQL's planner expects the query to return (its statistics, no read)."""
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            return cursor.fetchone()[0][0]["Plan"]["Plan Rows"]

    @cached_property
    def walked_list(self):
        """The same customers, matched row by row (on SQLite, customers.selectors.customer_list):
        what a walk of the name index filters, where the search index would fetch every match."""
        if self.user is None or not self.search:
            return self.object_list
        return customer_list(user=self.user, q=self.search, status=self.status, indexed=False)

    @property
    def _remembers(self) -> bool:
        return bool(self.search) and self.version is not None and list_state.search_rememberable(self.search)

    @cached_property
    def remembered(self) -> CustomerListSearch | None:
        """This search as made before in this version of the list, if it was."""
        if not self._remembers:
            return None
        return list_state.search_get(version=self.version, search=self.search)

    def _sorts_matches(self, *, from_first: bool) -> bool:
        """Whether a search's matches are fetched by the search indexes and sorted.

        The alternative is to walk the name index and test every entry until a page is
        full. From a remembered first match, a page's walk reads about per_page × unsearched
        / total entries (the matches spread evenly, at worst) against the sort's `total`:
        the fewer is taken. SQLite judges a walk from the top of the list the same way.
        PostgreSQL expects the matches spread evenly and would walk from the top even for a
        search whose first match is far down: there a search matching a small share of the
        list sorts (its first page read with its total, `_first_page`).
        """
        if self.known_count is not None or self.unsearched_count is None:
            return False
        if from_first or connection.vendor != "postgresql":
            return self.count * self.count <= self.per_page * self.unsearched_count
        return self.count <= self.unsearched_count * self.FEW_MATCHES

    def _ids_in_order(self):
        if not self._sorts_matches(from_first=False):
            return self.walked_list.select_related(None)
        queryset = self.object_list.select_related(None)
        if connection.vendor == "postgresql":
            # A search the trigram indexes serve. PostgreSQL expects the matches spread evenly
            # and walks the name index filtering every entry until it has a page (51 ms for a
            # name 45 % down the list); fetching the matches by the trigram indexes and sorting
            # them is cheaper. The same order, by an expression the name index cannot serve.
            queryset = queryset.order_by(Concat("company_name", Value("")), "id")
        return queryset

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.rows(bottom, top)
        if connection.vendor != "postgresql":
            # Its collation is BINARY, UTF-8 bytes: code point order, which is Python's.
            rows = sorted(rows, key=lambda row: (row.company_name, row.pk))
        rows = list(rows)
        self._remember(number, rows)
        return self._get_page(rows, number, self)

    def _remember(self, number: int, rows: list) -> None:
        """Remember a search not made before in this version, and its first match once page 1 shows it."""
        if not self._remembers:
            return
        first = (rows[0].company_name, rows[0].pk) if number == 1 and rows else None
        if self.remembered is None or (first is not None and self.remembered.first is None):
            list_state.search_keep(version=self.version, search=self.search, total=self.count, first=first)

    def rows(self, bottom: int, top: int):
        """One query: the page's ids (a subquery the index serves), then only those rows.

        A page of a remembered search starts from its first match. On PostgreSQL, page 1 of
        a search not made before that matches few has its ids already (`_first_page`): only
        its rows are read. A page far from both ends of an unsearched list starts from its
        page anchor. Any other page in the second half is counted from the end, reading the
        index backwards: the OFFSET skips at most half the list, and the last page skips
        nothing. Those pages rely on the total: a customer added between the count and this
        query shifts them by one row, as it shifts the pages after it when read from the front.
        Only what a row shows (the status is current_confirmation_id, no join needed).
        In name order on PostgreSQL; unordered on SQLite, which for that ORDER BY would
        walk the name index filtering id IN (…) (~20× slower).
        """
        # No rows past the end (page() clamps its window; another caller may ask past it).
        top = min(top, self.count)
        bottom = min(bottom, top)
        first = self.remembered.first if self.remembered is not None else None
        if first is not None and bottom <= self.count - top and not self._sorts_matches(from_first=True):
            # A remembered search: from its first match, skipping only matches. In the
            # list's order, which the name index serves from there (both databases).
            ids = self.walked_list.select_related(None).filter(list_state.at_or_after(first))
            return self._rows_of(ids.values("pk")[bottom:top])
        if bottom == 0 and self._first_page is not None and top <= len(self._first_page.ids):
            # The search again on those rows: a row written since the read no longer shows if
            # it no longer matches (one statement read the ids and rows before, one snapshot).
            ids = self.object_list.select_related(None).filter(pk__in=self._first_page.ids[:top])
            return self._rows_of(ids.values("pk"))
        ordered = self._ids_in_order()
        anchor = self._anchor(ordered, bottom, top)
        if anchor is not None:
            position, row = anchor
            ids = ordered.filter(list_state.at_or_after(row)).values("pk")[bottom - position : top - position]
        else:
            ids = self._from_nearer_end(ordered.values("pk"), bottom, top)
        return self._rows_of(ids)

    def _rows_of(self, ids):
        rows = Customer.objects.filter(pk__in=ids).only(*self.ROW_FIELDS)
        return rows.order_by("company_name", "id") if connection.vendor == "postgresql" else rows.order_by()

    def _from_nearer_end(self, ordered, bottom: int, top: int):
        """Rows `bottom` to `top` of the ordered list, read from whichever end skips fewer (either order)."""
        if bottom > self.count - top:
            return ordered.reverse()[self.count - top : self.count - bottom]
        return ordered[bottom:top]

    def _anchor(self, ordered, bottom: int, top: int) -> tuple[int, tuple[str, int]] | None:
        """The page anchor a page at least `list_state.EVERY` rows from both ends starts from.

        Kept ones are read (one indexed row); a missing one is found once, from the nearer
        end of the list, and kept for the next request of this version of the list.
        """
        # Anchors are places in the unsearched list; a search's rows are others.
        if self.search or self.version is None or min(bottom, self.count - top) < list_state.EVERY:
            return None
        position = bottom - bottom % list_state.EVERY
        row = list_state.anchor_get(version=self.version, position=position)
        if row is None:
            row_at = ordered.values_list("company_name", "pk")
            found = list(self._from_nearer_end(row_at, position, position + 1))
            if not found:  # The list shrank since it was counted.
                return None
            row = found[0]
            list_state.anchor_keep(version=self.version, position=position, row=row)
        return position, row


@dataclasses.dataclass(frozen=True)
class _FirstPage:
    """A search's total, and the ids of its first page in the list's order."""

    total: int
    ids: tuple[int, ...]
