"""R8–R10, R12, R13, R15 in the services: order_place and subscription_set_quantity."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from customers.models import Channel, Customer
from orders.models import Order, OrderLine, Subscription
from orders.services import (
    MAX_LINE_ITEMS,
    AgreementRequired,
    LineItem,
    order_place,
    subscription_set_quantity,
)
from tests.factories import CustomerFactory, OfferFactory, SubscriptionFactory, confirmed_customer

pytestmark = pytest.mark.django_db


def _place(actor, user, customer, lines, **kwargs):
    return order_place(actor=actor(user), customer=customer, lines=lines, channel=Channel.WEB, **kwargs)


def _nothing_written():
    return not Order.objects.exists() and not OrderLine.objects.exists() and not Subscription.objects.exists()


# R8 ------------------------------------------------------------------------------------------


def test_r8_order_for_a_required_customer_is_refused_and_nothing_is_written(
    actor, admin_agent, required_customer, license_offer
):
    with pytest.raises(AgreementRequired) as caught:
        _place(actor, admin_agent, required_customer, [LineItem(license_offer.id, 5)])
    assert caught.value.code == 13605
    assert "Microsoft Customer Agreement" in str(caught.value)
    assert _nothing_written()


def test_r8_order_for_a_confirmed_customer_creates_order_lines_and_subscriptions(
    actor, sales_agent, customer, license_offer, usage_offer
):
    order = _place(
        actor, sales_agent, customer, [LineItem(license_offer.id, 12), LineItem(usage_offer.id, 1)]
    )

    assert order.customer == customer
    assert [(line.offer_id, line.quantity) for line in order.lines.all()] == [
        (license_offer.id, 12),
        (usage_offer.id, 1),
    ]
    subscriptions = {s.offer_id: s for s in Subscription.objects.filter(order=order)}
    assert subscriptions[license_offer.id].quantity == 12
    assert subscriptions[license_offer.id].customer == customer
    assert subscriptions[usage_offer.id].quantity is None


def test_r8_each_subscription_is_linked_to_the_order_line_that_created_it(
    actor, sales_agent, customer, license_offer, usage_offer
):
    order = _place(
        actor,
        sales_agent,
        customer,
        [LineItem(usage_offer.id, 1, line_item_number=7), LineItem(license_offer.id, 3, line_item_number=2)],
    )

    linked = {
        s.order_line.line_item_number: s.offer_id for s in order.subscriptions.select_related("order_line")
    }
    assert linked == {7: usage_offer.id, 2: license_offer.id}


def test_r9_usage_based_line_needs_no_quantity_and_its_subscription_has_no_license_count(
    actor, admin_agent, customer, usage_offer
):
    order = _place(actor, admin_agent, customer, [LineItem(usage_offer.id, None)])
    assert order.lines.get().quantity == 1
    assert order.subscriptions.get().quantity is None


@pytest.mark.parametrize("quantity", [5, 0])
def test_r9_a_usage_based_line_with_a_license_count_says_it_has_none(
    actor, admin_agent, customer, usage_offer, quantity
):
    # "must be between 1 and 1" told a script nothing about why.
    with pytest.raises(ValidationError) as caught:
        _place(actor, admin_agent, customer, [LineItem(usage_offer.id, quantity)])
    assert caught.value.error_dict["line_0"][0].messages == [
        f"{usage_offer.name} is usage-based: it has no license count, so its quantity is 1."
    ]
    assert _nothing_written()


@pytest.mark.parametrize("quantity", [0, 4, 10001, -1, "5", None, True])
def test_r8_quantity_outside_the_offers_bounds_is_refused_next_to_its_line(
    actor, admin_agent, customer, license_offer, e3_offer, quantity
):
    with pytest.raises(ValidationError) as caught:
        _place(actor, admin_agent, customer, [LineItem(license_offer.id, 1), LineItem(e3_offer.id, quantity)])
    assert set(caught.value.error_dict) == {"line_1"}
    assert _nothing_written()


def test_r8_bounds_message_names_the_offer_and_its_bounds(actor, admin_agent, customer, e3_offer):
    with pytest.raises(ValidationError) as caught:
        _place(actor, admin_agent, customer, [LineItem(e3_offer.id, 4)])
    assert caught.value.messages == ["The quantity of Microsoft 365 E3 must be between 5 and 10000."]


def test_r8_unknown_and_inactive_offers_are_refused(actor, admin_agent, customer, license_offer):
    inactive = OfferFactory(id="OLD:0001", is_active=False)
    with pytest.raises(ValidationError) as caught:
        _place(
            actor,
            admin_agent,
            customer,
            [LineItem("NOPE:0001", 1), LineItem(license_offer.id, 1), LineItem(inactive.id, 1)],
        )
    errors = caught.value.error_dict
    assert set(errors) == {"line_0", "line_2"}
    assert errors["line_0"][0].code == "unknown_offer"
    assert _nothing_written()


def test_r8_an_offer_id_in_another_case_orders_that_offer(actor, admin_agent, customer):
    # Offer ids are unique ignoring case (Partner Center's: CFQ7TTC0LH18:0001 in any case).
    offer = OfferFactory(id="CFQ7TTC0LH18:0001")
    order = _place(actor, admin_agent, customer, [LineItem("cfq7ttc0lh18:0001", 2)])
    assert list(order.lines.values_list("offer_id", "quantity")) == [(offer.id, 2)]
    assert order.subscriptions.get().offer == offer


def test_r15_a_retry_naming_the_offer_in_another_case_places_nothing_new(actor, admin_agent, customer):
    OfferFactory(id="CFQ7TTC0LH18:0001")
    key = uuid.uuid4()
    first = _place(actor, admin_agent, customer, [LineItem("CFQ7TTC0LH18:0001", 2)], idempotency_key=key)
    again = _place(actor, admin_agent, customer, [LineItem("cfq7ttc0lh18:0001", 2)], idempotency_key=key)
    assert again == first
    assert Order.objects.count() == 1


def test_r8_an_order_needs_at_least_one_line(actor, admin_agent, customer):
    with pytest.raises(ValidationError):
        _place(actor, admin_agent, customer, [])
    assert _nothing_written()


@pytest.mark.parametrize("role_user", ["helpdesk_agent", "billing_admin", "staff_user"])
def test_r3_only_admin_and_sales_agents_place_orders(request, actor, customer, license_offer, role_user):
    user = request.getfixturevalue(role_user)
    with pytest.raises(PermissionDenied):
        _place(actor, user, customer, [LineItem(license_offer.id, 1)])
    assert _nothing_written()


def test_r4_reseller_cannot_order_for_a_required_customer(actor, reseller_agent, license_offer):
    customer = CustomerFactory(partner=reseller_agent.partner)
    with pytest.raises(AgreementRequired):
        _place(actor, reseller_agent, customer, [LineItem(license_offer.id, 1)])
    assert _nothing_written()


# R9 ------------------------------------------------------------------------------------------


def _subscription(customer, offer, quantity=5):
    return SubscriptionFactory(order__customer=customer, customer=customer, offer=offer, quantity=quantity)


def test_r9_license_count_cannot_change_for_a_required_customer(
    actor, admin_agent, required_customer, license_offer
):
    subscription = _subscription(required_customer, license_offer)
    with pytest.raises(AgreementRequired) as caught:
        subscription_set_quantity(actor=actor(admin_agent), subscription=subscription, quantity=9)
    assert caught.value.code == 13605
    subscription.refresh_from_db()
    assert subscription.quantity == 5
    assert subscription.history.count() == 1  # the creation only


def test_r9_license_count_changes_for_a_confirmed_customer(actor, sales_agent, customer, license_offer):
    subscription = _subscription(customer, license_offer)
    subscription_set_quantity(actor=actor(sales_agent), subscription=subscription, quantity=9)
    subscription.refresh_from_db()
    assert subscription.quantity == 9


def test_r9_usage_based_subscriptions_have_no_license_count(actor, admin_agent, customer, usage_offer):
    subscription = _subscription(customer, usage_offer, quantity=None)
    with pytest.raises(ValidationError) as caught:
        subscription_set_quantity(actor=actor(admin_agent), subscription=subscription, quantity=3)
    assert caught.value.error_dict["quantity"][0].code == "usage_based"
    subscription.refresh_from_db()
    assert subscription.quantity is None


@pytest.mark.parametrize("quantity", [0, 301, -5])
def test_r9_license_count_outside_the_offers_bounds_is_refused(
    actor, admin_agent, customer, license_offer, quantity
):
    subscription = _subscription(customer, license_offer)
    with pytest.raises(ValidationError) as caught:
        subscription_set_quantity(actor=actor(admin_agent), subscription=subscription, quantity=quantity)
    assert caught.value.error_dict["quantity"][0].code == "quantity_bounds"
    subscription.refresh_from_db()
    assert subscription.quantity == 5


def test_r3_helpdesk_cannot_change_license_counts(actor, helpdesk_agent, customer, license_offer):
    subscription = _subscription(customer, license_offer)
    with pytest.raises(PermissionDenied):
        subscription_set_quantity(actor=actor(helpdesk_agent), subscription=subscription, quantity=9)


# R10 -----------------------------------------------------------------------------------------


def test_r10_outside_the_public_cloud_the_gates_do_not_apply(
    settings, actor, admin_agent, required_customer, license_offer
):
    settings.PORTAL_CLOUD = "china"
    order = _place(actor, admin_agent, required_customer, [LineItem(license_offer.id, 2)])
    subscription = order.subscriptions.get()
    subscription_set_quantity(actor=actor(admin_agent), subscription=subscription, quantity=3)
    subscription.refresh_from_db()
    assert subscription.quantity == 3


# R12 -----------------------------------------------------------------------------------------


def test_r12_another_partners_customer_is_not_found(actor, other_agent, customer, license_offer):
    with pytest.raises(Customer.DoesNotExist):
        _place(actor, other_agent, customer, [LineItem(license_offer.id, 1)])
    assert _nothing_written()


def test_r12_another_partners_subscription_is_not_found(actor, other_agent, customer, license_offer):
    subscription = _subscription(customer, license_offer)
    with pytest.raises(Customer.DoesNotExist):
        subscription_set_quantity(actor=actor(other_agent), subscription=subscription, quantity=9)
    subscription.refresh_from_db()
    assert subscription.quantity == 5


def test_r12_selectors_answer_404_for_another_partners_customer_and_subscription(
    admin_agent, other_agent, customer, license_offer
):
    from django.http import Http404

    from customers.selectors import customer_get
    from orders.selectors import subscription_get

    subscription = _subscription(customer, license_offer)
    with pytest.raises(Http404):
        customer_get(user=other_agent, tenant_id=customer.tenant_id)
    # A subscription of another customer, even one's own partner's, is not under this customer.
    elsewhere = confirmed_customer(partner=admin_agent.partner)
    with pytest.raises(Http404):
        subscription_get(user=admin_agent, customer=elsewhere, subscription_id=subscription.pk)
    theirs = confirmed_customer(partner=other_agent.partner)
    with pytest.raises(Http404):
        subscription_get(user=other_agent, customer=theirs, subscription_id=subscription.pk)


# R13 -----------------------------------------------------------------------------------------


def test_r13_order_records_who_when_channel_address_and_history(actor, sales_agent, customer, license_offer):
    order = order_place(
        actor=actor(sales_agent, client_ip="198.51.100.4", user_agent="Firefox/140"),
        customer=customer,
        lines=[LineItem(license_offer.id, 3)],
        channel=Channel.API,
    )
    order.refresh_from_db()
    assert order.placed_by == sales_agent
    assert order.placed_at is not None
    assert (order.channel, order.client_ip, order.user_agent) == ("api", "198.51.100.4", "Firefox/140")
    assert order.history.get().history_user == sales_agent
    subscription = order.subscriptions.get()
    assert (subscription.updated_by, subscription.updated_channel) == (sales_agent, "api")
    assert subscription.history.get().history_user == sales_agent


def test_r13_license_count_change_records_who_channel_address_and_history(
    actor, admin_agent, customer, license_offer
):
    subscription = _subscription(customer, license_offer)
    subscription_set_quantity(
        actor=actor(admin_agent, client_ip="2001:db8::1", user_agent="Edge/140"),
        subscription=subscription,
        quantity=8,
    )
    subscription.refresh_from_db()
    assert subscription.updated_by == admin_agent
    assert subscription.updated_channel == "web"
    assert (subscription.client_ip, subscription.user_agent) == ("2001:db8::1", "Edge/140")
    latest, first = subscription.history.all()[:2]
    assert (first.quantity, latest.quantity) == (5, 8)
    assert latest.history_user == admin_agent
    assert latest.history_type == "~"


# R15 -----------------------------------------------------------------------------------------


def test_r15_the_same_submission_twice_places_one_order(actor, admin_agent, customer, license_offer):
    key = uuid.uuid4()
    first = _place(actor, admin_agent, customer, [LineItem(license_offer.id, 2)], idempotency_key=key)
    again = _place(actor, admin_agent, customer, [LineItem(license_offer.id, 2)], idempotency_key=key)
    assert first.pk == again.pk
    assert Order.objects.count() == 1
    assert Subscription.objects.count() == 1


def test_r15_the_same_key_is_the_same_order_only_with_the_same_lines(
    actor, admin_agent, customer, license_offer, usage_offer
):
    from portal.once import SubmissionReused

    key = uuid.uuid4()
    lines = [LineItem(license_offer.id, 2), LineItem(usage_offer.id, None)]
    first = _place(actor, admin_agent, customer, lines, idempotency_key=key)
    assert _place(actor, admin_agent, customer, lines[::-1], idempotency_key=key).pk == first.pk  # any order
    for changed in (
        [LineItem(license_offer.id, 3), lines[1]],
        lines[:1],
        [*lines, LineItem(license_offer.id, 1)],
    ):
        with pytest.raises(SubmissionReused):
            _place(actor, admin_agent, customer, changed, idempotency_key=key)
    assert Order.objects.count() == 1


def test_r8_an_order_has_at_most_50_lines_and_nothing_is_written(actor, admin_agent, customer, license_offer):
    # One order holds the customer's row for its whole transaction: 25,000 lines held it for minutes.
    lines = [LineItem(license_offer.id, 1, line_item_number=n) for n in range(MAX_LINE_ITEMS + 1)]

    with pytest.raises(ValidationError) as caught:
        _place(actor, admin_agent, customer, lines)

    assert caught.value.code == "too_many_lines"
    assert caught.value.messages == ["An order has at most 50 lines; place the others in another order."]
    assert _nothing_written()
    assert len(_place(actor, admin_agent, customer, lines[:MAX_LINE_ITEMS]).lines.all()) == 50


def test_r9_r13_the_same_license_count_again_writes_and_audits_nothing(
    actor, sales_agent, customer, license_offer
):
    subscription = _subscription(customer, license_offer)
    before = (subscription.quantity, subscription.updated_at, subscription.history.count())

    subscription_set_quantity(
        actor=actor(sales_agent), subscription=subscription, quantity=subscription.quantity
    )

    subscription.refresh_from_db()
    assert (subscription.quantity, subscription.updated_at, subscription.history.count()) == before


def test_f5_a_license_count_changed_by_someone_else_meanwhile_is_not_overwritten_unseen(
    actor, admin_agent, sales_agent, customer, license_offer
):
    subscription = _subscription(customer, license_offer)
    shown = subscription.quantity
    subscription_set_quantity(actor=actor(admin_agent), subscription=subscription, quantity=shown + 10)

    with pytest.raises(ValidationError) as caught:
        subscription_set_quantity(
            actor=actor(sales_agent), subscription=subscription, quantity=shown + 1, seen_quantity=shown
        )
    assert caught.value.error_dict["quantity"][0].code == "changed_meanwhile"
    assert caught.value.messages == [
        f"Someone changed this license count to {shown + 10} after you opened the page. "
        "Check it and save again."
    ]
    subscription.refresh_from_db()
    assert subscription.quantity == shown + 10
    # Asking for what it already is, or having seen the new count, goes through.
    subscription_set_quantity(
        actor=actor(sales_agent), subscription=subscription, quantity=shown + 10, seen_quantity=shown
    )
    subscription_set_quantity(
        actor=actor(sales_agent), subscription=subscription, quantity=shown + 1, seen_quantity=shown + 10
    )
    subscription.refresh_from_db()
    assert subscription.quantity == shown + 1
