"""Every refusal is Partner Center's error body with its code and status (R14)."""

import datetime

import pytest
import time_machine
from knox.models import AuthToken

from agreements.models import Confirmation
from orders.models import Order, Subscription
from tests.api.helpers import assert_error
from tests.factories import (
    CustomerFactory,
    OfferFactory,
    OrderFactory,
    SubscriptionFactory,
    UserFactory,
    confirmed_customer,
)

pytestmark = pytest.mark.django_db

MCA = "117a77b0-9360-443b-8795-c6dedc750cf9"
CLOUD_AGREEMENT = "998b88de-aa99-4388-a42c-1b3517d49490"


def _body(**overrides):
    body = {
        "primaryContact": {"firstName": "Tania", "lastName": "Carr", "email": "tania@example.com"},
        "templateId": MCA,
        "dateAgreed": "2024-03-01",
        "type": "MicrosoftCustomerAgreement",
    }
    body.update(overrides)
    return body


@pytest.fixture
def customer(partner):
    return CustomerFactory(partner=partner)


@pytest.fixture
def url(customer):
    return f"/v1/customers/{customer.tenant_id}/agreements"


# 401 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer",
        "Bearer not-a-token",
        "Token abc",
        "Bearer a b",
        "Bearer \u00e9\u00e9",
        # A NUL byte made PostgreSQL refuse the token lookup: a 500.
        "Bearer " + "\x00" * 64,
        "Bearer ab\x00" + "c" * 61,
        "Bearer abc\x1fdef",
    ],
)
def test_r14_without_a_valid_token_is_401(api, url, authorization):
    from tests.api.helpers import ApiClient

    client = ApiClient()
    if authorization:
        client.headers["Authorization"] = authorization
    response = client.get(url)

    assert_error(response, 401, 1000, "Unauthorized")
    assert response["WWW-Authenticate"] == "Bearer"


def test_r14_a_browser_session_is_not_an_api_credential(client, admin_agent, url):
    client.force_login(admin_agent)

    assert_error(client.get(url), 401, 1000)
    assert_error(client.post(url, _body(), content_type="application/json"), 401, 1000)


def test_r14_revoked_token_is_401(api, admin_agent, url):
    client = api(admin_agent)
    assert client.get(url).status_code == 200

    AuthToken.objects.filter(user=admin_agent).delete()

    assert_error(client.get(url), 401, 1000)


def test_r14_inactive_users_token_is_401(api, admin_agent, url):
    client = api(admin_agent)
    admin_agent.is_active = False
    admin_agent.save()

    assert_error(client.get(url), 401, 1000)


# 400 ---------------------------------------------------------------------------


@time_machine.travel(datetime.datetime(2024, 11, 24, 23, 0, tzinfo=datetime.UTC))
def test_r2_future_date_is_400_code_600002(api, admin_agent, url):
    response = api(admin_agent).post(url, _body(dateAgreed="2024-11-25"))

    body = assert_error(response, 400, 600002, "DateAgreedInFuture")
    assert "dateAgreed" in body["description"]
    assert not Confirmation.objects.exists()


@time_machine.travel(datetime.datetime(2024, 11, 24, 23, 0, tzinfo=datetime.UTC))
def test_r2_offset_date_time_later_than_now_is_600002(api, admin_agent, url):
    response = api(admin_agent).post(url, _body(dateAgreed="2024-11-25T08:00:00+08:00"))

    assert_error(response, 400, 600002)


@time_machine.travel(datetime.datetime(2024, 11, 24, 23, 0, tzinfo=datetime.UTC))
def test_r2_date_only_follows_the_users_time_zone(api, partner, url):
    shanghai = UserFactory(username="shanghai.agent", partner=partner, time_zone="Asia/Shanghai")

    response = api(shanghai).post(url, _body(dateAgreed="2024-11-25"))

    assert response.status_code == 201, response.content


