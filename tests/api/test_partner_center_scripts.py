"""What a Partner Center script or Partner Center's .NET SDK sends, and must get back (PRODUCT §6).

Partner Center's request examples and its SDK write PascalCase names; the SDK
asks for customers with `size=0` and a JSON `filter`, follows a link by requesting
`/v1/` followed by the link (`/customers?…`, relative to the version root), and its
next-page query is `?seekOperation=Next` with only the continuation token. Sources:
Partner Center's REST reference ("Create a customer", "Get a list of customers
filtered by a search field", "Partner Center REST headers") and the SDK in
microsoft/Partner-Center-PowerShell (Network/PartnerServiceClient.cs,
Customers/CustomerCollectionOperations.cs).
"""

import json
import uuid
from urllib.parse import quote

import pytest

from agreements.models import Confirmation
from customers.models import Customer
from orders.models import Order
from tests.api.helpers import assert_error
from tests.factories import (
    CustomerFactory,
    OfferFactory,
    OrderFactory,
    SubscriptionFactory,
    confirmed_customer,
)

pytestmark = pytest.mark.django_db

# "Confirm customer acceptance of Microsoft Customer Agreement", as the SDK serialises it.
CONFIRM_PASCAL_CASE = {
    "PrimaryContact": {
        "FirstName": "Tania",
        "LastName": "Carr",
        "Email": "someone@example.com",
        "PhoneNumber": "1234567890",
    },
    "TemplateId": "117a77b0-9360-443b-8795-c6dedc750cf9",
    "DateAgreed": "2020-06-14T00:00:00.000Z",
    "Type": "MicrosoftCustomerAgreement",
}

# "Create a customer", request example (its domain in Accord's form, R1's phone left out).
CREATE_CUSTOMER_PASCAL_CASE = {
    "CompanyProfile": {"Domain": "xyzccsctp.onmicrosoft.com"},
    "BillingProfile": {
        "Culture": "EN-US",
        "Email": "test@outlook.com",
        "Language": "en",
        "CompanyName": "test company",
        "DefaultAddress": {
            "FirstName": "Test",
            "LastName": "Test",
            "AddressLine1": "One Microsoft Way",
            "City": "Redmond",
            "State": "WA",
            "PostalCode": "98052",
            "Country": "US",
        },
    },
}


def _filter(field, value, operator="starts_with"):
    return quote(json.dumps({"Field": field, "Value": value, "Operator": operator}))


def _names(response):
    assert response.status_code == 200, response.content
    return [item["companyProfile"]["companyName"] for item in response.json()["items"]]


# PascalCase bodies -------------------------------------------------------------


def test_r1_api_6_confirm_in_pascal_case_is_recorded(api, admin_agent, uk_customer):
    response = api(admin_agent).post(f"/v1/customers/{uk_customer.tenant_id}/agreements", CONFIRM_PASCAL_CASE)

    assert response.status_code == 201, response.content
    confirmation = Confirmation.objects.get()
    assert (confirmation.first_name, confirmation.last_name) == ("Tania", "Carr")
    assert confirmation.email == "someone@example.com"
    assert confirmation.phone_number == "+441234567890"
    assert str(confirmation.date_agreed) == "2020-06-14"
    # The answer is Partner Center's camelCase, whatever the request's case.
    assert response.json()["primaryContact"]["firstName"] == "Tania"


def test_r6_api_6_the_same_confirmation_in_pascal_case_is_409(api, admin_agent, uk_customer):
    url = f"/v1/customers/{uk_customer.tenant_id}/agreements"
    client = api(admin_agent)
    assert client.post(url, CONFIRM_PASCAL_CASE).status_code == 201

    assert_error(client.post(url, CONFIRM_PASCAL_CASE), 409, 600061, "PartnerConfirmedAgreementAlreadyExists")
    assert Confirmation.objects.count() == 1


def test_r14_api_6_a_pascal_case_body_missing_a_field_names_it_in_camel_case(api, admin_agent, uk_customer):
    body = {name: value for name, value in CONFIRM_PASCAL_CASE.items() if name != "DateAgreed"}

    response = api(admin_agent).post(f"/v1/customers/{uk_customer.tenant_id}/agreements", body)

    assert "dateAgreed" in assert_error(response, 400, 2000)["description"]
    assert not Confirmation.objects.exists()


def test_api_6_create_customer_sample_in_pascal_case_is_201(api, sales_agent):
    response = api(sales_agent).post("/v1/customers", CREATE_CUSTOMER_PASCAL_CASE)

    assert response.status_code == 201, response.content
    customer = Customer.objects.get()
    assert customer.domain == "xyzccsctp.onmicrosoft.com"
    assert customer.company_name == "test company"
    assert (customer.city, customer.country.code) == ("Redmond", "US")


