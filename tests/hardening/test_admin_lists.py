"""Issue 6: the admin's lists of the tables that grow with use read a page, not the whole table.

Confirmations, orders and subscriptions grow with every partner's work. Their admin lists
count once (no second, unfiltered count), list no dates in use (date_hierarchy ran a
DISTINCT over every row on every view) and read their newest-first page from an index.
"""

import datetime

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements.models import Confirmation
from customers.models import Channel
from orders.models import Order, Subscription
from orders.services import LineItem, order_place
from tests.factories import confirmed_customer

pytestmark = pytest.mark.django_db

LISTS = [
    ("admin:agreements_confirmation_changelist", Confirmation, "recorded_at", "confirmation_recent"),
    ("admin:orders_order_changelist", Order, "placed_at", "order_recent"),
    ("admin:orders_subscription_changelist", Subscription, "created_at", "subscription_recent"),
]


def _customer_with_an_order(actor, partner, offer):
    """A customer with a confirmation, an order and a subscription."""
    customer = confirmed_customer(partner=partner)
    order_place(actor=actor, customer=customer, lines=[LineItem(offer.id, 3)], channel=Channel.WEB)


@pytest.fixture
def records(actor, admin_agent, partner, license_offer):
    for _ in range(2):
        _customer_with_an_order(actor(admin_agent), partner, license_offer)


@pytest.mark.parametrize(("url_name", "model", "date_field", "index"), LISTS)
def test_f4_admin_list_counts_once_and_lists_no_dates_in_use(
    client, staff_user, records, url_name, model, date_field, index
):
    client.force_login(staff_user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert response.context["cl"].result_count == model.objects.count() == 2
    statements = [q["sql"].upper() for q in queries]
    assert sum("COUNT(" in sql for sql in statements) == 1
    assert not any("DISTINCT" in sql for sql in statements)


@pytest.mark.parametrize(("url_name", "model", "date_field", "index"), LISTS)
def test_f4_admin_list_filters_by_date_and_keeps_old_date_links(
    client,
    staff_user,
    records,
    actor,
    admin_agent,
    partner,
    license_offer,
    url_name,
    model,
    date_field,
    index,
):
    """The date filter (today, past 7 days, this month, this year) replaces the date drill-down;
    a bookmarked drill-down link (`?<field>__year=`) still filters."""
    a_year_ago = timezone.now() - datetime.timedelta(days=400)
    with time_machine.travel(a_year_ago):
        _customer_with_an_order(actor(admin_agent), partner, license_offer)
    (old,) = model.objects.filter(**{f"{date_field}__lt": a_year_ago + datetime.timedelta(days=1)})
    client.force_login(staff_user)
    start_of_year = timezone.localtime().replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    this_year = client.get(reverse(url_name), {f"{date_field}__gte": str(start_of_year)}).context["cl"]
    assert this_year.result_count == 2 and old not in this_year.result_list
    bookmarked = client.get(
        reverse(url_name), {f"{date_field}__year": str(timezone.localtime(a_year_ago).year)}
    )
    assert list(bookmarked.context["cl"].result_list) == [old]


@pytest.mark.parametrize(("url_name", "model", "date_field", "index"), LISTS)
def test_f4_admin_list_page_can_be_read_from_its_newest_first_index(
    client, staff_user, records, url_name, model, date_field, index
):
    client.force_login(staff_user)
    response = client.get(reverse(url_name))
    page = response.context["cl"].result_list
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"ANALYZE {model._meta.db_table}")
                # A small table is cheapest to scan and sort: forbid that to see whether the index fits.
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("SET LOCAL enable_sort = off")
        plan = page.explain()
    assert index in plan
