"""The customer list's paginator: kept totals, pages read through the index, page anchors (issue 6)."""

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Value
from django.db.models.functions import Concat
from django.utils.functional import cached_property

from customers import anchors
from customers.models import Customer
from customers.selectors import customer_count, customer_list_state


class CustomerPaginator(Paginator):
    """The total from the kept counts (or one plain COUNT for a search); a page in one query.

    The ids of a page come from the (partner, company name, id, domain) index
    alone, however deep the page (OFFSET skips index entries, not joined rows), as a
    subquery of the one query that reads that page's rows with the columns a row shows.
    Without a search, a page far from both ends starts from its page anchor
    (customers.anchors) and skips fewer than `anchors.EVERY` entries.
    """

    ROW_FIELDS = ("id", "tenant_id", "company_name", "domain", "current_confirmation_id")

    # A search matching at most this share of the unsearched list sorts its matches on PostgreSQL.
    FEW_MATCHES = 0.2

    def __init__(self, *args, known_count=None, unsearched_count=None, version=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_count = known_count
        # A callable: only a search on PostgreSQL asks for it.
        self.unsearched_count = unsearched_count
        # Which state of the unsearched list this is: its deep pages start from page anchors.
        self.version = version

    @classmethod
    def of_list(cls, object_list, per_page, *, user, status: str, searched: bool) -> "CustomerPaginator":
        """The customer list's paginator: without a search, the kept count and the page anchors."""
        if searched:
            return cls(
                object_list, per_page, unsearched_count=lambda: customer_count(user=user, status=status)
            )
        count, version = customer_list_state(user=user, status=status)
        return cls(object_list, per_page, known_count=count, version=version)

    @cached_property
    def count(self):
        if self.known_count is not None:
            return self.known_count
        return self.object_list.select_related(None).order_by().count()

    def _ids_in_order(self):
        queryset = self.object_list.select_related(None)
        if (
            connection.vendor == "postgresql"
            and self.known_count is None
            and self.unsearched_count is not None
            and self.count <= self.unsearched_count() * self.FEW_MATCHES
        ):
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
        return self._get_page(list(rows), number, self)

    def rows(self, bottom: int, top: int):
        """One query: the page's ids (a subquery the index serves), then only those rows.

        A page far from both ends of an unsearched list starts from its page anchor. Any
        other page in the second half is counted from the end, reading the index backwards:
        the OFFSET skips at most half the list, and the last page skips nothing. Those
        pages rely on the total: a customer added between the count and this query
        shifts them by one row, as it shifts the pages after it when read from the front.
        Only what a row shows (the status is current_confirmation_id, no join needed).
        In name order on PostgreSQL; unordered on SQLite, which for that ORDER BY would
        walk the name index filtering id IN (…) (~20× slower).
        """
        ordered = self._ids_in_order()
        anchor = self._anchor(ordered, bottom, top)
        if anchor is not None:
            position, row = anchor
            ids = ordered.filter(anchors.at_or_after(row)).values("pk")[bottom - position : top - position]
        else:
            ids = self._from_nearer_end(ordered.values("pk"), bottom, top)
        rows = Customer.objects.filter(pk__in=ids).only(*self.ROW_FIELDS)
        return rows.order_by("company_name", "id") if connection.vendor == "postgresql" else rows.order_by()

    def _from_nearer_end(self, ordered, bottom: int, top: int):
        """Rows `bottom` to `top` of the ordered list, read from whichever end skips fewer (either order)."""
        if bottom > self.count - top:
            return ordered.reverse()[self.count - top : self.count - bottom]
        return ordered[bottom:top]

    def _anchor(self, ordered, bottom: int, top: int) -> tuple[int, tuple[str, int]] | None:
        """The page anchor a page at least `anchors.EVERY` rows from both ends starts from.

        Kept ones are read (one indexed row); a missing one is found once, from the nearer
        end of the list, and kept for the next request of this version of the list.
        """
        if self.version is None or min(bottom, self.count - top) < anchors.EVERY:
            return None
        position = bottom - bottom % anchors.EVERY
        row = anchors.anchor_get(version=self.version, position=position)
        if row is None:
            row_at = ordered.values_list("company_name", "pk")
            found = list(self._from_nearer_end(row_at, position, position + 1))
            if not found:  # The list shrank since it was counted.
                return None
            row = found[0]
            anchors.anchor_keep(version=self.version, position=position, row=row)
        return position, row
