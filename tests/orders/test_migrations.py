"""Migration orders 0005: every existing subscription gets its own GUID for the API, its history too."""

import pytest

from orders.models import Subscription
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
