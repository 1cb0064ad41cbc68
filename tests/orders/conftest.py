"""Catalogue and customers for the orders tests."""

import pytest

from tests.factories import CustomerFactory, OfferFactory, confirmed_customer


@pytest.fixture
def e3_offer(db):
    return OfferFactory(id="E3:0001", name="Microsoft 365 E3", min_quantity=5, max_quantity=10000)


@pytest.fixture
def required_customer(partner):
    """Agreement status Required: no confirmation."""
    return CustomerFactory(partner=partner, company_name="Required Ltd")


@pytest.fixture
def customer(partner):
    """Agreement status Confirmed."""
    return confirmed_customer(partner=partner, company_name="Confirmed Ltd")
