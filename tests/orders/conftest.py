"""Catalogue and customers for the orders tests."""

import pytest

from tests.factories import CustomerFactory, OfferFactory, confirmed_customer


@pytest.fixture
def license_offer(db):
    return OfferFactory(
        id="LICENSE:0001", name="Microsoft 365 Business Basic", min_quantity=1, max_quantity=300
    )


@pytest.fixture
def e3_offer(db):
    return OfferFactory(id="E3:0001", name="Microsoft 365 E3", min_quantity=5, max_quantity=10000)


@pytest.fixture
def usage_offer(db):
    return OfferFactory(
        id="AZURE:0001", name="Azure plan", billing_type="usage", min_quantity=1, max_quantity=1
    )


@pytest.fixture
def required_customer(partner):
    """Agreement status Required: no confirmation."""
    return CustomerFactory(partner=partner, company_name="Required Ltd")


@pytest.fixture
def customer(partner):
    """Agreement status Confirmed."""
    return confirmed_customer(partner=partner, company_name="Confirmed Ltd")


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request in Chinese leaves Chinese active in this thread; the next test starts in English."""
    from django.utils import translation

    yield
    translation.deactivate()
