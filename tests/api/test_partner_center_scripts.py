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
from urllib.parse import quote

import pytest

from agreements.models import Confirmation
from customers.models import Customer
from orders.models import Order
from tests.api.helpers import assert_error
from tests.factories import (
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
    url = f"/v1/customers/{customer.tenant_id}/subscriptions/{subscription.pk}"

    # The SDK sends the whole subscription back with its new quantity.
    response = api(admin_agent).patch(url, {"Id": str(subscription.pk), "Quantity": 7, "Status": "active"})

    assert response.status_code == 200, response.content
    subscription.refresh_from_db()
    assert subscription.quantity == 7
