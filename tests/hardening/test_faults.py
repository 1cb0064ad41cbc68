"""Faults: a database failing mid-write leaves nothing half-written and answers 503, not 500 (R14).

Also: a second app server on the same PostgreSQL sees every write at once and
accepts the same session (no state in process memory, PRODUCT §7).
"""

import ast
import datetime
import http.cookiejar
import logging
import re
import threading
import urllib.parse
import urllib.request
from pathlib import Path
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application
from django.db import IntegrityError, OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken

from agreements.models import Confirmation
from agreements.services import confirmation_record
from customers.models import Customer
from customers.services import customer_create
from orders.models import Order, OrderLine, Subscription
from orders.services import LineItem, order_place, subscription_set_quantity
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2024, 11, 24, 12, tzinfo=datetime.UTC)
LOCKED = OperationalError("database is locked")


def _raise_on_call(n: int, exc: Exception, original):
    """A side effect that lets the first n-1 calls through and fails the n-th."""
    calls = {"count": 0}

    def side_effect(*args, **kwargs):
        calls["count"] += 1
        if calls["count"] == n:
            raise exc
        return original(*args, **kwargs)

    return side_effect


# Services: all or nothing ---------------------------------------------------------


@pytest.mark.parametrize("exc", [LOCKED, IntegrityError("duplicate key")], ids=["locked", "integrity"])
def test_r14_f1_customer_without_its_confirmation_is_never_left(admin_agent, actor, details, acceptor, exc):
    data = details(domain="halfwritten")
    with time_machine.travel(NOW, tick=False), mock.patch.object(Confirmation, "save", side_effect=exc):
        with pytest.raises(type(exc)):
            customer_create(actor=actor(admin_agent), acceptor=acceptor(), **data)
    assert not Customer.objects.filter(domain="halfwritten.onmicrosoft.com").exists()
    assert not Confirmation.objects.exists()


def test_r14_confirmation_is_not_left_without_becoming_current(admin_agent, actor, customer, acceptor):
    original = Customer.save
    with (
        time_machine.travel(NOW, tick=False),
        mock.patch.object(Customer, "save", autospec=True, side_effect=_raise_on_call(1, LOCKED, original)),
    ):
        with pytest.raises(OperationalError):
            confirmation_record(
                actor=actor(admin_agent), customer=customer, acceptor=acceptor(), channel="api"
            )
    assert not Confirmation.objects.filter(customer=customer).exists()
    assert Customer.objects.get(pk=customer.pk).current_confirmation_id is None


@pytest.mark.parametrize("exc", [LOCKED, IntegrityError("check constraint")], ids=["locked", "integrity"])
def test_r14_r8_order_without_its_lines_is_never_left(admin_agent, actor, confirmed, license_offer, exc):
    with (
        mock.patch.object(OrderLine.objects, "bulk_create", side_effect=exc),
        mock.patch.object(OrderLine, "save", side_effect=exc),
        pytest.raises(type(exc)),
    ):
        order_place(
            actor=actor(admin_agent), customer=confirmed, lines=[LineItem(license_offer.id, 3)], channel="web"
        )
    assert not Order.objects.filter(customer=confirmed).exists()
    assert not OrderLine.objects.exists()


def test_r14_r8_order_without_all_its_subscriptions_is_never_left(
    admin_agent, actor, confirmed, license_offer, usage_offer
):
    original = Subscription.save
    with mock.patch.object(
        Subscription, "save", autospec=True, side_effect=_raise_on_call(2, LOCKED, original)
    ):
        with pytest.raises(OperationalError):
            order_place(
                actor=actor(admin_agent),
                customer=confirmed,
                lines=[LineItem(license_offer.id, 3), LineItem(usage_offer.id, None)],
                channel="api",
            )
    assert not Order.objects.filter(customer=confirmed).exists()
    assert not OrderLine.objects.exists()
    assert not Subscription.objects.filter(customer=confirmed).exists()
    assert not Order.history.filter(customer_id=confirmed.pk).exists()


