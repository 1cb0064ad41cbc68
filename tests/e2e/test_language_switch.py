"""R16 in Chromium: switching language keeps what was typed but not yet saved."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from agreements.models import Confirmation
from customers.models import Customer
from tests.e2e.test_customers_flows import CHINESE, ENGLISH, fill_account_info

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TYPED = {
    "First name": ("名字", "Sara"),
    "Last name": ("姓氏", "Ólafsdóttir"),
    "Email address": ("电子邮件地址", "sara@tailspin.example"),
    "Phone number (optional)": ("电话号码", "(425) 555-0100"),
    "Agreement acceptance date": ("协议接受日期", "2024-11-20"),
}


def switch_to_chinese(page):
    page.get_by_label("Language").select_option("zh-hans")
    with page.expect_navigation():
        page.get_by_role("button", name="Switch", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


def fill_confirmation(page, live_server, customer):
    """Open F2, type TYPED over what the server offers, and return what it offered."""
    page.goto(live_server.url + reverse("agreements:confirm", kwargs={"tenant_id": customer.tenant_id}))
    offered = {}
    for label, (chinese, value) in TYPED.items():
        offered[chinese] = page.get_by_label(label).input_value()
        assert offered[chinese] != value
        page.get_by_label(label).fill(value)
    return offered


def fill_step_1(page, live_server, *, email):
    """F1's Account info, the acceptor entered with Update, then Next."""
    page.goto(live_server.url + reverse("customers:new"))
    fill_account_info(page, ENGLISH)
    mca = page.get_by_role("group", name="Microsoft Customer Agreement")
    mca.get_by_label("Customer has accepted the latest Microsoft Customer Agreement").check()
    mca.get_by_label("Agreement acceptance date").fill("2024-11-20")
    mca.get_by_label("Update", exact=True).check()
    mca.get_by_label("First name").fill("伟")
    mca.get_by_label("Last name").fill("张")
    mca.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Next").click()


def test_r16_choosing_a_language_changes_nothing_until_switch_is_pressed(
    page, live_server, sign_in, sales_agent, customer
):
    """WCAG 3.2.2: a change of the select alone neither reloads the page nor loses what was typed."""
    sign_in(page, sales_agent)
    fill_confirmation(page, live_server, customer)
    url = page.url
    # The switch's POST is what an auto-submit would send: seen the moment it leaves, however slow
    # the server (a navigation is only seen once it commits).
    requests = []
    page.on("request", lambda request: requests.append(request.url))

    page.get_by_label("Language").select_option("zh-hans")
    page.wait_for_timeout(500)

    assert requests == []
    assert page.url == url
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_label("First name")).to_have_value("Sara")
    expect(page.get_by_label("Language")).to_have_value("zh-hans")


def test_r16_switching_language_keeps_what_was_typed_in_the_confirmation_form(
    page, live_server, sign_in, sales_agent, customer
):
    sign_in(page, sales_agent)
    fill_confirmation(page, live_server, customer)

    switch_to_chinese(page)

    expect(page.get_by_role("button", name="保存并继续")).to_be_visible()
    for chinese, value in TYPED.values():
        expect(page.get_by_label(chinese)).to_have_value(value)


def test_r16_switching_language_on_the_new_customer_review_refills_account_info(
    page, live_server, sign_in, sales_agent
):
    sign_in(page, sales_agent)
    fill_step_1(page, live_server, email="zhang.wei@wingtip.example")
    expect(page.get_by_role("heading", name="Review")).to_be_visible()

    switch_to_chinese(page)

    # The review came from a POST; the reload shows step 1, filled in again.
    expect(page.get_by_role("heading", name="账户信息")).to_be_visible()
    company = page.get_by_role("group", name=CHINESE["Company details"])
    expect(company.get_by_label(CHINESE["Company name"])).to_have_value("Wingtip Toys")
    expect(company.get_by_label(CHINESE["Domain prefix"])).to_have_value("wingtiptoys")
    contact = page.get_by_role("group", name=CHINESE["Primary contact"])
    expect(contact.get_by_label(CHINESE["First name"])).to_have_value("Wanda")
    expect(contact.get_by_label(CHINESE["Email address"])).to_have_value("wanda@wingtip.example")
    address = page.get_by_role("group", name=CHINESE["Address"])
    expect(address.get_by_label(CHINESE["City"])).to_have_value("Seattle")
    expect(address.get_by_label(CHINESE["Country"])).to_have_value("US")
    mca = page.get_by_role("group", name="Microsoft 客户协议")
    expect(mca.get_by_label("客户已接受最新的 Microsoft 客户协议")).to_be_checked()
    expect(mca.get_by_label("协议接受日期")).to_have_value("2024-11-20")
    expect(mca.get_by_label("更新", exact=True)).to_be_checked()
    expect(mca.get_by_label("名字")).to_be_visible()
    expect(mca.get_by_label("名字")).to_have_value("伟")
    expect(mca.get_by_label("姓氏")).to_have_value("张")
    expect(mca.get_by_label("电子邮件地址")).to_have_value("zhang.wei@wingtip.example")


