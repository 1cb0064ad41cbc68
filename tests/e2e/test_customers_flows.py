"""F1, F2 and F4 in Chromium, driven by the visible labels as an agent would."""

import datetime

import pytest
from playwright.sync_api import expect

from accounts import roles
from agreements.models import Confirmation
from customers.models import Customer
from tests.factories import CustomerFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fill_account_info(page, labels, company="Wingtip Toys", prefix="wingtiptoys"):
    company_group = page.get_by_role("group", name=labels["Company details"])
    company_group.get_by_label(labels["Company name"]).fill(company)
    company_group.get_by_label(labels["Domain prefix"]).fill(prefix)
    contact = page.get_by_role("group", name=labels["Primary contact"])
    contact.get_by_label(labels["First name"]).fill("Wanda")
    contact.get_by_label(labels["Last name"]).fill("O'Tip")
    contact.get_by_label(labels["Email address"]).fill("wanda@wingtip.example")
    address = page.get_by_role("group", name=labels["Address"])
    address.get_by_label(labels["Address line 1"]).fill("1 Wing Street")
    address.get_by_label(labels["City"]).fill("Seattle")
    address.get_by_label(labels["Country"]).select_option("US")


ENGLISH = {
    label: label
    for label in (
        "Company details",
        "Company name",
        "Domain prefix",
        "Primary contact",
        "First name",
        "Last name",
        "Email address",
        "Address",
        "Address line 1",
        "City",
        "Country",
    )
}


def test_f1_f4_admin_agent_creates_a_customer_with_its_confirmation_and_sees_it_on_account_info(
    page, live_server, sign_in, partner
):
    sign_in(page, UserFactory(username="admin.agent", partner=partner, role=roles.ADMIN_AGENT))
    page.get_by_role("link", name="Customers", exact=True).click()
    page.get_by_role("link", name="New customer").click()
    expect(page.get_by_role("heading", name="Account info")).to_be_visible()
    fill_account_info(page, ENGLISH)
    mca = page.get_by_role("group", name="Microsoft Customer Agreement")
    mca.get_by_label("Customer has accepted the latest Microsoft Customer Agreement").check()
    mca.get_by_label("Agreement acceptance date").fill("2024-11-20")
    # The acceptor defaults to the primary contact; Update reveals the fields for someone else.
    expect(mca.get_by_label("First name")).to_be_hidden()
    mca.get_by_label("Update", exact=True).check()
    expect(mca.get_by_label("First name")).to_have_value("Wanda")
    mca.get_by_label("First name").fill("伟")
    mca.get_by_label("Last name").fill("张")
    mca.get_by_label("Email address").fill("zhang.wei@wingtip.example")
    mca.get_by_label("Phone number (optional)").fill("(425) 555-0100")
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="Review")).to_be_visible()
    expect(page.get_by_text("wingtiptoys.onmicrosoft.com")).to_be_visible()
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_role("group", name="Company details").get_by_label("Company name")).to_have_value(
        "Wingtip Toys"
    )
    expect(mca.get_by_label("First name")).to_have_value("伟")
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Create customer").click()

    expect(page.get_by_role("heading", name="Wingtip Toys")).to_be_visible()
    expect(page.get_by_role("link", name="Account info")).to_be_visible()
    current = page.get_by_test_id("current-confirmation")
    expect(current).to_contain_text("张伟")  # R1: a Chinese name family name first
    expect(current).to_contain_text("+1 425-555-0100")  # stored in E.164, shown international
    expect(current).to_contain_text("New customer")  # the channel
    expect(page.get_by_test_id("confirmation-history").get_by_role("row")).to_have_count(2)
    assert Customer.objects.count() == 1
    assert Confirmation.objects.count() == 1

    # Back shows the review step as the browser kept it, not "Confirm Form Resubmission";
    # creating again from it shows the same customer (R15).
    page.go_back()
    expect(page.get_by_role("heading", name="Review")).to_be_visible()
    page.get_by_role("button", name="Create customer").click()
    expect(page.get_by_role("heading", name="Wingtip Toys")).to_be_visible()
    assert Customer.objects.count() == 1


def test_f2_refused_future_date_keeps_everything_typed_then_a_valid_date_is_saved(
    page, live_server, sign_in, partner
):
    customer = CustomerFactory(partner=partner, company_name="Tailspin Toys", country="US")
    sign_in(page, UserFactory(username="sales.agent", partner=partner, role=roles.SALES_AGENT))
    page.get_by_role("link", name="Customers", exact=True).click()
    page.get_by_role("link", name="Tailspin Toys").click()
    expect(page.get_by_test_id("confirmation-missing")).to_be_visible()
    page.get_by_role("link", name="Update").click()
    page.get_by_label("First name").fill("Sara")
    page.get_by_label("Last name").fill("Ólafsdóttir")
    page.get_by_label("Email address").fill("sara@tailspin.example")
    page.get_by_label("Phone number (optional)").fill("(425) 555-0100")
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    page.get_by_label("Agreement acceptance date").fill(tomorrow.isoformat())
    page.get_by_role("button", name="Save and continue").click()

    # Next to the field, and as a link in the error summary above the form.
    expect(
        page.get_by_test_id("confirmation-fields").get_by_text("cannot be later than today")
    ).to_be_visible()
    expect(
        page.get_by_role("link", name="Agreement acceptance date: The agreement acceptance date")
    ).to_be_visible()
    expect(page.get_by_label("First name")).to_have_value("Sara")
    expect(page.get_by_label("Last name")).to_have_value("Ólafsdóttir")
    expect(page.get_by_label("Email address")).to_have_value("sara@tailspin.example")
    expect(page.get_by_label("Phone number (optional)")).to_have_value("(425) 555-0100")
    expect(page.get_by_label("Agreement acceptance date")).to_have_value(tomorrow.isoformat())
    assert not Confirmation.objects.exists()

    page.get_by_label("Agreement acceptance date").fill("2024-11-20")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("The confirmation for Tailspin Toys was saved.")).to_be_visible()
    expect(page.get_by_test_id("current-confirmation")).to_contain_text("Sara Ólafsdóttir")
    assert Customer.objects.get(pk=customer.pk).current_confirmation.channel == "account-info"


