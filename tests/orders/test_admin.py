"""The admin: staff manage the catalogue; orders and subscriptions are read-only (R8, R9), with history."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from customers.models import Channel
from orders.models import Offer, Order, Subscription
from orders.services import LineItem, order_place, subscription_set_quantity

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def order(actor, admin_agent, customer, license_offer):
    return order_place(
        actor=actor(admin_agent),
        customer=customer,
        lines=[LineItem(license_offer.id, 5)],
        channel=Channel.WEB,
    )


def test_f3_staff_add_and_change_offers_in_the_catalogue(staff_client):
    response = staff_client.post(
        reverse("admin:orders_offer_add"),
        {
            "id": "NEW:0001",
            "name": "Microsoft 365 F3",
            "billing_type": "license",
            "min_quantity": "1",
            "max_quantity": "50",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    response = staff_client.post(
        reverse("admin:orders_offer_change", args=["NEW:0001"]),
        {"name": "Microsoft 365 F3", "billing_type": "license", "min_quantity": "10", "max_quantity": "5"},
    )
    assert response.status_code == 200  # min above max: an error on the form, not a 500
    assert Offer.objects.get(pk="NEW:0001").min_quantity == 1


def test_r9_a_usage_based_offer_added_in_the_admin_gets_a_quantity_of_1(staff_client):
    page = staff_client.get(reverse("admin:orders_offer_add")).content.decode()
    assert "A usage-based offer has no license count: its quantities are set to 1." in page
    data = {
        "id": "AZ:0002",
        "name": "Azure plan (EU)",
        "billing_type": "usage",
        "min_quantity": "1",
        "max_quantity": "300",  # the form's default
        "is_active": "on",
    }
    response = staff_client.post(reverse("admin:orders_offer_add"), data)
    assert response.status_code == 302
    assert Offer.objects.values_list("min_quantity", "max_quantity").get(pk="AZ:0002") == (1, 1)
    # A license-based offer keeps the bounds staff set.
    response = staff_client.post(
        reverse("admin:orders_offer_add"), {**data, "id": "LIC:0002", "billing_type": "license"}
    )
    assert response.status_code == 302
    assert Offer.objects.values_list("min_quantity", "max_quantity").get(pk="LIC:0002") == (1, 300)


def test_r9_an_ordered_offers_billing_type_cannot_change_in_the_admin(staff_client, order, license_offer):
    # Its subscriptions would change kind with it: a license count of 5 nobody could change,
    # or an Azure plan given a license count.
    url = reverse("admin:orders_offer_change", args=[license_offer.pk])
    assert "billing_type" not in staff_client.get(url).context["adminform"].form.fields

    staff_client.post(
        url,
        {"name": license_offer.name, "billing_type": "usage", "min_quantity": "1", "max_quantity": "1"},
    )

    license_offer.refresh_from_db()
    assert license_offer.billing_type == Offer.BillingType.LICENSE
    # An offer nobody ordered yet can still be corrected.
    unsold = Offer.objects.create(id="NEW:0002", name="Microsoft 365 E5", billing_type="license")
    unsold_url = reverse("admin:orders_offer_change", args=[unsold.pk])
    assert "billing_type" in staff_client.get(unsold_url).context["adminform"].form.fields


def test_r9_an_ordered_offer_keeps_its_billing_type_whoever_changes_it(order, license_offer):
    # The rule is the offer's (Offer.clean), not only the admin form's.
    license_offer.billing_type = Offer.BillingType.USAGE
    with pytest.raises(ValidationError) as refused:
        license_offer.full_clean()
    assert refused.value.error_dict["billing_type"][0].code == "billing_type_sold"
    unsold = Offer.objects.create(id="NEW:0003", name="Azure plan", billing_type="license")
    unsold.billing_type = Offer.BillingType.USAGE
    unsold.full_clean()  # nobody ordered it: corrected freely


def test_r9_an_offers_maximum_cannot_go_below_a_license_count_in_use(
    actor, admin_agent, order, license_offer
):
    # Above its offer's maximum, F5 and the API would refuse even the count a subscription has.
    subscription = order.subscriptions.get()
    subscription_set_quantity(actor=actor(admin_agent), subscription=subscription, quantity=12)
    license_offer.max_quantity = 11
    with pytest.raises(ValidationError) as refused:
        license_offer.full_clean()
    (error,) = refused.value.error_dict["max_quantity"]
    assert error.code == "max_below_subscriptions"
    assert "A subscription of this offer has 12 licenses" in error.messages[0]
    license_offer.max_quantity = 12
    license_offer.full_clean()  # the highest count in use is still allowed


def test_r9_an_offers_minimum_cannot_go_above_a_license_count_in_use(
    actor, admin_agent, order, license_offer
):
    # Below its offer's minimum, F5 and the API would refuse even the count a subscription has.
    subscription = order.subscriptions.get()
    subscription_set_quantity(actor=actor(admin_agent), subscription=subscription, quantity=3)
    license_offer.min_quantity = 4
    with pytest.raises(ValidationError) as refused:
        license_offer.full_clean()
    (error,) = refused.value.error_dict["min_quantity"]
    assert error.code == "min_above_subscriptions"
    assert "A subscription of this offer has 3 licenses" in error.messages[0]
    license_offer.min_quantity = 3
    license_offer.full_clean()  # the lowest count in use is still allowed


def test_r9_the_admin_shows_both_bounds_that_leave_out_a_license_count_in_use(
    staff_client, order, license_offer
):
    url = reverse("admin:orders_offer_change", args=[license_offer.pk])
    data = {"name": license_offer.name, "min_quantity": "6", "max_quantity": "4", "is_active": "on"}

    errors = staff_client.post(url, data).context["adminform"].form.errors

    assert errors["min_quantity"] == [
        "A subscription of this offer has 5 licenses: the minimum quantity cannot be higher."
    ]
    assert errors["max_quantity"] == [
        "A subscription of this offer has 5 licenses: the maximum quantity cannot be lower."
    ]


def test_r9_the_admin_shows_next_to_the_maximum_that_it_is_below_a_license_count_in_use(
    staff_client, order, license_offer
):
    url = reverse("admin:orders_offer_change", args=[license_offer.pk])
    data = {"name": license_offer.name, "min_quantity": "1", "max_quantity": "4", "is_active": "on"}

    response = staff_client.post(url, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["max_quantity"] == [
        "A subscription of this offer has 5 licenses: the maximum quantity cannot be lower."
    ]
    assert Offer.objects.get(pk=license_offer.pk).max_quantity == 300
    assert staff_client.post(url, {**data, "max_quantity": "5"}).status_code == 302
    assert Offer.objects.get(pk=license_offer.pk).max_quantity == 5


def test_r9_the_database_holds_a_usage_based_offers_quantity_at_1():
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            Offer.objects.create(id="AZ:0003", name="Azure plan", billing_type="usage", max_quantity=5)
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            Offer.objects.create(id="AZ:0003", name="Azure plan", billing_type="usage", min_quantity=2)


def test_f3_an_offer_id_differing_from_anothers_only_in_case_is_refused(staff_client, license_offer):
    # Partner Center's ids name the same offer in any case: this would be one product listed twice.
    data = {
        "id": license_offer.pk.lower(),
        "name": "Microsoft 365 Business Basic",
        "billing_type": "license",
        "min_quantity": "1",
        "max_quantity": "300",
        "is_active": "on",
    }

    response = staff_client.post(reverse("admin:orders_offer_add"), data)

    assert response.status_code == 200
    taken = "An offer with this ID already exists (ignoring case)."
    assert response.context["adminform"].form.non_field_errors() == [taken]
    assert list(Offer.objects.filter(pk__iexact=license_offer.pk).values_list("pk", flat=True)) == [
        license_offer.pk
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.create(id=license_offer.pk.lower(), name="Copy", billing_type="license")


def test_r8_staff_cannot_add_or_change_orders_in_the_admin(staff_client, order):
    assert staff_client.get(reverse("admin:orders_order_changelist")).status_code == 200
    assert staff_client.get(reverse("admin:orders_order_change", args=[order.pk])).status_code == 200
    assert staff_client.get(reverse("admin:orders_order_add")).status_code == 403
    assert (
        staff_client.post(reverse("admin:orders_order_delete", args=[order.pk]), {"post": "yes"}).status_code
        == 403
    )
    version = order.history.get()
    past = reverse("admin:orders_order_simple_history", args=[order.pk, version.history_id])
    assert staff_client.get(past).status_code == 200
    assert staff_client.post(past, {"channel": "api"}).status_code == 403
    assert Order.objects.count() == 1


def test_r9_staff_cannot_change_license_counts_in_the_admin(staff_client, order):
    subscription = order.subscriptions.get()
    url = reverse("admin:orders_subscription_change", args=[subscription.pk])
    assert staff_client.get(url).status_code == 200
    assert staff_client.post(url, {"quantity": "99"}).status_code == 403
    version = subscription.history.get()
    revert = reverse("admin:orders_subscription_simple_history", args=[subscription.pk, version.history_id])
    assert staff_client.get(revert).status_code == 200
    assert staff_client.post(revert, {"quantity": "99"}).status_code == 403
    subscription.refresh_from_db()
    assert subscription.quantity == 5
    assert Subscription.objects.count() == 1


def test_r13_staff_see_the_change_history_of_orders_and_subscriptions(staff_client, order, admin_agent):
    subscription = order.subscriptions.get()
    for name, pk in (
        ("admin:orders_order_history", order.pk),
        ("admin:orders_subscription_history", subscription.pk),
    ):
        response = staff_client.get(reverse(name, args=[pk]))
        assert response.status_code == 200
        assert admin_agent.username in response.content.decode()