def test_r8_api_6_order_in_pascal_case_is_placed(api, sales_agent, partner):
    customer = confirmed_customer(partner=partner)
    OfferFactory(id="LIC:1")
    body = {
        "ReferenceCustomerId": str(customer.tenant_id),
        "LineItems": [{"LineItemNumber": 0, "OfferId": "LIC:1", "Quantity": 3}],
    }

    response = api(sales_agent).post(f"/v1/customers/{customer.tenant_id}/orders", body)

    assert response.status_code == 201, response.content
    assert Order.objects.get().lines.get().quantity == 3


def test_r9_api_6_license_count_in_pascal_case_is_changed(api, admin_agent, partner):
    customer = confirmed_customer(partner=partner)
    subscription = SubscriptionFactory(order=OrderFactory(customer=customer), customer=customer, quantity=5)
    url = f"/v1/customers/{customer.tenant_id}/subscriptions/{subscription.api_id}"

    # The SDK sends the whole subscription back with its new quantity.
    response = api(admin_agent).patch(
        url, {"Id": str(subscription.api_id), "Quantity": 7, "Status": "active"}
    )

    assert response.status_code == 200, response.content
    subscription.refresh_from_db()
    assert subscription.quantity == 7


# The customer list: size=0, filter, links ----------------------------------------


def test_api_6_size_0_is_the_default_page(api, admin_agent, partner):
    CustomerFactory.create_batch(3, partner=partner)

    response = api(admin_agent).get("/v1/customers?size=0")

    assert len(_names(response)) == 3
    assert response.json()["links"]["self"]["uri"] == "/customers?size=100"


def test_r12_api_6_filter_by_company_name_prefix_ignores_case_and_other_partners(
    api, admin_agent, partner, other_partner
):
    for name in ("Contoso Bikes", "contoso Cafe", "Fabrikam Contoso", "Adatum"):
        CustomerFactory(partner=partner, company_name=name)
    CustomerFactory(partner=other_partner, company_name="Contoso Elsewhere")

    response = api(admin_agent).get(f"/v1/customers?size=0&filter={_filter('CompanyName', 'CONT')}")

    assert _names(response) == ["Contoso Bikes", "contoso Cafe"]


def test_api_6_filter_by_domain_prefix(api, admin_agent, partner):
    CustomerFactory(partner=partner, company_name="One", domain="adatumone.onmicrosoft.com")
    CustomerFactory(partner=partner, company_name="Two", domain="contosotwo.onmicrosoft.com")

    # The REST reference's field name, and the operator in another case.
    response = api(admin_agent).get(
        f"/v1/customers?filter={_filter('DefaultDomainName', 'adatum', 'STARTS_WITH')}"
    )

    assert _names(response) == ["One"]


def test_api_6_filter_encoded_twice_as_the_sdk_does_is_read(api, admin_agent, partner):
    CustomerFactory(partner=partner, company_name="Contoso", domain="contoso.onmicrosoft.com")
    CustomerFactory(partner=partner, company_name="Adatum", domain="adatum.onmicrosoft.com")

    response = api(admin_agent).get(f"/v1/customers?size=0&filter={quote(_filter('Domain', 'ADA'))}")

    assert _names(response) == ["Adatum"]


def test_api_6_filter_keeps_wildcards_literal(api, admin_agent, partner):
    CustomerFactory(partner=partner, company_name="100% Cotton")
    CustomerFactory(partner=partner, company_name="1000 Islands")

    assert _names(api(admin_agent).get(f"/v1/customers?filter={_filter('CompanyName', '100%')}")) == [
        "100% Cotton"
    ]


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("not json", "Field"),
        (quote(json.dumps(["CompanyName", "cont"])), "Field"),
        (_filter("IndirectReseller", "cont"), "CompanyName"),
        (_filter("CompanyName", "cont", "contains"), "starts_with"),
        (quote(json.dumps({"Field": "CompanyName", "Value": 5, "Operator": "starts_with"})), "Value"),
        (quote('{"Field": "CompanyName", "Value": "\\ud800", "Operator": "starts_with"}'), "not valid text"),
    ],
)
def test_r14_api_6_a_filter_accord_cannot_apply_is_400_saying_why(api, admin_agent, partner, raw, says):
    CustomerFactory(partner=partner)

    body = assert_error(api(admin_agent).get(f"/v1/customers?filter={raw}"), 400, 2000, "InvalidInput")

    assert says in body["description"]