def test_r14_f2_a_date_typed_in_part_is_named_as_such_and_nothing_typed_is_lost(
    page, live_server, sign_in, partner
):
    # The browser sent a month without day or year as nothing: "This field is required.", and
    # the month was gone.
    customer = CustomerFactory(partner=partner, company_name="Tailspin Toys", country="US")
    sign_in(page, UserFactory(username="sales.agent", partner=partner, role=roles.SALES_AGENT))
    page.goto(f"{live_server.url}/customers/{customer.tenant_id}/agreement/")
    page.get_by_label("First name").fill("Sara")
    page.get_by_label("Last name").fill("Davis")
    page.get_by_label("Email address").fill("sara@tailspin.example")
    date = page.get_by_label("Agreement acceptance date")
    date.press_sequentially("11")  # the month only
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_text("Enter the whole date: day, month and year.")).to_be_visible()
    expect(date).to_be_focused()
    expect(date).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("First name")).to_have_value("Sara")
    assert not Confirmation.objects.exists()

    # Completed, it is sent once (the refused try did not count as the one submit).
    date.fill("2024-11-20")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("The confirmation for Tailspin Toys was saved.")).to_be_visible()


def test_r3_helpdesk_agent_sees_the_status_but_cannot_confirm(page, live_server, sign_in, partner):
    customer = CustomerFactory(partner=partner, company_name="Litware")
    sign_in(page, UserFactory(username="helpdesk.agent", partner=partner, role=roles.HELPDESK_AGENT))
    page.get_by_role("link", name="Customers", exact=True).click()
    expect(page.get_by_role("link", name="New customer")).to_have_count(0)
    page.get_by_role("link", name="Litware").click()
    expect(page.get_by_text("Required", exact=True)).to_be_visible()
    expect(page.get_by_test_id("cannot-confirm")).to_contain_text("Only admin agents and sales agents")
    expect(page.get_by_role("link", name="Update")).to_have_count(0)
    response = page.goto(f"{live_server.url}/customers/{customer.tenant_id}/agreement/")
    assert response.status == 403
    expect(page.get_by_role("alert")).to_contain_text("Only admin agents and sales agents")


CHINESE = {
    "Company details": "公司详细信息",
    "Company name": "公司名称",
    "Domain prefix": "域前缀",
    "Primary contact": "主要联系人",
    "First name": "名字",
    "Last name": "姓氏",
    "Email address": "电子邮件地址",
    "Address": "地址",
    "Address line 1": "地址行 1",
    "City": "城市",
    "Country": "国家/地区",
}


def test_r16_f1_in_simplified_chinese(page, live_server, sign_in, partner):
    sign_in(page, UserFactory(username="sales.agent", partner=partner, role=roles.SALES_AGENT))
    page.get_by_label("Language").select_option("zh-hans")
    with page.expect_navigation():
        page.get_by_role("button", name="Switch", exact=True).click()
    page.get_by_role("link", name="客户", exact=True).click()
    page.get_by_role("link", name="新客户").click()
    expect(page.get_by_role("heading", name="账户信息")).to_be_visible()
    fill_account_info(page, CHINESE, company="第四咖啡", prefix="fourthcoffee")
    mca = page.get_by_role("group", name="Microsoft 客户协议")
    mca.get_by_label("客户已接受最新的 Microsoft 客户协议").check()
    mca.get_by_label("协议接受日期").fill("2099-01-01")
    page.get_by_role("button", name="下一步").click()
    expect(mca.get_by_text("协议接受日期不能晚于今天")).to_be_visible()
    mca.get_by_label("协议接受日期").fill("2024-11-20")
    page.get_by_role("button", name="下一步").click()
    page.get_by_role("button", name="创建客户").click()
    expect(page.get_by_role("heading", name="第四咖啡")).to_be_visible()
    expect(page.get_by_test_id("current-confirmation")).to_contain_text("Wanda O'Tip")


def test_f4_an_edit_meets_a_colleagues_change_made_meanwhile_and_keeps_both(
    page, live_server, sign_in, partner
):
    from customers.services import customer_update
    from portal.audit import Actor

    customer = CustomerFactory(partner=partner, company_name="Tailspin Toys", country="US", city="Seattle")
    colleague = UserFactory(username="sales.agent", partner=partner, role=roles.SALES_AGENT)
    sign_in(page, UserFactory(username="admin.agent", partner=partner, role=roles.ADMIN_AGENT))
    page.goto(f"{live_server.url}{customer.get_absolute_url()}")
    page.get_by_role("link", name="Edit").click()
    # Meanwhile a colleague moves the customer to Redmond and adds a second address line.
    customer_update(
        actor=Actor(user=colleague), customer=customer, channel="web", city="Redmond", address_line2="Suite 5"
    )
    page.get_by_label("City").fill("Bellevue")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("link", name="City: Someone changed this to “Redmond”")).to_be_visible()
    expect(page.get_by_label("City")).to_have_value("Bellevue")
    expect(page.get_by_label("Address line 2 (optional)")).to_have_value("Suite 5")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The customer's details were saved.")).to_be_visible()
    customer.refresh_from_db()
    assert (customer.city, customer.address_line2) == ("Bellevue", "Suite 5")
