"""R14 through every API body: a JSON error {code, description, errorName}, or the value stored as sent.

Never a 500, never a changed value: what a script sends is stored after
trimming and comes back as sent in the JSON answer.
"""

import datetime
import json

import pytest
import time_machine
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from agreements.models import MCA_TEMPLATE_ID, Confirmation
from customers.models import Customer
from customers.validators import text_trim
from orders.models import Order, Subscription
from tests.api.helpers import ApiClient
from tests.hardening.conftest import unique
from tests.hardening.hostile import HOSTILE, PROPERTY

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2024, 11, 24, 23, 30, tzinfo=datetime.UTC)


@pytest.fixture
def api(admin_agent):
    return ApiClient(admin_agent)


def assert_json_error(response, statuses=(400,)):
    assert response.status_code in statuses, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "description", "errorName"}, body
    assert isinstance(body["code"], int) and body["description"] and body["errorName"]
    return body


def customer_body(**address):
    return {
        "companyProfile": {"domain": unique("api"), "companyName": "Tailspin Toys"},
        "billingProfile": {
            "email": "pat@tailspin.example",
            "culture": "en-US",
            "language": "en",
            "defaultAddress": {
                "firstName": "Pat",
                "lastName": "Primary",
                "addressLine1": "1 Main Street",
                "city": "Seattle",
                "country": "US",
                **address,
            },
        },
    }


def agreement_body(**contact):
    return {
        "primaryContact": {
            "firstName": "Ada",
            "lastName": "Acceptor",
            "email": f"{unique('ada')}@example.com",
            **contact,
        },
        "templateId": MCA_TEMPLATE_ID,
        "dateAgreed": "2024-11-20",
        "type": "MicrosoftCustomerAgreement",
    }


def stored_or_refused(value: str, limit: int) -> bool:
    trimmed = text_trim(value)
    return bool(trimmed) and len(trimmed) <= limit and "\x00" not in value


