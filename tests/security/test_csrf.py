"""CSRF on every browser form: a POST without the token is refused (403) on every non-API URL.

The API (/v1/, /api/) authenticates with a Bearer token and no cookie, so it has
no CSRF token to check; every other URL, the Django admin included, must refuse
a forged POST before the view runs.
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import SubscriptionFactory, confirmed_customer

pytestmark = pytest.mark.django_db

API_PREFIXES = ("/v1/", "/api/")
# templates/403_csrf.html, shown by portal.csrf.csrf_failure.
CSRF_PAGE = b'data-testid="csrf-failure"'

# A value for each path parameter; CSRF is checked before the view looks at it.
PARAMETERS = {
    "object_id": "1",
    "id": "1",
    "app_label": "customers",
    "content_type_id": "1",
    "version_id": "1",
}


def _patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(
                pattern, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            )
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def _reverse(name, pattern, world) -> str:
    regex = pattern.pattern.regex
    names = list(pattern.pattern.converters) or list(regex.groupindex)
    values = {**PARAMETERS, "tenant_id": world["tenant_id"], "subscription_id": world["subscription_id"]}
    if not names and regex.groups:  # unnamed groups (django-simple-history's admin URLs)
        return reverse(name, args=["1"] * regex.groups)
    # Any other parameter: CSRF is refused before the view could look at it.
    return reverse(name, kwargs={n: values.get(n, "1") for n in names})


@pytest.fixture
def world(partner, admin_agent):
    customer = confirmed_customer(partner=partner)
    subscription = SubscriptionFactory(
        order__customer=customer, order__placed_by=admin_agent, customer=customer
    )
    return {"tenant_id": customer.tenant_id, "subscription_id": subscription.pk}


def browser_urls(world):
    urls = {}
    for name, pattern in _patterns():
        url = _reverse(name, pattern, world)
        if not url.startswith(API_PREFIXES):
            urls[name] = url
    return urls


def test_every_state_changing_browser_url_refuses_a_post_without_the_csrf_token(
    world, admin_agent, staff_user
):
    urls = browser_urls(world)
    assert {"login", "logout", "set_language", "customers:new", "agreements:confirm", "orders:new"} <= set(
        urls
    )
    forged = []
    for user in (None, admin_agent, staff_user):
        client = Client(enforce_csrf_checks=True)
        if user is not None:
            client.force_login(user)
        for name, url in urls.items():
            response = client.post(url, {"company_name": "Forged", "quantity": "7"})
            if response.status_code != 403 or CSRF_PAGE not in response.content:
                forged.append((user and user.username, name, url, response.status_code))
    assert not forged, f"accepted a POST without a CSRF token: {forged}"


def test_a_post_with_the_token_is_not_refused(world, admin_agent):
    """The check above can fail: the same client with the token gets through."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_agent)
    url = reverse("agreements:confirm", kwargs={"tenant_id": world["tenant_id"]})
    page = client.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(url, {"csrfmiddlewaretoken": token, "first_name": ""})
    assert response.status_code == 200
    assert CSRF_PAGE not in response.content


def test_the_api_uses_no_cookies_so_needs_no_csrf_token(world, admin_agent):
    """A signed-in browser session does not authenticate the API: a forged cross-site POST gets 401."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_agent)
    response = client.post(
        f"/v1/customers/{world['tenant_id']}/agreements", {"templateId": "x"}, content_type="application/json"
    )
    assert response.status_code == 401


def test_r16_csrf_failure_page_is_translated_and_in_the_portals_layout(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("login"), {"username": "x", "password": "y"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 403
    content = response.content.decode()
    assert "表单已过期" in content
    assert 'id="main"' in content  # base.html, not Django's bare page


def test_each_form_on_the_sign_in_page_carries_one_csrf_token(client):
    # The sign-in form carried two: its template's and crispy's.
    html = client.get(reverse("login")).content.decode()
    forms = re.findall(r"<form\b.*?</form>", html, flags=re.S)

    assert len(forms) == 2  # the sign-in form and the language switch
    assert [form.count('name="csrfmiddlewaretoken"') for form in forms] == [1, 1]
