"""Partner Center's customer endpoints (PRODUCT §6): list (paged), create, get.

The list pages by keyset on (company name, id) — the order and index of
customer_list — so every page is one query however deep it is.
"""

import json
from urllib.parse import unquote, urlencode

from django.core import signing
from django.db.models import Q
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.fields import empty
from rest_framework.response import Response

from agreements.api import StrictCharField
from agreements.services import agreements_available
from customers.models import Channel
from customers.selectors import customer_get, customer_list, customer_prefix_condition
from customers.services import customer_create
from portal.api import (
    REQUEST_ID_PARAMETER,
    TENANT_ID_PARAMETER,
    ApiError,
    AttributesSerializer,
    collection,
    common_responses,
    idempotency_key,
)
from portal.api_views import ApiView
from portal.audit import actor_from_request

PAGE_SIZE_DEFAULT = 100
PAGE_SIZE_MAX = 500
CONTINUATION_HEADER = "MS-ContinuationToken"
_CONTINUATION_SALT = "accord.api.customers.continuation"


# Serializers -----------------------------------------------------------------


def _text(**kwargs):
    return StrictCharField(required=False, allow_blank=True, trim_whitespace=False, **kwargs)


class RequiredTextField(StrictCharField):
    """A detail every customer has: required in the schema. Missing, it reaches customer_create
    as blank, which names it with every other bad field at once (R14), not alone."""

    def __init__(self, **kwargs):
        super().__init__(required=True, allow_blank=True, trim_whitespace=False, **kwargs)

    def validate_empty_values(self, data):
        if data is empty:
            return True, ""
        return super().validate_empty_values(data)


# The request example of the API docs; the R15 test posts it as it stands.
NEW_CUSTOMER_EXAMPLE = {
    "companyProfile": {"domain": "wingtiptoys", "companyName": "Wingtip Toys"},
    "billingProfile": {
        "email": "ap@wingtiptoys.example",
        "culture": "en-US",
        "language": "en",
        "companyName": "Wingtip Toys",
        "defaultAddress": {
            "firstName": "Pat",
            "lastName": "Kim",
            "addressLine1": "1 Microsoft Way",
            "city": "Redmond",
            "state": "WA",
            "postalCode": "98052",
            "country": "US",
            "phoneNumber": "4255550100",
        },
    },
}


class AddressSerializer(serializers.Serializer):
    firstName = RequiredTextField()
    lastName = RequiredTextField()
    addressLine1 = RequiredTextField()
    addressLine2 = _text(allow_null=True)
    city = RequiredTextField()
    state = _text(allow_null=True)
    postalCode = _text(allow_null=True)
    country = RequiredTextField()
    phoneNumber = _text(allow_null=True)


class CompanyProfileInputSerializer(serializers.Serializer):
    domain = StrictCharField(trim_whitespace=False, allow_blank=True)
    companyName = _text(allow_null=True)


class BillingProfileInputSerializer(serializers.Serializer):
    email = RequiredTextField()
    culture = _text(allow_null=True)
    language = _text(allow_null=True)
    companyName = _text(allow_null=True)
    defaultAddress = AddressSerializer()


class CustomerInputSerializer(serializers.Serializer):
    """The body of POST /v1/customers (Partner Center's Customer, the parts Accord keeps)."""

    companyProfile = CompanyProfileInputSerializer()
    billingProfile = BillingProfileInputSerializer()


class CompanyProfileSerializer(serializers.Serializer):
    tenantId = serializers.UUIDField(source="tenant_id")
    domain = serializers.CharField()
    companyName = serializers.CharField(source="company_name")
    attributes = serializers.SerializerMethodField()

    def get_attributes(self, obj) -> dict:
        return {"objectType": "CustomerCompanyProfile"}


class AddressOutputSerializer(serializers.Serializer):
    firstName = serializers.CharField(source="contact_first_name")
    lastName = serializers.CharField(source="contact_last_name")
    addressLine1 = serializers.CharField(source="address_line1")
    addressLine2 = serializers.CharField(source="address_line2")
    city = serializers.CharField()
    state = serializers.CharField()
    postalCode = serializers.CharField(source="postal_code")
    country = serializers.CharField(source="country.code")
    phoneNumber = serializers.SerializerMethodField()

    def get_phoneNumber(self, obj) -> str:
        return str(obj.contact_phone or "")


