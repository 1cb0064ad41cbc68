"""R3/R4 role checks through the API, and R15/R6: one POST, one record."""

import copy
import uuid

import pytest
from django.urls import get_resolver
from knox.models import AuthToken
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory

from agreements.models import Confirmation
from customers.api import NEW_CUSTOMER_EXAMPLE
from customers.models import Customer
from orders.models import Order
from portal.api_views import ApiView
from tests.api.helpers import assert_error
from tests.factories import (
    AgreementTemplateFactory,
    CustomerFactory,
    OfferFactory,
    OrderFactory,
    SubscriptionFactory,
    UserFactory,
    confirmed_customer,
)

pytestmark = pytest.mark.django_db

MCA = "117a77b0-9360-443b-8795-c6dedc750cf9"
BODY = {
    "primaryContact": {"firstName": "Tania", "lastName": "Carr", "email": "tania@example.com"},
    "templateId": MCA,
    "dateAgreed": "2024-03-01",
    "type": "MicrosoftCustomerAgreement",
}


@pytest.mark.parametrize("role", ["admin_agent", "sales_agent"])
def test_r3_admin_and_sales_agents_confirm_through_the_api(request, api, partner, role):
    customer = CustomerFactory(partner=partner)

    response = api(request.getfixturevalue(role)).post(f"/v1/customers/{customer.tenant_id}/agreements", BODY)

    assert response.status_code == 201, response.content
    assert Confirmation.objects.filter(customer=customer).count() == 1


@pytest.mark.parametrize("role", ["helpdesk_agent", "billing_admin"])
def test_r3_helpdesk_and_billing_read_but_cannot_confirm(request, api, partner, role):
    customer = CustomerFactory(partner=partner)
    client = api(request.getfixturevalue(role))
    url = f"/v1/customers/{customer.tenant_id}/agreements"

    assert client.get(url).status_code == 200
    body = assert_error(client.post(url, BODY), 403, 1001, "Forbidden")
    assert "admin agents and sales agents" in body["description"]
    assert not Confirmation.objects.exists()


@pytest.mark.parametrize("role", ["helpdesk_agent", "billing_admin"])
def test_r3_helpdesk_and_billing_cannot_create_customers_order_or_change_counts(request, api, partner, role):
    customer = confirmed_customer(partner=partner)
    offer = OfferFactory()
    client = api(request.getfixturevalue(role))

    assert_error(client.post("/v1/customers", {}), 403, 1001)
    assert_error(
        client.post(f"/v1/customers/{customer.tenant_id}/orders", {"lineItems": []}),
        403,
        1001,
    )
    assert client.get(f"/v1/customers/{customer.tenant_id}/subscriptions").status_code == 200
    assert client.get("/v1/offers").json()["items"][0]["id"] == offer.id
    assert not Order.objects.exists()


def test_r4_reseller_sales_agent_cannot_confirm_for_its_own_customer(api, reseller_agent, reseller_partner):
    customer = CustomerFactory(partner=reseller_partner)

    response = api(reseller_agent).post(f"/v1/customers/{customer.tenant_id}/agreements", BODY)

    body = assert_error(response, 403, 1003, "ResellerCannotConfirm")
    assert "indirect provider" in body["description"]
    assert not Confirmation.objects.exists()


def test_r3_r12_staff_without_a_partner_get_403_on_partner_records_and_read_the_catalogue(
    api, staff_user, partner
):
    customer = CustomerFactory(partner=partner)
    client = api(staff_user)

    assert_error(client.get("/v1/customers"), 403, 1002, "NoPartner")
    assert_error(client.get(f"/v1/customers/{customer.tenant_id}/agreements"), 403, 1002)
    assert client.get("/v1/agreements").status_code == 200
    assert client.get("/v1/offers").status_code == 200


# R15 and R6 ----------------------------------------------------------------------


def test_r15_the_same_post_twice_with_the_same_request_id_creates_one_confirmation(api, admin_agent, partner):
    customer = CustomerFactory(partner=partner)
    client = api(admin_agent)
    url = f"/v1/customers/{customer.tenant_id}/agreements"
    request_id = str(uuid.uuid4())

    first = client.post(url, BODY, headers={"MS-RequestId": request_id})
    second = client.post(url, BODY, headers={"MS-RequestId": request_id})

    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Confirmation.objects.filter(customer=customer).count() == 1