@time_machine.travel(datetime.datetime(2026, 11, 24, 23, 0, tzinfo=datetime.UTC))
def test_r2_offset_date_time_in_the_past_is_201_although_its_date_is_tomorrow_in_utc(api, admin_agent, url):
    # 12:00 at +14:00 on the 25th is 22:00 UTC on the 24th, an hour ago.
    response = api(admin_agent).post(url, _body(dateAgreed="2026-11-25T12:00:00+14:00"))

    assert response.status_code == 201, response.content
    assert response.json()["dateAgreed"] == "2026-11-25T00:00:00"


@pytest.mark.parametrize(
    "date_agreed, bound",
    [("2099-01-01", "2024-11-24"), ("2019-09-30", "2019-10-01")],
    ids=["future", "before-publication"],
)
@time_machine.travel(datetime.datetime(2024, 11, 24, 12, 0, tzinfo=datetime.UTC))
def test_r2_descriptions_give_the_bound_as_an_iso_date(api, admin_agent, url, date_agreed, bound):
    body = assert_error(api(admin_agent).post(url, _body(dateAgreed=date_agreed)), 400, None)

    assert bound in body["description"]


def test_r7_retired_cloud_agreement_template_is_400_no_longer_supported(api, admin_agent, url):
    response = api(admin_agent).post(url, _body(templateId=CLOUD_AGREEMENT, type="MicrosoftCloudAgreement"))

    body = assert_error(response, 400, 2003, "AgreementTemplateNoLongerSupported")
    assert "no longer supported" in body["description"]


@pytest.mark.parametrize("template_id", ["00000000-0000-0000-0000-000000000000", "not-a-uuid", ""])
def test_r7_unknown_template_is_400(api, admin_agent, url, template_id):
    response = api(admin_agent).post(url, _body(templateId=template_id))

    assert response.status_code == 400
    assert response.json()["errorName"] in {"AgreementTemplateNotFound", "InvalidInput"}


def test_r7_the_bodys_type_is_read_as_the_agreementtype_parameter_is(api, admin_agent, url):
    # The parameter ignored case and named an unknown type 2011; the body's type was compared
    # exactly: "microsoftcustomeragreement" and "foo" were both a template mismatch (2005).
    unknown = api(admin_agent).post(url, _body(type="foo"))
    any_case = api(admin_agent).post(url, _body(type="microsoftCUSTOMERagreement"))

    assert_error(unknown, 400, 2011, "InvalidAgreementType")
    assert (
        "type must be one of MicrosoftCustomerAgreement, MicrosoftCloudAgreement."
        in unknown.json()["description"]
    )
    assert any_case.status_code == 201, any_case.content
    assert any_case.json()["type"] == "MicrosoftCustomerAgreement"
    # Blank, it is not given (the template's type), as a blank agreementType parameter is.
    blank = api(admin_agent).post(
        url, _body(type="  ", primaryContact={**_body()["primaryContact"], "lastName": "Ng"})
    )
    assert blank.status_code == 201, blank.content


def test_r7_type_that_does_not_match_the_template_is_400(api, admin_agent, url):
    response = api(admin_agent).post(url, _body(type="MicrosoftCloudAgreement"))

    body = assert_error(response, 400, 2005, "AgreementTypeMismatch")
    assert body["description"].startswith(
        "type: MicrosoftCloudAgreement does not match the agreement template"
    )
    assert not Confirmation.objects.exists()


def test_r14_a_description_quoting_long_input_keeps_partner_centers_1024_characters(
    api, admin_agent, partner
):
    # It quoted the input whole: a 200,000-character offer id made an answer longer still.
    customer = confirmed_customer(partner=partner)
    ordered = {"lineItems": [{"offerId": "X" * 5000, "quantity": 1}]}

    response = api(admin_agent).post(f"/v1/customers/{customer.tenant_id}/orders", ordered)

    body = assert_error(response, 400, 2000, "InvalidInput")
    assert len(body["description"]) == 1024, body["description"]
    assert body["description"].endswith("XXX…")
    assert not Order.objects.exists()


def test_r1_invalid_phone_and_missing_names_are_400_naming_the_fields(api, admin_agent, url):
    contact = {"firstName": "  ", "lastName": "Carr", "email": "not-an-email", "phoneNumber": "12"}

    response = api(admin_agent).post(url, _body(primaryContact=contact))

    body = assert_error(response, 400, 2008, "InvalidPhoneNumber")
    for field in ("primaryContact.firstName", "primaryContact.email", "primaryContact.phoneNumber"):
        assert field in body["description"]