def test_r14_api_6_a_filter_value_with_a_nul_matches_nothing(api, admin_agent, partner):
    CustomerFactory(partner=partner, company_name="Contoso")

    nul = _filter("CompanyName", "Con\x00")

    assert _names(api(admin_agent).get(f"/v1/customers?filter={nul}")) == []


def test_api_6_the_sdk_follows_next_links_through_a_filtered_list(api, admin_agent, partner):
    for index in range(5):
        CustomerFactory(partner=partner, company_name=f"Contoso {index}")
    CustomerFactory(partner=partner, company_name="Adatum")
    client = api(admin_agent)

    seen = []
    response = client.get(f"/v1/customers?size=2&filter={_filter('CompanyName', 'contoso')}")
    while True:
        seen += _names(response)
        links = response.json()["links"]
        if "next" not in links:
            break
        following = links["next"]
        assert following["uri"].startswith("/customers?size=2&filter=")
        # The SDK: new Uri(endpoint, "/v1/" + link.uri), with the link's headers.
        response = client.get(
            f"/v1/{following['uri']}", headers={h["key"]: h["value"] for h in following["headers"]}
        )

    assert seen == [f"Contoso {index}" for index in range(5)]


def test_api_6_a_seek_query_with_only_the_token_keeps_the_size_and_the_filter(api, admin_agent, partner):
    for index in range(5):
        CustomerFactory(partner=partner, company_name=f"Contoso {index}")
    CustomerFactory(partner=partner, company_name="Adatum")
    client = api(admin_agent)
    first = client.get(f"/v1/customers?size=2&filter={_filter('CompanyName', 'contoso')}").json()

    # The SDK's QueryFactory.BuildSeekQuery(SeekOperation.Next, token): no size, no filter.
    response = client.get(
        "/v1/customers?seekOperation=Next", headers={"MS-ContinuationToken": first["continuationToken"]}
    )

    assert _names(response) == ["Contoso 2", "Contoso 3"]


def test_r14_api_6_doubled_slashes_name_the_endpoint_and_unknown_paths_stay_404(api, admin_agent, partner):
    customer = CustomerFactory(partner=partner, company_name="Contoso")
    client = api(admin_agent)

    assert _names(client.get("/v1//customers")) == ["Contoso"]
    assert (
        client.get(f"/v1//customers//{customer.tenant_id}").json()["companyProfile"]["companyName"]
        == "Contoso"
    )
    assert_error(client.get("/v1//nothing"), 404, 1004)
    # Still the endpoint's own rules: without a token, 401.
    assert api().get("/v1//customers").status_code == 401


# Trace headers --------------------------------------------------------------------


def test_api_6_answers_carry_the_request_and_correlation_ids(api, admin_agent):
    ids = {"MS-RequestId": str(uuid.uuid4()), "MS-CorrelationId": str(uuid.uuid4())}
    client = api(admin_agent)

    for response in (
        client.get("/v1/agreements", headers=ids),
        client.get("/v1/nothing", headers=ids),
        api().get("/v1/agreements", headers=ids),
    ):
        assert (response["MS-RequestId"], response["MS-CorrelationId"]) == (
            ids["MS-RequestId"],
            ids["MS-CorrelationId"],
        ), response.status_code


def test_r14_api_6_answers_have_new_ids_when_the_request_gave_none_or_unusable_ones(api, admin_agent):
    response = api(admin_agent).get("/v1/agreements", headers={"MS-CorrelationId": "two words"})

    assert uuid.UUID(response["MS-RequestId"])
    assert uuid.UUID(response["MS-CorrelationId"])


# Subscription ids --------------------------------------------------------------------


def test_api_6_subscription_ids_are_guids_and_nothing_else_finds_one(api, admin_agent, partner):
    customer = confirmed_customer(partner=partner)
    subscription = SubscriptionFactory(order=OrderFactory(customer=customer), customer=customer)
    client = api(admin_agent)
    base = f"/v1/customers/{customer.tenant_id}/subscriptions"

    listed = client.get(base).json()["items"][0]["id"]
    # Partner Center's subscription ids are GUIDs; its PowerShell module refuses anything else.
    assert uuid.UUID(listed) == subscription.api_id
    assert client.get(f"{base}/{listed}").json()["id"] == listed
    for other in (subscription.pk, "١", uuid.uuid4()):
        assert_error(client.get(f"{base}/{other}"), 404, 1004)


def test_r14_api_6_a_seek_other_than_next_is_400(api, admin_agent):
    body = assert_error(api(admin_agent).get("/v1/customers?seekOperation=Previous"), 400, 2000)
    assert "Next" in body["description"]


