"""Shared fixtures: users of every role, reference data, PostgreSQL and Chromium gates."""

import datetime
import importlib
import os
from pathlib import Path

import pytest
from django.db import connection

from accounts import roles
from accounts.models import Partner
from agreements.services import Acceptor
from portal.audit import Actor
from tests.factories import CustomerFactory, OfferFactory, PartnerFactory, StaffFactory, UserFactory

IN_CI = bool(os.environ.get("CI"))
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _restore_reference_data():
    """Transactional tests flush every table, data-migration rows included; put them back."""
    from django.apps import apps
    from django.contrib.auth.models import Group

    if Group.objects.exists():
        return
    roles.sync_roles()
    importlib.import_module("agreements.migrations.0003_seed_templates").seed(apps, None)


@pytest.fixture(autouse=True)
def _reference_data(request):
    names = set(request.fixturenames)
    if request.node.get_closest_marker("django_db") is None:
        if {"transactional_db", "live_server"} & names:
            request.getfixturevalue("transactional_db")
        elif "db" in names:
            request.getfixturevalue("db")
        else:
            return
    _restore_reference_data()


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request in Chinese leaves the language active in this thread; reset it."""
    from django.utils import translation

    yield
    translation.deactivate()


def pytest_configure(config):
    from django.conf import settings

    # Hashing at full strength costs half a second per user; tests make many.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgresql") and connection.vendor != "postgresql":
        if os.environ.get("ACCORD_REQUIRE_POSTGRESQL"):
            pytest.fail("This pass must run on PostgreSQL but DATABASE_URL does not point to it.")
        pytest.skip("needs PostgreSQL; runs in the PostgreSQL pass (DATABASE_URL=postgres://…)")
    if item.get_closest_marker("sqlite") and connection.vendor != "sqlite":
        pytest.skip("needs SQLite; runs in the SQLite pass")


# Users -----------------------------------------------------------------------


@pytest.fixture
def partner(db):
    return PartnerFactory(name="Contoso Partner", type=Partner.Type.DIRECT_BILL)


@pytest.fixture
def other_partner(db):
    return PartnerFactory(name="Northwind Partner", type=Partner.Type.DIRECT_BILL)


@pytest.fixture
def reseller_partner(db):
    return PartnerFactory(name="Fabrikam Reseller", type=Partner.Type.INDIRECT_RESELLER)


@pytest.fixture
def admin_agent(partner):
    return UserFactory(username="admin.agent", partner=partner, role=roles.ADMIN_AGENT)


@pytest.fixture
def sales_agent(partner):
    return UserFactory(username="sales.agent", partner=partner, role=roles.SALES_AGENT)


@pytest.fixture
def helpdesk_agent(partner):
    return UserFactory(username="helpdesk.agent", partner=partner, role=roles.HELPDESK_AGENT)


@pytest.fixture
def billing_admin(partner):
    return UserFactory(username="billing.admin", partner=partner, role=roles.BILLING_ADMIN)


@pytest.fixture
def other_agent(other_partner):
    return UserFactory(username="other.agent", partner=other_partner, role=roles.ADMIN_AGENT)


@pytest.fixture
def reseller_agent(reseller_partner):
    return UserFactory(username="reseller.agent", partner=reseller_partner, role=roles.SALES_AGENT)


@pytest.fixture
def staff_user(db):
    return StaffFactory(username="staff")


@pytest.fixture
def actor():
    """actor(user) -> Actor for calling services as that user."""

    def make(user, client_ip="203.0.113.7", user_agent="pytest"):
        return Actor(user=user, client_ip=client_ip, user_agent=user_agent)

    return make


# Customers and acceptors ------------------------------------------------------


@pytest.fixture
def customer(partner):
    """A Required customer of Contoso Partner in the United States."""
    return CustomerFactory(partner=partner, country="US", company_name="Contoso Customer")


@pytest.fixture
def acceptor():
    """acceptor(**changes) -> a valid Acceptor (Ada Acceptor, 15 January 2024)."""

    def make(**changes):
        values = {
            "first_name": "Ada",
            "last_name": "Acceptor",
            "email": "ada@example.com",
            "phone_number": "",
            "date_agreed": datetime.date(2024, 1, 15),
        }
        values.update(changes)
        return Acceptor(**values)

    return make


# Browser ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        message = "Debian's chromium is not installed at /usr/bin/chromium (make system-deps)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-US", "timezone_id": "UTC"}


@pytest.fixture
def sign_in(live_server):
    """sign_in(page, user) signs in through the form, as a person would."""
    from tests.factories import DEFAULT_PASSWORD

    def do(page, user, password=DEFAULT_PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()

    return do


# Catalogue ----------------------------------------------------------------------


@pytest.fixture
def license_offer(db):
    return OfferFactory(
        id="LICENSE:0001", name="Microsoft 365 Business Basic", min_quantity=1, max_quantity=300
    )


@pytest.fixture
def usage_offer(db):
    return OfferFactory(
        id="AZURE:0001", name="Azure plan", billing_type="usage", min_quantity=1, max_quantity=1
    )