@pytest.mark.parametrize(
    "raw",
    ['{"primaryContact": ', "not json", "[1, 2", '{"a": 1}}', "\x00", "[" * 100_000 + "]" * 100_000],
    ids=["truncated", "text", "array", "trailing", "nul", "nested-too-deeply"],
)
def test_r14_malformed_json_is_400(api, admin_agent, url, raw):
    response = api(admin_agent).post(url, raw=raw)

    assert_error(response, 400, 2001, "MalformedRequestBody")


def test_r14_a_body_over_the_upload_limit_is_400_json_and_writes_nothing(api, admin_agent, url, settings):
    # Django refused it with its HTML "Bad Request (400)" page, which no script can read.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = _body(primaryContact={"firstName": "Tania", "lastName": "Carr", "email": "t@example.com"})
    body["padding"] = "x" * 2000

    response = api(admin_agent).post(url, body)

    description = assert_error(response, 400, 2000, "InvalidInput")["description"]
    assert "1,000 bytes" in description
    assert not Confirmation.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        [],
        '"text"',  # a JSON string, not an object
        {},
        _body(primaryContact="Tania"),
        _body(primaryContact={"firstName": 1, "lastName": "Carr", "email": "t@example.com"}),
        _body(primaryContact={"firstName": ["Tania"], "lastName": "Carr", "email": "t@example.com"}),
        _body(dateAgreed=20240301),
        _body(dateAgreed="1st of March"),
        _body(dateAgreed="2024-02-30"),
        _body(dateAgreed="99999-01-01T00:00:00Z"),
        _body(templateId=None),
        _body(templateId=7),
        _body(type=True),
    ],
)
def test_r14_wrong_types_are_400_json(api, admin_agent, url, body):
    response = api(admin_agent).post(url, body)

    assert_error(response, 400, 2000, "InvalidInput")
    assert not Confirmation.objects.exists()


def test_r14_form_encoded_body_is_415_json(api, admin_agent, url):
    client = api(admin_agent)
    response = client.client.post(
        url, {"templateId": MCA}, headers=client.headers
    )  # multipart, as a browser form would

    assert_error(response, 415, 1007, "UnsupportedMediaType")


@pytest.mark.parametrize(
    "query, status, types",
    [
        ("agreementType=Nope", 400, None),
        ("agreementType=%00", 400, None),
        ("type=MicrosoftCustomerAgreement%20Nope", 400, None),
        # Blank is omitted: Partner Center's default, the Cloud Agreement.
        ("type=", 200, ["MicrosoftCloudAgreement"]),
        ("agreementType=", 200, ["MicrosoftCloudAgreement"]),
        ("agreementType=microsoftcustomeragreement", 200, ["MicrosoftCustomerAgreement"]),
    ],
)
def test_r14_api_6_unknown_agreement_type_is_400_and_blank_is_the_default(
    api, admin_agent, query, status, types
):
    response = api(admin_agent).get(f"/v1/agreements?{query}")

    if status == 400:
        body = assert_error(response, 400, 2011, "InvalidAgreementType")
        assert "MicrosoftCustomerAgreement" in body["description"]
    else:
        assert response.status_code == 200, response.content
        assert [item["agreementType"] for item in response.json()["items"]] == types


@pytest.mark.parametrize("size", ["501", "ten", "-1", "1.5"])
def test_r14_api_6_customers_page_size_outside_0_to_500_is_400(api, admin_agent, size):
    assert_error(api(admin_agent).get(f"/v1/customers?size={size}"), 400, 2000)


def test_r14_forged_continuation_token_is_400(api, admin_agent):
    response = api(admin_agent).get("/v1/customers", headers={"MS-ContinuationToken": "forged"})

    assert_error(response, 400, 2009, "InvalidContinuationToken")


