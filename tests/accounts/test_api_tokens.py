"""API tokens: created by a command or on the user's page, stored hashed, revocable (PRODUCT §6, §7)."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken

from accounts.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _bearer(token):
    client = Client()
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def test_create_api_token_prints_only_the_token_and_the_token_works(admin_agent):
    out, err = io.StringIO(), io.StringIO()

    call_command("create_api_token", "admin.agent", stdout=out, stderr=err)

    printed = out.getvalue()
    token = printed.strip()
    assert printed == f"{token}\n"
    assert err.getvalue() == ""
    assert len(token) == 64 and all(c in "0123456789abcdef" for c in token)
    assert _bearer(token).get("/v1/customers").status_code == 200
    assert _bearer(token[:-1] + ("0" if token[-1] != "0" else "1")).get("/v1/customers").status_code == 401


def test_create_api_token_for_an_unknown_user_fails_without_a_token(db):
    with pytest.raises(CommandError, match="No user named"):
        call_command("create_api_token", "nobody", stdout=io.StringIO())
    assert not AuthToken.objects.exists()


def test_tokens_are_stored_hashed_never_in_plain_text(admin_agent):
    out = io.StringIO()
    call_command("create_api_token", "admin.agent", stdout=out)
    token = out.getvalue().strip()

    stored = AuthToken.objects.get(user=admin_agent)
    assert stored.digest == hash_token(token)
    assert token not in {stored.digest, stored.token_key}
    assert stored.token_key == token[:15]  # the short prefix knox uses to find the row


def test_api_tokens_page_creates_a_token_shown_once(client, sales_agent):
    client.force_login(sales_agent)

    created = client.post(reverse("api_tokens"), follow=True)

    assert created.redirect_chain == [(reverse("api_tokens"), 302)]
    token = created.context["new_token"]
    assert token in created.content.decode()
    assert _bearer(token).get("/v1/customers").status_code == 200
    listing = client.get(reverse("api_tokens"))
    assert token not in listing.content.decode()
    assert AuthToken.objects.get(user=sales_agent).token_key in listing.content.decode()


def test_r15_reloading_the_page_after_creating_a_token_creates_no_other(client, sales_agent):
    # The POST answered with the page itself: a reload posted again and made an unseen token.
    client.force_login(sales_agent)
    shown = client.post(reverse("api_tokens"), follow=True)

    reloaded = client.get(shown.redirect_chain[-1][0])

    assert AuthToken.objects.filter(user=sales_agent).count() == 1
    assert shown.context["new_token"] and reloaded.context["new_token"] is None


def test_api_tokens_page_lists_only_the_users_own_tokens(client, sales_agent, admin_agent):
    mine, _token = AuthToken.objects.create(user=sales_agent)
    theirs, _token = AuthToken.objects.create(user=admin_agent)
    client.force_login(sales_agent)

    page = client.get(reverse("api_tokens")).content.decode()

    assert mine.token_key in page
    assert theirs.token_key not in page


def test_user_revokes_own_token_and_it_stops_working(client, sales_agent):
    instance, token = AuthToken.objects.create(user=sales_agent)
    client.force_login(sales_agent)

    response = client.post(reverse("api_token_revoke"), {"digest": instance.digest})

    assert response.status_code == 302
    assert not AuthToken.objects.filter(user=sales_agent).exists()
    assert _bearer(token).get("/v1/customers").status_code == 401


def test_user_cannot_revoke_another_users_token(client, sales_agent, admin_agent):
    theirs, token = AuthToken.objects.create(user=admin_agent)
    client.force_login(sales_agent)

    response = client.post(reverse("api_token_revoke"), {"digest": theirs.digest})

    assert response.status_code == 404
    assert _bearer(token).get("/v1/customers").status_code == 200


def test_staff_revoke_tokens_in_the_admin(client, staff_user, sales_agent):
    instance, token = AuthToken.objects.create(user=sales_agent)
    client.force_login(staff_user)

    changelist = client.get(reverse("admin:accounts_apitoken_changelist"))
    assert changelist.status_code == 200
    assert instance.token_key in changelist.content.decode()
    assert token not in changelist.content.decode()
    response = client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "delete_selected", "_selected_action": [instance.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not AuthToken.objects.exists()
    assert _bearer(token).get("/v1/customers").status_code == 401


def test_staff_cannot_create_or_edit_tokens_in_the_admin(client, staff_user, sales_agent):
    instance, _token = AuthToken.objects.create(user=sales_agent)
    client.force_login(staff_user)

    assert client.get(reverse("admin:accounts_apitoken_add")).status_code == 403
    client.post(
        reverse("admin:accounts_apitoken_change", args=[instance.pk]),
        {"user": UserFactory(username="someone.else").pk},
    )
    instance.refresh_from_db()
    assert instance.user == sales_agent


def test_api_6_api_tokens_page_is_never_cached(client, sales_agent):
    # The response that shows a new token must leave no copy in the browser's cache.
    client.force_login(sales_agent)

    for response in (client.get(reverse("api_tokens")), client.post(reverse("api_tokens"), follow=True)):
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


def test_api_6_changing_the_password_revokes_the_users_api_tokens(client, sales_agent, admin_agent):
    # Like the user's other sessions: a token taken from a stolen session dies with the password.
    _mine, token = AuthToken.objects.create(user=sales_agent)
    _theirs, other_token = AuthToken.objects.create(user=admin_agent)
    client.force_login(sales_agent)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": "a-new-and-long-passphrase",
            "new_password2": "a-new-and-long-passphrase",
        },
    )

    assert response.status_code == 302
    assert _bearer(token).get("/v1/customers").status_code == 401
    assert _bearer(other_token).get("/v1/customers").status_code == 200


def test_api_6_saving_a_user_without_a_new_password_keeps_the_tokens(sales_agent):
    _instance, token = AuthToken.objects.create(user=sales_agent)

    sales_agent.first_name = "Renamed"
    sales_agent.save()

    assert _bearer(token).get("/v1/customers").status_code == 200


def test_api_6_seed_demo_run_again_keeps_the_demo_users_tokens(settings):
    # make run seeds on every start: the same demo password is not a new one.
    settings.DEBUG = True
    call_command("seed_demo", password="pw-for-test-123", stdout=io.StringIO())
    _instance, token = AuthToken.objects.create(user=User.objects.get(username="sales.agent"))

    call_command("seed_demo", password="pw-for-test-123", stdout=io.StringIO())

    assert _bearer(token).get("/v1/customers").status_code == 200
    call_command("seed_demo", password="another-pw-for-test", stdout=io.StringIO())
    assert _bearer(token).get("/v1/customers").status_code == 401


def test_api_6_an_account_made_passwordless_in_the_admin_loses_its_tokens(client, staff_user, sales_agent):
    # "Password-based authentication: Disabled" shuts a compromised account out: its tokens too.
    _instance, token = AuthToken.objects.create(user=sales_agent)
    client.force_login(staff_user)
    url = reverse("admin:auth_user_password_change", args=[sales_agent.pk])

    response = client.post(url, {"usable_password": "false", "unset-password": "1"})

    assert response.status_code == 302, response.content
    sales_agent.refresh_from_db()
    assert not sales_agent.has_usable_password()
    assert _bearer(token).get("/v1/customers").status_code == 401


def test_api_6_a_password_set_but_not_saved_revokes_nothing(sales_agent):
    _instance, token = AuthToken.objects.create(user=sales_agent)
    user = User.objects.get(pk=sales_agent.pk)

    user.set_password("a-password-never-saved")
    user.first_name = "Renamed"
    user.save(update_fields=["first_name"])

    assert _bearer(token).get("/v1/customers").status_code == 200
    assert User.objects.get(pk=user.pk).check_password(DEFAULT_PASSWORD)


def test_a_new_token_expires_after_the_configured_days(admin_agent, settings):
    out = io.StringIO()
    call_command("create_api_token", "admin.agent", stdout=out)

    stored = AuthToken.objects.get(user=admin_agent)
    days = datetime.timedelta(days=settings.API_TOKEN_TTL_DAYS)
    assert abs(stored.expiry - stored.created - days) < datetime.timedelta(seconds=1)


def test_an_expired_token_is_refused_like_a_revoked_one(admin_agent):
    instance, token = AuthToken.objects.create(user=admin_agent)
    AuthToken.objects.filter(pk=instance.pk).update(expiry=timezone.now() - datetime.timedelta(seconds=1))

    response = _bearer(token).get("/v1/customers")

    assert response.status_code == 401
    assert response.json()["code"] == 1000 and response.json()["errorName"] == "Unauthorized"


def test_api_tokens_page_says_when_each_token_expires_and_which_have(client, sales_agent):
    live, _token = AuthToken.objects.create(user=sales_agent)
    old, _token = AuthToken.objects.create(user=sales_agent)
    expired = datetime.datetime(2026, 1, 2, 3, 4, tzinfo=datetime.UTC)
    AuthToken.objects.filter(pk=old.pk).update(expiry=expired)
    client.force_login(sales_agent)

    page = client.get(reverse("api_tokens")).content.decode()

    rows = {row.split("</code>")[0].split("<code>")[-1]: row for row in page.split("<tr>")[2:]}
    assert live.expiry.strftime("%Y-%m-%d %H:%M") in rows[f"{live.token_key}…"]
    assert "Expired" not in rows[f"{live.token_key}…"]
    assert "Expired" in rows[f"{old.token_key}…"] and "2026-01-02 03:04 UTC" in rows[f"{old.token_key}…"]


def test_a_token_just_made_says_until_when_it_works(client, sales_agent):
    client.force_login(sales_agent)

    page = client.post(reverse("api_tokens"), follow=True).content.decode()

    expiry = AuthToken.objects.get(user=sales_agent).expiry
    assert f"It works until {expiry:%Y-%m-%d %H:%M} UTC." in page


@pytest.mark.django_db(transaction=True)
def test_a_token_made_before_tokens_expired_gets_the_lifetime_from_the_upgrade(admin_agent, settings):
    # knox sets the expiry only when it makes a token: without this, old script tokens never expire.
    from tests.migrations import migrate

    before = [("accounts", "0003_user_api_id")]
    old, token = AuthToken.objects.create(user=admin_agent)
    AuthToken.objects.filter(pk=old.pk).update(expiry=None)
    try:
        migrate(before)
        upgraded = timezone.now()
        migrate(None)
    finally:
        migrate(None)

    old.refresh_from_db()
    days = datetime.timedelta(days=settings.API_TOKEN_TTL_DAYS)
    assert abs(old.expiry - upgraded - days) < datetime.timedelta(minutes=1)
    assert _bearer(token).get("/v1/customers").status_code == 200  # still works after the upgrade
