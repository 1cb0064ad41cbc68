"""Never a 500 (R14): a database that is unavailable or locked, an admin lookup it cannot run;
and no page kept in a browser's cache.

Every service is @transaction.atomic, so when the database fails mid-write the
transaction is rolled back and nothing half-written remains; what is left to do
is to tell the person (or the script) to try again, and to log the failure.
"""

import logging
import re
import sys

from django.contrib import messages
from django.contrib.admin import helpers as admin_helpers
from django.contrib.admin.views import main as changelist
from django.core.exceptions import FieldError, ValidationError
from django.core.signals import got_request_exception
from django.db import DataError, InterfaceError, OperationalError, ProgrammingError
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext as _

from portal.api import error_body

logger = logging.getLogger("portal.database")
admin_logger = logging.getLogger("portal.admin")

DATABASE_FAILURES = (OperationalError, InterfaceError)
API_PREFIX = "/v1/"
STRICT_CSP = (
    "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
)
RETRY_AFTER_SECONDS = 30
UNAVAILABLE_DESCRIPTION = (
    "The database is temporarily unavailable. Nothing was saved; retry the request in a moment."
)


def database_unavailable_response(request) -> HttpResponse:
    """The 503 for this request: JSON under /v1/, an error page otherwise."""
    if request.path.startswith(API_PREFIX):
        response = JsonResponse(error_body("unavailable", UNAVAILABLE_DESCRIPTION), status=503)
    else:
        # Rendered without the request: the context processors and the navigation
        # would query the database that just failed.
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _log(request, exception) -> None:
    logger.error(
        "Database unavailable during %s %s: %s",
        request.method,
        request.path,
        exception,
        exc_info=(type(exception), exception, exception.__traceback__),
    )


def _note_database_failure(sender, request=None, **kwargs):
    """Remember a failure Django already turned into a 500 (e.g. loading the session in a middleware)."""
    exception = sys.exc_info()[1]
    if request is not None and isinstance(exception, DATABASE_FAILURES):
        request.database_failure = exception


got_request_exception.connect(_note_database_failure, dispatch_uid="portal.middleware.database_failure")


class DatabaseUnavailableMiddleware:
    """Answer 503 when the database refuses a request: a locked SQLite file, a PostgreSQL outage."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        failure = getattr(request, "database_failure", None)
        if response.status_code == 500 and failure is not None:
            _log(request, failure)
            response = database_unavailable_response(request)
            # The failure happened before the middlewares that add these could run.
            response["X-Frame-Options"] = "DENY"
            response["Content-Security-Policy"] = STRICT_CSP
        return response

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_FAILURES):
            return None
        _log(request, exception)
        return database_unavailable_response(request)


# The parameters of an admin list that are not lookups on its rows.
_ADMIN_LIST_PARAMETERS = {
    changelist.ALL_VAR,
    changelist.ERROR_FLAG,
    changelist.IS_FACETS_VAR,
    changelist.IS_POPUP_VAR,
    changelist.ORDER_VAR,
    changelist.PAGE_VAR,
    changelist.SEARCH_VAR,
    changelist.TO_FIELD_VAR,
}

# What a lookup typed into an admin list's address raises when its value does not suit it:
# `created_at__year=0`, an integer past 64 bits, an invalid regex (PostgreSQL's DataError).
_BAD_LOOKUP_FAILURES = (
    ValueError,
    TypeError,
    IndexError,
    OverflowError,
    ValidationError,
    FieldError,
    DataError,
    ProgrammingError,
)


class AdminLookupMiddleware(MiddlewareMixin):
    """Answer an admin list whose filters it cannot run as the admin answers a bad filter (R14).

    The admin lets any lookup on a model's fields through its address and checks values
    only as far as building the query: a NUL byte (which PostgreSQL refuses in a statement),
    year 0, a range, an integer past 64 bits or an invalid regex failed later, running or
    rendering the list: a 500. The admin's own answer to a lookup it cannot use
    is its unfiltered list with ?e=1. An action posted for rows that are no rows' keys is
    answered as one posted with no rows selected.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not _admin_list(request):
            return None
        model_admin = getattr(view_func, "model_admin", None)
        if request.method == "POST" and model_admin is not None:
            return self._unselected(request, model_admin.model)
        for name, value in request.GET.items():
            # A NUL byte in any parameter (the search too). SQLite runs a regex in Python: an
            # invalid one is its OperationalError, which would read as the database down (503).
            if (
                "\x00" in name
                or "\x00" in value
                or name.endswith("__range")  # the admin never splits its value: no range can be typed
                or (name.endswith("regex") and not _compiles(value))
            ):
                return self._unfiltered(request)
        return None

    def process_exception(self, request, exception):
        if (
            request.method in ("GET", "HEAD")  # reading a list: an action's POST fails as it is
            and isinstance(exception, _BAD_LOOKUP_FAILURES)
            and _admin_list(request)
            and set(request.GET) - _ADMIN_LIST_PARAMETERS
        ):
            # Logged: the same errors would come from a fault in a filter's own code.
            admin_logger.warning(
                "Admin list %s could not run its lookups %s",
                request.path,
                request.GET.urlencode(),
                exc_info=(type(exception), exception, exception.__traceback__),
            )
            return self._unfiltered(request)
        return None

    @staticmethod
    def _unselected(request, model) -> HttpResponse | None:
        """An action's POST whose selected rows are no keys of the list's rows ("x", a NUL byte, an
        integer past 64 bits): the admin filtered by them, a 500. Answered as the admin answers
        an action with nothing selected."""
        for key in request.POST.getlist(admin_helpers.ACTION_CHECKBOX_NAME):
            if not is_primary_key(model, key):
                messages.warning(
                    request,
                    _(
                        "Items must be selected in order to perform actions on them. No items have "
                        "been changed."
                    ),
                )
                return HttpResponseRedirect(request.get_full_path())
        return None

    @staticmethod
    def _unfiltered(request) -> HttpResponse:
        return HttpResponseRedirect(f"{request.path}?{changelist.ERROR_FLAG}=1")


def _admin_list(request) -> bool:
    match = request.resolver_match
    return bool(match and match.namespace == "admin" and (match.url_name or "").endswith("_changelist"))


# What a 64-bit integer column holds (Django's auto fields on PostgreSQL; SQLite's integers).
_INTEGER_KEYS = range(-(2**63), 2**63)


def is_primary_key(model, value: str) -> bool:
    """Whether `value` can be one of `model`'s primary keys, as the database compares them."""
    if "\x00" in value:
        return False
    pk = model._meta.pk
    try:
        key = pk.to_python(value)
    except ValidationError:
        return False
    return not isinstance(key, int) or key in _INTEGER_KEYS


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


def clear_browser_cache(response) -> None:
    """Have the browser drop the pages of Accord it kept: on signing out, in the portal or the admin."""
    response["Clear-Site-Data"] = '"cache"'


class NoStoreMiddleware:
    """Keep no copy of a page or an API answer read with GET in a browser or a proxy, unless
    its view chose a policy.

    Every page shows a partner's customers and their contacts: after signing out on a
    shared computer, Back must not show them again (OWASP ASVS 8.2.1; Django's admin does
    the same with never_cache). Static files are WhiteNoise's, with their own cache headers.

    A page answering a POST (F1's review step, a form shown again with its errors) stays
    in the browser's history as it was: without a stored copy, Back to it is Chrome's
    "Confirm Form Resubmission" (ERR_CACHE_MISS). Signing out empties the browser's cache
    of them (clear_browser_cache).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method in ("GET", "HEAD") and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
