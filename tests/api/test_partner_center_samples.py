"""Partner Center's documented requests replayed against Accord, field by field (PRODUCT §6).

The bodies are those of Microsoft's REST reference pages "Get agreement
metadata for Microsoft Customer Agreement", "Get confirmation of customer
acceptance of Microsoft Customer Agreement" and "Confirm customer acceptance of
Microsoft Customer Agreement". Where Accord deliberately answers differently the
test says which rule makes it so.
"""

import datetime
import uuid

import pytest
from django.utils import timezone

from agreements.models import AgreementTemplate, Confirmation, ConfirmationChannel
from tests.api.helpers import assert_error
from tests.factories import AgreementTemplateFactory, ConfirmationFactory

pytestmark = pytest.mark.django_db

MCA_TEMPLATE_ID = "117a77b0-9360-443b-8795-c6dedc750cf9"
REQUEST_ID = "94e4e214-6b06-4fb7-96d1-94d559f9b47f"
CORRELATION_ID = "ab993325-1605-4cf4-bac4-fb584142a31b"

# "Get agreement metadata for Microsoft Customer Agreement", response example.
METADATA_RESPONSE = {
    "totalCount": 1,
    "items": [
        {
            "templateId": "117a77b0-9360-443b-8795-c6dedc750cf9",
            "agreementType": "MicrosoftCustomerAgreement",
            "agreementLink": "https://aka.ms/customeragreement",
            "versionRank": 0,
        }
    ],
    "attributes": {"objectType": "Collection"},
}

# "Confirm customer acceptance of Microsoft Customer Agreement", request example.
CONFIRM_REQUEST = {
    "primaryContact": {
        "firstName": "Tania",
        "lastName": "Carr",
        "email": "someone@example.com",
        "phoneNumber": "1234567890",
    },
    "templateId": "117a77b0-9360-443b-8795-c6dedc750cf9",
    "dateAgreed": "2018-06-14T00:00:00.000Z",
    "type": "MicrosoftCustomerAgreement",
}

# "Get confirmation of customer acceptance of Microsoft Customer Agreement", response items.
CONFIRMATIONS_RESPONSE_ITEMS = [
    {
        "primaryContact": {
            "firstName": "Tania",
            "lastName": "Carr",
            "email": "SomeEmail@Outlook.com",
            "phoneNumber": "1234567890",
        },
        "templateId": "117a77b0-9360-443b-8795-c6dedc750cf9",
        "dateAgreed": "2019-08-26T00:00:00",
        "type": "MicrosoftCustomerAgreement",
        "agreementLink": "https://aka.ms/customeragreement",
    },
    {
        "primaryContact": {
            "firstName": "Tania",
            "lastName": "Carr",
            "email": "SomeEmail@Outlook.com",
            "phoneNumber": "1234567890",
        },
        "templateId": "117a77b0-9360-443b-8795-c6dedc750cf9",
        "dateAgreed": "2019-08-27T00:00:00",
        "type": "MicrosoftCustomerAgreement",
        "agreementLink": "https://aka.ms/customeragreement",
    },
]

# Accord stores phone numbers in E.164 (R1); for a British customer the sample's number is this.
SAMPLE_PHONE_E164 = "+441234567890"


def _headers():
    return {"MS-RequestId": REQUEST_ID, "MS-CorrelationId": CORRELATION_ID, "Accept": "application/json"}


