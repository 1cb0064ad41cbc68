"""The interactive API docs render every endpoint under the site's Content-Security-Policy (§6)."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ENDPOINTS = [
    ("GET", "/v1/agreements"),
    ("GET", "/v1/customers"),
    ("POST", "/v1/customers"),
    ("GET", "/v1/customers/{tenant_id}"),
    ("GET", "/v1/customers/{tenant_id}/agreements"),
    ("POST", "/v1/customers/{tenant_id}/agreements"),
    ("GET", "/v1/customers/{tenant_id}/directSignedMicrosoftCustomerAgreementStatus"),
    ("GET", "/v1/offers"),
    ("GET", "/v1/customers/{tenant_id}/orders"),
    ("POST", "/v1/customers/{tenant_id}/orders"),
    ("GET", "/v1/customers/{tenant_id}/orders/{order_id}"),
    ("GET", "/v1/customers/{tenant_id}/subscriptions"),
    ("GET", "/v1/customers/{tenant_id}/subscriptions/{subscription_id}"),
    ("PATCH", "/v1/customers/{tenant_id}/subscriptions/{subscription_id}"),
]


def test_api_docs_show_every_endpoint_without_inline_scripts(page, live_server):
    blocked_scripts = []
    page.on(
        "console",
        lambda message: (
            blocked_scripts.append(message.text)
            if "Content Security Policy" in message.text and "script" in message.text
            else None
        ),
    )

    response = page.goto(f"{live_server.url}/api/docs/")

    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.locator(".opblock").first.wait_for()
    for method, path in ENDPOINTS:
        block = page.locator(f".opblock-{method.lower()}").filter(has=page.locator(f'[data-path="{path}"]'))
        assert block.count() == 1, f"{method} {path} is not in the docs"
    assert page.get_by_role("button", name="Authorize").is_visible()
    # WCAG 3.1.1 and 3.1.2: the page is in the user's language, Swagger UI's own text in English.
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator('#swagger-ui[lang="en"] .opblock').count() == len(ENDPOINTS)
    assert not blocked_scripts, blocked_scripts
