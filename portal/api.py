"""Shared pieces of the REST API (PRODUCT §6): authentication, errors, collections.

Every error leaves the API as Partner Center's body `{code, description,
errorName}` (R14); the table below is the one place that says which code and
status a service's refusal becomes.
"""

import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, OpenApiTypes
from knox.auth import TokenAuthentication
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from agreements.services import AgreementsUnavailable, ResellerCannotConfirm, agreements_available
from customers.models import Customer
from orders.services import AgreementRequired

# Partner Center's codes where it has them (600002, 600061, 13605); Accord's own otherwise.
ERRORS = {
    "invalid_input": (400, 2000, "InvalidInput"),
    "malformed": (400, 2001, "MalformedRequestBody"),
    "future_date": (400, 600002, "DateAgreedInFuture"),
    "before_publication": (400, 2002, "DateAgreedBeforePublication"),
    "template_retired": (400, 2003, "AgreementTemplateNoLongerSupported"),
    "template_unknown": (400, 2004, "AgreementTemplateNotFound"),
    "type_mismatch": (400, 2005, "AgreementTypeMismatch"),
    "usage_based": (400, 2006, "UsageBasedSubscriptionHasNoQuantity"),
    "quantity_bounds": (400, 2007, "QuantityOutOfRange"),
    "invalid_phone": (400, 2008, "InvalidPhoneNumber"),
    "continuation": (400, 2009, "InvalidContinuationToken"),
    "cloud": (400, 2010, "AgreementsNotAvailableInThisCloud"),
    "agreement_type": (400, 2011, "InvalidAgreementType"),
    "unauthorized": (401, 1000, "Unauthorized"),
    "forbidden": (403, 1001, "Forbidden"),
    "no_partner": (403, 1002, "NoPartner"),
    "reseller": (403, 1003, "ResellerCannotConfirm"),
    "agreement_required": (403, 13605, "PartnerConfirmationOfCustomerAgreementRequired"),
    "not_found": (404, 1004, "NotFound"),
    "method": (405, 1005, "MethodNotAllowed"),
    "not_acceptable": (406, 1006, "NotAcceptable"),
    "duplicate": (409, 600061, "PartnerConfirmedAgreementAlreadyExists"),
    "submission_reused": (409, 1010, "RequestIdReusedWithDifferentBody"),
    "media_type": (415, 1007, "UnsupportedMediaType"),
    "throttled": (429, 1008, "TooManyRequests"),
    "unavailable": (503, 1009, "ServiceUnavailable"),
}

# A service's ValidationError code → the API error it becomes; the first match wins.
_VALIDATION_PRIORITY = (
    "submission_reused",
    "duplicate",
    "future_date",
    "before_publication",
    "template_retired",
    "template_unknown",
    "type_mismatch",
    "usage_based",
    "quantity_bounds",
    "invalid_phone",
    "phone_country",
)
_CODE_ALIASES = {"phone_country": "invalid_phone"}

DUPLICATE_DESCRIPTION = "A partner confirmed agreement already exists for the customer."
NOT_FOUND_DESCRIPTION = "The resource was not found."


# Partner Center's limit on an error's description: descriptions quote the input, which has none.
DESCRIPTION_MAX = 1024


class ApiError(exceptions.APIException):
    """An API error with Partner Center's code and errorName."""

    def __init__(self, kind: str, description: str):
        self.kind = kind
        super().__init__(detail=description)
        self.status_code = ERRORS[kind][0]
        self.description = str(description)


def error_body(kind: str, description: str) -> dict:
    _status, code, name = ERRORS[kind]
    description = str(description)
    if len(description) > DESCRIPTION_MAX:
        description = description[: DESCRIPTION_MAX - 1] + "…"
    return {"code": code, "description": description, "errorName": name}


def _describe_validation(exc: DjangoValidationError, field_map: dict[str, str]) -> tuple[str, str]:
    """Pick the error kind and one readable description naming the API's fields."""
    parts, codes = [], []
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            name = field_map.get(field, field)
            for error in errors:
                codes.append(error.code)
                message = " ".join(error.messages)
                parts.append(message if name == "__all__" else f"{name}: {message}")
    else:
        for error in exc.error_list:
            codes.append(error.code)
            parts.append(" ".join(error.messages))
    kind = "invalid_input"
    for code in _VALIDATION_PRIORITY:
        if code in codes:
            kind = _CODE_ALIASES.get(code, code)
            break
    description = " ".join(parts) or "The request is not valid."
    if kind == "duplicate":
        description = f"{DUPLICATE_DESCRIPTION} {description}"
    elif kind == "submission_reused":
        description = f"{description} Send them with a new MS-RequestId."
    return kind, description


