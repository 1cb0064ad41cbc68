"""WCAG behaviour that needs a browser: focus, what moves it and what is announced (Chromium)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import OfferFactory, UserFactory, confirmed_customer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The ring portal.css draws: 3px solid, in #0a58ca on the page, in white on the navbar's blue.
BLUE_RING = "3px solid rgb(10, 88, 202)"
WHITE_RING = "3px solid rgb(255, 255, 255)"

RING = "el => ['Width', 'Style', 'Color'].map(part => getComputedStyle(el)['outline' + part]).join(' ')"


def tab_to(page, name: str, limit: int = 40):
    """Press Tab until the focused element's accessible text is `name`, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == name:
            return page.locator(":focus")
    raise AssertionError(f"{name!r} is not reachable with Tab")


def test_a11y_navbar_links_and_sign_out_show_a_white_focus_ring(page, live_server, sign_in, sales_agent):
    """WCAG 2.4.7 and 1.4.11: on the blue navbar the keyboard focus is a white 3px outline."""
    sign_in(page, sales_agent)
    for name in ("Customers", "API tokens", "Sign out"):
        focused = tab_to(page, name)
        assert focused.evaluate(RING) == WHITE_RING, name


def test_a11y_keyboard_focus_on_the_page_is_a_clear_blue_ring(page, live_server, sign_in, sales_agent):
    """WCAG 1.4.11: off the navbar the ring is #0a58ca (6.6:1 on white), not Bootstrap's 25 % tint."""
    sign_in(page, sales_agent)
    for name in ("Skip to main content", "Switch"):
        page.goto(live_server.url + "/")
        focused = tab_to(page, name)
        assert focused.evaluate(RING) == BLUE_RING, name


def test_a11y_a_mouse_click_shows_no_focus_ring(page, live_server, sign_in, sales_agent):
    sign_in(page, sales_agent)
    link = page.get_by_role("link", name="Customers", exact=True)
    link.hover()
    page.mouse.down()  # focus moves on mouse down; the click (and navigation) would follow on up
    expect(link).to_be_focused()
    assert link.evaluate("el => getComputedStyle(el).outlineStyle") == "none"


def test_f1_ticking_update_fills_the_acceptor_from_the_contact_and_leaves_focus_on_the_checkbox(
    page, live_server, sign_in, sales_agent
):
    """WCAG 3.2.2: ticking a checkbox does not move the focus; the acceptor's fields still start filled."""
    sign_in(page, sales_agent)
    page.goto(live_server.url + reverse("customers:new"))
    contact = page.get_by_role("group", name="Primary contact")
    contact.get_by_label("First name").fill("Wanda")
    contact.get_by_label("Email address").fill("wanda@wingtip.example")
    mca = page.get_by_role("group", name="Microsoft Customer Agreement")
    update = mca.get_by_label("Update", exact=True)
    update.focus()

    page.keyboard.press("Space")

    expect(update).to_be_checked()
    expect(update).to_be_focused()
    expect(mca.get_by_label("First name")).to_have_value("Wanda")
    expect(mca.get_by_label("Email address")).to_have_value("wanda@wingtip.example")
    page.keyboard.press("Tab")
    expect(mca.get_by_label("First name")).to_be_focused()


def test_f1_the_acceptors_starred_fields_are_required_to_assistive_technology_while_update_is_ticked(
    page, live_server, sign_in, sales_agent
):
    """WCAG 1.3.1, 3.3.2: the acceptor's First name, Last name and Email address show *; say so too."""
    sign_in(page, sales_agent)
    page.goto(live_server.url + reverse("customers:new"))
    mca = page.get_by_role("group", name="Microsoft Customer Agreement")
    update = mca.get_by_label("Update", exact=True)
    expect(update).to_have_attribute("aria-controls", "acceptor-fields")

    update.check()

    acceptor = mca.get_by_role("group", name="Acceptor")
    for label in ("First name", "Last name", "Email address"):
        expect(acceptor.get_by_label(label)).to_have_attribute("aria-required", "true")
    expect(acceptor.get_by_label("Phone number (optional)")).not_to_have_attribute("aria-required", "true")
    update.uncheck()
    expect(page.locator('[name="acceptor_first_name"]')).not_to_have_attribute("aria-required", "true")


def test_f1_a_refused_next_focuses_the_error_summary_whose_links_focus_the_fields(
    page, live_server, sign_in, sales_agent
):
    """WCAG 3.3.1: the reader starts at what went wrong, in the page's order, one step from each field."""
    sign_in(page, sales_agent)
    page.goto(live_server.url + reverse("customers:new"))
    page.get_by_role("group", name="Company details").get_by_label("Company name").fill("Wingtip Toys")
    page.get_by_role("button", name="Next").click()

    summary = page.get_by_role("alert").filter(has_text="Please correct the errors below.")
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    # The form lists Domain prefix after the address; the page shows it second, and so does the summary.
    expect(links.first).to_have_text("Domain prefix: This field is required.")
    expect(links.nth(1)).to_have_text("Primary contact – First name: This field is required.")
    summary.get_by_role("link", name="Primary contact – First name: This field is required.").click()
    expect(page.get_by_role("group", name="Primary contact").get_by_label("First name")).to_be_focused()


def test_f3_a_refused_order_focuses_what_went_wrong(page, live_server, sign_in, partner):
    """WCAG 3.3.1: placing an order with no product moves the reader to the refusal, not the page top."""
    OfferFactory(id="BASIC:0001", name="Microsoft 365 Business Basic", max_quantity=300)
    customer = confirmed_customer(partner=partner, company_name="Tailspin Toys")
    sign_in(page, UserFactory(username="sales.agent", partner=partner, role="Sales agent"))
    page.goto(live_server.url + reverse("orders:new", kwargs={"tenant_id": customer.tenant_id}))

    page.get_by_role("button", name="Place order").click()

    expect(page.get_by_test_id("order-errors")).to_contain_text("Add at least one product")
    expect(page.get_by_test_id("order-errors")).to_be_focused()
