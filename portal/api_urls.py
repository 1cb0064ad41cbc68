"""The REST API (PRODUCT §6) and its OpenAPI schema and docs.

Paths follow Partner Center (no trailing slash) so that a script only changes
its base URL. Ids are matched as plain strings: a malformed one is the same
JSON 404 as an unknown one (R12, R14). Any other /v1/ path (a typo, a trailing
slash) ends at the last pattern: a JSON 404 for every method and caller, unless it
names an endpoint with doubled slashes or in another case (portal.api_views.not_found).
"""

from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularSwaggerSplitView

from agreements import api as agreements_api
from customers import api as customers_api
from orders import api as orders_api
from portal.api_views import SchemaView, not_found

urlpatterns = [
    path("api/schema/", login_not_required(SchemaView.as_view()), name="api-schema"),
    # The split view serves its init script as a file: no inline script under the CSP.
    path(
        "api/docs/",
        # A page, not an API: without its own OPTIONS answer, which it has no template for (R14).
        login_not_required(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema", http_method_names=["get", "head"])
        ),
        name="api-docs",
    ),
    path("v1/agreements", agreements_api.AgreementMetadataView.as_view(), name="api-agreements"),
    path("v1/customers", customers_api.CustomerListView.as_view(), name="api-customers"),
    path("v1/customers/<str:tenant_id>", customers_api.CustomerDetailView.as_view(), name="api-customer"),
    path(
        "v1/customers/<str:tenant_id>/agreements",
        agreements_api.CustomerAgreementsView.as_view(),
        name="api-customer-agreements",
    ),
    path(
        "v1/customers/<str:tenant_id>/directSignedMicrosoftCustomerAgreementStatus",
        agreements_api.DirectSignStatusView.as_view(),
        name="api-customer-direct-sign-status",
    ),
    path("v1/offers", orders_api.OfferListView.as_view(), name="api-offers"),
    path(
        "v1/customers/<str:tenant_id>/orders",
        orders_api.CustomerOrdersView.as_view(),
        name="api-customer-orders",
    ),
    path(
        "v1/customers/<str:tenant_id>/orders/<str:order_id>",
        orders_api.CustomerOrderView.as_view(),
        name="api-customer-order",
    ),
    path(
        "v1/customers/<str:tenant_id>/subscriptions",
        orders_api.CustomerSubscriptionsView.as_view(),
        name="api-customer-subscriptions",
    ),
    path(
        "v1/customers/<str:tenant_id>/subscriptions/<str:subscription_id>",
        orders_api.CustomerSubscriptionView.as_view(),
        name="api-customer-subscription",
    ),
    # Last: what no endpoint above matched. portal.urls includes this module last.
    re_path(r"^[vV]1/(?P<rest>.*)$", not_found, name="api-not-found"),
]
