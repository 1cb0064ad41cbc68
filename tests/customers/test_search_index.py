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
