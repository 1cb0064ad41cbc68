"""Pick what the load needs from the seeded database; EXPLAIN the list queries.

    python -m bench.prepare --out bench/.data/config.json [--search Harbor] ...

Runs with the benchmark's environment (DATABASE_URL etc.), reads only, except
for the API token it creates through `create_api_token` (PRODUCT §7), the page
anchor of the deep page, which explaining its query finds and keeps, as the first
view of that page would, and the remembered search, which the first view of the
search keeps before its remembered page is explained.
"""

import argparse
import io
import json
import os
import random
import sys

from portal.pagination import PER_PAGE


def _explain(qs, *, analyze: bool) -> str:
    try:
        return qs.explain(analyze=True) if analyze else qs.explain()
    except Exception as exc:  # a benchmark reports, it does not stop
        return f"EXPLAIN failed: {exc!r}"


class _Count:
    """The paginator's COUNT(*), explainable like a queryset."""

    def __init__(self, sql: str, params=None):
        self._sql, self.params = sql, params

    @classmethod
    def of_paginator(cls, paginator):
        """The count statement the paginator runs (a search's: on SQLite, of its index alone; on
        PostgreSQL, with its first page's ids when it matches few)."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            total = paginator.count
        counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
        return cls(counts[-1] if counts else f"SELECT {int(total)} /* kept, not counted */")

    def sql(self):
        return self._sql, self.params

    def explain(self, analyze=False):
        from django.db import connection

        sql, params = self.sql()
        prefix = "EXPLAIN ANALYZE" if analyze else "EXPLAIN QUERY PLAN"
        with connection.cursor() as cursor:
            cursor.execute(f"{prefix} {sql}", params)
            return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())

    @property
    def query(self):
        return self.sql()[0]


def _sql(qs) -> str:
    try:
        return str(qs.query)
    except Exception as exc:
        return f"(no SQL: {exc!r})"


def explain_plans(*, user, search: str, deep_page: int, per_page: int) -> dict:
    """Plans of the customer list's queries as the list view runs them (rows and page count)."""
    from django.db import connection

    from customers.models import Customer, PartnerCustomerCount
    from customers.selectors import customer_list

    analyze = connection.vendor == "postgresql"

    def paginator(**kwargs):
        # The list view's paginator, a new one per request as the view makes.
        from customers.pagination import CustomerPaginator

        return CustomerPaginator.of_list(
            customer_list(user=user, **kwargs),
            per_page,
            user=user,
            status=kwargs.get("status", ""),
            search=kwargs.get("q", ""),
        )

    def rows(page=1, **kwargs):
        # What the list view runs: CustomerPaginator.rows (the page's ids as a subquery; a deep
        # page without a search from its page anchor, found here if not kept yet).
        bottom = (page - 1) * per_page
        return paginator(**kwargs).rows(bottom, bottom + per_page)

    def count(**kwargs):
        return _Count.of_paginator(paginator(**kwargs))

    def remembered_rows(q):
        # The search's first view (page 1) remembers it: the next view starts from its first match.
        paginator(q=q).page(1)
        return rows(q=q)

    cases = {
        "search_rows": rows(q=search),
        # Counted before the search is remembered (by the next case), as its first view counts;
        # on PostgreSQL, a search matching few is counted with its first page's ids.
        "search_count": count(q=search),
        "search_rows_remembered": remembered_rows(search),
        "company_name_icontains": Customer.objects.filter(company_name__icontains=search).only("id"),
        "page1_rows": rows(),
        "deep_page_rows": rows(page=deep_page),
        # Without a search the list reads its total from the kept per-partner counts (issue 6).
        "list_count": PartnerCustomerCount.objects.filter(partner_id=user.partner_id),
        "filter_required_rows": rows(status="required"),
    }
    plans = {}
    for name, qs in cases.items():
        plans[name] = {"sql": _sql(qs), "plan": _explain(qs, analyze=analyze)}
    plans["uses_index_for_search"] = _uses_index(plans, connection.vendor)
    return plans


def _uses_index(plans: dict, vendor: str) -> bool:
    """PostgreSQL: the trigram index serves `icontains` itself (issue 6). SQLite cannot index a
    LIKE '%fragment%': the list's search count reads its trigram full-text table instead."""
    if vendor == "postgresql":
        plan = plans["company_name_icontains"]["plan"]
        return "Index" in plan and "Seq Scan" not in plan
    from customers.triggers import SEARCH_INDEX

    return f"SCAN {SEARCH_INDEX} VIRTUAL TABLE" in plans["search_count"]["plan"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--search", default="Harbor")
    parser.add_argument("--deep-page", type=int, default=2000)
    parser.add_argument("--per-page", type=int, default=PER_PAGE)
    parser.add_argument("--password", default="")
    parser.add_argument("--write-users", type=int, default=16)
    parser.add_argument("--write-pool", type=int, default=40)
    parser.add_argument("--sample", type=int, default=400)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from customers.models import Customer

    rng = random.Random(args.seed)
    user = get_user_model().objects.get(username="sales.agent")
    mine = Customer.objects.filter(partner_id=user.partner_id)
    total = mine.count()
    last_page = max(1, -(-total // args.per_page))
    deep_page = min(args.deep_page, max(1, last_page // 2))
    tenant_ids = [str(t) for t in mine.values_list("tenant_id", flat=True).iterator(chunk_size=5000)]
    # Words of the names, for searches not made before (list_search_first): each in many cases.
    names = mine.order_by("pk").values_list("company_name", flat=True)[:2000]
    search_words = sorted({w for name in names for w in name.split() if w.isalpha() and len(w) >= 6})
    confirmed = [
        str(t)
        for t in mine.filter(current_confirmation__isnull=False)
        .values_list("tenant_id", flat=True)
        .iterator(chunk_size=5000)
    ]
    sample = min(args.sample, len(tenant_ids))
    write_count = min(len(tenant_ids), args.write_users * args.write_pool)
    token_out = io.StringIO()
    try:
        call_command("create_api_token", "sales.agent", stdout=token_out)
        token, token_error = token_out.getvalue().strip(), ""
    except Exception as exc:
        token, token_error = "", repr(exc)
    config = {
        "password": args.password,
        "token": token,
        "token_error": token_error,
        "search": args.search,
        "search_words": search_words,
        "deep_page": deep_page,
        "last_page": last_page,
        "customers": total,
        "customers_confirmed": len(confirmed),
        "vendor": connection.vendor,
        "detail_tenants": rng.sample(tenant_ids, sample),
        "api_tenants": rng.sample(confirmed, min(sample, len(confirmed))),
        "write_tenants": rng.sample(tenant_ids, write_count),
        "write_pool": max(1, write_count // max(1, args.write_users)),
        "explain": explain_plans(user=user, search=args.search, deep_page=deep_page, per_page=args.per_page),
    }
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump(config, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
