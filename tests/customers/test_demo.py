"""The demo data shows every flow, F5's refusal included, and records its writes (F5, R9, R13)."""

import pytest
from django.urls import reverse

from accounts.demo import seed_users
from customers.demo import seed_bulk_customers, seed_customers
from customers.models import AgreementStatus, Channel, Customer
from orders.demo import seed_catalogue
from orders.models import Subscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_users():
    users = seed_users(password="demo-password-for-tests")
    seed_catalogue()
    seed_customers(users=users)
    return users


def test_f5_r9_demo_has_a_required_customer_whose_imported_subscription_shows_the_refusal(client, demo_users):
    customer = Customer.objects.get(company_name="Wide World Importers")
    assert customer.agreement_status == AgreementStatus.REQUIRED
    subscription = customer.subscriptions.get()
    assert subscription.is_license_based
    assert subscription.order.channel == Channel.IMPORT
    assert (subscription.updated_by, subscription.updated_channel) == (demo_users["admin.agent"], "import")

    client.force_login(demo_users["admin.agent"])
    url = reverse(
        "orders:subscription_quantity",
        kwargs={"tenant_id": customer.tenant_id, "subscription_id": subscription.pk},
    )
    assert "The license count cannot change until" in client.get(url).content.decode()

    seed_customers(users=demo_users)  # idempotent
    assert customer.subscriptions.count() == 1


def test_r13_the_demo_customers_orders_and_subscriptions_each_have_a_history(demo_users):
    """The imported order and subscription included: F5's license-count change adds to their history."""
    from orders.models import Order

    for model in (Customer, Order, Subscription):
        rows = model.objects.all()
        assert rows.exists(), model
        for row in rows:
            first = row.history.earliest("history_date")
            assert first.history_type == "+" and first.history_user in demo_users.values(), row
    imported = Customer.objects.get(company_name="Wide World Importers").subscriptions.get()
    for row in (imported, imported.order):
        assert row.history.get().history_user == demo_users["admin.agent"]


def test_r13_bulk_seed_subscriptions_record_who_and_the_import_channel(demo_users):
    user = demo_users["admin.agent"]
    seed_bulk_customers(partner=user.partner, user=user, count=60)
    synthetic = Subscription.objects.filter(customer__domain__startswith="syn")
    assert synthetic.exists()
    assert set(synthetic.values_list("updated_by", "updated_channel", "order__channel")) == {
        (user.pk, "import", "import")
    }


def test_f5_seeded_subscriptions_are_linked_to_the_order_lines_that_created_them(demo_users):
    user = demo_users["admin.agent"]
    seed_bulk_customers(partner=user.partner, user=user, count=60)
    subscriptions = Subscription.objects.select_related("order_line")
    assert subscriptions.filter(customer__domain__startswith="syn").exists()
    imported = subscriptions.filter(order__user_agent="seed_demo")
    assert imported.exists()
    for subscription in subscriptions.filter(order__channel="import"):
        line = subscription.order_line
        assert line is not None
        assert (line.order_id, line.offer_id) == (subscription.order_id, subscription.offer_id)