def _flatten_drf(detail, prefix="") -> list[str]:
    """DRF's nested errors as `path: message` strings, e.g. `lineItems[0].offerId: …`.

    A list serializer reports its items' errors as a dict keyed by index (or as
    a list with {} for good items); both become `[index]`.
    """
    if isinstance(detail, dict):
        out = []
        for key, value in detail.items():
            if isinstance(key, int):
                name = f"{prefix}[{key}]"
            elif key == "non_field_errors":
                name = prefix
            else:
                name = f"{prefix}.{key}" if prefix else key
            out.extend(_flatten_drf(value, name))
        return out
    if isinstance(detail, list):
        out = []
        for index, value in enumerate(detail):
            out.extend(_flatten_drf(value, f"{prefix}[{index}]" if isinstance(value, dict) else prefix))
        return out
    return [f"{prefix}: {detail}" if prefix else str(detail)]


def exception_handler(exc, context):
    """Turn every refusal into Partner Center's error body (R14); never a 500 for bad input."""
    view = context.get("view")
    field_map = getattr(view, "service_field_map", {}) if view is not None else {}
    if isinstance(exc, ApiError):
        return Response(error_body(exc.kind, exc.description), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        kind, description = _describe_validation(exc, field_map)
    elif isinstance(exc, serializers.ValidationError):
        kind, description = "invalid_input", " ".join(_flatten_drf(exc.detail)) or "The request is not valid."
    elif isinstance(exc, RequestDataTooBig):
        # Django's answer would be its HTML "Bad Request (400)" page.
        kind = "invalid_input"
        description = f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes."
    elif isinstance(exc, exceptions.ParseError):
        kind, description = "malformed", f"The request body is not valid JSON: {exc.detail}"
    elif isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        kind, description = "unauthorized", str(exc.detail)
    elif isinstance(exc, AgreementRequired):
        kind, description = "agreement_required", str(exc)
    elif isinstance(exc, AgreementsUnavailable):
        kind, description = "cloud", str(exc)
    elif isinstance(exc, ResellerCannotConfirm):
        kind, description = "reseller", str(exc)
    elif isinstance(exc, DjangoPermissionDenied):
        kind, description = "forbidden", str(exc) or "You do not have permission to perform this action."
    elif isinstance(exc, exceptions.PermissionDenied):
        kind, description = "forbidden", str(exc.detail)
    elif isinstance(exc, Http404 | exceptions.NotFound | Customer.DoesNotExist):
        kind, description = "not_found", NOT_FOUND_DESCRIPTION
    elif isinstance(exc, exceptions.MethodNotAllowed):
        kind, description = "method", str(exc.detail)
    elif isinstance(exc, exceptions.NotAcceptable):
        kind, description = "not_acceptable", str(exc.detail)
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        kind, description = "media_type", str(exc.detail)
    elif isinstance(exc, exceptions.Throttled):
        kind, description = "throttled", str(exc.detail)
    else:
        return None
    status_code = ERRORS[kind][0]
    headers = {}
    if status_code == status.HTTP_401_UNAUTHORIZED:
        headers["WWW-Authenticate"] = BearerTokenAuthentication.keyword
    return Response(error_body(kind, description), status=status_code, headers=headers)


# Authentication -------------------------------------------------------------


class BearerTokenAuthentication(TokenAuthentication):
    """Knox tokens (stored hashed) sent as `Authorization: Bearer <token>`, like Partner Center."""

    keyword = "Bearer"

    def authenticate_header(self, request):
        return self.keyword

    def authenticate_credentials(self, token):
        try:
            text = token.decode("utf-8")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        # Tokens are printable ASCII; a NUL byte would make PostgreSQL refuse the lookup (R14).
        if not (text.isascii() and text.isprintable()):
            raise exceptions.AuthenticationFailed("Invalid token.")
        return super().authenticate_credentials(token)


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "portal.api.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Bearer")


# Parsing --------------------------------------------------------------------


