"""The base of every /v1 view, and the JSON 404 for paths no endpoint matches (PRODUCT §6, R14).

Separate from portal.api because DRF's settings import portal.api (the
authentication class and the exception handler) while rest_framework.views is
still loading; a subclass of APIView cannot live there.
"""

import re
import uuid

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api import (
    NOT_FOUND_DESCRIPTION,
    JSONBodyParser,
    PortalPermission,
    TextJSONBodyParser,
    TextJSONRenderer,
    error_body,
)

# Partner Center's messages are English and scripts match on them, whatever Accept-Language says.
API_LANGUAGE = "en"

# Partner Center answers with the request's ids, or ids of its own when the request had none.
TRACE_HEADERS = ("MS-RequestId", "MS-CorrelationId")
# What is echoed as given: an id, not text that a header cannot carry back (R14).
_TRACE_ID = re.compile(r"[\x21-\x7e]{1,200}")


def with_api_headers(request, response):
    """The headers of every /v1 answer: English, and the request's MS-RequestId and MS-CorrelationId
    (or new ones), as Partner Center answers."""
    for header in TRACE_HEADERS:
        given = request.headers.get(header) or ""
        response[header] = given if _TRACE_ID.fullmatch(given) else str(uuid.uuid4())
    response["Content-Language"] = API_LANGUAGE
    return response


class ApiView(APIView):
    """The base of every /v1 view: answers in English, like Partner Center (R14).

    The browser follows the user's language (R16); the API does not, because
    scripts written for Partner Center compare its English descriptions.
    """

    parser_classes = [JSONBodyParser, TextJSONBodyParser]
    renderer_classes = [JSONRenderer, TextJSONRenderer]
    # Deny by default: each view names its `required_permissions` per method (R3, R12).
    permission_classes = [PortalPermission]

    def dispatch(self, request, *args, **kwargs):
        with translation.override(API_LANGUAGE):
            response = super().dispatch(request, *args, **kwargs)
            # Render inside the override, so that lazy strings in the data become English.
            if callable(getattr(response, "render", None)):
                response.render()
        return with_api_headers(request, response)


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema of the one API version there is: `?version=` is not read.

    drf-spectacular wrote that parameter into its Content-Disposition header: a newline in it
    was a 500 for anyone, and a quote chose the name the download is saved under (R14).
    """

    def _get_version_parameter(self, request):
        return None

    def finalize_response(self, request, response, *args, **kwargs):
        # An error is Partner Center's JSON body like every API error (R14), not that body written
        # in the schema's YAML: an unknown ?format=, an Accept it cannot serve, a POST.
        if isinstance(response, Response) and response.status_code >= 400:
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


# The words of the API's paths, by their lower case: every other segment is an id.
PATH_WORDS = {
    word.lower(): word
    for word in (
        "v1",
        "customers",
        "agreements",
        "directSignedMicrosoftCustomerAgreementStatus",
        "offers",
        "orders",
        "subscriptions",
    )
}


def _canonical(path: str) -> str:
    """The path without doubled slashes and with the API's words in their own case."""
    return "/".join(
        PATH_WORDS.get(segment.lower(), segment) for segment in re.sub(r"/{2,}", "/", path).split("/")
    )


@csrf_exempt
@login_not_required
def not_found(request, rest=""):
    """Any /v1/ path no endpoint matches: the JSON 404, never Django's HTML page (R14).

    404 for every method and every caller, with or without a token: a known
    path without a token is 401, an unknown one says only that it is unknown.
    A path with doubled slashes, or with its words in another case, is the
    endpoint it names: Partner Center's SDK follows a link (`/customers?…`) by
    requesting `/v1/` + link, and Partner Center's routes ignore case
    (`/v1/Customers/{id}/Subscriptions`).
    """
    canonical = _canonical(request.path_info)
    if canonical != request.path_info:
        try:
            match = resolve(canonical)
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            request.path_info, request.path = canonical, request.path.replace(request.path_info, canonical)
            return match.func(request, *match.args, **match.kwargs)
    return with_api_headers(request, JsonResponse(error_body("not_found", NOT_FOUND_DESCRIPTION), status=404))
