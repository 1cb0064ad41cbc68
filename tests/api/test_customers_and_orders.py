"""Customers (paged list, create, get), offers, orders and subscriptions through the API."""

import copy
import importlib
import uuid

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError

from customers.api import NEW_CUSTOMER_EXAMPLE
from customers.models import Channel, Customer
from orders.models import Offer, Order, Subscription
from tests.api.helpers import assert_error
from tests.factories import (
    CustomerFactory,
    OfferFactory,
    OrderFactory,
    OrderLineFactory,
    SubscriptionFactory,
    confirmed_customer,
)

pytestmark = pytest.mark.django_db

# The API docs' example, written the other ways a script may: the full domain, another
# culture, a null second address line and a phone number with spaces.
NEW_CUSTOMER = copy.deepcopy(NEW_CUSTOMER_EXAMPLE)
NEW_CUSTOMER["companyProfile"]["domain"] = "wingtiptoys.onmicrosoft.com"
NEW_CUSTOMER["billingProfile"]["culture"] = "en-GB"
NEW_CUSTOMER["billingProfile"]["defaultAddress"].update(addressLine2=None, phoneNumber="425 555 0100")


def test_r13_api_6_post_customers_creates_the_customer_through_the_api_channel(api, sales_agent):
    response = api(sales_agent).post(
        "/v1/customers", NEW_CUSTOMER, HTTP_USER_AGENT="script", REMOTE_ADDR="198.51.100.9"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    customer = Customer.objects.get()
    assert body["id"] == body["companyProfile"]["tenantId"] == str(customer.tenant_id)
    assert body["companyProfile"]["domain"] == "wingtiptoys.onmicrosoft.com"
    assert body["companyProfile"]["companyName"] == "Wingtip Toys"
    assert body["billingProfile"]["email"] == "ap@wingtiptoys.example"
    assert body["billingProfile"]["culture"] == "en-GB"
    assert body["billingProfile"]["defaultAddress"]["phoneNumber"] == "+14255550100"
    assert body["billingProfile"]["defaultAddress"]["country"] == "US"
    assert body["attributes"] == {"objectType": "Customer"}
    assert body["agreementStatus"] == "required"
    # R13: the same audit as a browser write.
    assert customer.created_channel == Channel.API
    assert customer.created_by == sales_agent
    assert customer.partner == sales_agent.partner
    assert customer.history.get().history_user == sales_agent


def test_r14_api_6_post_customers_with_bad_fields_is_400_naming_them(api, sales_agent):
    body = {
        **NEW_CUSTOMER,
        "companyProfile": {"domain": "not a domain!", "companyName": ""},
    }
    body["billingProfile"] = {**NEW_CUSTOMER["billingProfile"], "defaultAddress": {"country": "US"}}

    response = api(sales_agent).post("/v1/customers", body)

    error = assert_error(response, 400, 2000, "InvalidInput")
    assert "companyProfile.domain" in error["description"]
    assert "billingProfile.defaultAddress.city" in error["description"]
    assert not Customer.objects.exists()


@pytest.mark.parametrize("country", [None, "", "United States", "ZZ"])
def test_r14_api_6_a_missing_or_unknown_country_is_named_not_the_phone_judged_by_it(
    api, sales_agent, country
):
    # The phone was judged for no country: "Enter a valid phone number for , …" (2008).
    body = copy.deepcopy(NEW_CUSTOMER)
    address = body["billingProfile"]["defaultAddress"]
    if country is None:
        del address["country"]
    else:
        address["country"] = country

    response = api(sales_agent).post("/v1/customers", body)

    error = assert_error(response, 400, 2000, "InvalidInput")
    assert error["description"].startswith("billingProfile.defaultAddress.country: ")
    assert "phoneNumber" not in error["description"]
    assert not Customer.objects.exists()


def test_api_6_get_customer_by_tenant_id_shows_its_agreement_status(api, billing_admin, partner):
    customer = confirmed_customer(partner=partner, company_name="Fourth Coffee")

    body = api(billing_admin).get(f"/v1/customers/{customer.tenant_id}").json()

    assert body["companyProfile"]["companyName"] == "Fourth Coffee"
    assert body["agreementStatus"] == "confirmed"


def test_api_6_get_customers_pages_with_a_continuation_token_in_one_query_per_page(
    api, admin_agent, partner, other_partner, django_assert_max_num_queries
):
    for index in range(7):
        CustomerFactory(partner=partner, company_name=f"Company {index % 3}")
    confirmed_customer(partner=partner, company_name="Company 1")
    CustomerFactory(partner=other_partner, company_name="Not ours")
    client = api(admin_agent)
    client.get("/v1/customers?size=1")  # warm up: authentication and permission lookups

    seen = []
    response = client.get("/v1/customers?size=3")
    # The first page's link is itself; each later page's is the link that read it.
    reading = {"uri": "/customers?size=3", "method": "GET", "headers": []}
    while True:
        body = response.json()
        assert body["attributes"] == {"objectType": "Collection"}
        assert body["totalCount"] == len(body["items"]) <= 3
        seen.extend(item["id"] for item in body["items"])
        assert body["links"]["self"] == reading
        if "next" not in body["links"]:
            assert "continuationToken" not in body
            break
        following = body["links"]["next"]
        assert following["method"] == "GET"
        assert following["headers"][0]["key"] == "MS-ContinuationToken"
        assert following["headers"][0]["value"] == body["continuationToken"]
        headers = {h["key"]: h["value"] for h in following["headers"]}
        # Relative to the version root, as Partner Center's links are.
        assert following["uri"].startswith("/customers?")
        # Authentication (token, user, permissions) plus the one query of the page.
        with django_assert_max_num_queries(5):
            response = client.get(f"/v1{following['uri']}", headers=headers)
        reading = following

    expected = Customer.objects.filter(partner=partner).order_by("company_name", "id")
    assert seen == [str(c.tenant_id) for c in expected]


def test_api_6_get_customers_accepts_the_continuation_token_as_a_query_parameter(api, admin_agent, partner):
    for _index in range(3):
        CustomerFactory(partner=partner)
    client = api(admin_agent)

    token = client.get("/v1/customers?size=2").json()["continuationToken"]
    rest = client.get(f"/v1/customers?size=2&continuationToken={token}").json()

    assert rest["totalCount"] == 1


def test_api_6_get_customers_allows_500_per_page(api, admin_agent):
    assert api(admin_agent).get("/v1/customers?size=500").status_code == 200


def test_api_6_get_offers_lists_the_catalogue_with_billing_types(api, helpdesk_agent):
    OfferFactory(id="LIC:1", name="Office", billing_type="license")
    OfferFactory(id="USE:1", name="Azure plan", billing_type="usage", max_quantity=1)

    body = api(helpdesk_agent).get("/v1/offers").json()

    assert body["totalCount"] == 2
    assert {(i["id"], i["name"], i["billingType"]) for i in body["items"]} == {
        ("LIC:1", "Office", "license"),
        ("USE:1", "Azure plan", "usage"),
    }


# R8 ------------------------------------------------------------------------------


def test_r8_order_for_a_customer_without_confirmation_is_403_13605(api, admin_agent, partner):
    customer = CustomerFactory(partner=partner)
    offer = OfferFactory()

    response = api(admin_agent).post(
        f"/v1/customers/{customer.tenant_id}/orders", {"lineItems": [{"offerId": offer.id, "quantity": 1}]}
    )

    body = assert_error(response, 403, 13605)
    # Partner Center's message whole: its error-codes page, code 13605.
    assert body["description"] == (
        "Either a partner confirmation of the customer acceptance of the Microsoft Customer Agreement "
        "must be provided or the customer must accept the Microsoft Customer Agreement "
        "in the Microsoft Admin Center before you can complete this purchase."
    )
    assert not Order.objects.exists()


def test_api_6_a_line_without_a_number_takes_one_no_line_was_given(api, admin_agent, partner):
    # By position, the second line was number 1 like the first: "Line item numbers must be
    # unique", though the script numbered only one.
    customer = confirmed_customer(partner=partner)
    basic = OfferFactory(id="BASIC:0001", max_quantity=300)
    e3 = OfferFactory(id="E3:0001", max_quantity=300)
    lines = [{"lineItemNumber": 1, "offerId": basic.id, "quantity": 2}, {"offerId": e3.id, "quantity": 3}]

    response = api(admin_agent).post(f"/v1/customers/{customer.tenant_id}/orders", {"lineItems": lines})

    assert response.status_code == 201, response.content
    numbered = {item["offerId"]: item["lineItemNumber"] for item in response.json()["lineItems"]}
    assert numbered == {"BASIC:0001": 1, "E3:0001": 0}


def test_r14_an_order_of_no_line_is_400_saying_what_to_add(api, admin_agent, partner):
    customer = confirmed_customer(partner=partner)

    response = api(admin_agent).post(f"/v1/customers/{customer.tenant_id}/orders", {"lineItems": []})

    body = assert_error(response, 400, 2000, "InvalidInput")
    assert body["description"] == "lineItems: Add at least one product to the order."


def test_r8_order_for_a_confirmed_customer_is_201(api, sales_agent, partner):
    customer = confirmed_customer(partner=partner)
    license_offer = OfferFactory(id="LIC:1")
    usage_offer = OfferFactory(id="USE:1", billing_type="usage", max_quantity=1)
    body = {
        "lineItems": [
            {"lineItemNumber": 0, "offerId": license_offer.id, "quantity": 5},
            {"lineItemNumber": 1, "offerId": usage_offer.id, "quantity": 1},
        ]
    }

    response = api(sales_agent).post(
        f"/v1/customers/{customer.tenant_id}/orders", body, REMOTE_ADDR="198.51.100.3"
    )

    assert response.status_code == 201, response.content
    order = Order.objects.get()
    data = response.json()
    assert data["id"] == str(order.api_id)
    assert data["referenceCustomerId"] == str(customer.tenant_id)
    assert data["creationDate"]
    assert [(i["lineItemNumber"], i["offerId"], i["quantity"]) for i in data["lineItems"]] == [
        (0, "LIC:1", 5),
        (1, "USE:1", 1),
    ]
    subscriptions = {s.offer_id: s for s in Subscription.objects.all()}
    assert data["lineItems"][0]["subscriptionId"] == str(subscriptions["LIC:1"].api_id)
    assert order.channel == Channel.API and order.client_ip == "198.51.100.3"
    listed = api(sales_agent).get(f"/v1/customers/{customer.tenant_id}/orders").json()
    assert [o["id"] for o in listed["items"]] == [str(order.api_id)]


def test_api_6_subscription_id_is_the_subscription_its_line_created_not_the_one_in_its_position(
    api, helpdesk_agent, partner
):
    customer = confirmed_customer(partner=partner)
    order = OrderFactory(customer=customer)
    first_line = OrderLineFactory(order=order, line_item_number=0, offer=OfferFactory(id="LIC:1"))
    second_line = OrderLineFactory(order=order, line_item_number=1, offer=OfferFactory(id="LIC:2"))
    unlinked_line = OrderLineFactory(order=order, line_item_number=2, offer=OfferFactory(id="LIC:3"))
    # Created in the opposite order of the lines, and one line without a subscription.
    second = SubscriptionFactory(
        order=order, customer=customer, offer=second_line.offer, order_line=second_line
    )
    first = SubscriptionFactory(order=order, customer=customer, offer=first_line.offer, order_line=first_line)

    items = api(helpdesk_agent).get(f"/v1/customers/{customer.tenant_id}/orders").json()["items"]

    assert [(i["lineItemNumber"], i["offerId"], i["subscriptionId"]) for i in items[0]["lineItems"]] == [
        (0, "LIC:1", str(first.api_id)),
        (1, "LIC:2", str(second.api_id)),
        (2, unlinked_line.offer_id, None),
    ]


def test_api_6_migration_links_existing_subscriptions_to_their_lines_by_offer(partner):
    migration = importlib.import_module("orders.migrations.0003_subscription_order_line")
    order = OrderFactory(customer=confirmed_customer(partner=partner))
    usage_line = OrderLineFactory(order=order, line_item_number=0, offer=OfferFactory(id="USE:1"))
    license_line = OrderLineFactory(order=order, line_item_number=1, offer=OfferFactory(id="LIC:1"))
    license_subscription = SubscriptionFactory(order=order, offer=license_line.offer)
    usage_subscription = SubscriptionFactory(order=order, offer=usage_line.offer, quantity=None)
    stray = SubscriptionFactory(order=order, offer=OfferFactory(id="LIC:9"))

    migration.link_subscriptions_to_lines(django_apps, None)

    license_subscription.refresh_from_db()
    usage_subscription.refresh_from_db()
    stray.refresh_from_db()
    assert license_subscription.order_line == license_line
    assert usage_subscription.order_line == usage_line
    assert stray.order_line is None


@pytest.mark.parametrize(
    "line, field",
    [
        ({"offerId": "NOPE", "quantity": 1}, "lineItems[0]"),
        ({"offerId": "LIC:1", "quantity": 0}, "lineItems[0]"),
        ({"offerId": "LIC:1", "quantity": 301}, "lineItems[0]"),
    ],
)
def test_r8_bad_order_lines_are_400(api, admin_agent, partner, line, field):
    customer = confirmed_customer(partner=partner)
    OfferFactory(id="LIC:1")

    response = api(admin_agent).post(f"/v1/customers/{customer.tenant_id}/orders", {"lineItems": [line]})

    body = assert_error(response, 400, None)
    assert field in body["description"]
    assert not Order.objects.exists()


# R9 ------------------------------------------------------------------------------


def _subscription(customer, **kwargs):
    return SubscriptionFactory(order=OrderFactory(customer=customer), customer=customer, **kwargs)


def test_r9_license_count_change_for_a_confirmed_customer_is_200(api, admin_agent, partner):
    subscription = _subscription(confirmed_customer(partner=partner), quantity=5)
    url = f"/v1/customers/{subscription.customer.tenant_id}/subscriptions/{subscription.api_id}"

    response = api(admin_agent).patch(
        url, {"id": str(subscription.api_id), "quantity": 7, "status": "active"}
    )

    assert response.status_code == 200, response.content
    assert response.json()["quantity"] == 7
    subscription.refresh_from_db()
    assert subscription.quantity == 7
    listed = api(admin_agent).get(f"/v1/customers/{subscription.customer.tenant_id}/subscriptions").json()
    assert listed["items"][0]["quantity"] == 7
    assert listed["items"][0]["attributes"] == {"objectType": "Subscription"}


def test_r9_license_count_change_without_confirmation_is_403_13605(api, admin_agent, partner):
    subscription = _subscription(CustomerFactory(partner=partner), quantity=5)
    url = f"/v1/customers/{subscription.customer.tenant_id}/subscriptions/{subscription.api_id}"

    assert_error(api(admin_agent).patch(url, {"quantity": 7}), 403, 13605)
    subscription.refresh_from_db()
    assert subscription.quantity == 5


def test_r9_usage_based_subscription_has_no_license_count_400(api, admin_agent, partner):
    usage = OfferFactory(id="USE:1", billing_type="usage", max_quantity=1)
    subscription = _subscription(confirmed_customer(partner=partner), offer=usage, quantity=None)
    url = f"/v1/customers/{subscription.customer.tenant_id}/subscriptions/{subscription.api_id}"

    assert_error(
        api(admin_agent).patch(url, {"quantity": 3}), 400, 2006, "UsageBasedSubscriptionHasNoQuantity"
    )


@pytest.mark.parametrize("body", [{}, {"quantity": "7"}, {"quantity": 7.5}, {"quantity": True}, [7]])
def test_r9_quantity_of_the_wrong_type_is_400(api, admin_agent, partner, body):
    subscription = _subscription(confirmed_customer(partner=partner), quantity=5)
    url = f"/v1/customers/{subscription.customer.tenant_id}/subscriptions/{subscription.api_id}"

    assert_error(api(admin_agent).patch(url, body), 400, 2000)


def test_r8_an_order_of_more_than_50_lines_is_400_before_its_lines_are_read(api, admin_agent, partner):
    customer = confirmed_customer(partner=partner)
    OfferFactory(id="LIC:1")
    lines = [{"lineItemNumber": n, "offerId": "LIC:1", "quantity": 1} for n in range(25_000)]

    response = api(admin_agent).post(f"/v1/customers/{customer.tenant_id}/orders", {"lineItems": lines})

    body = assert_error(response, 400, 2000, "InvalidInput")
    assert body["description"] == "lineItems: Ensure this field has no more than 50 elements."
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "proxy_count, remote_addr, forwarded, recorded",
    [
        (0, "203.0.113.7", "198.51.100.66", "203.0.113.7"),  # no proxy: a client's header is not believed
        (1, "10.0.0.2", "198.51.100.3", "198.51.100.3"),  # behind one proxy: the client it saw
        (1, "10.0.0.2", "192.0.2.1, 198.51.100.3", "198.51.100.3"),  # what the client claimed is ignored
        (2, "10.0.0.2", "198.51.100.3, 10.0.0.1", "198.51.100.3"),  # behind two proxies
        (1, "10.0.0.2", "not-an-address", "10.0.0.2"),
        (1, "10.0.0.2", "198.51.100.3:4711", "198.51.100.3"),  # with the port, as Application Gateway writes
        (1, "10.0.0.2", "[2001:db8::1]:443", "2001:db8::1"),
        (1, "10.0.0.2", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_r13_order_records_the_client_address_behind_proxy_count_proxies(
    api, sales_agent, partner, settings, proxy_count, remote_addr, forwarded, recorded
):
    # The same address sign-in lockouts use (PROXY_COUNT), not the proxy's for every order.
    settings.PROXY_COUNT = proxy_count
    customer = confirmed_customer(partner=partner)
    OfferFactory(id="LIC:1")

    response = api(sales_agent).post(
        f"/v1/customers/{customer.tenant_id}/orders",
        {"lineItems": [{"offerId": "LIC:1", "quantity": 1}]},
        REMOTE_ADDR=remote_addr,
        HTTP_X_FORWARDED_FOR=forwarded,
    )

    assert response.status_code == 201, response.content
    assert Order.objects.get().client_ip == recorded


def test_api_6_get_order_answers_the_order_as_placing_it_did(api, sales_agent, partner):
    customer = confirmed_customer(partner=partner)
    OfferFactory(id="LIC:1")
    client = api(sales_agent)
    placed = client.post(
        f"/v1/customers/{customer.tenant_id}/orders",
        {"lineItems": [{"lineItemNumber": 0, "offerId": "LIC:1", "quantity": 3}]},
    ).json()

    response = client.get(f"/v1/customers/{customer.tenant_id}/orders/{placed['id']}")

    assert response.status_code == 200, response.content
    assert response.json() == placed
    # Any case, as a GUID may be written.
    upper = client.get(f"/v1/customers/{customer.tenant_id}/orders/{placed['id'].upper()}")
    assert upper.json() == placed


def test_r12_another_partners_order_is_404_like_a_missing_one(api, sales_agent, partner, other_partner):
    customer = confirmed_customer(partner=partner)
    own = OrderFactory(customer=customer)
    theirs = OrderFactory(customer=confirmed_customer(partner=other_partner))
    other_customer_of_ours = OrderFactory(customer=confirmed_customer(partner=partner))
    client = api(sales_agent)
    base = f"/v1/customers/{customer.tenant_id}/orders"

    assert client.get(f"{base}/{own.api_id}").status_code == 200
    # Another partner's order, an order of another of our customers, no such order, no GUID at all.
    for order_id in (theirs.api_id, other_customer_of_ours.api_id, uuid.uuid4(), own.pk, "not-an-id"):
        assert_error(client.get(f"{base}/{order_id}"), 404, 1004, "NotFound")
    assert_error(
        client.get(f"/v1/customers/{theirs.customer.tenant_id}/orders/{theirs.api_id}"), 404, 1004, "NotFound"
    )


def test_r12_order_ids_do_not_tell_how_many_orders_other_partners_placed(api, sales_agent, partner):
    # A number counted across every partner told each partner the others' order volume.
    customer = confirmed_customer(partner=partner)
    offer = OfferFactory(id="LIC:1")
    client = api(sales_agent)
    ids = [
        client.post(
            f"/v1/customers/{customer.tenant_id}/orders",
            {"lineItems": [{"lineItemNumber": 0, "offerId": offer.id, "quantity": 1}]},
        ).json()["id"]
        for _ in range(2)
    ]

    orders = Order.objects.order_by("pk")
    assert ids == [str(order.api_id) for order in orders]
    assert all(uuid.UUID(order_id).version == 4 for order_id in ids)
    # A subscription names its order by the same id.
    subscriptions = client.get(f"/v1/customers/{customer.tenant_id}/subscriptions").json()["items"]
    assert sorted(s["orderId"] for s in subscriptions) == sorted(ids)


def test_api_6_subscriptions_by_order_are_only_those_the_order_created(api, helpdesk_agent, partner):
    # Partner Center's "Get a list of subscriptions by order": GET …/subscriptions?order_id={orderId}.
    customer = confirmed_customer(partner=partner)
    first, second = OrderFactory(customer=customer), OrderFactory(customer=customer)
    ours = [SubscriptionFactory(order=first, customer=customer) for _ in range(2)]
    SubscriptionFactory(order=second, customer=customer)
    client = api(helpdesk_agent)
    base = f"/v1/customers/{customer.tenant_id}/subscriptions"

    response = client.get(f"{base}?order_id={first.api_id}")

    assert response.status_code == 200, response.content
    body = response.json()
    assert sorted(item["id"] for item in body["items"]) == sorted(str(s.api_id) for s in ours)
    assert {item["orderId"] for item in body["items"]} == {str(first.api_id)}
    assert body["totalCount"] == 2
    # Blank is no filter, as a blank agreementType is the default.
    assert client.get(f"{base}?order_id=").json()["totalCount"] == 3


def test_r12_subscriptions_of_another_partners_order_are_404_like_a_missing_orders(
    api, sales_agent, partner, other_partner
):
    customer = confirmed_customer(partner=partner)
    SubscriptionFactory(order=OrderFactory(customer=customer), customer=customer)
    theirs_customer = confirmed_customer(partner=other_partner)
    theirs = OrderFactory(customer=theirs_customer)
    SubscriptionFactory(order=theirs, customer=theirs_customer)
    other_customer_of_ours = OrderFactory(customer=confirmed_customer(partner=partner))
    client = api(sales_agent)
    base = f"/v1/customers/{customer.tenant_id}/subscriptions"

    for order_id in (theirs.api_id, other_customer_of_ours.api_id, uuid.uuid4(), "not-an-id", "%00"):
        assert_error(client.get(f"{base}?order_id={order_id}"), 404, 1004, "NotFound")


@pytest.mark.parametrize("offer_id", ["ÄPFEL:0001", "CFQ7TTC0LH18 0001", "ＣＦＱ７:0001"])
def test_api_6_offer_ids_are_ascii_so_that_every_database_finds_them_in_any_case(offer_id):
    # SQLite's lower() folds ASCII letters only: ÄPFEL:0001 and äpfel:0001 could both be stored
    # there, and an order for äpfel:0001 did not find ÄPFEL:0001.
    offer = Offer(id=offer_id, name="Apples", billing_type=Offer.BillingType.LICENSE)

    with pytest.raises(ValidationError) as refused:
        offer.full_clean()

    assert [error.code for error in refused.value.error_dict["id"]] == ["offer_id_not_ascii"]
    Offer(id="CFQ7TTC0LH18:0001", name="Basic", billing_type=Offer.BillingType.LICENSE).full_clean()
