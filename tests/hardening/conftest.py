"""Fixtures for the hardening tests: a signed-in agent, customers in both states, a catalogue."""

import datetime
import itertools

import pytest

from agreements.services import Acceptor
from tests.factories import CustomerFactory, OfferFactory, SubscriptionFactory, confirmed_customer

_serial = itertools.count()


def unique(prefix: str = "h") -> str:
    """A value no earlier example used (hypothesis runs many examples in one transaction)."""
    return f"{prefix}{next(_serial)}"


@pytest.fixture(autouse=True)
def _english_after_each_test():
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture
def details():
    """details(**changes) -> valid keyword arguments for customer_create."""

    def make(**changes):
        values = {
            "company_name": "Tailspin Toys",
            "domain": unique("tailspin"),
            "email": "billing@tailspin.example",
            "address_line1": "1 Main Street",
            "address_line2": "",
            "city": "Seattle",
            "state": "WA",
            "postal_code": "98052",
            "country": "US",
            "contact_first_name": "Pat",
            "contact_last_name": "Primary",
            "contact_email": "pat@tailspin.example",
            "contact_phone": "",
        }
        values.update(changes)
        return values

    return make


@pytest.fixture
def acceptor():
    """acceptor(**changes) -> a valid Acceptor with an email no other example used."""

    def make(**changes):
        values = {
            "first_name": "Ada",
            "last_name": "Acceptor",
            "email": f"{unique('ada')}@example.com",
            "phone_number": "",
            "date_agreed": datetime.date(2024, 1, 15),
        }
        values.update(changes)
        return Acceptor(**values)

    return make


@pytest.fixture
def customer(partner):
    """A Contoso customer whose agreement status is Required."""
    return CustomerFactory(partner=partner, company_name="Required Ltd", country="US")


@pytest.fixture
def confirmed(partner):
    return confirmed_customer(partner=partner, company_name="Confirmed Ltd", country="US")


@pytest.fixture
def license_offer(db):
    return OfferFactory(
        id="LICENSE:0001", name="Microsoft 365 Business Basic", min_quantity=1, max_quantity=300
    )


@pytest.fixture
def usage_offer(db):
    return OfferFactory(id="AZURE:0001", name="Azure plan", billing_type="usage", max_quantity=1)


@pytest.fixture
def subscription(confirmed, license_offer, admin_agent):
    return SubscriptionFactory(
        order__customer=confirmed, order__placed_by=admin_agent, customer=confirmed, offer=license_offer
    )