class JSONBodyParser(JSONParser):
    """DRF's JSON parser: names in camelCase or PascalCase; a body nested too deeply a 400 (R14).

    Partner Center's own request examples and its .NET SDK write PascalCase names
    (`{"PrimaryContact": {"FirstName": …}, "DateAgreed": …}`) and Partner Center reads
    them without regard to case, so a script pointed at Accord must not have to rename them.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return camel_case_names(super().parse(stream, media_type, parser_context))
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - the body is nested too deeply.") from None


class TextJSONBodyParser(JSONBodyParser):
    """The same JSON sent as text/json, which Partner Center's REST reference accepts beside
    application/json."""

    media_type = "text/json"


class TextJSONRenderer(JSONRenderer):
    """The same JSON for a client that asks for text/json, which Partner Center answers."""

    media_type = "text/json"


def camel_case_names(data):
    """`data` with every object's names starting in lower case: `DateAgreed` → `dateAgreed`.

    Two names that become one (`DateAgreed` and `dateAgreed`) are refused, not one dropped.
    """
    if isinstance(data, dict):
        renamed = {}
        for name, value in data.items():
            camel = name[:1].lower() + name[1:]
            if camel in renamed:
                raise exceptions.ParseError(f"JSON parse error - the body names {camel} twice.")
            renamed[camel] = camel_case_names(value)
        return renamed
    if isinstance(data, list):
        return [camel_case_names(value) for value in data]
    return data


# Permissions ----------------------------------------------------------------


class PortalPermission(permissions.BasePermission):
    """The browser's permissions, per method (`view.required_permissions`); R3, R12.

    Views that read or write a partner's records (`view.partner_scoped`) need a
    user of a partner: staff have none and are sent to the Django admin.
    """

    def has_permission(self, request, view):
        user = request.user
        if user is None or not user.is_authenticated:
            raise exceptions.NotAuthenticated()
        # HEAD runs the GET handler; OPTIONS describes the endpoint and reads no record. A method
        # the view handles but does not list is refused (deny by default); one it does not handle
        # goes on to the 405.
        method = "GET" if request.method == "HEAD" else request.method
        required = getattr(view, "required_permissions", {})
        if method != "OPTIONS" and hasattr(view, method.lower()):
            needed = required.get(method)
            if needed is None or not user.has_perms(needed):
                raise ApiError("forbidden", "Your role does not allow this action.")
        if getattr(view, "partner_scoped", True) and user.partner_id is None:
            raise ApiError(
                "no_partner",
                "This account belongs to no partner; staff see every record in the Django admin.",
            )
        return True


class AgreementsAvailable(permissions.BasePermission):
    """R10: the agreement endpoints answer a clear error outside the public cloud."""

    def has_permission(self, request, view):
        if not agreements_available():
            raise AgreementsUnavailable()
        return True


# Request helpers ------------------------------------------------------------

REQUEST_ID_HEADER = "MS-RequestId"
_REQUEST_ID_NAMESPACE = uuid.UUID("6f1c2c3e-7a55-4d0b-9a8e-5d7f0c1b2a90")


def idempotency_key(request) -> uuid.UUID | None:
    """Partner Center's MS-RequestId as the idempotency key (R15); any string works."""
    raw = (request.headers.get(REQUEST_ID_HEADER) or "").strip()
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        return uuid.uuid5(_REQUEST_ID_NAMESPACE, raw)


REQUEST_ID_PARAMETER = OpenApiParameter(
    name=REQUEST_ID_HEADER,
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Partner Center's request id. A repeated POST with the same value creates nothing new "
        "and answers the record the first one created (R15)."
    ),
)


def collection(items: list, object_type: str = "Collection", **extra) -> dict:
    """Partner Center's collection envelope."""
    return {"totalCount": len(items), "items": items, **extra, "attributes": {"objectType": object_type}}


# Schema pieces --------------------------------------------------------------


class AttributesSerializer(serializers.Serializer):
    objectType = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    """Partner Center's error body (R14)."""

    code = serializers.IntegerField()
    description = serializers.CharField()
    errorName = serializers.CharField()


def collection_serializer(item_serializer, name: str, **extra_fields):
    """A serializer class describing `{totalCount, items, attributes}` for the schema."""
    fields = {
        "totalCount": serializers.IntegerField(),
        "items": item_serializer(many=True),
        "attributes": AttributesSerializer(),
        **extra_fields,
    }
    return type(name, (serializers.Serializer,), fields)


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ErrorSerializer, description=description)


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """The documented error responses of an endpoint; 401, 403 and 406 apply to all."""
    texts = {
        400: "Malformed JSON, wrong types or a value a rule refuses (InvalidInput, 600002, …).",
        401: "No valid `Authorization: Bearer <token>` header.",
        403: "The role may not act, the user has no partner, or the agreement is missing (13605).",
        404: "Unknown customer or another partner's customer (R12).",
        405: "Method not allowed.",
        406: "Only JSON is served (application/json or text/json).",
        409: "The same acceptor as the current confirmation (600061, agreements only), or an "
        "MS-RequestId already used with another body (1010).",
        415: "The body must be JSON (application/json or text/json).",
    }
    wanted = {401, 403, 405, 406, *statuses}
    return {code: _error(texts[code]) for code in sorted(wanted)}


def common_responses(success: dict, *statuses: int) -> dict:
    return {**success, **error_responses(*statuses)}


TENANT_ID_PARAMETER = OpenApiParameter(
    name="tenant_id",
    type=OpenApiTypes.UUID,
    location=OpenApiParameter.PATH,
    description="The customer's tenant id (Partner Center's customer-tenant-id).",
)
ORDER_ID_PARAMETER = OpenApiParameter(
    name="order_id",
    type=OpenApiTypes.STR,
    location=OpenApiParameter.PATH,
    description="The order's id (a GUID).",
)

SUBSCRIPTION_ID_PARAMETER = OpenApiParameter(
    name="subscription_id",
    type=OpenApiTypes.STR,
    location=OpenApiParameter.PATH,
    description="The subscription's id.",
)