def test_r14_r9_license_count_is_unchanged_when_the_write_fails(admin_agent, actor, subscription):
    with mock.patch.object(Subscription, "save", side_effect=LOCKED), pytest.raises(OperationalError):
        subscription_set_quantity(actor=actor(admin_agent), subscription=subscription, quantity=42)
    assert Subscription.objects.get(pk=subscription.pk).quantity == subscription.quantity
    assert subscription.history.count() <= 1


# The services that write, each one transaction (all or nothing). Twice this session a function
# added above one of them took its @transaction.atomic: SQLite's tests did not notice, as its
# select_for_update is a no-op outside a transaction too.
WRITE_SERVICES = {
    "agreements/services.py": {"confirmation_record"},
    "customers/services.py": {"customer_create", "customer_update"},
    "orders/services.py": {"order_place", "subscription_set_quantity"},
}


@pytest.mark.parametrize("module", sorted(WRITE_SERVICES))
def test_r14_every_service_that_writes_is_one_transaction(module):
    tree = ast.parse((Path(__file__).resolve().parents[2] / module).read_text())
    atomic = {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any(ast.unparse(decorator) == "transaction.atomic" for decorator in node.decorator_list)
    }
    assert atomic == WRITE_SERVICES[module]


# Through HTTP: a clear 503 ------------------------------------------------------------------


F1 = {
    "company_name": "Lockstep Ltd",
    "domain": "lockstep",
    "address_line1": "1 Main Street",
    "city": "Seattle",
    "country": "US",
    "contact_first_name": "Pat",
    "contact_last_name": "Primary",
    "contact_email": "pat@lockstep.example",
    "accepted": "on",
    "date_agreed": "2024-11-20",
    "action": "create",
}


def test_r14_database_locked_during_f1_is_a_clear_503_page_and_nothing_is_kept(client, admin_agent, caplog):
    client.force_login(admin_agent)
    with (
        time_machine.travel(NOW, tick=False),
        mock.patch.object(Confirmation, "save", side_effect=LOCKED),
        caplog.at_level(logging.ERROR, logger="portal.database"),
    ):
        response = client.post(reverse("customers:new"), F1)
    assert response.status_code == 503
    content = response.content.decode()
    assert "Temporarily unavailable" in content and "Nothing was saved" in content
    assert response["Retry-After"]
    assert "Content-Security-Policy" in response
    assert not Customer.objects.filter(domain="lockstep.onmicrosoft.com").exists()
    assert any("database is locked" in record.getMessage() for record in caplog.records)


def test_r14_database_locked_during_an_api_order_is_a_json_503(admin_agent, confirmed, license_offer):
    _instance, token = AuthToken.objects.create(user=admin_agent)
    client = Client(headers={"Authorization": f"Bearer {token}"})
    body = {"lineItems": [{"lineItemNumber": 0, "offerId": license_offer.id, "quantity": 3}]}
    with (
        mock.patch.object(OrderLine.objects, "bulk_create", side_effect=LOCKED),
        mock.patch.object(OrderLine, "save", side_effect=LOCKED),
    ):
        response = client.post(
            f"/v1/customers/{confirmed.tenant_id}/orders", body, content_type="application/json"
        )
    assert response.status_code == 503
    body = response.json()
    assert (body["code"], body["errorName"]) == (1009, "ServiceUnavailable")
    assert "Nothing was saved" in body["description"]
    assert not Order.objects.filter(customer=confirmed).exists()


def test_r14_database_down_before_the_view_is_a_503_not_a_500(client, admin_agent):
    """Loading the session is the first query; an outage there is still a clear 503."""
    client.force_login(admin_agent)
    client.raise_request_exception = False
    with mock.patch.object(
        CursorWrapper, "execute", side_effect=OperationalError("could not connect to server")
    ):
        page = client.get(reverse("customers:list"))
        api = client.get("/v1/customers", headers={"Authorization": "Bearer abc"})
    assert page.status_code == 503
    assert "Temporarily unavailable" in page.content.decode()
    assert api.status_code == 503
    assert api.json()["errorName"] == "ServiceUnavailable"


