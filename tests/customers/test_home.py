"""Home: counts by agreement status and the partner's recent activity, without a query per row."""

import datetime

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.selectors import confirmation_recent
from tests.factories import ConfirmationFactory, CustomerFactory, confirmed_customer

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


def test_r12_home_latest_confirmations_are_the_partners_newest_whatever_others_record_later(
    client, admin_agent, partner, other_partner
):
    start = datetime.datetime(2025, 3, 1, 9, 0, tzinfo=datetime.UTC)
    ours = []
    for minute in range(7):
        with time_machine.travel(start + datetime.timedelta(minutes=minute), tick=False):
            ours.append(confirmed_customer(partner=partner, company_name=f"Ours {minute}"))
    theirs = CustomerFactory(partner=other_partner, company_name="Theirs")
    for minute in range(10, 30):  # all newer than ours
        ConfirmationFactory(customer=theirs, recorded_at=start + datetime.timedelta(minutes=minute))
    client.force_login(admin_agent)
    shown = client.get(reverse("home")).context["recent_confirmations"]
    assert [c.customer.company_name for c in shown] == [f"Ours {minute}" for minute in (6, 5, 4, 3, 2)]


def test_r12_home_latest_confirmations_read_only_the_partners_range_of_an_index(admin_agent, partner):
    """Issue 6: not the newest confirmations of every partner, filtered until five are the partner's."""
    confirmed_customer(partner=partner)
    with CaptureQueriesContext(connection) as queries:
        confirmation_recent(user=admin_agent)
    [sql] = [q["sql"] for q in queries]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table is cheapest to scan
            cursor.execute(f"EXPLAIN {sql}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        plan = " ".join(str(cell) for row in cursor.fetchall() for cell in row)
    assert "confirmation_partner_recent" in plan


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Recorded by: Avery Agent, 2025-03-01 09:00"),
        # R16: a full-width colon and comma with no space; a Chinese name family name first.
        ("zh-hans", "记录人：张伟，2025-03-01 09:00"),
    ],
)
def test_r16_home_says_who_recorded_a_confirmation_in_the_languages_punctuation(
    client, admin_agent, partner, language, expected
):
    admin_agent.first_name, admin_agent.last_name = (
        ("伟", "张") if language == "zh-hans" else ("Avery", "Agent")
    )
    admin_agent.save()
    customer = CustomerFactory(partner=partner)
    ConfirmationFactory(
        customer=customer,
        recorded_by=admin_agent,
        recorded_at=datetime.datetime(2025, 3, 1, 9, 0, tzinfo=datetime.UTC),
    )
    client.force_login(admin_agent)
    content = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert expected in content