def test_api_6_get_agreement_metadata_sample_replays_field_by_field(api, admin_agent):
    response = api(admin_agent).get(
        "/v1/agreements?agreementType=MicrosoftCustomerAgreement", headers=_headers()
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["totalCount"] == METADATA_RESPONSE["totalCount"]
    assert body["attributes"] == METADATA_RESPONSE["attributes"]
    assert len(body["items"]) == 1
    for field, value in METADATA_RESPONSE["items"][0].items():
        assert body["items"][0][field] == value, field
    assert body["items"][0]["attributes"] == {"objectType": "AgreementMetaData"}


def test_api_6_get_agreement_metadata_defaults_to_the_cloud_agreement_and_star_means_all(api, admin_agent):
    client = api(admin_agent)

    default = client.get("/v1/agreements").json()
    every = client.get("/v1/agreements?agreementType=*").json()
    spelled_type = client.get("/v1/agreements?type=MicrosoftCustomerAgreement").json()

    assert [item["agreementType"] for item in default["items"]] == ["MicrosoftCloudAgreement"]
    assert default["items"][0]["templateId"] == "998b88de-aa99-4388-a42c-1b3517d49490"
    assert every["totalCount"] == AgreementTemplate.objects.count() == 2
    assert {item["agreementType"] for item in every["items"]} == {
        "MicrosoftCloudAgreement",
        "MicrosoftCustomerAgreement",
    }
    assert [item["templateId"] for item in spelled_type["items"]] == [MCA_TEMPLATE_ID]


def test_r7_agreement_metadata_lists_no_version_published_after_today(api, admin_agent):
    # The UI does not confirm such a version, and a confirmation of it is refused (R2: no date
    # can be both on or after its publication and not in the future); a script taking the
    # highest versionRank listed was refused where the UI worked.
    AgreementTemplateFactory(version_rank=1, published_on=timezone.localdate() + datetime.timedelta(days=1))

    body = api(admin_agent).get("/v1/agreements?agreementType=MicrosoftCustomerAgreement").json()

    assert [item["templateId"] for item in body["items"]] == [MCA_TEMPLATE_ID]
    assert body["totalCount"] == 1


def test_api_6_get_confirmation_sample_replays_field_by_field(api, admin_agent, uk_customer):
    older = ConfirmationFactory(
        customer=uk_customer,
        first_name="Tania",
        last_name="Carr",
        email="SomeEmail@Outlook.com",
        phone_number=SAMPLE_PHONE_E164,
        date_agreed=datetime.date(2019, 8, 26),
        recorded_by=admin_agent,
        recorded_at=datetime.datetime(2019, 8, 26, 9, tzinfo=datetime.UTC),
    )
    newer = ConfirmationFactory(
        customer=uk_customer,
        first_name="Tania",
        last_name="Carr",
        email="SomeEmail@Outlook.com",
        phone_number=SAMPLE_PHONE_E164,
        date_agreed=datetime.date(2019, 8, 27),
        recorded_by=admin_agent,
        recorded_at=datetime.datetime(2019, 8, 27, 9, tzinfo=datetime.UTC),
    )

    response = api(admin_agent).get(
        f"/v1/customers/{uk_customer.tenant_id}/agreements?agreementType=MicrosoftCustomerAgreement",
        headers=_headers(),
    )

    assert response.status_code == 200
    body = response.json()
    assert body["totalCount"] == 2
    assert body["attributes"] == {"objectType": "Collection"}
    # R5/F4: newest first (the documentation's sample happens to list oldest first).
    by_date = {item["dateAgreed"]: item for item in body["items"]}
    assert [item["dateAgreed"] for item in body["items"]] == ["2019-08-27T00:00:00", "2019-08-26T00:00:00"]
    for documented in CONFIRMATIONS_RESPONSE_ITEMS:
        item = by_date[documented["dateAgreed"]]
        for field, value in documented.items():
            if field == "primaryContact":
                for contact_field, contact_value in value.items():
                    expected = SAMPLE_PHONE_E164 if contact_field == "phoneNumber" else contact_value
                    assert item["primaryContact"][contact_field] == expected, contact_field
            else:
                assert item[field] == value, field
        assert item["userId"] == str(admin_agent.api_id)
        assert item["attributes"] == {"objectType": "Agreement"}
    assert {older.pk, newer.pk} == set(Confirmation.objects.values_list("pk", flat=True))


def test_r2_confirm_sample_with_its_2018_date_is_refused_by_the_publication_bound(
    api, admin_agent, uk_customer
):
    """The sample's 2018-06-14 predates the MCA template's publication (2019-10-01): R2 refuses it."""
    response = api(admin_agent).post(
        f"/v1/customers/{uk_customer.tenant_id}/agreements", CONFIRM_REQUEST, headers=_headers()
    )

    body = assert_error(response, 400, 2002, "DateAgreedBeforePublication")
    assert "dateAgreed" in body["description"]
    assert not Confirmation.objects.exists()


def test_api_6_confirm_sample_replays_field_by_field(api, admin_agent, uk_customer):
    request = {**CONFIRM_REQUEST, "dateAgreed": "2019-10-14T00:00:00.000Z"}

    response = api(admin_agent).post(
        f"/v1/customers/{uk_customer.tenant_id}/agreements",
        request,
        headers=_headers(),
        HTTP_USER_AGENT="PartnerCenterScript/1.0",
        REMOTE_ADDR="198.51.100.20",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    # The documented response: every field of the request, plus userId.
    assert body["primaryContact"] == {**request["primaryContact"], "phoneNumber": SAMPLE_PHONE_E164}
    assert body["templateId"] == request["templateId"]
    assert body["type"] == request["type"]
    assert body["dateAgreed"] == "2019-10-14T00:00:00"
    assert body["userId"] == str(admin_agent.api_id)
    assert body["agreementLink"] == "https://aka.ms/customeragreement"
    confirmation = Confirmation.objects.get()
    assert confirmation.customer == uk_customer
    assert confirmation.date_agreed == datetime.date(2019, 10, 14)
    assert str(confirmation.template.template_id) == MCA_TEMPLATE_ID
    # R13: audited like a browser write, through the api channel.
    assert confirmation.channel == ConfirmationChannel.API
    assert confirmation.recorded_by == admin_agent
    assert confirmation.client_ip == "198.51.100.20"
    assert confirmation.user_agent == "PartnerCenterScript/1.0"
    assert confirmation.idempotency_key == uuid.UUID(REQUEST_ID)
    uk_customer.refresh_from_db()
    assert uk_customer.current_confirmation == confirmation


def test_r2_api_6_confirm_accepts_a_date_only_and_an_offset_date_time(api, sales_agent, uk_customer):
    client = api(sales_agent)
    url = f"/v1/customers/{uk_customer.tenant_id}/agreements"
    first = {**CONFIRM_REQUEST, "dateAgreed": "2020-02-03"}
    second = {
        **CONFIRM_REQUEST,
        "primaryContact": {**CONFIRM_REQUEST["primaryContact"], "email": "other@example.com"},
        "dateAgreed": "2020-02-04T23:30:00+08:00",
    }

    assert client.post(url, first).json()["dateAgreed"] == "2020-02-03T00:00:00"
    assert client.post(url, second).json()["dateAgreed"] == "2020-02-04T00:00:00"


def test_r7_api_6_confirm_accepts_the_agreement_type_spelling_on_input(api, admin_agent, uk_customer):
    request = {key: value for key, value in CONFIRM_REQUEST.items() if key != "type"}
    request.update(agreementType="MicrosoftCustomerAgreement", dateAgreed="2020-01-01")

    response = api(admin_agent).post(f"/v1/customers/{uk_customer.tenant_id}/agreements", request)

    assert response.status_code == 201
    assert response.json()["type"] == "MicrosoftCustomerAgreement"


def test_api_6_direct_sign_status_is_false_until_customers_accept_by_themselves(
    api, helpdesk_agent, uk_customer
):
    response = api(helpdesk_agent).get(
        f"/v1/customers/{uk_customer.tenant_id}/directSignedMicrosoftCustomerAgreementStatus"
    )

    assert response.status_code == 200
    assert response.json() == {
        "isSigned": False,
        "attributes": {"objectType": "DirectSignedCustomerAgreementStatus"},
    }
