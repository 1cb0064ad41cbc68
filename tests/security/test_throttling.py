"""Sign-in throttling (django-axes): repeated failures lock one username from one address for a while."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

START = datetime.datetime(2024, 11, 24, 9, 0, tzinfo=datetime.UTC)
ADDRESS = "203.0.113.50"


def sign_in(client, username, password, address=ADDRESS):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail_until_locked(client, username):
    responses = [sign_in(client, username, "wrong-password") for _ in range(settings.AXES_FAILURE_LIMIT)]
    return responses


@pytest.fixture
def victim(partner):
    return UserFactory(username="sales.agent", partner=partner, role="Sales agent")


def test_r14_repeated_failures_lock_out_with_a_clear_message(victim):
    client = Client()
    with time_machine.travel(START, tick=False):
        responses = fail_until_locked(client, victim.username)
        for response in responses[:-1]:
            assert response.status_code == 200
            assert "Please enter a correct username and password" in response.content.decode()
        locked = responses[-1]
        assert locked.status_code == 429
        content = locked.content.decode()
        assert "Too many failed sign-in attempts" in content
        assert "You can try again in 15 minutes" in content
        assert 'role="alert"' in content
        assert "registration/locked_out.html" in [t.name for t in locked.templates]


def test_r14_the_right_password_is_refused_during_the_lockout(victim):
    client = Client()
    with time_machine.travel(START, tick=False):
        fail_until_locked(client, victim.username)
    with time_machine.travel(START + datetime.timedelta(minutes=14), tick=False):
        response = sign_in(client, victim.username, DEFAULT_PASSWORD)
        assert response.status_code == 429
        assert not signed_in(client)


def test_r14_the_lockout_does_not_lock_out_other_users_or_addresses(victim, partner):
    colleague = UserFactory(username="admin.agent", partner=partner)
    with time_machine.travel(START, tick=False):
        fail_until_locked(Client(), victim.username)
        # A colleague behind the same address (an office NAT) still signs in.
        client = Client()
        assert sign_in(client, colleague.username, DEFAULT_PASSWORD).status_code == 302
        assert signed_in(client)
        # The same user from another address is not locked either (lockout by username + address).
        client = Client()
        assert sign_in(client, victim.username, DEFAULT_PASSWORD, address="198.51.100.20").status_code == 302
        assert signed_in(client)


def test_r14_the_lockout_ends_after_the_cool_off(victim):
    with time_machine.travel(START, tick=False):
        fail_until_locked(Client(), victim.username)
    with time_machine.travel(START + datetime.timedelta(minutes=16), tick=False):
        client = Client()
        assert sign_in(client, victim.username, DEFAULT_PASSWORD).status_code == 302
        assert signed_in(client)


def test_r14_a_success_before_the_limit_resets_the_count(victim):
    with time_machine.travel(START, tick=False):
        client = Client()
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            sign_in(client, victim.username, "wrong-password")
        assert sign_in(client, victim.username, DEFAULT_PASSWORD).status_code == 302
        client = Client()
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert sign_in(client, victim.username, "wrong-password").status_code == 200


def test_r14_unknown_usernames_are_throttled_the_same_way(db):
    """Guessing usernames gets the same lockout, so it tells an attacker nothing."""
    client = Client()
    with time_machine.travel(START, tick=False):
        responses = fail_until_locked(client, "no.such.user")
    assert responses[-1].status_code == 429


def test_r16_the_lockout_page_is_translated(victim):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    with time_machine.travel(START, tick=False):
        locked = fail_until_locked(client, victim.username)[-1]
    assert locked.status_code == 429
    content = locked.content.decode()
    assert '<html lang="zh-hans">' in content
    assert "Too many failed sign-in attempts" not in content


def test_r14_throttling_settings_match_the_readme():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == 0.25
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_LOCKOUT_TEMPLATE == "registration/locked_out.html"


def test_r14_behind_a_proxy_the_lockout_is_the_clients_not_everyones(victim, settings):
    # With PROXY_COUNT=1 every request comes from the proxy's address: locking that address would
    # lock the user out for everyone, and a client's own X-Forwarded-For claims must not unlock it.
    settings.PROXY_COUNT = 1
    proxy = "10.0.0.2"

    def via_proxy(client, forwarded, password):
        return client.post(
            reverse("login"),
            {"username": victim.username, "password": password},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    with time_machine.travel(START, tick=False):
        attacker = Client()
        responses = [
            via_proxy(attacker, "198.51.100.9", "wrong-password") for _ in range(settings.AXES_FAILURE_LIMIT)
        ]
        assert responses[-1].status_code == 429
        spoofed = via_proxy(Client(), "192.0.2.1, 198.51.100.9", DEFAULT_PASSWORD)
        assert spoofed.status_code == 429
        colleague = Client()
        assert via_proxy(colleague, "198.51.100.20", DEFAULT_PASSWORD).status_code == 302
        assert signed_in(colleague)