class BillingProfileSerializer(serializers.Serializer):
    email = serializers.CharField(source="contact_email")
    culture = serializers.CharField()
    language = serializers.CharField()
    companyName = serializers.CharField(source="company_name")
    defaultAddress = AddressOutputSerializer(source="*")
    attributes = serializers.SerializerMethodField()

    def get_attributes(self, obj) -> dict:
        return {"objectType": "CustomerBillingProfile"}


class CustomerSerializer(serializers.Serializer):
    """Partner Center's Customer resource; id is the tenant id."""

    id = serializers.UUIDField(source="tenant_id")
    companyProfile = CompanyProfileSerializer(source="*")
    billingProfile = BillingProfileSerializer(source="*")
    agreementStatus = serializers.SerializerMethodField(
        help_text=(
            "Accord's addition: confirmed or required; null outside the public cloud, where "
            "agreements do not exist and orders need none (R10)."
        )
    )
    attributes = serializers.SerializerMethodField()

    def get_agreementStatus(self, obj) -> str | None:
        return obj.agreement_status if agreements_available() else None

    def get_attributes(self, obj) -> dict:
        return {"objectType": "Customer"}


class NextLinkHeaderSerializer(serializers.Serializer):
    key = serializers.CharField()
    value = serializers.CharField()


class NextLinkSerializer(serializers.Serializer):
    uri = serializers.CharField()
    method = serializers.CharField()
    headers = NextLinkHeaderSerializer(many=True)


class LinksSerializer(serializers.Serializer):
    """Links relative to the version root (`/customers?…`), as Partner Center writes them."""

    self = NextLinkSerializer()
    next = NextLinkSerializer(required=False)


class CustomerCollectionSerializer(serializers.Serializer):
    totalCount = serializers.IntegerField(help_text="Customers on this page.")
    items = CustomerSerializer(many=True)
    continuationToken = serializers.CharField(required=False, help_text="Present when more pages follow.")
    links = LinksSerializer(required=False)
    attributes = AttributesSerializer()


# Paging and filtering ----------------------------------------------------------

# Partner Center's CustomerSearchField names (and its REST reference's) → the column searched.
FILTER_FIELDS = {
    "companyname": "company_name",
    "displayname": "company_name",
    "domain": "domain",
    "defaultdomainname": "domain",
}
# The name a link writes a filter's field with.
LINK_FIELDS = {"company_name": "CompanyName", "domain": "Domain"}
FILTER_OPERATOR = "starts_with"
FILTER_SYNTAX = (
    'filter must be {"Field": "CompanyName" or "Domain", "Value": "…", "Operator": "starts_with"}.'
)


def _page_size(request) -> int | None:
    """The page size asked for; None when not given or 0 (Partner Center's SDK sends 0 for "any")."""
    raw = request.query_params.get("size")
    if raw is None or raw == "":
        return None
    try:
        size = int(raw)
    except ValueError:
        size = -1
    if not 0 <= size <= PAGE_SIZE_MAX:
        raise ApiError("invalid_input", f"size must be a whole number from 0 to {PAGE_SIZE_MAX}.")
    return size or None


def _filter(request) -> tuple[str, str] | None:
    """Partner Center's `filter` (JSON; names and the operator in any case): (column, prefix)."""
    raw = request.query_params.get("filter")
    if raw is None or raw == "":
        return None
    if raw.lstrip().startswith("%"):
        # Encoded once more than the query string needs (the SDK encodes the JSON itself).
        raw = unquote(raw)
    try:
        spec = json.loads(raw)
    except (ValueError, RecursionError):
        spec = None
    if not isinstance(spec, dict):
        raise ApiError("invalid_input", FILTER_SYNTAX)
    spec = {str(name).lower(): value for name, value in spec.items()}
    field, value, operator = spec.get("field"), spec.get("value"), spec.get("operator")
    column = FILTER_FIELDS.get(field.lower()) if isinstance(field, str) else None
    if column is None or not isinstance(value, str):
        raise ApiError("invalid_input", FILTER_SYNTAX)
    try:
        value.encode()
    except UnicodeEncodeError:  # A lone surrogate ("\ud800") that JSON allows and no database stores.
        raise ApiError("invalid_input", "filter Value is not valid text.") from None
    if not isinstance(operator, str) or operator.lower() != FILTER_OPERATOR:
        raise ApiError(
            "invalid_input", f"filter Operator must be {FILTER_OPERATOR}, the only one customers support."
        )
    return column, value


