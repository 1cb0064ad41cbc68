"""Fixtures for the hardening tests: a signed-in agent, customers in both states, a catalogue."""

import itertools

import pytest

from tests.factories import CustomerFactory, SubscriptionFactory, confirmed_customer

_serial = itertools.count()


def unique(prefix: str = "h") -> str:
    """A value no earlier example used (hypothesis runs many examples in one transaction)."""
    return f"{prefix}{next(_serial)}"


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
def acceptor(acceptor):
    """acceptor(**changes) -> the shared valid Acceptor, with an email no other example used."""

    def make(**changes):
        return acceptor(**{"email": f"{unique('ada')}@example.com", **changes})

    return make


@pytest.fixture
def customer(partner):
    """A Contoso customer whose agreement status is Required."""
    return CustomerFactory(partner=partner, company_name="Required Ltd", country="US")


@pytest.fixture
def confirmed(partner):
    return confirmed_customer(partner=partner, company_name="Confirmed Ltd", country="US")


@pytest.fixture
def subscription(confirmed, license_offer, admin_agent):
    return SubscriptionFactory(
        order__customer=confirmed, order__placed_by=admin_agent, customer=confirmed, offer=license_offer
    )
