"""Fixtures for the agreement tests: a Contoso customer and a helper that records a confirmation."""

import datetime

import pytest

from agreements.services import Acceptor
from tests.factories import CustomerFactory


@pytest.fixture
def customer(partner):
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