ADDRESS_FIELDS = {
    "firstName": ("contact_first_name", 50),
    "city": ("city", 100),
    "addressLine1": ("address_line1", 200),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_r14_post_customers_with_hostile_text(api, name):
    value = HOSTILE[name]
    ok = {key: field for key, (field, limit) in ADDRESS_FIELDS.items() if stored_or_refused(value, limit)}
    bad = [key for key in ADDRESS_FIELDS if key not in ok]
    if ok:
        body = customer_body(**dict.fromkeys(ok, value))
        body["companyProfile"]["companyName"] = value
        response = api.post("/v1/customers", body)
        assert response.status_code == 201, response.content[:300]
        stored = Customer.objects.get(domain=f"{body['companyProfile']['domain']}.onmicrosoft.com")
        assert {field: getattr(stored, field) for field in ok.values()} == dict.fromkeys(
            ok.values(), text_trim(value)
        )
        assert stored.company_name == text_trim(value)
        address = response.json()["billingProfile"]["defaultAddress"]
        assert {key: address[key] for key in ok} == dict.fromkeys(ok, text_trim(value))
    if bad:
        body = customer_body(**dict.fromkeys(bad, value))
        description = assert_json_error(api.post("/v1/customers", body))["description"]
        assert all(key in description for key in bad), description
    body = customer_body(phoneNumber=value, country=value)
    body["companyProfile"]["domain"] = value
    body["billingProfile"]["email"] = value
    description = assert_json_error(api.post("/v1/customers", body))["description"]
    assert "domain" in description and "email" in description, description
    assert Customer.objects.count() == (1 if ok else 0)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_r14_post_agreements_with_hostile_contact(api, customer, name):
    value = HOSTILE[name]
    url = f"/v1/customers/{customer.tenant_id}/agreements"
    with time_machine.travel(NOW, tick=False):
        response = api.post(url, agreement_body(firstName=value, lastName=value))
        if stored_or_refused(value, 50):
            assert response.status_code == 201, response.content[:300]
            contact = response.json()["primaryContact"]
            assert (contact["firstName"], contact["lastName"]) == (text_trim(value), text_trim(value))
        else:
            assert_json_error(response)
        before = Confirmation.objects.count()
        for key in ("email", "phoneNumber"):
            assert_json_error(api.post(url, agreement_body(**{key: value})))
        for key in ("templateId", "dateAgreed", "type"):
            assert_json_error(api.post(url, {**agreement_body(), key: value}))
    assert Confirmation.objects.count() == before


@pytest.mark.parametrize(
    "date_agreed, accepted",
    [
        ("2024-11-24", True),
        ("2024-11-25", False),  # the agent (UTC) is still on the 24th
        ("2024-02-29", True),
        ("2023-02-29", False),
        ("0001-01-01", False),
        ("9999-12-31", False),
        ("10000-01-01", False),
        ("2024-11-24T23:29:59Z", True),
        ("2024-11-24T23:30:01Z", False),
        ("2024-11-25T13:29:00+14:00", True),  # a minute ago, written in Kiribati
        ("2024-11-25T00:00:00", False),  # no offset: the date counts
        ("2024-11-24T25:00:00Z", False),
        ("", False),
        ("{{ now }}", False),
    ],
)
def test_r2_r14_api_date_agreed_boundaries(api, customer, date_agreed, accepted):
    url = f"/v1/customers/{customer.tenant_id}/agreements"
    with time_machine.travel(NOW, tick=False):
        response = api.post(url, {**agreement_body(), "dateAgreed": date_agreed})
    if accepted:
        assert response.status_code == 201, response.content
    else:
        assert_json_error(response)


@pytest.mark.parametrize(
    "quantity",
    [-1, 0, 301, 2**31, 2**63, 10**30, 1.5, 1e400, "3", None, True, [], {}, "NaN", "{{ 7 }}"],
    ids=repr,
)
def test_r14_post_orders_with_hostile_quantity(api, confirmed, license_offer, quantity):
    raw = json.dumps(
        {"lineItems": [{"lineItemNumber": 0, "offerId": license_offer.id, "quantity": quantity}]}
    )
    response = api.post(f"/v1/customers/{confirmed.tenant_id}/orders", raw=raw)
    assert_json_error(response)
    assert not Order.objects.filter(customer=confirmed).exists()


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_r14_post_orders_with_hostile_offer_id(api, confirmed, license_offer, name):
    body = {"lineItems": [{"lineItemNumber": 0, "offerId": HOSTILE[name], "quantity": 2}]}
    assert_json_error(api.post(f"/v1/customers/{confirmed.tenant_id}/orders", body))
    assert not Order.objects.filter(customer=confirmed).exists()


@PROPERTY
@given(
    quantity=st.one_of(st.integers(-(2**40), 2**40), st.integers(-1, 302), st.floats(), st.text(max_size=4))
)
def test_r9_r14_patch_subscription_quantity_is_set_exactly_or_refused(api, confirmed, subscription, quantity):
    url = f"/v1/customers/{confirmed.tenant_id}/subscriptions/{subscription.api_id}"
    response = api.patch(url, raw=json.dumps({"quantity": quantity}, allow_nan=True))
    valid = (
        isinstance(quantity, int | float)
        and not isinstance(quantity, bool)
        and float(quantity).is_integer()
        and 1 <= quantity <= 300
    )
    if valid:
        assert response.status_code == 200, response.content
        assert Subscription.objects.get(pk=subscription.pk).quantity == int(quantity)
    else:
        assert_json_error(response)


RAW_BODIES = {
    "not_json": b"{firstName: Ada}",
    "truncated": b'{"primaryContact": {"firstName": "Ada"',
    "array": b"[1, 2, 3]",
    "number": b"42",
    "null": b"null",
    "empty": b"",
    "invalid_utf8": b'{"primaryContact": {"firstName": "\xff\xfe"}}',
    "lone_surrogate": b'{"primaryContact": {"firstName": "\\ud800", "lastName": "A",'
    b' "email": "a@example.com"}, "templateId": "'
    + MCA_TEMPLATE_ID.encode()
    + b'", "dateAgreed": "2024-11-20"}',
    "deeply_nested": b"[" * 100_000 + b"]" * 100_000,
    "huge_number": b'{"quantity": ' + b"9" * 5000 + b"}",
    "nan": b'{"quantity": NaN}',
    "duplicate_keys": b'{"quantity": 1, "quantity": 5000}',
}


@pytest.mark.parametrize("target", ["customers", "agreements", "orders", "subscription"])
def test_r14_malformed_bodies_are_a_json_error(api, customer, confirmed, subscription, target):
    url = {
        "customers": "/v1/customers",
        "agreements": f"/v1/customers/{customer.tenant_id}/agreements",
        "orders": f"/v1/customers/{confirmed.tenant_id}/orders",
        "subscription": f"/v1/customers/{confirmed.tenant_id}/subscriptions/{subscription.api_id}",
    }[target]
    method = api.patch if target == "subscription" else api.post
    refused = {}
    for name, raw in RAW_BODIES.items():
        try:
            response = method(url, raw=raw)
            assert_json_error(response, statuses=(400, 415))
        except Exception as exc:  # noqa: BLE001 - name every body that is not a clean JSON error
            refused[name] = repr(exc)[:200]
    assert not refused, refused


def test_r14_a_body_larger_than_the_limit_is_refused(api, customer):
    body = agreement_body(firstName="A" * 3_000_000)
    response = api.post(f"/v1/customers/{customer.tenant_id}/agreements", body)
    assert response.status_code in (400, 413)
    assert not Confirmation.objects.exists()


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"]
)
def test_r14_a_body_that_is_not_json_is_refused(api, customer, content_type):
    response = api.client.post(
        f"/v1/customers/{customer.tenant_id}/agreements",
        data="firstName=Ada",
        content_type=content_type,
        headers=api.headers,
    )
    assert_json_error(response, statuses=(400, 415))


@pytest.mark.parametrize("tenant_id", ["not-a-uuid", "' OR 1=1 --", "%00", "..", "0" * 300])
def test_r12_r14_malformed_ids_in_the_path_are_a_json_404(api, tenant_id):
    for path in (f"/v1/customers/{tenant_id}", f"/v1/customers/{tenant_id}/agreements"):
        response = api.get(path)
        assert_json_error(response, statuses=(404,))


def test_r14_the_database_still_answers_after_the_hostile_bodies(api):
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM customers_customer")
        assert cursor.fetchone()[0] >= 0


@pytest.mark.parametrize("query", ["version=a%0Ab", 'version=x";filename=evil.html', "version=2.0"])
def test_r14_public_schema_ignores_a_hostile_version(client, query):
    # `?version=` went into the Content-Disposition header: a newline was a 500 for anyone,
    # and a quote chose the name the download was saved under.
    response = client.get(f"/api/schema/?{query}", headers={"Accept": "application/json"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'inline; filename="Accord API.json"'
    assert response.json()["info"]["version"] == "1.0.0"
