"""accounts.sessions reads a session exactly as Django's database store does (issue 6, R14)."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_portal_reads_sessions_through_its_store():
    assert settings.SESSION_ENGINE == "accounts.sessions"


def test_a_stored_session_reads_the_same_as_with_djangos_store():
    stored = SessionStore()
    stored.update({"tenant": "3f0c", "draft": {"offer": 2}, "名": "张"})
    stored.create()
    assert SessionStore(stored.session_key).load() == DjangoStore(stored.session_key).load()
    assert SessionStore(stored.session_key).load() == {"tenant": "3f0c", "draft": {"offer": 2}, "名": "张"}


def test_an_expired_session_reads_empty_and_its_key_is_not_reused():
    stored = SessionStore()
    stored["tenant"] = "3f0c"
    stored.create()
    Session.objects.filter(pk=stored.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    again = SessionStore(stored.session_key)
    assert again.load() == {}
    assert again.session_key is None
    assert DjangoStore(stored.session_key).load() == {}


@pytest.mark.parametrize(
    "key", ["nosuchsessionkey0000000000000000", "a" * 2000, "bad\x00key-with-nul", "ключ12345678"]
)
def test_r14_an_unknown_or_forged_key_reads_empty(key):
    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None


@pytest.mark.parametrize("key", ["bad\x00key-with-nul", "x" * 5000, "' OR '1'='1' --"])
def test_r14_a_forged_session_cookie_signs_nobody_in_and_answers(client, admin_agent, key):
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    response = client.get(reverse("customers:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_signing_in_keeps_the_user_signed_in_across_requests(client, admin_agent):
    client.force_login(admin_agent)
    assert client.get(reverse("customers:list")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("customers:list")).status_code == 302


def test_r14_the_async_read_checks_the_key_too():
    from asgiref.sync import async_to_sync

    stored = SessionStore()
    stored["tenant"] = "3f0c"
    stored.create()
    assert async_to_sync(SessionStore(stored.session_key).aload)() == {"tenant": "3f0c"}
    forged = SessionStore("bad\x00key-with-nul")
    assert async_to_sync(forged.aload)() == {}
    assert forged.session_key is None


@pytest.mark.parametrize("language, said", [("en", "You have signed out."), ("zh-hans", "你已退出登录。")])
def test_signing_out_lands_on_the_sign_in_page_saying_so(client, admin_agent, language, said):
    client.force_login(admin_agent)
    client.cookies["django_language"] = language

    page = client.post(reverse("logout"), follow=True)

    assert page.redirect_chain[-1][0] == reverse("login")
    assert [str(message) for message in page.context["messages"]] == [said]


def test_signing_out_in_a_second_tab_after_the_first_lands_on_the_sign_in_page_saying_so(client, admin_agent):
    # It went to the sign-in page with next=/accounts/logout/, and signing in again ended on
    # a blank 405.
    client.force_login(admin_agent)
    client.post(reverse("logout"))

    page = client.post(reverse("logout"), follow=True)

    assert page.redirect_chain == [(reverse("login"), 302)]
    assert [str(message) for message in page.context["messages"]] == ["You have signed out."]


def test_sign_out_read_with_get_asks_first_and_signs_nobody_out(client, admin_agent):
    client.force_login(admin_agent)

    page = client.get(reverse("logout"))

    assert page.status_code == 200
    assert f"You are signed in as {admin_agent.username}. Sign out of Accord?" in page.content.decode()
    assert client.get(reverse("customers:list")).status_code == 200  # still signed in
    client.logout()
    assert client.get(reverse("logout"))["Location"] == reverse("login")


def test_changing_the_password_to_the_current_one_is_refused(client, admin_agent):
    # Django said "Your password was changed." although nothing had changed.
    from tests.factories import DEFAULT_PASSWORD

    client.force_login(admin_agent)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": DEFAULT_PASSWORD,
            "new_password2": DEFAULT_PASSWORD,
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"] == [
        "The new password must differ from the current one."
    ]
    assert client.get(reverse("customers:list")).status_code == 200  # still signed in, nothing changed
