"""API fixtures: a client per user authenticated like a Partner Center script."""

import pytest

from tests.api.helpers import ApiClient
from tests.factories import CustomerFactory


@pytest.fixture
def api():
    """api(user) -> ApiClient with a fresh token for that user; api() is anonymous."""
    return ApiClient


@pytest.fixture
def uk_customer(partner):
    """A Contoso customer in Great Britain, where Partner Center's sample phone 1234567890 is valid."""
    return CustomerFactory(partner=partner, country="GB", city="London", company_name="Tailspin Toys")
