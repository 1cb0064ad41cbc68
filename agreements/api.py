"""Partner Center's agreement endpoints (PRODUCT §6): metadata, confirmations, direct-sign status.

Serializers only translate Partner Center's JSON to the services' arguments and
back; every rule (R2–R7, R10) is decided by agreements.services.
"""

import datetime

from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.response import Response

from agreements.models import AgreementType, ConfirmationChannel
from agreements.selectors import confirmation_history, template_get, template_list
from agreements.services import Acceptor, confirm_refusal, confirmation_record
from customers.selectors import customer_get
from portal.api import (
    REQUEST_ID_PARAMETER,
    TENANT_ID_PARAMETER,
    AgreementsAvailable,
    ApiError,
    AttributesSerializer,
    PortalPermission,
    collection,
    collection_serializer,
    common_responses,
    idempotency_key,
)
from portal.api_views import ApiView
from portal.audit import actor_from_request

ALL_TYPES = "*"
TYPE_CHOICES = [*AgreementType.values, ALL_TYPES]
# Partner Center's default, kept for the scripts that rely on it.
DEFAULT_TYPE = AgreementType.MICROSOFT_CLOUD_AGREEMENT

AGREEMENT_TYPE_PARAMETERS = [
    OpenApiParameter(
        name="agreementType",
        type=str,
        enum=TYPE_CHOICES,
        required=False,
        description="Omitted means MicrosoftCloudAgreement (as in Partner Center); `*` means all types.",
    ),
    OpenApiParameter(
        name="type",
        type=str,
        enum=TYPE_CHOICES,
        required=False,
        description="Alternative spelling of agreementType, as in Partner Center's resource reference.",
    ),
]


def agreement_type_filter(request) -> str | None:
    """The agreementType (or type) query parameter; None means every type."""
    raw = request.query_params.get("agreementType")
    if raw is None:
        raw = request.query_params.get("type")
    if raw is None or raw.strip() == "":
        return DEFAULT_TYPE
    raw = raw.strip()
    if raw == ALL_TYPES:
        return None
    return known_agreement_type(raw, name="agreementType", choices=TYPE_CHOICES)


def known_agreement_type(raw: str, *, name: str, choices=AgreementType.values) -> str:
    """The agreement type `raw` names, its case ignored as Partner Center ignores it; 2011 otherwise."""
    for value in AgreementType.values:
        if value.casefold() == raw.strip().casefold():
            return value
    raise ApiError("agreement_type", f"{name} must be one of {', '.join(choices)}.")


def format_date_agreed(value: datetime.date) -> str:
    """Partner Center returns the acceptance date as a date-time at midnight, without offset."""
    return f"{value:%Y-%m-%d}T00:00:00"


# Serializers -----------------------------------------------------------------


class StrictCharField(serializers.CharField):
    """A string and nothing else: numbers, booleans and objects are wrong types (400)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class AgreementMetaDataSerializer(serializers.Serializer):
    templateId = serializers.UUIDField(source="template_id")
    agreementType = serializers.CharField(source="agreement_type")
    agreementLink = serializers.URLField(source="agreement_link")
    versionRank = serializers.IntegerField(source="version_rank")
    attributes = serializers.SerializerMethodField()

    def get_attributes(self, obj) -> dict:
        return {"objectType": "AgreementMetaData"}


class ContactSerializer(serializers.Serializer):
    """Partner Center's Contact: who accepted the agreement (R1 is checked by the service)."""

    firstName = StrictCharField(allow_blank=True, trim_whitespace=False)
    lastName = StrictCharField(allow_blank=True, trim_whitespace=False)
    email = StrictCharField(allow_blank=True, trim_whitespace=False)
    phoneNumber = StrictCharField(required=False, allow_blank=True, allow_null=True, trim_whitespace=False)


@extend_schema_field(
    {
        "type": "string",
        "description": (
            "A date (YYYY-MM-DD) or an ISO 8601 date-time; with an offset it must not be later than now."
        ),
        "example": "2019-10-14T00:00:00.000Z",
    }
)
class DateAgreedField(serializers.Field):
    """A date (`2019-08-26`) or an ISO 8601 date-time; with an offset it stays a moment (R2)."""

    default_error_messages = {
        "invalid": "Enter a date (YYYY-MM-DD) or an ISO 8601 date-time such as 2019-08-26T15:05:27Z."
    }

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        value = data.strip()
        try:
            moment = parse_datetime(value)
            if moment is not None:
                # Without an offset the time says nothing about "now": keep the date (R2).
                return moment if moment.tzinfo is not None else moment.date()
            day = parse_date(value)
        except (ValueError, OverflowError):
            self.fail("invalid")
        if day is None:
            self.fail("invalid")
        return day

    def to_representation(self, value):
        return format_date_agreed(value)


