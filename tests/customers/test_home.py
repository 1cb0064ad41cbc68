"""Home: counts by agreement status and the partner's recent activity, without a query per row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CustomerFactory, confirmed_customer

pytestmark = pytest.mark.django_db


def test_r12_home_shows_counts_and_the_partners_latest_customers_and_confirmations(
    client, admin_agent, partner
):
    CustomerFactory(partner=partner, company_name="Needs Confirmation")
    confirmed_customer(partner=partner, company_name="Already Confirmed")
    CustomerFactory(company_name="Someone Else's")
    client.force_login(admin_agent)
    response = client.get(reverse("home"))
    content = response.content.decode()
    assert response.context["required_count"] == 1
    assert response.context["confirmed_count"] == 1
    assert "Latest customers" in content and "Latest confirmations" in content
    assert "Needs Confirmation" in content and "Already Confirmed" in content
    assert "Someone Else" not in content


def test_r12_home_recent_activity_query_budget_does_not_grow_with_rows(client, admin_agent, partner):
    confirmed_customer(partner=partner)
    client.force_login(admin_agent)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("home"))
    for _ in range(9):
        confirmed_customer(partner=partner)
    with CaptureQueriesContext(connection) as ten:
        response = client.get(reverse("home"))
    assert len(response.context["recent_customers"]) == 5
    assert len(one) == len(ten)
