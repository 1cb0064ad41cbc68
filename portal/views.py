"""Home page, health check and error pages."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from agreements.selectors import confirmation_recent
from agreements.services import agreements_available
from customers.models import AgreementStatus
from customers.selectors import customer_get, customer_recent, customer_status_counts


@require_safe
def home(request):
    """Counts by agreement status and the partner's recent activity."""
    user = request.user
    may_view = user.has_perm("customers.view_customer")
    context = {"recent_customers": customer_recent(user=user) if may_view else []}
    # R10: outside the public cloud no customer needs a confirmation; there is nothing to count.
    if agreements_available():
        counts = customer_status_counts(user=user)
        context |= {
            "confirmed_count": counts[AgreementStatus.CONFIRMED],
            "required_count": counts[AgreementStatus.REQUIRED],
            "recent_confirmations": confirmation_recent(user=user) if may_view else [],
        }
    return render(request, "home.html", context)


@login_not_required
@require_safe
def healthz(request):
    """For load balancers: 200 `ok` without signing in; HEAD too, as many probes send it."""
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
@require_safe
@cache_control(max_age=24 * 60 * 60)
def favicon(request):
    """Browsers ask for /favicon.ico whatever a page links to (the admin's pages, a PDF): the icon."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else ""
    context = {"message": message, "customer": _refusing_customer(request)}
    return render(request, "403.html", context, status=403)


def _refusing_customer(request):
    """The customer whose page was refused, when the user may see it: the page links back to it."""
    match = getattr(request, "resolver_match", None)
    tenant_id = match.kwargs.get("tenant_id") if match else None
    user = getattr(request, "user", None)  # a refusal before authentication has none
    if tenant_id is None or user is None or not user.has_perm("customers.view_customer"):
        return None
    try:
        return customer_get(user=request.user, tenant_id=tenant_id)
    except Http404:
        return None


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


def not_offered(request, **kwargs):
    """A page the portal does not offer: the 404 any unknown address gets."""
    raise Http404