def test_r16_switching_language_keeps_a_half_filled_order(
    page, live_server, sign_in, sales_agent, customer, license_offer, usage_offer
):
    sign_in(page, sales_agent)
    page.goto(live_server.url + reverse("orders:new", kwargs={"tenant_id": customer.tenant_id}))
    page.get_by_label("Quantity of Microsoft 365 Business Basic").fill("12")
    page.get_by_label("Add Azure plan").check()
    page.get_by_label("First name").fill("Mei")

    switch_to_chinese(page)

    expect(page.get_by_label("Microsoft 365 Business Basic 的数量")).to_have_value("12")
    expect(page.get_by_label("添加 Azure plan")).to_be_checked()
    expect(page.get_by_label("名字")).to_have_value("Mei")


def test_r16_switching_language_keeps_the_search_not_yet_sent(page, live_server, sign_in, sales_agent):
    sign_in(page, sales_agent)
    page.goto(live_server.url + reverse("customers:list") + "?q=Contoso")
    page.get_by_label("Search by company name, domain or tenant ID").fill("Contoso Customer")
    page.get_by_label("Agreement status").select_option("required")

    switch_to_chinese(page)

    expect(page).to_have_url(live_server.url + reverse("customers:list") + "?q=Contoso")
    expect(page.get_by_label("按公司名称、域或租户 ID 搜索")).to_have_value("Contoso Customer")
    expect(page.get_by_label("协议状态")).to_have_value("required")


def test_r16_switching_language_never_keeps_a_password(page, live_server):
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill("sales.agent")
    page.get_by_label("Password").fill("a secret")

    switch_to_chinese(page)

    expect(page.get_by_role("button", name="登录")).to_be_visible()
    expect(page.get_by_label("用户名")).to_have_value("sales.agent")
    expect(page.get_by_label("密码")).to_have_value("")


def test_r16_what_was_kept_for_a_language_switch_is_restored_once_only(
    page, live_server, sign_in, sales_agent, customer
):
    sign_in(page, sales_agent)
    offered = fill_confirmation(page, live_server, customer)
    switch_to_chinese(page)
    expect(page.get_by_label("名字")).to_have_value("Sara")

    page.goto(page.url)

    # A plain visit shows what the server offers, not what was typed before the switch.
    expect(page.get_by_role("button", name="保存并继续")).to_be_visible()
    for chinese, value in offered.items():
        expect(page.get_by_label(chinese)).to_have_value(value)


def test_r14_r16_switching_language_shows_the_errors_again_in_the_new_language(
    page, live_server, sign_in, sales_agent, customer
):
    """The refused form comes back as typed and with its messages, in Chinese; nothing is recorded."""
    sign_in(page, sales_agent)
    fill_confirmation(page, live_server, customer)
    page.get_by_label("Email address").fill("not-an-email")
    page.get_by_label("Agreement acceptance date").fill("2099-01-01")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".invalid-feedback", has_text="cannot be later than today")).to_be_visible()

    switch_to_chinese(page)

    date_error = page.locator(".invalid-feedback", has_text="协议接受日期不能晚于今天")
    expect(date_error).to_be_visible()
    expect(page.locator("[data-error-summary]")).to_contain_text("电子邮件地址")
    expect(page.get_by_label("电子邮件地址")).to_have_value("not-an-email")
    expect(page.get_by_label("协议接受日期")).to_have_value("2099-01-01")
    expect(page.get_by_label("名字")).to_have_value("Sara")
    assert not Confirmation.objects.filter(customer=customer).exists()


def test_r14_r16_f1_switching_language_shows_step_1_errors_again_and_creates_nothing(
    page, live_server, sign_in, sales_agent
):
    sign_in(page, sales_agent)
    fill_step_1(page, live_server, email="not-an-email")
    expect(page.locator("[data-error-summary]")).to_be_visible()

    switch_to_chinese(page)

    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("错误")
    expect(summary).to_contain_text("电子邮件地址")
    mca = page.get_by_role("group", name="Microsoft 客户协议")
    expect(mca.get_by_label("电子邮件地址")).to_have_value("not-an-email")
    expect(mca.get_by_label("电子邮件地址")).to_have_attribute("aria-invalid", "true")
    expect(mca.get_by_label("名字")).to_have_value("伟")
    company = page.get_by_role("group", name=CHINESE["Company details"])
    expect(company.get_by_label(CHINESE["Domain prefix"])).to_have_value("wingtiptoys")
    assert not Customer.objects.exists()


def test_r16_switching_language_asks_first_while_a_new_api_token_is_shown(
    page, live_server, sign_in, sales_agent
):
    """The token is shown once: the switch's reload would lose it without a word."""
    sign_in(page, sales_agent)
    page.goto(live_server.url + reverse("api_tokens"))
    page.get_by_role("button", name="Create API token").click()
    token = page.get_by_test_id("new-token").inner_text()
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_label("Language").select_option("zh-hans")
    page.get_by_role("button", name="Switch", exact=True).click()
    page.wait_for_timeout(300)

    assert asked and "shown only once" in asked[0]
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("new-token")).to_have_text(token)

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Switch", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_test_id("new-token")).to_have_count(0)
    # Without a new token on the page, the switch asks nothing.
    page.get_by_label("语言").select_option("en")
    with page.expect_navigation():
        page.get_by_role("button", name="切换", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
