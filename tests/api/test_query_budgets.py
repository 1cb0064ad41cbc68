"""PRODUCT §6 list endpoints: the number of queries does not grow with the rows (STYLE 10).

Each list is read with one row, then with ten; a query per row (an N+1, such
as referenceCustomerId reading each order's customer) makes the counts differ.
"""

import datetime

import pytest
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext

from agreements.models import AgreementTemplate
from tests.factories import (
    AgreementTemplateFactory,
    ConfirmationFactory,
    CustomerFactory,
    OfferFactory,
    OrderFactory,
    OrderLineFactory,
    SubscriptionFactory,
    confirmed_customer,
)

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    client.get(url)  # warm up: content types, permissions cache
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


def _order(customer, offer):
    order = OrderFactory(customer=customer)
    line = OrderLineFactory(order=order, offer=offer, line_item_number=0)
    SubscriptionFactory(order=order, customer=customer, offer=offer, order_line=line)
    return order


def _add_orders(customer, count):
    offer = OfferFactory(id="LIC:1")
    for _index in range(count):
        _order(customer, offer)


def _add_subscriptions(customer, count):
    for _index in range(count):
        _order(customer, OfferFactory())


def _add_confirmations(customer, count):
    for _index in range(count):
        ConfirmationFactory(customer=customer)


def _add_customers(customer, count):
    for _index in range(count):
        confirmed_customer(partner=customer.partner)


def _add_offers(customer, count):
    for index in range(count):
        OfferFactory(billing_type="license" if index % 2 else "usage", max_quantity=1)


def _add_templates(customer, count):
    rank = AgreementTemplate.objects.aggregate(Max("version_rank"))["version_rank__max"]
    for offset in range(1, count + 1):
        AgreementTemplateFactory(version_rank=rank + offset, published_on=datetime.date(2024, 1, 1))


def test_api_6_an_order_takes_as_many_queries_with_ten_lines_as_with_one(api, admin_agent):
    customer = CustomerFactory(partner=admin_agent.partner)
    order = OrderFactory(customer=customer)
    url = f"/v1/customers/{customer.tenant_id}/orders/{order.api_id}"
    client = api(admin_agent)

    def add_lines(start, count):
        for number in range(start, start + count):
            offer = OfferFactory()
            line = OrderLineFactory(order=order, offer=offer, line_item_number=number)
            SubscriptionFactory(order=order, customer=customer, offer=offer, order_line=line)

    add_lines(0, 1)
    one = _queries(client, url)
    add_lines(1, 9)
    ten = _queries(client, url)

    assert ten == one, f"{url}: {one} queries for one line, {ten} for ten"


@pytest.mark.parametrize(
    "path, add",
    [
        ("/v1/customers/{tenant_id}/orders", _add_orders),
        ("/v1/customers/{tenant_id}/subscriptions", _add_subscriptions),
        ("/v1/customers/{tenant_id}/agreements?agreementType=*", _add_confirmations),
        ("/v1/customers", _add_customers),
        ("/v1/offers", _add_offers),
        ("/v1/agreements?agreementType=*", _add_templates),
    ],
    ids=["orders", "subscriptions", "agreements", "customers", "offers", "agreement-metadata"],
)
def test_api_6_lists_take_as_many_queries_for_ten_rows_as_for_one(api, admin_agent, path, add):
    customer = CustomerFactory(partner=admin_agent.partner)
    url = path.format(tenant_id=customer.tenant_id)
    client = api(admin_agent)
    add(customer, 1)
    one = _queries(client, url)
    add(customer, 9)
    ten = _queries(client, url)

    assert ten == one, f"{url}: {one} queries for one row, {ten} for ten"
