"""R8 and R15 under concurrency, on PostgreSQL: real row locks, one connection per thread."""

import datetime
import threading
import time
import uuid

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from agreements.models import ConfirmationChannel
from agreements.services import Acceptor, confirmation_record
from customers.models import Channel, Customer
from orders.models import Offer, Order, Subscription
from orders.services import AgreementRequired, LineItem, order_place, subscription_set_quantity
from tests.factories import CustomerFactory, SubscriptionFactory, confirmed_customer

ROUNDS = 15
SUBMISSIONS = 20


def _run_together(*targets):
    """Start every target at the same moment, each on its own connection; return results or exceptions."""
    barrier = threading.Barrier(len(targets))
    results = [None] * len(targets)

    def run(index, target):
        try:
            barrier.wait(timeout=10)
            results[index] = target()
        except Exception as exc:  # the test inspects what each session met
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_r8_an_order_racing_a_confirmation_is_never_placed_before_the_confirmation(
    actor, admin_agent, sales_agent, license_offer
):
    outcomes = set()
    for round_number in range(ROUNDS):
        customer = CustomerFactory(partner=admin_agent.partner)
        acceptor = Acceptor("Ada", f"Round{round_number}", "ada@example.com", "", datetime.date(2024, 1, 15))

        def place(customer=customer):
            return order_place(
                actor=actor(sales_agent),
                customer=customer,
                lines=[LineItem(license_offer.id, 3)],
                channel=Channel.WEB,
            )

        def confirm(customer=customer, acceptor=acceptor):
            return confirmation_record(
                actor=actor(admin_agent),
                customer=customer,
                acceptor=acceptor,
                channel=ConfirmationChannel.ACCOUNT_INFO,
            )

        placed, confirmed = _run_together(place, confirm)

        assert not isinstance(confirmed, Exception), confirmed
        customer = Customer.objects.select_related("current_confirmation").get(pk=customer.pk)
        assert customer.current_confirmation_id == confirmed.pk
        if isinstance(placed, AgreementRequired):
            outcomes.add("refused")
            assert not Order.objects.filter(customer=customer).exists()
            assert not Subscription.objects.filter(customer=customer).exists()
        else:
            assert isinstance(placed, Order), placed
            outcomes.add("placed")
            # The order saw the committed confirmation: it was recorded before the order was.
            assert customer.current_confirmation.recorded_at <= Order.objects.get(pk=placed.pk).placed_at
    assert outcomes  # at least one round ran to the end


def _another_session_waits_for_a_lock(timeout: float = 5.0) -> bool:
    """Whether another connection to this database is waiting for a lock, within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            # Inside a transaction the activity view is read once and kept: read it afresh.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_r8_an_order_waits_for_a_change_of_its_customer_in_progress_and_sees_it(
    actor, admin_agent, license_offer
):
    """The race above cannot show the lock (a confirmation only ever makes a customer Confirmed).
    Here another transaction holds the customer's row while it takes the confirmation away: the
    order must wait for it and check the status it leaves, not the one it read before. Without
    the lock, the order reads the Confirmed row and is placed for a customer that is not."""
    customer = confirmed_customer(partner=admin_agent.partner)
    holding = threading.Event()

    def unconfirm():
        with transaction.atomic():
            Customer.objects.select_for_update().get(pk=customer.pk)
            holding.set()
            waited = _another_session_waits_for_a_lock()
            Customer.objects.filter(pk=customer.pk).update(current_confirmation=None)
        return waited

    def place():
        holding.wait(timeout=10)
        return order_place(
            actor=actor(admin_agent),
            customer=customer,
            lines=[LineItem(license_offer.id, 2)],
            channel=Channel.WEB,
        )

    waited, placed = _run_together(unconfirm, place)
    assert waited is True  # the order waited for the row
    assert isinstance(placed, AgreementRequired), placed
    assert not Order.objects.filter(customer=customer).exists()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_r15_twenty_concurrent_place_order_submissions_with_one_key_place_one_order(
    actor, admin_agent, license_offer, usage_offer, customer
):
    key = uuid.uuid4()
    lines = [LineItem(license_offer.id, 4), LineItem(usage_offer.id, None)]

    def submit():
        return order_place(
            actor=actor(admin_agent), customer=customer, lines=lines, channel=Channel.WEB, idempotency_key=key
        )

    started = timezone.now()
    results = _run_together(*[submit] * SUBMISSIONS)

    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    assert {order.pk for order in results} == {Order.objects.get(customer=customer).pk}
    assert Order.objects.filter(customer=customer, placed_at__gte=started).count() == 1
    assert Subscription.objects.filter(customer=customer).count() == 2


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_r9_a_license_count_change_locks_its_subscription_not_the_catalogue_offer(
    actor, admin_agent, other_agent, license_offer
):
    """While one partner's change is in progress, another's order or change of the same offer
    must not wait for it: the offer row is everyone's."""
    customer = confirmed_customer(partner=admin_agent.partner)
    subscription = SubscriptionFactory(
        order__customer=customer, customer=customer, offer=license_offer, quantity=5
    )
    changing, checked = threading.Event(), threading.Event()

    def change():
        with transaction.atomic():
            subscription_set_quantity(actor=actor(admin_agent), subscription=subscription, quantity=6)
            changing.set()
            checked.wait(timeout=10)

    def offer_free():
        changing.wait(timeout=10)
        try:
            with transaction.atomic():
                Offer.objects.select_for_update(nowait=True).get(pk=license_offer.pk)
            locked_subscription = False
            try:
                with transaction.atomic():
                    Subscription.objects.select_for_update(nowait=True).get(pk=subscription.pk)
            except DatabaseError:
                locked_subscription = True
            return locked_subscription
        finally:
            checked.set()

    changed, subscription_locked = _run_together(change, offer_free)
    assert not isinstance(changed, Exception), changed
    assert subscription_locked is True, subscription_locked  # the offer was free; its subscription was not
