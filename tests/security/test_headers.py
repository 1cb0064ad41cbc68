"""Security headers: a Content-Security-Policy without inline code, HSTS, secure cookies, no framing."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import CustomerFactory, confirmed_customer

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-8f3a9c2e7d6b5a4f1e0d9c8b7a6f5e4d3c2b1a0",
    "DJANGO_SECURE_SSL": "1",
    "DJANGO_ALLOWED_HOSTS": "accord.example.com,testserver",
    # Production serves collectstatic's manifest; this checkout has not run collectstatic.
    "DJANGO_STATIC_MANIFEST": "0",
}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style[\s>]", re.IGNORECASE)
TEMPLATE_COMMENT = re.compile(r"{% comment %}.*?{% endcomment %}|{#.*?#}", re.DOTALL)


def csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.fixture
def pages(client, admin_agent, partner):
    """The main pages, signed in as an admin agent (plus the sign-in page, anonymous)."""
    customer = confirmed_customer(partner=partner, company_name="Adatum")
    tenant = {"tenant_id": customer.tenant_id}
    urls = [
        reverse("home"),
        reverse("customers:list"),
        reverse("customers:new"),
        reverse("customers:detail", kwargs=tenant),
        reverse("customers:edit", kwargs=tenant),
        reverse("agreements:confirm", kwargs=tenant),
        reverse("orders:list", kwargs=tenant),
        reverse("orders:new", kwargs=tenant),
        reverse("orders:subscriptions", kwargs=tenant),
        reverse("password_change"),
        reverse("api_tokens"),
    ]
    anonymous = client.get(reverse("login"))
    client.force_login(admin_agent)
    return [("login", anonymous)] + [(url, client.get(url)) for url in urls]


def test_csp_forbids_inline_scripts_styles_framing_and_plugins_on_every_page(pages):
    for url, response in pages:
        assert response.status_code == 200, url
        policy = csp(response)
        assert policy["default-src"] == ["'self'"], url
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert policy["frame-ancestors"] == ["'none'"], url
        assert policy["object-src"] == ["'none'"], url
        assert policy["form-action"] == ["'self'"], url
        assert policy["base-uri"] == ["'self'"], url
        assert "unsafe" not in response["Content-Security-Policy"], url


def test_pages_contain_no_inline_script_style_or_event_handler(pages):
    """What the CSP would block must not be on the page in the first place."""
    for url, response in pages:
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), f"{url}: inline <script>"
        assert not STYLE_ATTRIBUTE.search(html), f"{url}: style= attribute"
        assert not INLINE_STYLE.search(html), f"{url}: <style> element"
        assert not EVENT_HANDLER.search(html), f"{url}: on…= event handler"


def test_templates_contain_no_inline_script_style_or_event_handler():
    for template in sorted((ROOT / "templates").rglob("*.html")):
        source = TEMPLATE_COMMENT.sub("", template.read_text())
        name = template.relative_to(ROOT)
        assert not INLINE_SCRIPT.search(source), f"{name}: inline <script>"
        assert not STYLE_ATTRIBUTE.search(source), f"{name}: style= attribute"
        assert not INLINE_STYLE.search(source), f"{name}: <style> element"
        assert not EVENT_HANDLER.search(source), f"{name}: on…= event handler"


def test_no_framing_no_sniffing_and_a_strict_referrer_on_every_page(pages):
    for url, response in pages:
        assert response["X-Frame-Options"] == "DENY", url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "same-origin", url
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", url


def test_no_page_is_kept_in_the_browsers_cache(pages, client, admin_agent):
    # Signing out on a shared computer and pressing Back must not show the customers again.
    from knox.models import AuthToken

    _instance, token = AuthToken.objects.create(user=admin_agent)
    api = client.get(reverse("api-customers"), HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.status_code == 200
    for url, response in [*pages, ("api", api)]:
        assert {"no-store", "private"} <= set(re.split(r",\s*", response["Cache-Control"])), url


def test_signing_out_empties_the_browsers_cache_of_accords_pages(client, admin_agent):
    # Answers to a POST (F1's review step, a refused form) are kept for Back; sign-out drops them.
    client.force_login(admin_agent)

    response = client.post(reverse("logout"))

    assert response["Clear-Site-Data"] == '"cache"'


def test_signing_out_of_the_admin_empties_the_browsers_cache_as_the_portals_sign_out_does(client, staff_user):
    # The admin's answers to a POST (a customer's change form shown again with its errors) are kept too.
    client.force_login(staff_user)

    response = client.post(reverse("admin:logout"))

    assert response.status_code == 302  # to the sign-in page (LOGOUT_REDIRECT_URL)
    assert response["Clear-Site-Data"] == '"cache"'
    assert "_auth_user_id" not in client.session


def test_a_page_answering_a_post_is_kept_for_the_browsers_back_button(client, admin_agent, partner):
    customer = CustomerFactory(partner=partner)
    client.force_login(admin_agent)

    refused = client.post(reverse("agreements:confirm", kwargs={"tenant_id": customer.tenant_id}), {})

    assert refused.status_code == 200
    assert "no-store" not in refused.get("Cache-Control", "")


def test_api_docs_page_runs_under_the_same_policy(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    assert csp(response)["script-src"] == ["'self'"]
    assert not INLINE_SCRIPT.search(response.content.decode())


def test_session_csrf_and_language_cookies_are_http_only_and_same_site(client, admin_agent, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.LANGUAGE_COOKIE_SECURE = True
    page = client.get(reverse("login"))
    csrf = page.cookies[settings.CSRF_COOKIE_NAME]
    response = client.post(
        reverse("login"), {"username": admin_agent.username, "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    switched = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    language = switched.cookies[settings.LANGUAGE_COOKIE_NAME]
    for cookie in (session, csrf, language):
        assert cookie["secure"] and cookie["httponly"], cookie.output()
        assert cookie["samesite"] == "Lax", cookie.output()


def _production(code: str) -> dict:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PORTAL_"))}
    script = "import django, json, os; django.setup()\n" + code
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**base, **PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "portal.settings"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_force_https_secure_cookies_and_hsts():
    values = _production(
        "from django.conf import settings as s\n"
        "print(json.dumps({n: getattr(s, n) for n in ("
        "'SECURE_SSL_REDIRECT','SESSION_COOKIE_SECURE','CSRF_COOKIE_SECURE','SESSION_COOKIE_HTTPONLY',"
        "'CSRF_COOKIE_HTTPONLY','SECURE_HSTS_SECONDS','SECURE_HSTS_INCLUDE_SUBDOMAINS','SECURE_HSTS_PRELOAD',"
        "'X_FRAME_OPTIONS','SECURE_CONTENT_TYPE_NOSNIFF','DEBUG','LANGUAGE_COOKIE_SECURE')}))"
    )
    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "DEBUG": False,
        "LANGUAGE_COOKIE_SECURE": True,
    }


def test_production_responses_carry_hsts_and_redirect_plain_http():
    """The headers a browser receives from a production server (no database needed for these pages)."""
    values = _production(
        "from django.test import Client\n"
        "c = Client()\n"
        "plain = c.get('/accounts/login/')\n"
        "page = c.get('/accounts/login/', secure=True)\n"
        "health = c.get('/healthz')\n"
        "cookie = page.cookies['csrftoken']\n"
        "print(json.dumps({'plain': [plain.status_code, plain.get('Location')],"
        " 'hsts': page.get('Strict-Transport-Security'), 'xfo': page.get('X-Frame-Options'),"
        " 'csp': page.get('Content-Security-Policy'), 'csrf_secure': bool(cookie['secure']),"
        " 'csrf_httponly': bool(cookie['httponly']), 'health': health.status_code}))"
    )
    assert values["plain"] == [301, "https://testserver/accounts/login/"]
    assert values["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert values["xfo"] == "DENY"
    assert "script-src 'self'" in values["csp"]
    assert values["csrf_secure"] and values["csrf_httponly"]
    assert values["health"] == 200  # load balancers probe over plain HTTP