def test_r14_bad_line_items_are_named_with_their_index_from_0(api, admin_agent, partner):
    customer = confirmed_customer(partner=partner)
    offer = OfferFactory()
    lines = [{"quantity": 1}, {"offerId": offer.id, "quantity": 1}, {"quantity": 1}]

    response = api(admin_agent).post(f"/v1/customers/{customer.tenant_id}/orders", {"lineItems": lines})

    body = assert_error(response, 400, 2000, "InvalidInput")
    assert "lineItems[0].offerId: " in body["description"]
    assert "lineItems[2].offerId: " in body["description"]
    assert "lineItems[1]" not in body["description"]
    assert "lineItems.offerId" not in body["description"]


# Language ----------------------------------------------------------------------


def test_r14_api_answers_in_english_whatever_accept_language_says(api, admin_agent, partner):
    """Partner Center's descriptions are English and scripts match on them."""
    customer = CustomerFactory(partner=partner)
    client = api(admin_agent)
    url = f"/v1/customers/{customer.tenant_id}/agreements"
    chinese = {"Accept-Language": "zh-Hans"}
    assert client.post(url, _body(), headers=chinese).status_code == 201

    duplicate = assert_error(client.post(url, _body(), headers=chinese), 409, 600061)
    invalid = assert_error(
        client.post(
            url, _body(primaryContact={"firstName": "", "lastName": "Carr", "email": "x"}), headers=chinese
        ),
        400,
        2000,
    )
    required = assert_error(
        client.post(
            f"/v1/customers/{CustomerFactory(partner=partner).tenant_id}/orders",
            {"lineItems": [{"offerId": OfferFactory().id, "quantity": 1}]},
            headers=chinese,
        ),
        403,
        13605,
    )
    unauthenticated = assert_error(api().get(url, headers=chinese), 401, 1000)

    assert duplicate["description"].startswith(
        "A partner confirmed agreement already exists for the customer. "
        "This customer's current confirmation already has this acceptor"
    )
    assert "primaryContact.firstName: This field is required." in invalid["description"]
    assert required["description"].startswith("Either a partner confirmation")
    for body in (duplicate, invalid, required, unauthenticated):
        assert all(not "\u4e00" <= char <= "\u9fff" for char in body["description"]), body
    assert client.get(url, headers=chinese)["Content-Language"] == "en"


# 404 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/v1/customers/{other}",
        "/v1/customers/{other}/agreements",
        "/v1/customers/{other}/directSignedMicrosoftCustomerAgreementStatus",
        "/v1/customers/{other}/orders",
        "/v1/customers/{other}/subscriptions",
        "/v1/customers/{missing}",
        "/v1/customers/not-a-uuid/agreements",
        "/v1/customers/{own}/subscriptions/not-a-number",
        "/v1/customers/{own}/subscriptions/{other_subscription}",
    ],
)
def test_r12_unknown_or_another_partners_object_is_the_same_404(api, admin_agent, other_partner, path):
    own = confirmed_customer(partner=admin_agent.partner)
    other = confirmed_customer(partner=other_partner)
    other_subscription = SubscriptionFactory(order=OrderFactory(customer=other), customer=other)
    url = path.format(
        own=own.tenant_id,
        other=other.tenant_id,
        missing="3f2504e0-4f89-11d3-9a0c-0305e82c3301",
        other_subscription=other_subscription.api_id,
    )

    body = assert_error(api(admin_agent).get(url), 404, 1004, "NotFound")
    assert body["description"] == "The resource was not found."


def test_r12_a_customers_agreements_are_its_own_confirmations_only(api, admin_agent, other_partner):
    own = confirmed_customer(partner=admin_agent.partner)
    confirmed_customer(partner=admin_agent.partner)
    confirmed_customer(partner=other_partner)

    response = api(admin_agent).get(f"/v1/customers/{own.tenant_id}/agreements?agreementType=*")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["totalCount"] == 1
    assert [item["primaryContact"]["email"] for item in body["items"]] == [own.current_confirmation.email]


