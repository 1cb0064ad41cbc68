"""F3 and F5 in Chromium, as an agent would do them."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from orders.models import Order
from tests.factories import (
    CustomerFactory,
    OfferFactory,
    SubscriptionFactory,
    UserFactory,
    confirmed_customer,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_f3_confirm_inside_the_order_and_place_the_same_order(page, live_server, sign_in, partner):
    OfferFactory(id="BASIC:0001", name="Microsoft 365 Business Basic", max_quantity=300)
    OfferFactory(id="AZURE:0001", name="Azure plan", billing_type="usage", max_quantity=1)
    customer = CustomerFactory(partner=partner, company_name="Tailspin Toys")
    sign_in(page, UserFactory(username="sales.agent", partner=partner, role="Sales agent"))

    page.goto(live_server.url + reverse("orders:list", kwargs={"tenant_id": customer.tenant_id}))
    page.get_by_role("link", name="New order").click()
    page.get_by_label("Quantity of Microsoft 365 Business Basic").fill("12")
    page.get_by_label("Add Azure plan").check()
    # Required: the confirmation comes first, and "Place order" is not offered yet.
    expect(page.get_by_role("button", name="Place order")).to_have_count(0)
    page.get_by_label("First name").fill("Mei")
    page.get_by_label("Last name").fill("Chen")
    page.get_by_label("Email address").fill("mei.chen@tailspin.example")
    page.get_by_label("Agreement acceptance date").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("status").filter(has_text="acceptance is confirmed")).to_be_visible()
    expect(page.get_by_label("Quantity of Microsoft 365 Business Basic")).to_have_value("12")
    expect(page.get_by_label("Add Azure plan")).to_be_checked()
    page.get_by_role("button", name="Place order").click()

    expect(page).to_have_url(re.compile(r"/orders/$"))
    order = Order.objects.get(customer=customer)
    expect(page.get_by_text(f"Order {order.api_id} was placed.")).to_be_visible()
    row = page.get_by_test_id("order-row")
    expect(row).to_contain_text("Microsoft 365 Business Basic × 12")
    expect(row).to_contain_text("Azure plan")


def test_f5_license_count_refused_while_required_then_changed_once_confirmed(
    page, live_server, sign_in, partner
):
    offer = OfferFactory(id="BASIC:0001", name="Microsoft 365 Business Basic", max_quantity=300)
    customer = CustomerFactory(partner=partner, company_name="Tailspin Toys")
    subscription = SubscriptionFactory(order__customer=customer, customer=customer, offer=offer, quantity=5)
    sign_in(page, UserFactory(username="admin.agent", partner=partner))

    page.goto(live_server.url + reverse("orders:subscriptions", kwargs={"tenant_id": customer.tenant_id}))
    page.get_by_role("link", name="Change license count").click()
    expect(page.get_by_text("The license count cannot change until")).to_be_visible()
    quantity_url = page.url
    expect(page.get_by_label("New license count")).to_have_count(0)

    # F2 from the refusal, and back to the same license count once confirmed.
    page.get_by_role(
        "link", name="Confirm the customer's acceptance of the Microsoft Customer Agreement"
    ).click()
    page.get_by_label("First name").fill("Sara")
    page.get_by_label("Last name").fill("Davis")
    page.get_by_label("Email address").fill("sara@tailspin.example")
    page.get_by_label("Agreement acceptance date").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Save and continue").click()

    expect(page).to_have_url(quantity_url)
    expect(page.get_by_role("status").filter(has_text="was saved")).to_be_visible()
    page.get_by_label("New license count").fill("9")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page).to_have_url(re.compile(r"/subscriptions/$"))
    expect(page.get_by_test_id("subscription-row")).to_contain_text("9")
    subscription.refresh_from_db()
    assert subscription.quantity == 9


def test_r14_f3_f5_a_quantity_typed_wrong_is_named_and_kept_not_left_out_of_the_order(
    page, live_server, sign_in, partner
):
    # A number input sends nothing for "1-2": the order was placed without Microsoft 365 E3,
    # and a license count came back as "This field is required." with an empty box.
    OfferFactory(id="BASIC:0001", name="Microsoft 365 Business Basic", max_quantity=300)
    OfferFactory(id="E3:0001", name="Microsoft 365 E3", max_quantity=300)
    customer = confirmed_customer(partner=partner, company_name="Adatum Corporation")
    sign_in(page, UserFactory(username="admin.agent", partner=partner))

    page.goto(live_server.url + reverse("orders:new", kwargs={"tenant_id": customer.tenant_id}))
    page.get_by_label("Quantity of Microsoft 365 E3").press_sequentially("1-2")
    page.get_by_label("Quantity of Microsoft 365 Business Basic").fill("3")
    page.get_by_role("button", name="Place order").click()

    expect(page.get_by_text("Enter a whole number.", exact=True)).to_be_visible()
    expect(page.get_by_label("Quantity of Microsoft 365 E3")).to_have_value("1-2")
    expect(page.get_by_label("Quantity of Microsoft 365 Business Basic")).to_have_value("3")
    assert not Order.objects.exists()

    subscription = SubscriptionFactory(
        order__customer=customer, customer=customer, offer_id="BASIC:0001", quantity=5
    )
    page.goto(
        live_server.url
        + reverse(
            "orders:subscription_quantity",
            kwargs={"tenant_id": customer.tenant_id, "subscription_id": subscription.pk},
        )
    )
    page.get_by_label("New license count").clear()
    page.get_by_label("New license count").press_sequentially("3-0")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_text("Enter a whole number.", exact=True)).to_be_visible()
    expect(page.get_by_label("New license count")).to_have_value("3-0")


def test_f3_discard_order_goes_with_a_date_typed_in_part(page, live_server, sign_in, partner):
    # The check of a date typed in part stopped every submit of the form, Discard order too.
    OfferFactory(id="BASIC:0001", name="Microsoft 365 Business Basic", max_quantity=300)
    customer = CustomerFactory(partner=partner, company_name="Tailspin Toys")
    sign_in(page, UserFactory(username="sales.agent", partner=partner, role="Sales agent"))

    page.goto(live_server.url + reverse("orders:new", kwargs={"tenant_id": customer.tenant_id}))
    page.get_by_label("Quantity of Microsoft 365 Business Basic").fill("12")
    page.get_by_label("Agreement acceptance date").press_sequentially("11")
    page.get_by_role("button", name="Discard order").click()

    expect(page).to_have_url(re.compile(r"/orders/$"))
    assert not Order.objects.exists()
