"""R16 and WCAG: the main pages have no serious or critical axe-core violations, in English and Chinese.

While it walks the pages, the test also collects the browser console: a page
that breaks the Content-Security-Policy (an inline script or style) logs a
violation there.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from knox.models import AuthToken

from tests.factories import (
    CustomerFactory,
    OfferFactory,
    SubscriptionFactory,
    UserFactory,
    confirmed_customer,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SERIOUS = {"serious", "critical"}


def serious_violations(axe, page) -> list[str]:
    results = axe.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_r16_main_pages_have_no_serious_axe_violations_nor_csp_errors(page, live_server, partner, language):
    agent = UserFactory(username="sales.agent", partner=partner, role="Sales agent", first_name="Dana")
    offer = OfferFactory(id="BASIC:0001", name="Microsoft 365 Business Basic")
    OfferFactory(id="AZURE:0001", name="Azure plan", billing_type="usage", max_quantity=1)
    required = CustomerFactory(partner=partner, company_name="Tailspin Toys")
    confirmed = confirmed_customer(partner=partner, company_name="Adatum")
    subscription = SubscriptionFactory(
        order__customer=confirmed, order__placed_by=agent, customer=confirmed, offer=offer
    )
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    console = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    axe = Axe()
    problems = {}

    def check(name, path=None):
        if path is not None:
            page.goto(live_server.url + path)
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == language, name
        found = serious_violations(axe, page)
        if found:
            problems[name] = found

    check("sign-in", reverse("login"))
    page.locator("#id_username").fill(agent.username)
    page.locator("#id_password").fill("wrong")
    page.locator("#submit-id-submit").click()
    check("sign-in with an error")
    page.locator("#id_password").fill("correct-horse-battery-staple")
    page.locator("#submit-id-submit").click()
    check("home", reverse("home"))
    check("customer list", reverse("customers:list"))
    check("account info", reverse("customers:detail", kwargs={"tenant_id": confirmed.tenant_id}))
    check("F1 wizard", reverse("customers:new"))
    page.locator("form [type=submit]").last.click()
    check("F1 wizard with errors")
    check("F2 form", reverse("agreements:confirm", kwargs={"tenant_id": required.tenant_id}))
    check(
        "F3 order with the agreement prompt", reverse("orders:new", kwargs={"tenant_id": required.tenant_id})
    )
    check("F3 order form", reverse("orders:new", kwargs={"tenant_id": confirmed.tenant_id}))
    check("subscriptions", reverse("orders:subscriptions", kwargs={"tenant_id": confirmed.tenant_id}))
    check(
        "F5 license count",
        reverse(
            "orders:subscription_quantity",
            kwargs={"tenant_id": confirmed.tenant_id, "subscription_id": subscription.pk},
        ),
    )

    assert not problems, "\n".join(f"{name}: {found}" for name, found in problems.items())
    csp_errors = [
        line for line in console if "Content Security Policy" in line or line.startswith("pageerror")
    ]
    assert not csp_errors, csp_errors


def test_r16_pages_fit_a_phone_screen_in_chinese(page, live_server, partner, sign_in):
    """At 375 px nothing scrolls sideways but a table, inside its own scroll box; headers keep their words."""
    agent = UserFactory(username="sales.agent", partner=partner, role="Sales agent")
    offer = OfferFactory(id="BASIC:0001", name="Microsoft 365 Business Basic")
    confirmed = confirmed_customer(partner=partner, company_name="Adatum")
    SubscriptionFactory(order__customer=confirmed, order__placed_by=agent, customer=confirmed, offer=offer)
    sign_in(page, agent)
    page.set_viewport_size({"width": 375, "height": 800})
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
    tenant = {"tenant_id": confirmed.tenant_id}
    wide = {}
    for name in ("customers:detail", "orders:new", "orders:list", "orders:subscriptions"):
        page.goto(live_server.url + reverse(name, kwargs=tenant))
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            wide[name] = width
        # Every header on one line: a header broken between its characters is taller than one line.
        heights = page.locator("thead th").evaluate_all(
            "cells => cells.map(c => c.getBoundingClientRect().height"
            " / parseFloat(getComputedStyle(c).lineHeight))"
        )
        assert all(lines < 2.2 for lines in heights), (name, heights)
    assert not wide, wide


def _on_screen(locator, width: int) -> bool:
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def test_f3_f4_f5_a_phone_shows_what_each_row_is_for_without_scrolling(page, live_server, partner, sign_in):
    """At 375 px: each customer's name and status, the history's who and when, every quantity to
    type on New order, a subscription's offer, count and change link, and an API token's Revoke."""
    agent = UserFactory(username="sales.agent", partner=partner, role="Sales agent")
    offer = OfferFactory(id="BASIC:0001", name="Microsoft 365 Business Basic")
    OfferFactory(id="AZURE:0001", name="Azure plan", billing_type="usage", max_quantity=1)
    confirmed = confirmed_customer(partner=partner, company_name="Adatum Corporation")
    CustomerFactory(partner=partner, company_name="Wide World Importers")
    SubscriptionFactory(
        order__customer=confirmed, order__placed_by=agent, customer=confirmed, offer=offer, quantity=12
    )
    sign_in(page, agent)
    page.set_viewport_size({"width": 375, "height": 800})
    tenant = {"tenant_id": confirmed.tenant_id}

    page.goto(live_server.url + reverse("customers:list"))
    for name, status in (("Adatum Corporation", "Confirmed"), ("Wide World Importers", "Required")):
        row = page.get_by_role("row").filter(has=page.get_by_role("link", name=name))
        assert _on_screen(row.get_by_role("link", name=name), 375), name
        assert _on_screen(row.get_by_text(status, exact=True), 375), name
    page.goto(live_server.url + reverse("customers:detail", kwargs=tenant))
    history = page.get_by_test_id("confirmation-history").get_by_role("row").nth(1)
    for cell in history.get_by_role("cell").all():
        if cell.is_visible():
            assert _on_screen(cell, 375), cell.inner_text()
    assert "Account info" in history.inner_text()  # the channel, under who recorded it
    page.goto(live_server.url + reverse("orders:new", kwargs=tenant))
    assert _on_screen(page.get_by_label("Quantity of Microsoft 365 Business Basic"), 375)
    assert _on_screen(page.get_by_label("Add Azure plan"), 375)
    page.goto(live_server.url + reverse("orders:subscriptions", kwargs=tenant))
    row = page.get_by_test_id("subscription-row")
    assert _on_screen(row.get_by_text("Microsoft 365 Business Basic"), 375)
    assert _on_screen(row.get_by_role("cell", name="12", exact=True), 375)
    assert _on_screen(row.get_by_role("link", name="Change license count"), 375)
    AuthToken.objects.create(user=agent)
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
    page.goto(live_server.url + reverse("api_tokens"))
    assert _on_screen(page.get_by_text("吊销", exact=True), 375)


def test_f4_a_desktop_shows_every_column_of_the_confirmation_history(page, live_server, partner, sign_in):
    """At 1280 px the history's recorded by, at and channel are shown, not scrolled out of its box."""
    agent = UserFactory(username="sales.agent", partner=partner, role="Sales agent")
    customer = confirmed_customer(partner=partner, company_name="Adatum Corporation")
    sign_in(page, agent)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(live_server.url + reverse("customers:detail", kwargs={"tenant_id": customer.tenant_id}))

    table = page.get_by_test_id("confirmation-history")
    scroll_box = table.locator("xpath=..")
    assert scroll_box.evaluate("box => box.scrollWidth <= box.clientWidth")
    for header in ("Recorded by", "Recorded at", "Channel"):
        assert table.get_by_role("columnheader", name=header).is_visible()