class AgreementInputSerializer(serializers.Serializer):
    """The body of POST /v1/customers/{tenantId}/agreements."""

    primaryContact = ContactSerializer()
    templateId = StrictCharField()
    dateAgreed = DateAgreedField()
    type = StrictCharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="MicrosoftCustomerAgreement, any case; must match the template when given (blank: none).",
    )
    agreementType = StrictCharField(
        required=False, allow_null=True, allow_blank=True, help_text="Alternative spelling of type."
    )
    agreementLink = StrictCharField(required=False, allow_null=True, allow_blank=True)


class AgreementContactOutputSerializer(serializers.Serializer):
    firstName = serializers.CharField(source="first_name")
    lastName = serializers.CharField(source="last_name")
    email = serializers.CharField()
    phoneNumber = serializers.SerializerMethodField()

    def get_phoneNumber(self, obj) -> str:
        return str(obj.phone_number or "")


class AgreementSerializer(serializers.Serializer):
    """Partner Center's Agreement resource: one confirmation (R5)."""

    primaryContact = AgreementContactOutputSerializer(source="*")
    templateId = serializers.UUIDField(source="template.template_id")
    dateAgreed = serializers.SerializerMethodField()
    type = serializers.CharField(source="agreement_type")
    agreementLink = serializers.URLField(source="template.agreement_link")
    userId = serializers.SerializerMethodField()
    attributes = serializers.SerializerMethodField()

    def get_dateAgreed(self, obj) -> str:
        return format_date_agreed(obj.date_agreed)

    def get_userId(self, obj) -> str | None:
        return str(obj.recorded_by.api_id) if obj.recorded_by_id else None

    def get_attributes(self, obj) -> dict:
        return {"objectType": "Agreement"}


class DirectSignStatusSerializer(serializers.Serializer):
    isSigned = serializers.BooleanField()
    attributes = AttributesSerializer()


AgreementMetaDataCollection = collection_serializer(
    AgreementMetaDataSerializer, "AgreementMetaDataCollection"
)
AgreementCollection = collection_serializer(AgreementSerializer, "AgreementCollection")


# Views -----------------------------------------------------------------------


class AgreementApiView(ApiView):
    permission_classes = [PortalPermission, AgreementsAvailable]
    service_field_map = {
        "first_name": "primaryContact.firstName",
        "last_name": "primaryContact.lastName",
        "email": "primaryContact.email",
        "phone_number": "primaryContact.phoneNumber",
        "date_agreed": "dateAgreed",
        "template": "templateId",
        "agreement_type": "type",
    }


class AgreementMetadataView(AgreementApiView):
    """GET /v1/agreements: the agreement templates (Partner Center's AgreementMetaData)."""

    required_permissions = {"GET": ["agreements.view_agreementtemplate"]}
    partner_scoped = False

    @extend_schema(
        operation_id="agreements_metadata",
        summary="Get agreement metadata",
        tags=["agreements"],
        parameters=AGREEMENT_TYPE_PARAMETERS,
        responses=common_responses({200: AgreementMetaDataCollection}, 400),
    )
    def get(self, request):
        templates = template_list(agreement_type=agreement_type_filter(request))
        return Response(collection(AgreementMetaDataSerializer(templates, many=True).data))