def test_r6_same_acceptor_with_another_request_id_is_409_600061(api, admin_agent, partner):
    customer = CustomerFactory(partner=partner)
    client = api(admin_agent)
    url = f"/v1/customers/{customer.tenant_id}/agreements"

    assert client.post(url, BODY, headers={"MS-RequestId": str(uuid.uuid4())}).status_code == 201
    response = client.post(url, BODY, headers={"MS-RequestId": str(uuid.uuid4())})

    body = assert_error(response, 409, 600061, "PartnerConfirmedAgreementAlreadyExists")
    assert body["description"].startswith("A partner confirmed agreement already exists for the customer.")
    assert Confirmation.objects.filter(customer=customer).count() == 1


def test_r6_a_changed_acceptor_is_a_new_current_confirmation(api, admin_agent, partner):
    customer = CustomerFactory(partner=partner)
    client = api(admin_agent)
    url = f"/v1/customers/{customer.tenant_id}/agreements"
    changed = {**BODY, "primaryContact": {**BODY["primaryContact"], "email": "carr@example.com"}}

    client.post(url, BODY)
    assert client.post(url, changed).status_code == 201

    customer.refresh_from_db()
    assert customer.current_confirmation.email == "carr@example.com"
    assert client.get(f"{url}?agreementType=*").json()["totalCount"] == 2


def test_r15_a_request_id_that_is_not_a_guid_still_makes_the_post_idempotent(api, admin_agent, partner):
    customer = CustomerFactory(partner=partner)
    client = api(admin_agent)
    url = f"/v1/customers/{customer.tenant_id}/agreements"

    client.post(url, BODY, headers={"MS-RequestId": "script-run-42"})
    client.post(url, BODY, headers={"MS-RequestId": "script-run-42"})

    assert Confirmation.objects.count() == 1


def test_r15_the_same_customer_post_twice_creates_one_customer(api, admin_agent):
    client = api(admin_agent)
    body = copy.deepcopy(NEW_CUSTOMER_EXAMPLE)
    headers = {"MS-RequestId": str(uuid.uuid4())}

    first = client.post("/v1/customers", body, headers=headers)
    second = client.post("/v1/customers", body, headers=headers)

    assert first.status_code == second.status_code == 201, first.content
    assert first.json()["id"] == second.json()["id"]
    assert Customer.objects.count() == 1


def test_r15_the_same_order_post_twice_creates_one_order(api, admin_agent, partner):
    customer = confirmed_customer(partner=partner)
    offer = OfferFactory()
    client = api(admin_agent)
    headers = {"MS-RequestId": str(uuid.uuid4())}
    body = {"lineItems": [{"lineItemNumber": 0, "offerId": offer.id, "quantity": 3}]}

    first = client.post(f"/v1/customers/{customer.tenant_id}/orders", body, headers=headers)
    second = client.post(f"/v1/customers/{customer.tenant_id}/orders", body, headers=headers)

    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Order.objects.count() == 1


def test_r15_a_request_id_reused_with_another_acceptor_or_order_is_409_and_records_nothing(
    api, admin_agent, partner
):
    """A script reusing MS-RequestId for a new request must not be told its new data was stored."""
    customer = confirmed_customer(partner=partner)
    offer = OfferFactory()
    client = api(admin_agent)
    agreements = f"/v1/customers/{customer.tenant_id}/agreements"
    orders = f"/v1/customers/{customer.tenant_id}/orders"
    other = {**BODY, "primaryContact": {**BODY["primaryContact"], "firstName": "Bob"}}
    one, three = (
        {"lineItems": [{"lineItemNumber": 0, "offerId": offer.id, "quantity": quantity}]}
        for quantity in (1, 3)
    )
    confirmation_id, order_id = str(uuid.uuid4()), str(uuid.uuid4())
    assert client.post(agreements, BODY, headers={"MS-RequestId": confirmation_id}).status_code == 201
    assert client.post(orders, three, headers={"MS-RequestId": order_id}).status_code == 201
    confirmations = Confirmation.objects.count()

    for url, body, request_id in ((agreements, other, confirmation_id), (orders, one, order_id)):
        body = assert_error(
            client.post(url, body, headers={"MS-RequestId": request_id}),
            409,
            1010,
            "RequestIdReusedWithDifferentBody",
        )
        assert body["description"].endswith("Send them with a new MS-RequestId."), body
    assert Confirmation.objects.count() == confirmations
    assert list(Order.objects.get().lines.values_list("quantity", flat=True)) == [3]