def test_r14_the_503_page_is_translated(client, admin_agent):
    client.force_login(admin_agent)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    with mock.patch.object(Confirmation, "save", side_effect=LOCKED), time_machine.travel(NOW, tick=False):
        response = client.post(reverse("customers:new"), F1)
    assert response.status_code == 503
    assert '<html lang="zh-hans">' in response.content.decode()


def test_r14_other_errors_are_not_disguised_as_503(client, admin_agent):
    client.force_login(admin_agent)
    client.raise_request_exception = False
    with (
        mock.patch.object(Confirmation, "save", side_effect=IntegrityError("bug")),
        time_machine.travel(NOW, tick=False),
    ):
        response = client.post(reverse("customers:new"), F1)
    assert response.status_code == 500
    assert not Customer.objects.filter(domain="lockstep.onmicrosoft.com").exists()


# Two app servers, one PostgreSQL ---------------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def second_server(transactional_db):
    """Another app server process-alike: its own WSGI application, threads and database connections."""
    server = ThreadedWSGIServer(("127.0.0.1", 0), _QuietHandler, allow_reuse_address=False)
    server.set_app(get_wsgi_application())
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # The same host name as live_server's, so that the browser sends the same cookies to both.
    yield f"http://localhost:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class Browser:
    """A cookie-keeping HTTP client that talks to any server, like a person moving between tabs."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url):
        with self.opener.open(url) as response:
            return response.status, response.geturl(), response.read().decode()

    def post_form(self, url, data):
        status, _final, page = self.get(url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **data}).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": url})
        with self.opener.open(request) as response:
            return response.status, response.geturl(), response.read().decode()


@pytest.mark.postgresql
def test_a_second_app_server_sees_every_write_and_accepts_the_same_session(
    live_server, second_server, admin_agent, partner
):
    """PRODUCT §7: sessions live in the database and nothing is cached in process memory."""
    from importlib import import_module

    from django.contrib.sessions.backends.db import SessionStore as DatabaseStore

    # Django's database store or one built on it (accounts.sessions), never a cache or a file.
    assert issubclass(import_module(settings.SESSION_ENGINE).SessionStore, DatabaseStore)
    assert "locmem" not in settings.CACHES["default"]["BACKEND"]
    a, b = live_server.url, second_server
    browser = Browser()
    status, url, _page = browser.post_form(
        f"{a}/accounts/login/", {"username": admin_agent.username, "password": DEFAULT_PASSWORD}
    )
    assert url == f"{a}/"
    # The session made on A is valid on B.
    status, url, page = browser.get(f"{b}/customers/")
    assert (status, url) == (200, f"{b}/customers/")
    # A write through B is seen by A at once, and the other way round.
    browser.post_form(f"{b}/customers/new/", {**F1, "date_agreed": datetime.date.today().isoformat()})
    customer = Customer.objects.get(domain="lockstep.onmicrosoft.com")
    assert "Lockstep Ltd" in browser.get(f"{a}/customers/")[2]
    _instance, token = AuthToken.objects.create(user=admin_agent)
    request = urllib.request.Request(
        f"{a}/v1/customers/{customer.tenant_id}", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
    edit = f"{a}/customers/{customer.tenant_id}/edit/"
    from customers.forms import CustomerDetailsForm

    data = {k: ("" if v is None else v) for k, v in CustomerDetailsForm.initial_from(customer).items()}
    browser.post_form(edit, {**data, "city": "Redmond"})
    assert "Redmond" in browser.get(f"{b}/customers/{customer.tenant_id}/")[2]
    # Signing out on B ends the session on A too.
    status, _url, page = browser.get(f"{b}/")
    token_b = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    request = urllib.request.Request(
        f"{b}/accounts/logout/",
        data=urllib.parse.urlencode({"csrfmiddlewaretoken": token_b}).encode(),
        headers={"Referer": f"{b}/"},
    )
    browser.opener.open(request).close()
    assert browser.get(f"{a}/customers/")[1].startswith(f"{a}/accounts/login/")