class CustomerAgreementsView(AgreementApiView):
    """GET, POST /v1/customers/{tenantId}/agreements: confirmations of the customer's acceptance."""

    # POST: the service's confirm_refusal() decides (R3, R4), with a message that says who may confirm.
    required_permissions = {"GET": ["agreements.view_confirmation"], "POST": []}

    @extend_schema(
        operation_id="customer_agreements_list",
        summary="Get confirmation of customer acceptance",
        tags=["agreements"],
        parameters=[TENANT_ID_PARAMETER, *AGREEMENT_TYPE_PARAMETERS],
        responses=common_responses({200: AgreementCollection}, 400, 404),
    )
    def get(self, request, tenant_id):
        customer = customer_get(user=request.user, tenant_id=tenant_id)
        history = confirmation_history(customer=customer, agreement_type=agreement_type_filter(request))
        return Response(collection(AgreementSerializer(history, many=True).data))

    @extend_schema(
        operation_id="customer_agreements_create",
        summary="Confirm customer acceptance of the Microsoft Customer Agreement",
        description=(
            "Records who accepted the agreement and when; the new confirmation becomes the "
            "customer's current one (R5).\n\n"
            "- `primaryContact`: first and last name 1–50 characters, a valid email address and an "
            "optional phone number that must be **valid for the customer's country** (R1); it is "
            "stored and returned in E.164. Partner Center's sample number `1234567890` is therefore "
            "refused for a US customer (400 InvalidPhoneNumber) and accepted as `+441234567890` for "
            "a British one.\n"
            "- `dateAgreed`: a date or an ISO 8601 date-time, not later than today in the user's "
            "time zone (with an offset: not later than now) and not earlier than the template's "
            "publication date (R2; 400 code 600002 for a future date).\n"
            "- `templateId`: any Microsoft Customer Agreement template; `type`, when given, must be "
            "the template's type (R7).\n"
            "- The same acceptor as the current confirmation is 409 code 600061 (R6). Send "
            "`MS-RequestId` to make retries safe (R15); another body under an `MS-RequestId` "
            "already used is 409 code 1010."
        ),
        tags=["agreements"],
        parameters=[TENANT_ID_PARAMETER, REQUEST_ID_PARAMETER],
        request=AgreementInputSerializer,
        examples=[
            OpenApiExample(
                "Partner Center's sample",
                request_only=True,
                value={
                    "primaryContact": {
                        "firstName": "Tania",
                        "lastName": "Carr",
                        "email": "someone@example.com",
                        "phoneNumber": "1234567890",
                    },
                    "templateId": "117a77b0-9360-443b-8795-c6dedc750cf9",
                    "dateAgreed": "2019-10-14T00:00:00.000Z",
                    "type": "MicrosoftCustomerAgreement",
                },
            )
        ],
        responses=common_responses(
            {201: OpenApiResponse(AgreementSerializer, description="The stored agreement.")},
            400,
            404,
            409,
            415,
        ),
    )
    def post(self, request, tenant_id):
        refusal = confirm_refusal(request.user)
        if refusal is not None:
            raise refusal
        customer = customer_get(user=request.user, tenant_id=tenant_id)
        body = AgreementInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        template = template_get(template_id=data["templateId"])
        contact = data["primaryContact"]
        confirmation = confirmation_record(
            actor=actor_from_request(request),
            customer=customer,
            acceptor=Acceptor(
                first_name=contact["firstName"],
                last_name=contact["lastName"],
                email=contact["email"],
                phone_number=contact.get("phoneNumber") or "",
                date_agreed=data["dateAgreed"],
            ),
            channel=ConfirmationChannel.API,
            template=template,
            agreement_type=_body_agreement_type(data),
            idempotency_key=idempotency_key(request),
        )
        return Response(AgreementSerializer(confirmation).data, status=status.HTTP_201_CREATED)


def _body_agreement_type(data: dict) -> str | None:
    """The body's type (or agreementType), read as the agreementType parameter is; None when absent."""
    for name in ("type", "agreementType"):
        if data.get(name):  # blank (trimmed), as a blank agreementType parameter: not given
            return known_agreement_type(data[name], name=name)
    return None


class DirectSignStatusView(AgreementApiView):
    """GET /v1/customers/{tenantId}/directSignedMicrosoftCustomerAgreementStatus."""

    required_permissions = {"GET": ["customers.view_customer"]}

    @extend_schema(
        operation_id="customer_direct_sign_status",
        summary="Whether the customer accepted the Microsoft Customer Agreement by itself",
        parameters=[TENANT_ID_PARAMETER],
        tags=["agreements"],
        responses=common_responses({200: DirectSignStatusSerializer}, 404),
    )
    def get(self, request, tenant_id):
        customer_get(user=request.user, tenant_id=tenant_id)
        # The customer-link flow (direct acceptance) does not exist yet.
        return Response(
            {"isSigned": False, "attributes": {"objectType": "DirectSignedCustomerAgreementStatus"}}
        )
