"""Health check, deny-by-default, time zones and error pages (PRODUCT §3, §7, R2, R11)."""

import pytest
from django.urls import reverse

from tests.factories import SubscriptionFactory, confirmed_customer

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_signing_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_deny_by_default_sends_anonymous_users_to_sign_in(client):
    response = client.get(reverse("customers:list"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_r2_the_users_time_zone_is_active_for_the_request(client, admin_agent):
    admin_agent.time_zone = "Asia/Shanghai"
    admin_agent.save()
    client.force_login(admin_agent)
    response = client.get(reverse("home"))
    assert response.context["TIME_ZONE"] == "Asia/Shanghai"  # set by the tz context processor


def test_r11_sandbox_banner_only_in_sandbox(client, admin_agent, settings):
    client.force_login(admin_agent)
    assert b"sandbox-banner" not in client.get(reverse("home")).content
    settings.PORTAL_ENVIRONMENT = "sandbox"
    assert b"sandbox-banner" in client.get(reverse("home")).content


@pytest.mark.parametrize(
    "url",
    [
        "/admin/login/",
        "/admin/",
        "/admin/customers/customer/",
        "/admin/customers/customer/?_popup=1",
        "/api/docs/",
    ],
)
def test_r11_r16_the_admin_and_the_api_docs_show_the_sandbox_banner_and_the_language_switch(
    client, staff_user, settings, url
):
    if url != "/admin/login/":  # the sign-in page, as anyone sees it before signing in
        client.force_login(staff_user)
    assert b"sandbox-banner" not in client.get(url).content
    settings.PORTAL_ENVIRONMENT = "sandbox"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-testid="sandbox-banner"' in page
    assert 'action="/i18n/setlang/"' in page
    assert 'name="next" type="hidden" value="' + url.replace("&", "&amp;") + '"' in page


def test_r16_the_admin_is_accords_in_the_users_language(client, staff_user):
    client.force_login(staff_user)
    assert "<title>Portal records | Accord administration</title>" in client.get("/admin/").content.decode()
    chinese = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Accord administration" not in chinese
    assert "Django" not in chinese


def test_unknown_page_is_a_friendly_404(client, admin_agent):
    client.force_login(admin_agent)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_home_counts_customers_by_agreement_status(client, admin_agent, other_partner):
    from tests.factories import CustomerFactory, confirmed_customer

    CustomerFactory.create_batch(3, partner=admin_agent.partner)
    confirmed_customer(partner=admin_agent.partner)
    CustomerFactory(partner=other_partner)  # R12: not counted
    client.force_login(admin_agent)
    response = client.get(reverse("home"))
    assert response.context["required_count"] == 3
    assert response.context["confirmed_count"] == 1


def test_r16_the_500_page_is_marked_in_the_users_language(rf):
    from django.utils import translation

    from portal.views import server_error

    with translation.override("zh-hans"):
        page = server_error(rf.get("/")).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "Something went wrong" not in page


def test_favicon_ico_sends_browsers_to_the_icon_without_signing_in(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.svg"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_the_portal_and_the_admin_link_their_icon(client, url):
    icon = '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">'
    assert icon in client.get(url).content.decode()


PAGES = [
    ("home", False),
    ("customers:list", False),
    ("customers:new", False),
    ("customers:detail", True),
    ("customers:edit", True),
    ("agreements:confirm", True),
    ("orders:list", True),
    ("orders:new", True),
    ("orders:subscriptions", True),
    ("orders:subscription_quantity", True),
    ("password_change", False),
    ("password_change_done", False),
    ("api_tokens", False),
]


@pytest.mark.parametrize("name, of_customer", PAGES)
def test_r14_a_page_answers_a_method_it_does_not_serve_with_405_not_the_page(
    client, admin_agent, name, of_customer
):
    """TRACE (or PUT, DELETE) is no way to read a page: 405, never the page; OPTIONS says Allow, no body."""
    subscription = SubscriptionFactory(order__customer=confirmed_customer(partner=admin_agent.partner))
    kwargs = {"tenant_id": subscription.customer.tenant_id} if of_customer else {}
    if name == "orders:subscription_quantity":
        kwargs["subscription_id"] = subscription.pk
    url = reverse(name, kwargs=kwargs)
    client.force_login(admin_agent)
    for method in ("TRACE", "PUT", "DELETE", "PATCH"):
        assert client.generic(method, url).status_code == 405, method
    options = client.options(url)
    assert options.status_code == 405 or (options.status_code == 200 and options.content == b"")
    if options.status_code == 200:
        assert "GET" in options["Allow"] and "TRACE" not in options["Allow"]


def test_r14_the_sign_in_page_answers_a_method_it_does_not_serve_with_405(client):
    for method in ("TRACE", "PUT", "DELETE", "PATCH"):
        assert client.generic(method, reverse("login")).status_code == 405, method