def _continuation_token(request) -> str | None:
    return request.headers.get(CONTINUATION_HEADER) or request.query_params.get("continuationToken")


def _page_link(size: int, search, token: str | None) -> dict:
    """A link to a page: the first, or the one after the page `token` was made for."""
    if token is None:
        return {"uri": _link(size, search), "method": "GET", "headers": []}
    return {
        "uri": _link(size, search, seekOperation="Next"),
        "method": "GET",
        "headers": [{"key": CONTINUATION_HEADER, "value": token}],
    }


def _continuation(request) -> dict | None:
    """Where the previous page ended, and the size and filter it was asked with."""
    seek = request.query_params.get("seekOperation")
    if seek not in (None, "") and seek.lower() != "next":
        raise ApiError("invalid_input", "seekOperation must be Next: pages are read forwards only.")
    token = _continuation_token(request)
    if not token:
        return None
    try:
        state = signing.loads(token, salt=_CONTINUATION_SALT)
        if isinstance(state, list):  # A token of an earlier version: where the page ended only.
            state = {"after": state}
        name, pk = state["after"]
        search = state.get("filter")
        return {
            "after": (str(name), int(pk)),
            "size": int(state["size"]) if state.get("size") else None,
            "filter": (str(search[0]), str(search[1])) if search else None,
        }
    except (signing.BadSignature, ValueError, TypeError, KeyError, IndexError):
        raise ApiError("continuation", "The continuation token is not valid.") from None


def _link(size: int, search: tuple[str, str] | None, **extra) -> str:
    """A link to the customer list, relative to the version root as Partner Center's are.

    Partner Center's SDK follows a link by requesting /v1/ followed by its uri.
    """
    query = {"size": size}
    if search is not None:
        column, prefix = search
        query["filter"] = json.dumps(
            {"Field": LINK_FIELDS[column], "Value": prefix, "Operator": FILTER_OPERATOR}
        )
    return f"/customers?{urlencode({**query, **extra})}"


# Views -------------------------------------------------------------------------


