"""Issue 6: the customer search on PostgreSQL can use the trigram indexes (migration 0005)."""

import pytest
from django.db import connection, transaction

from customers.models import Customer
from customers.selectors import customer_search_condition
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.postgresql
def test_f4_customer_search_by_company_name_or_domain_can_use_the_trigram_indexes(partner):
    Customer.objects.bulk_create(CustomerFactory.build_batch(400, partner=partner))
    CustomerFactory(partner=partner, company_name="Harbor Lights")
    # The list's search condition; the partner is left out, or the planner would rather
    # filter the partner's index entries of this small table than read a trigram index.
    queryset = Customer.objects.filter(customer_search_condition("harb")).order_by()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE customers_customer")
            # A small table is still cheapest to scan: forbid that to see whether the indexes fit
            # the expressions Django generates (UPPER(column::text) LIKE UPPER(%s)).
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert "customer_company_name_trgm" in plan
    assert "customer_domain_trgm" in plan
    assert [c.company_name for c in queryset] == ["Harbor Lights"]


@pytest.mark.postgresql
def test_f4_customer_search_indexes_keep_a_short_pending_list():
    """Every confirmation rewrites its customer's row: a GIN pending list of the default 4 MB
    grew until the planner gave up the indexes for a sequential scan (migration 0007)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname IN (%s, %s) ORDER BY relname",
            ["customer_company_name_trgm", "customer_domain_trgm"],
        )
        options = cursor.fetchall()
    assert options == [
        ("customer_company_name_trgm", ["gin_pending_list_limit=256"]),
        ("customer_domain_trgm", ["gin_pending_list_limit=256"]),
    ]


def _searched(client, user, q):
    from django.test.utils import CaptureQueriesContext

    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/customers/", {"q": q})
    # The page's rows, with its ids as a subquery.
    rows_query = next(q["sql"] for q in queries if 'SELECT U0."id" AS "pk"' in q["sql"])
    return [c.company_name for c in response.context["customers"]], rows_query


def test_f4_search_with_few_matches_lists_them_in_the_lists_order(client, admin_agent, partner):
    CustomerFactory.create_batch(20, partner=partner)
    for name in ("Harbor Zeta", "Harbor Alpha", "Harbor Alpha", "harbor beta"):
        CustomerFactory(partner=partner, company_name=name)
    names, ids_query = _searched(client, admin_agent, "harbor")
    # Name order as the unsearched list (the database's collation), ties by id.
    assert names == list(
        Customer.objects.filter(company_name__icontains="harbor")
        .order_by("company_name", "id")
        .values_list("company_name", flat=True)
    )
    if connection.vendor == "postgresql":
        # Sorted by an expression the name index cannot serve: PostgreSQL fetches the few
        # matches by the trigram indexes instead of walking the name index (issue 6).
        assert "||" in ids_query
    else:
        assert "||" not in ids_query


def test_f4_search_matching_many_walks_the_name_index(client, admin_agent, partner):
    CustomerFactory.create_batch(5, partner=partner, company_name="Harbor Co")
    CustomerFactory.create_batch(5, partner=partner)
    names, ids_query = _searched(client, admin_agent, "harbor")
    assert names == ["Harbor Co"] * 5
    assert "||" not in ids_query
