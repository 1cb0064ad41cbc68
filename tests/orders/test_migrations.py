"""Migrations of orders with a data step.

0005 gives every subscription its own GUID for the API, its history too, and 0008 every order;
0006 gives usage-based offers a quantity of 1; 0009 makes offer ids unique ignoring case.
"""

import pytest
from django.db import IntegrityError, transaction

from orders.models import Offer, Order, Subscription
from tests.factories import OrderFactory, SubscriptionFactory, confirmed_customer
from tests.migrations import migrate

BEFORE = [("orders", "0004_admin_list_indexes")]


@pytest.mark.django_db(transaction=True)
def test_api_6_migration_0005_gives_each_existing_subscription_a_guid_of_its_own(partner):
    customer = confirmed_customer(partner=partner)
    subscriptions = SubscriptionFactory.create_batch(
        3, order=OrderFactory(customer=customer), customer=customer
    )
    subscriptions[0].quantity = 9
    subscriptions[0].save()  # a second history row
    try:
        migrate(BEFORE)  # drops the column
        migrate(None)
    finally:
        migrate(None)
    ids = dict(Subscription.objects.values_list("pk", "api_id"))
    assert len(set(ids.values())) == 3 and None not in ids.values()
    history = Subscription.history.model.objects.values_list("id", "api_id")
    assert len(history) == 4
    assert all(api_id == ids[pk] for pk, api_id in history)


@pytest.mark.django_db(transaction=True)
def test_r9_migration_0006_gives_existing_usage_based_offers_a_quantity_of_1():
    try:
        migrate([("orders", "0005_subscription_api_id")])  # no constraint yet
        Offer.objects.create(id="AZ:0001", name="Azure plan", billing_type="usage", max_quantity=300)
        Offer.objects.create(id="LIC:0001", name="Microsoft 365 E3", billing_type="license", max_quantity=300)
        migrate(None)
    finally:
        migrate(None)
    bounds = dict(Offer.objects.values_list("id", "max_quantity"))
    assert bounds == {"AZ:0001": 1, "LIC:0001": 300}


@pytest.mark.django_db(transaction=True)
def test_r12_migration_0008_gives_each_existing_order_a_guid_of_its_own(partner):
    customer = confirmed_customer(partner=partner)
    orders = OrderFactory.create_batch(3, customer=customer)
    orders[0].channel = "api"
    orders[0].save()  # a second history row
    try:
        migrate([("orders", "0007_offer_usage_help_text")])  # drops the column
        migrate(None)
    finally:
        migrate(None)
    ids = dict(Order.objects.values_list("pk", "api_id"))
    assert len(set(ids.values())) == 3 and None not in ids.values()
    history = Order.history.model.objects.values_list("id", "api_id")
    assert len(history) == 4
    assert all(api_id == ids[pk] for pk, api_id in history)


@pytest.mark.django_db(transaction=True)
def test_f3_migration_0009_stops_at_offer_ids_differing_only_in_case_and_names_them():
    try:
        migrate([("orders", "0008_order_api_id")])  # no constraint yet
        Offer.objects.create(
            id="CFQ7TTC0LH18:0001", name="Microsoft 365 Business Basic", billing_type="license"
        )
        Offer.objects.create(
            id="cfq7ttc0lh18:0001", name="Microsoft 365 Business Basic", billing_type="license"
        )
        Offer.objects.create(id="CFQ7TTC0LFLZ:0001", name="Microsoft 365 E3", billing_type="license")
        with pytest.raises(RuntimeError, match="'CFQ7TTC0LH18:0001', 'cfq7ttc0lh18:0001'$"):
            migrate(None)
        Offer.objects.filter(id="cfq7ttc0lh18:0001").delete()
        migrate(None)
    finally:
        Offer.objects.filter(id="cfq7ttc0lh18:0001").delete()
        migrate(None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.create(id="cfq7ttc0lflz:0001", name="Microsoft 365 E3", billing_type="license")
