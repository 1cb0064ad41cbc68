"""PRODUCT §3 and R12 as data: every URL × method × principal → status (STYLE 5)."""

import importlib
import pkgutil
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from knox.models import AuthToken

from tests import factories
from tests.security import matrix
from tests.security.matrix import PRINCIPALS

pytestmark = pytest.mark.django_db


def _all_rows():
    rows = []
    for info in pkgutil.iter_modules(matrix.__path__):
        rows.extend(importlib.import_module(f"{matrix.__name__}.{info.name}").ROWS)
    return rows


ROWS = _all_rows()

# URL names that are not ours to authorize: the Django admin's own pages
# (only admin:index is in the table, as the staff entrance).
EXEMPT_PREFIXES = ("admin:",)


def _url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}{pattern.namespace}:"
            yield from _url_names(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


@pytest.fixture
def world(partner, other_partner, reseller_partner):
    """One of everything, owned by Contoso Partner unless said otherwise."""
    users = {
        "admin_agent": factories.UserFactory(username="admin.agent", partner=partner),
        "sales_agent": factories.UserFactory(username="sales.agent", partner=partner, role="Sales agent"),
        "helpdesk_agent": factories.UserFactory(
            username="helpdesk.agent", partner=partner, role="Helpdesk agent"
        ),
        "billing_admin": factories.UserFactory(
            username="billing.admin", partner=partner, role="Billing admin"
        ),
        "staff": factories.StaffFactory(username="staff"),
        "reseller_agent": factories.UserFactory(
            username="reseller.agent", partner=reseller_partner, role="Sales agent"
        ),
        "other_agent": factories.UserFactory(username="other.agent", partner=other_partner),
    }
    customer = factories.CustomerFactory(partner=partner)
    confirmed = factories.confirmed_customer(partner=partner)
    reseller_customer = factories.CustomerFactory(partner=reseller_partner)
    license_offer = factories.OfferFactory(id="LICENSE:0001", name="Licence offer")
    usage_offer = factories.OfferFactory(
        id="USAGE:0001", name="Usage offer", billing_type="usage", max_quantity=1
    )
    order = factories.OrderFactory(customer=confirmed, placed_by=users["admin_agent"])
    subscription = factories.SubscriptionFactory(order=order, customer=confirmed, offer=license_offer)
    usage_subscription = factories.SubscriptionFactory(
        order=order, customer=confirmed, offer=usage_offer, quantity=None
    )
    return SimpleNamespace(
        users=users,
        customer=customer,
        confirmed=confirmed,
        reseller_customer=reseller_customer,
        license_offer=license_offer,
        usage_offer=usage_offer,
        order=order,
        subscription=subscription,
        usage_subscription=usage_subscription,
    )


def _client(world, principal, api):
    client = Client()
    if principal == "anonymous":
        return client
    user = world.users[principal]
    if api:
        _instance, token = AuthToken.objects.create(user=user)
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    else:
        client.force_login(user)
    return client


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id or f"{r.method}-{r.name}")
def test_r3_r12_authorization_matrix(world, row, principal):
    url = reverse(row.name, kwargs=row.kwargs(world)) + (f"?{row.query}" if row.query else "")
    client = _client(world, principal, row.api)
    data = row.data(world)
    method = getattr(client, row.method.lower())
    if row.api and row.method in ("POST", "PATCH", "PUT"):
        response = method(url, data=data, content_type="application/json")
    else:
        response = method(url, data=data)
    expected = row.expect[principal]
    assert response.status_code == expected, (
        f"{row.method} {url} as {principal}: {response.status_code}, expected {expected}"
    )
    if principal == "anonymous" and expected == 302 and not row.api and row.name != "logout":
        login = reverse("admin:login") if row.name.startswith("admin:") else reverse("login")
        assert response["Location"].startswith(login) or row.name == "set_language"


def test_every_url_pattern_is_in_the_matrix():
    covered = {row.name for row in ROWS}
    missing = sorted(
        name for name in set(_url_names()) if name not in covered and not name.startswith(EXEMPT_PREFIXES)
    )
    assert not missing, f"URL names missing from tests/security/matrix: {missing}"