def test_r15_a_request_id_reused_for_another_agreement_template_is_409(api, admin_agent, partner):

    newer = AgreementTemplateFactory(version_rank=1, published_on="2020-01-01")
    customer = CustomerFactory(partner=partner)
    client = api(admin_agent)
    url = f"/v1/customers/{customer.tenant_id}/agreements"
    headers = {"MS-RequestId": str(uuid.uuid4())}
    assert client.post(url, BODY, headers=headers).status_code == 201
    other = {**BODY, "templateId": str(newer.template_id)}
    assert_error(client.post(url, other, headers=headers), 409, 1010, "RequestIdReusedWithDifferentBody")
    assert client.post(url, BODY, headers=headers).status_code == 201  # the retry itself


def test_r15_a_request_id_reused_for_another_customer_is_409_and_creates_nothing(api, admin_agent):
    client = api(admin_agent)
    headers = {"MS-RequestId": str(uuid.uuid4())}
    body = copy.deepcopy(NEW_CUSTOMER_EXAMPLE)
    assert client.post("/v1/customers", body, headers=headers).status_code == 201
    other_domain, other_city = copy.deepcopy(body), copy.deepcopy(body)
    other_domain["companyProfile"]["domain"] = "someoneelse.onmicrosoft.com"
    other_city["billingProfile"]["defaultAddress"]["city"] = "Elsewhere"

    for other in (other_domain, other_city):
        assert_error(
            client.post("/v1/customers", other, headers=headers),
            409,
            1010,
            "RequestIdReusedWithDifferentBody",
        )
    assert client.post("/v1/customers", body, headers=headers).status_code == 201  # the retry itself
    assert Customer.objects.count() == 1


def test_r15_a_request_id_reused_with_another_agreement_type_is_409(api, admin_agent, partner):
    customer = CustomerFactory(partner=partner)
    client = api(admin_agent)
    url = f"/v1/customers/{customer.tenant_id}/agreements"
    headers = {"MS-RequestId": str(uuid.uuid4())}
    assert client.post(url, BODY, headers=headers).status_code == 201

    other = {**BODY, "type": "MicrosoftCloudAgreement"}

    assert_error(client.post(url, other, headers=headers), 409, 1010, "RequestIdReusedWithDifferentBody")
    assert Confirmation.objects.filter(customer=customer).count() == 1


def test_r15_a_request_id_reused_for_another_customers_confirmation_confirms_that_customer(
    api, admin_agent, partner
):
    """A script that sends one MS-RequestId for every customer must not be answered with the first
    customer's confirmation while the others stay Required."""
    first, second = CustomerFactory(partner=partner), CustomerFactory(partner=partner)
    client = api(admin_agent)
    headers = {"MS-RequestId": "confirm-run"}

    for customer in (first, second):
        response = client.post(f"/v1/customers/{customer.tenant_id}/agreements", BODY, headers=headers)
        assert response.status_code == 201, response.content

    for customer in (first, second):
        customer.refresh_from_db()
        assert customer.is_confirmed
    assert Confirmation.objects.filter(customer=second).count() == 1


def test_r15_r12_a_request_id_another_partner_used_for_an_order_places_this_partners_own(
    api, admin_agent, other_agent, partner, other_partner
):
    ours = confirmed_customer(partner=partner)
    theirs = confirmed_customer(partner=other_partner)
    offer = OfferFactory()
    body = {"lineItems": [{"lineItemNumber": 0, "offerId": offer.id, "quantity": 3}]}
    headers = {"MS-RequestId": "nightly-order"}
    assert (
        api(admin_agent).post(f"/v1/customers/{ours.tenant_id}/orders", body, headers=headers).status_code
        == 201
    )

    response = api(other_agent).post(f"/v1/customers/{theirs.tenant_id}/orders", body, headers=headers)

    assert response.status_code == 201, response.content
    assert response.json()["referenceCustomerId"] == str(theirs.tenant_id)
    assert Order.objects.filter(customer=theirs).count() == 1
    assert Order.objects.filter(customer=ours).count() == 1