def test_r14_api_6_a_body_naming_a_field_twice_in_two_cases_is_400(api, admin_agent, uk_customer):
    body = {**CONFIRM_PASCAL_CASE, "dateAgreed": "2099-01-01"}

    response = api(admin_agent).post(f"/v1/customers/{uk_customer.tenant_id}/agreements", body)

    assert "dateAgreed twice" in assert_error(response, 400, 2001, "MalformedRequestBody")["description"]
    assert not Confirmation.objects.exists()


def test_r14_api_6_paths_in_another_case_name_the_endpoint(api, admin_agent, partner):
    customer = confirmed_customer(partner=partner, company_name="Contoso")
    subscription = SubscriptionFactory(order=OrderFactory(customer=customer), customer=customer)
    client = api(admin_agent)
    tenant = customer.tenant_id

    # Partner Center's routes ignore case, as ASP.NET's do.
    assert _names(client.get("/V1/Customers")) == ["Contoso"]
    assert client.get(f"/v1/Customers/{str(tenant).upper()}/Subscriptions").json()["items"][0]["id"] == str(
        subscription.api_id
    )
    assert (
        client.get(f"/v1/customers/{tenant}/directsignedmicrosoftcustomeragreementstatus").status_code == 200
    )
    assert_error(client.get("/V1/Nothing"), 404, 1004)
    assert api().get("/V1/Customers").status_code == 401


def test_api_6_every_word_of_the_apis_paths_is_known_in_any_case():
    from django.urls import URLPattern

    from portal import api_urls
    from portal.api_views import PATH_WORDS

    words = {
        segment
        for pattern in api_urls.urlpatterns
        if isinstance(pattern, URLPattern) and str(pattern.pattern).startswith("v1/")
        for segment in str(pattern.pattern).split("/")
        if segment and not segment.startswith("<")
    }
    assert words == set(PATH_WORDS.values())


# Subscriptions ----------------------------------------------------------------------


def test_r9_api_6_usage_based_subscription_lists_quantity_1_as_partner_center_does(
    api, helpdesk_agent, partner
):
    # The SDK's Subscription.Quantity is a non-nullable int: a null made the whole list unreadable.
    customer = confirmed_customer(partner=partner)
    order = OrderFactory(customer=customer)
    SubscriptionFactory(
        order=order,
        customer=customer,
        offer=OfferFactory(id="USE:1", billing_type="usage", max_quantity=1),
        quantity=None,
    )
    SubscriptionFactory(order=order, customer=customer, offer=OfferFactory(id="LIC:1"), quantity=4)

    items = api(helpdesk_agent).get(f"/v1/customers/{customer.tenant_id}/subscriptions").json()["items"]

    assert sorted((i["offerId"], i["billingType"], i["quantity"]) for i in items) == [
        ("LIC:1", "license", 4),
        ("USE:1", "usage", 1),
    ]


def test_r9_api_6_usage_based_subscription_sent_back_by_the_sdk_is_still_refused(api, admin_agent, partner):
    # What the SDK read (quantity 1) and sends back whole does not give an Azure plan a license count.
    customer = confirmed_customer(partner=partner)
    subscription = SubscriptionFactory(
        order=OrderFactory(customer=customer),
        customer=customer,
        offer=OfferFactory(id="USE:1", billing_type="usage", max_quantity=1),
        quantity=None,
    )
    url = f"/v1/customers/{customer.tenant_id}/subscriptions/{subscription.api_id}"

    response = api(admin_agent).patch(
        url, {"Id": str(subscription.api_id), "Quantity": 1, "Status": "active"}
    )

    assert response.status_code == 400, response.content
    subscription.refresh_from_db()
    assert subscription.quantity is None


def test_api_6_a_body_sent_or_an_answer_asked_for_as_text_json_is_json(api, sales_agent, partner):
    # Partner Center's REST reference lists text/json beside application/json; it was a 415 or 406.
    customer = confirmed_customer(partner=partner)
    offer = OfferFactory(id="LIC:1")
    client = api(sales_agent)
    url = f"/v1/customers/{customer.tenant_id}/orders"

    placed = client.client.post(
        url,
        data=json.dumps({"lineItems": [{"offerId": offer.id, "quantity": 2}]}),
        content_type="text/json",
        headers=client.headers,
    )
    listed = client.get(url, headers={"Accept": "text/json"})

    assert placed.status_code == 201, placed.content
    assert Order.objects.get().lines.get().quantity == 2
    assert listed.status_code == 200
    assert listed["Content-Type"] == "text/json"
    assert json.loads(listed.content)["items"][0]["id"] == placed.json()["id"]
