"""Fixtures of the customer tests."""

import pytest

from customers.pagination import CustomerPaginator


@pytest.fixture
def planner_expects(monkeypatch):
    """Set how many matches PostgreSQL's planner expects of any search: its estimates for the
    few rows of a test depend on statistics a test does not gather."""

    def expect(rows):
        monkeypatch.setattr(CustomerPaginator, "_expected_matches", staticmethod(lambda sql, params: rows))

    return expect