def test_r12_posting_to_another_partners_customer_is_404_and_writes_nothing(api, other_agent, customer):
    client = api(other_agent)

    assert_error(client.post(f"/v1/customers/{customer.tenant_id}/agreements", _body()), 404, 1004)
    assert_error(
        client.post(
            f"/v1/customers/{customer.tenant_id}/orders",
            {"lineItems": [{"offerId": OfferFactory().id, "quantity": 1}]},
        ),
        404,
        1004,
    )
    assert not Confirmation.objects.exists()
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/v1/nothing",
        "/v1/",
        "/v1/customers/{own}/agreements/",
        "/v1/customers/{own}/",
        "/v1/customers/{own}/orders/1/lines",
        "/v1/Agreement",
    ],
)
@pytest.mark.parametrize("method", ["get", "post", "patch", "delete"])
@pytest.mark.parametrize("signed_in", [True, False], ids=["token", "anonymous"])
def test_r14_unmatched_v1_paths_are_the_json_404(api, admin_agent, path, method, signed_in):
    """Not Django's HTML page; the same 404 with or without a token, for every method."""
    own = CustomerFactory(partner=admin_agent.partner)
    client = api(admin_agent) if signed_in else api()

    response = client._call(method, path.format(own=own.tenant_id), body={"a": 1})

    body = assert_error(response, 404, 1004, "NotFound")
    assert body["description"] == "The resource was not found."


# 405 ---------------------------------------------------------------------------


def test_r14_unsupported_method_is_405_json(api, admin_agent, url):
    response = api(admin_agent).client.delete(url, headers=api(admin_agent).headers)

    assert_error(response, 405, 1005, "MethodNotAllowed")


# R10 ---------------------------------------------------------------------------


@pytest.mark.parametrize("cloud", ["china", "germany", "usgov"])
def test_r10_agreement_endpoints_answer_a_clear_error_outside_the_public_cloud(
    api, admin_agent, customer, url, settings, cloud
):
    settings.PORTAL_CLOUD = cloud
    client = api(admin_agent)

    for response in (
        client.get("/v1/agreements"),
        client.get(url),
        client.post(url, _body()),
        client.get(f"/v1/customers/{customer.tenant_id}/directSignedMicrosoftCustomerAgreementStatus"),
    ):
        body = assert_error(response, 400, 2010, "AgreementsNotAvailableInThisCloud")
        assert "not available in this cloud" in body["description"]
    assert not Confirmation.objects.exists()


@pytest.mark.parametrize("cloud", ["china", "germany", "usgov"])
def test_r10_customers_have_no_agreement_status_outside_the_public_cloud(
    api, admin_agent, customer, settings, cloud
):
    # "required" told a script to confirm first, where no confirmation exists or is needed.
    settings.PORTAL_CLOUD = cloud
    client = api(admin_agent)

    listed = client.get("/v1/customers").json()["items"]
    single = client.get(f"/v1/customers/{customer.tenant_id}").json()

    assert [item["agreementStatus"] for item in listed] == [None]
    assert single["agreementStatus"] is None
    settings.PORTAL_CLOUD = "public"
    assert client.get(f"/v1/customers/{customer.tenant_id}").json()["agreementStatus"] == "required"


def test_r10_orders_need_no_confirmation_outside_the_public_cloud(api, admin_agent, customer, settings):
    settings.PORTAL_CLOUD = "china"
    offer = OfferFactory()

    response = api(admin_agent).post(
        f"/v1/customers/{customer.tenant_id}/orders", {"lineItems": [{"offerId": offer.id, "quantity": 2}]}
    )

    assert response.status_code == 201, response.content
    assert Subscription.objects.get().quantity == 2


@pytest.mark.parametrize(
    "method, query, accept, status",
    [
        ("get", "?format=xml", "*/*", 404),
        ("get", "", "text/html", 406),
        ("get", "?format=json", "application/xml", 406),
        ("post", "", "*/*", 405),
    ],
)
def test_r14_schema_errors_are_the_json_error_body(client, method, query, accept, status):
    # They were the same body written in the schema's YAML, as application/vnd.oai.openapi.
    response = getattr(client, method)(f"/api/schema/{query}", headers={"Accept": accept})

    assert_error(response, status, None)
    assert response["Content-Type"] == "application/json"