class CustomerListView(ApiView):
    """GET, POST /v1/customers."""

    required_permissions = {"GET": ["customers.view_customer"], "POST": ["customers.add_customer"]}
    service_field_map = {
        "company_name": "companyProfile.companyName",
        "domain": "companyProfile.domain",
        "email": "billingProfile.email",
        "contact_email": "billingProfile.email",
        "culture": "billingProfile.culture",
        "language": "billingProfile.language",
        "address_line1": "billingProfile.defaultAddress.addressLine1",
        "address_line2": "billingProfile.defaultAddress.addressLine2",
        "city": "billingProfile.defaultAddress.city",
        "state": "billingProfile.defaultAddress.state",
        "postal_code": "billingProfile.defaultAddress.postalCode",
        "country": "billingProfile.defaultAddress.country",
        "contact_first_name": "billingProfile.defaultAddress.firstName",
        "contact_last_name": "billingProfile.defaultAddress.lastName",
        "contact_phone": "billingProfile.defaultAddress.phoneNumber",
    }

    @extend_schema(
        operation_id="customers_list",
        summary="Get a list of customers (paged)",
        tags=["customers"],
        parameters=[
            OpenApiParameter(
                "size",
                int,
                required=False,
                description=f"Page size, 1 to {PAGE_SIZE_MAX}; 0 or none: {PAGE_SIZE_DEFAULT}, "
                "or the size the continuation token was made with.",
            ),
            OpenApiParameter(
                "filter",
                str,
                required=False,
                description="Customers whose company name or domain starts with a text, case ignored: JSON "
                '`{"Field": "CompanyName" or "Domain", "Value": "cont", "Operator": "starts_with"}`. '
                "Kept by the continuation token.",
            ),
            OpenApiParameter(
                "seekOperation",
                str,
                required=False,
                description="Partner Center's `Next` beside a continuation token; "
                "the token alone says where to go on.",
            ),
            OpenApiParameter(
                "continuationToken",
                str,
                required=False,
                description=(
                    f"The next page's token; Partner Center sends it as the {CONTINUATION_HEADER} header."
                ),
            ),
            OpenApiParameter(CONTINUATION_HEADER, str, location=OpenApiParameter.HEADER, required=False),
        ],
        responses=common_responses({200: CustomerCollectionSerializer}, 400),
    )
    def get(self, request):
        continuation = _continuation(request)
        size = _page_size(request) or (continuation or {}).get("size") or PAGE_SIZE_DEFAULT
        search = _filter(request) or (continuation or {}).get("filter")
        qs = customer_list(user=request.user)
        if search is not None:
            column, prefix = search
            qs = qs.filter(customer_prefix_condition(field=column, prefix=prefix))
        if continuation is not None:
            name, pk = continuation["after"]
            qs = qs.filter(Q(company_name__gt=name) | Q(company_name=name, id__gt=pk))
        rows = list(qs[: size + 1])
        page, more = rows[:size], len(rows) > size
        # A page after the first is read again with the token that read it, as its `next` said.
        links = {"self": _page_link(size, search, _continuation_token(request) if continuation else None)}
        extra = {}
        if more:
            last = page[-1]
            state = {"after": [last.company_name, last.pk], "size": size, "filter": search}
            token = signing.dumps(state, salt=_CONTINUATION_SALT, compress=True)
            extra["continuationToken"] = token
            links["next"] = _page_link(size, search, token)
        return Response(collection(CustomerSerializer(page, many=True).data, **extra, links=links))

    @extend_schema(
        operation_id="customers_create",
        summary="Create a customer",
        tags=["customers"],
        parameters=[REQUEST_ID_PARAMETER],
        request=CustomerInputSerializer,
        examples=[
            OpenApiExample(
                "A new customer",
                request_only=True,
                value=NEW_CUSTOMER_EXAMPLE,
            )
        ],
        responses=common_responses(
            {201: OpenApiResponse(CustomerSerializer, description="The new customer.")}, 400, 409, 415
        ),
    )
    def post(self, request):
        body = CustomerInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        company = body.validated_data["companyProfile"]
        billing = body.validated_data["billingProfile"]
        address = billing["defaultAddress"]
        details = {
            "company_name": company.get("companyName") or billing.get("companyName") or "",
            "domain": company["domain"],
            "email": billing.get("email", ""),
            "contact_email": billing.get("email", ""),
            "address_line1": address.get("addressLine1", ""),
            "address_line2": address.get("addressLine2") or "",
            "city": address.get("city", ""),
            "state": address.get("state") or "",
            "postal_code": address.get("postalCode") or "",
            "country": (address.get("country") or "").upper(),
            "contact_first_name": address.get("firstName", ""),
            "contact_last_name": address.get("lastName", ""),
            "contact_phone": address.get("phoneNumber") or "",
        }
        for name, key in (("culture", "culture"), ("language", "language")):
            if billing.get(key):
                details[name] = billing[key]
        customer = customer_create(
            actor=actor_from_request(request),
            channel=Channel.API,
            idempotency_key=idempotency_key(request),
            **details,
        )
        customer = customer_get(user=request.user, tenant_id=customer.tenant_id)
        return Response(CustomerSerializer(customer).data, status=status.HTTP_201_CREATED)


class CustomerDetailView(ApiView):
    """GET /v1/customers/{tenantId}."""

    required_permissions = {"GET": ["customers.view_customer"]}

    @extend_schema(
        operation_id="customers_get",
        summary="Get a customer by id",
        parameters=[TENANT_ID_PARAMETER],
        tags=["customers"],
        responses=common_responses({200: CustomerSerializer}, 404),
    )
    def get(self, request, tenant_id):
        return Response(CustomerSerializer(customer_get(user=request.user, tenant_id=tenant_id)).data)
