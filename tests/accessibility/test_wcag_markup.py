"""WCAG in the server's HTML: language, names, descriptions and roles (Django's test client)."""

import pytest
from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.template.loader import render_to_string
from django.urls import reverse

from customers.models import Customer
from portal.forms import EXPIRED_FORM_MESSAGE
from tests.accessibility.markup import Page
from tests.customers.test_customer_views import SOMEONE_ELSE, STEP1
from tests.factories import ConfirmationFactory, CustomerFactory, confirmed_customer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_r16_api_docs_page_is_in_the_users_language_and_swagger_ui_in_english(client, language):
    """WCAG 3.1.1 and 3.1.2: the banner and the switch are the user's language; Swagger's text is English."""
    page = client.get(reverse("api-docs"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<html lang="{language}">' in page
    assert '<div id="swagger-ui" lang="en"></div>' in page
    # Swagger UI from drf-spectacular-sidecar, served by the portal: no CDN.
    assert '<script src="/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js">' in page
    assert "cdn." not in page


def test_f3_quantity_is_described_by_its_hint_and_once_refused_by_its_error(
    client, admin_agent, partner, license_offer, usage_offer
):
    """WCAG 1.3.1 and 3.3.1: aria-describedby names elements that exist: the hint, then the error."""
    customer = confirmed_customer(partner=partner)
    client.force_login(admin_agent)
    url = reverse("orders:new", kwargs={"tenant_id": customer.tenant_id})
    quantity = f"quantity__{license_offer.id}"

    page = Page(client.get(url).content.decode())
    assert page.described_by(page.find("input", name=quantity)) == ["1 to 300 licenses"]
    usage = page.find("input", name=f"quantity__{usage_offer.id}")
    assert page.described_by(usage) == ["Usage-based: billed for what the customer uses; no license count."]

    response = client.post(url, {quantity: "301", "action": "place"})
    page = Page(response.content.decode())
    field = page.find("input", name=quantity)
    assert field.attrs["aria-invalid"] == "true"
    assert page.described_by(field) == [
        "1 to 300 licenses",
        " ".join(response.context["form"].errors[quantity]),
    ]


@pytest.mark.parametrize("language, legend", [("en", "Acceptor"), ("zh-hans", "接受人")])
def test_f1_the_acceptors_fields_are_a_group_named_apart_from_the_primary_contact(
    client, sales_agent, language, legend
):
    """WCAG 1.3.1 and 2.4.6: F1 has two First name / Last name / Email address; each set has its own name."""
    client.force_login(sales_agent)
    page = Page(client.get(reverse("customers:new"), HTTP_ACCEPT_LANGUAGE=language).content.decode())
    group = page.by_id("acceptor-fields")
    assert group.tag == "fieldset"
    assert [e.clean_text for e in page.elements if e.tag == "legend" and group in e.ancestors] == [legend]
    for name in ("acceptor_first_name", "acceptor_last_name", "acceptor_email", "acceptor_phone"):
        assert group in page.find("input", name=name).ancestors, name
    assert group not in page.find("input", name="contact_first_name").ancestors


@pytest.mark.parametrize(
    "language, step1, review",
    [
        ("en", "New customer · Account info · Accord", "New customer · Review · Accord"),
        ("zh-hans", "新客户 · 账户信息 · Accord", "新客户 · 核对 · Accord"),
    ],
)
def test_f1_each_steps_page_title_names_the_step(client, sales_agent, language, step1, review):
    """WCAG 2.4.2: Account info and Review are two pages; their titles say which one this is."""
    client.force_login(sales_agent)
    url = reverse("customers:new")
    page = Page(client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode())
    assert page.find("title").clean_text == step1
    response = client.post(url, {**STEP1, "action": "next"}, HTTP_ACCEPT_LANGUAGE=language)
    assert "customers/customer_review.html" in [t.name for t in response.templates]
    assert Page(response.content.decode()).find("title").clean_text == review


@pytest.mark.parametrize("language, current", [("en", "Current"), ("zh-hans", "当前")])
def test_f4_the_current_confirmation_in_the_history_is_marked_in_words(
    client, admin_agent, partner, language, current
):
    """WCAG 1.4.1: the current row of the history is green and also says "Current"."""
    customer = CustomerFactory(partner=partner)
    older = ConfirmationFactory(customer=customer, first_name="Sara")
    newer = ConfirmationFactory(customer=customer, first_name="Tom")
    Customer.objects.filter(pk=customer.pk).update(current_confirmation=newer)
    client.force_login(admin_agent)
    page = Page(client.get(customer.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode())
    table = page.find("table", **{"data-testid": "confirmation-history"})
    rows = [e for e in page.elements if e.tag == "tr" and table in e.ancestors][1:]
    assert [row.clean_text.split()[:2] for row in rows] == [
        [newer.date_agreed.isoformat(), current],
        [older.date_agreed.isoformat(), "Sara"],
    ]


@pytest.mark.parametrize(
    "language, message", [("en", "Please enter a correct username and password."), ("zh-hans", "请输入")]
)
def test_r16_a_refused_sign_in_is_an_alert_that_describes_both_fields(client, sales_agent, language, message):
    """WCAG 3.3.1: the message is announced and both Username and Password are invalid and point at it."""
    fresh = Page(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=language).content.decode())
    assert not fresh.find_all(role="alert")
    assert "aria-invalid" not in fresh.find("input", name="username").attrs

    response = client.post(
        reverse("login"),
        {"username": sales_agent.username, "password": "wrong"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    page = Page(response.content.decode())
    alert = page.find(role="alert")
    assert message in alert.clean_text
    for name in ("username", "password"):
        field = page.find("input", name=name)
        assert field.attrs["aria-invalid"] == "true", name
        assert page.described_by(field) == [alert.clean_text], name


ERROR_LINKS = {
    "en": {
        "#id_company_name": "Company name: This field is required.",
        "#id_contact_first_name": "Primary contact – First name: This field is required.",
        "#id_acceptor_first_name": "Acceptor – First name: This field is required.",
    },
    "zh-hans": {
        "#id_company_name": "公司名称：此字段为必填项。",
        "#id_contact_first_name": "主要联系人 – 名字：此字段为必填项。",
        "#id_acceptor_first_name": "接受人 – 名字：此字段为必填项。",
    },
}


@pytest.mark.parametrize(
    "language, heading",
    [("en", "Error: Please correct the errors below."), ("zh-hans", "错误：请更正以下错误。")],
)
def test_r14_f1_error_summary_is_focusable_and_links_each_error_to_its_field(
    client, sales_agent, language, heading
):
    """WCAG 3.3.1: the summary says what went wrong where; a field's group tells the two First names apart."""
    client.force_login(sales_agent)
    data = {**STEP1, **SOMEONE_ELSE, "company_name": "", "contact_first_name": "", "acceptor_first_name": ""}
    response = client.post(
        reverse("customers:new"), {**data, "action": "next"}, HTTP_ACCEPT_LANGUAGE=language
    )
    page = Page(response.content.decode())

    summary = page.by_id("error-summary")
    assert summary.attrs["role"] == "alert"
    assert summary.attrs["tabindex"] == "-1"  # portal.js focuses it
    assert "data-error-summary" in summary.attrs
    assert page.find("p", **{"class": "mb-1"}).clean_text == heading
    links = {a.attrs["href"]: a.clean_text for a in page.find_all("a") if summary in a.ancestors}
    assert links == ERROR_LINKS[language]
    for href in links:
        assert page.by_id(href.removeprefix("#")).tag == "input", href


def test_r14_f2_error_summary_says_error_before_a_form_wide_message(client, sales_agent, customer):
    client.force_login(sales_agent)
    response = client.post(
        reverse("agreements:confirm", kwargs={"tenant_id": customer.tenant_id}),
        {
            "first_name": "Ada",
            "last_name": "Acceptor",
            "email": "ada@example.com",
            "date_agreed": "2024-11-20",
            "idempotency_key": "not-a-uuid",
        },
    )
    summary = Page(response.content.decode()).by_id("error-summary")
    assert summary.clean_text == f"Error: {EXPIRED_FORM_MESSAGE}"


def test_r14_password_change_error_summary_links_each_error_to_its_field(client, sales_agent):
    """WCAG 3.3.1: the password change summarises its errors above the form, as every portal form does."""
    client.force_login(sales_agent)
    response = client.post(
        reverse("password_change"),
        {"old_password": "not the password", "new_password1": "a", "new_password2": "b"},
    )
    page = Page(response.content.decode())

    summary = page.by_id("error-summary")
    assert summary.attrs["role"] == "alert"
    assert "data-error-summary" in summary.attrs
    links = [a.attrs["href"] for a in page.find_all("a") if summary in a.ancestors]
    assert links[0] == "#id_old_password" and "#id_new_password2" in links
    for href in links:
        assert page.by_id(href.removeprefix("#")).tag == "input", href


@pytest.mark.parametrize(
    "level, role",
    [
        (messages.SUCCESS, "status"),
        (messages.INFO, "status"),
        (messages.WARNING, "alert"),
        (messages.ERROR, "alert"),
    ],
)
def test_a11y_success_messages_are_a_status_warnings_and_errors_an_alert(level, role):
    """WCAG 4.1.3: "Order 7 was placed." waits for the screen reader; a refusal interrupts it."""
    html = render_to_string("partials/_messages.html", {"messages": [Message(level, "Done.")]})
    assert Page(html).find("div").attrs["role"] == role
