"""Foundation in a real browser: each demo role signs in through the form (PRODUCT §7)."""

import pytest
from django.urls import reverse
from knox.models import AuthToken

from accounts import roles
from tests.factories import StaffFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    "username, role",
    [
        ("admin.agent", roles.ADMIN_AGENT),
        ("sales.agent", roles.SALES_AGENT),
        ("helpdesk.agent", roles.HELPDESK_AGENT),
        ("billing.admin", roles.BILLING_ADMIN),
    ],
)
def test_each_role_signs_in_and_sees_the_home_page(page, live_server, sign_in, partner, username, role):
    user = UserFactory(username=username, partner=partner, role=role, first_name="Dana", last_name="Agent")
    sign_in(page, user)
    assert page.url == f"{live_server.url}/"
    assert page.get_by_role("heading", name="Welcome, Dana Agent").is_visible()
    assert page.get_by_text("Customers that need a confirmation").is_visible()
    assert page.get_by_role("button", name="Sign out").is_visible()


def test_staff_signs_in_and_is_shown_the_admin(page, live_server, sign_in):
    sign_in(page, StaffFactory(username="staff"))
    assert page.get_by_role("link", name="Go to administration").is_visible()


def test_wrong_password_shows_an_error_and_no_session(page, live_server, sign_in, partner):
    user = UserFactory(username="admin.agent", partner=partner)
    sign_in(page, user, password="not-the-password")
    assert "/accounts/login/" in page.url
    assert page.get_by_text("Please enter a correct username and password").is_visible()
    assert page.get_by_label("Username").input_value() == "admin.agent"
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    assert not any(c["name"] == "sessionid" for c in page.context.cookies())


def test_r11_sandbox_banner_on_every_page(page, live_server, sign_in, partner, settings):
    settings.PORTAL_ENVIRONMENT = "sandbox"
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.get_by_test_id("sandbox-banner").is_visible()
    sign_in(page, UserFactory(username="admin.agent", partner=partner))
    assert page.get_by_test_id("sandbox-banner").is_visible()


def test_r16_language_switch_on_every_page(page, live_server, sign_in, partner):
    sign_in(page, UserFactory(username="admin.agent", partner=partner))
    page.get_by_label("Language").select_option("zh-hans")
    with page.expect_navigation():
        page.get_by_role("button", name="Switch", exact=True).click()
    assert page.get_by_role("button", name="退出登录").is_visible()
    page.get_by_label("语言").select_option("en")
    with page.expect_navigation():
        page.get_by_role("button", name="切换", exact=True).click()
    assert page.get_by_role("button", name="Sign out").is_visible()


def test_revoking_an_api_token_asks_first(page, live_server, sign_in, sales_agent):
    """A misclick would stop every script that sends the token, at once and for good."""
    instance, _token = AuthToken.objects.create(user=sales_agent)
    sign_in(page, sales_agent)
    page.goto(live_server.url + reverse("api_tokens"))
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name=f"Revoke token {instance.token_key}").click()
    page.wait_for_timeout(300)
    assert asked == [f"Revoke token {instance.token_key}…? Scripts that send it stop working at once."]
    assert AuthToken.objects.filter(pk=instance.pk).exists()

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name=f"Revoke token {instance.token_key}").click()
    assert not AuthToken.objects.filter(pk=instance.pk).exists()