def test_r15_r12_a_request_id_another_partner_used_for_a_customer_creates_this_partners_own(
    api, admin_agent, other_agent
):
    headers = {"MS-RequestId": "nightly-import"}
    ours = copy.deepcopy(NEW_CUSTOMER_EXAMPLE)
    theirs = copy.deepcopy(NEW_CUSTOMER_EXAMPLE)
    theirs["companyProfile"]["domain"] = "northwindclient"
    assert api(admin_agent).post("/v1/customers", ours, headers=headers).status_code == 201

    response = api(other_agent).post("/v1/customers", theirs, headers=headers)

    assert response.status_code == 201, response.content
    created = Customer.objects.get(domain="northwindclient.onmicrosoft.com")
    assert created.partner == other_agent.partner
    assert response.json()["id"] == str(created.tenant_id)


# Deny by default: a user with no role reads nothing, HEAD included (R3, R12) -------------


def _endpoints(customer, subscription):
    tenant = customer.tenant_id
    return [
        "/v1/customers",
        f"/v1/customers/{tenant}",
        f"/v1/customers/{tenant}/agreements",
        f"/v1/customers/{tenant}/directSignedMicrosoftCustomerAgreementStatus",
        f"/v1/customers/{tenant}/orders",
        f"/v1/customers/{tenant}/subscriptions",
        f"/v1/customers/{tenant}/subscriptions/{subscription.api_id}",
        "/v1/offers",
        "/v1/agreements",
    ]


@pytest.mark.parametrize("method", ["get", "head"])
def test_r3_a_user_without_a_role_reads_nothing_through_the_api(api, partner, method):
    # HEAD runs the GET handler: it answered 200 with the length of what GET would refuse.
    customer = confirmed_customer(partner=partner)
    subscription = SubscriptionFactory(order=OrderFactory(customer=customer), customer=customer)
    client = api(UserFactory(partner=partner, role=None))

    statuses = {url: getattr(client, method)(url).status_code for url in _endpoints(customer, subscription)}

    assert statuses == dict.fromkeys(statuses, 403)


def test_r3_head_answers_what_get_answers_for_a_role_that_may_read(api, helpdesk_agent, partner):
    customer = confirmed_customer(partner=partner)
    client = api(helpdesk_agent)

    response = client.head(f"/v1/customers/{customer.tenant_id}/agreements")

    assert response.status_code == 200
    assert response.content == b""


def test_r3_every_api_handler_names_the_permissions_it_needs():
    # Deny by default: PortalPermission refuses a handled method its view does not list.
    views = set()
    for pattern in get_resolver().url_patterns:
        for candidate in getattr(pattern, "url_patterns", [pattern]):
            view_class = getattr(getattr(candidate, "callback", None), "view_class", None)
            if view_class and issubclass(view_class, ApiView):
                views.add(view_class)
    assert len(views) >= 8
    for view_class in views:
        handled = {m.upper() for m in ("get", "post", "put", "patch", "delete") if hasattr(view_class, m)}
        assert handled <= set(view_class.required_permissions), view_class.__name__


def test_r3_a_method_a_view_handles_but_does_not_list_is_refused(admin_agent):
    # Deny by default in behaviour, not only in the views' data: PATCH handled, never listed.
    class Unlisted(ApiView):
        required_permissions = {"GET": ["customers.view_customer"]}

        def get(self, request):
            return Response({})

        def patch(self, request):
            return Response({"changed": True})

    _instance, token = AuthToken.objects.create(user=admin_agent)
    factory = APIRequestFactory()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    assert Unlisted.as_view()(factory.get("/v1/x", **auth)).status_code == 200
    assert Unlisted.as_view()(factory.patch("/v1/x", {}, format="json", **auth)).status_code == 403
    assert Unlisted.as_view()(factory.delete("/v1/x", **auth)).status_code == 405
