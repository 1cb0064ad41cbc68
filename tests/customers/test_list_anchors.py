"""Page anchors of the customer list (issue 6, F4): deep pages start from a kept row, never a stale one.

An anchor is kept per partner, status filter and version of the list; the count
triggers move the version with every write that changes which rows a list holds, their
order or their status. Each test here pages through a list with anchors every few rows
and compares every page with the name order read straight from the table.
"""

import io
import itertools
import logging

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers import list_state
from customers.models import AgreementStatus, Customer, CustomerListAnchor, PartnerCustomerCount
from customers.pagination import CustomerPaginator
from customers.selectors import customer_list, customer_list_state
from customers.triggers import drop_triggers, installed_triggers, trigger_definitions
from tests.factories import ConfirmationFactory, CustomerFactory, confirmed_customer

pytestmark = pytest.mark.django_db

PER_PAGE = 3
STATUSES = ["", AgreementStatus.CONFIRMED, AgreementStatus.REQUIRED]


@pytest.fixture
def every_five_rows(monkeypatch):
    monkeypatch.setattr(list_state, "EVERY", 5)


def make_list(partner, count=40):
    """`count` customers, some names twice (ties broken by id), every third one Confirmed."""
    customers = []
    for number in range(count):
        name = f"Anchor {number % (count - 4):03d}"
        if number % 3 == 0:
            customers.append(confirmed_customer(partner=partner, company_name=name))
        else:
            customers.append(CustomerFactory(partner=partner, company_name=name))
    return customers


def expected_ids(partner, status=""):
    return list(
        Customer.objects.filter(partner=partner)
        .with_status(status)
        .order_by("company_name", "id")
        .values_list("pk", flat=True)
    )


def paged_ids(user, status=""):
    """Every page of the user's list, as the list view pages it, in page order."""
    paginator = CustomerPaginator.of_list(
        customer_list(user=user, status=status), PER_PAGE, user=user, status=status
    )
    return [[c.pk for c in paginator.page(n).object_list] for n in paginator.page_range]


def assert_pages_follow_the_name_order(user, partner, status=""):
    expected = expected_ids(partner, status)
    pages = paged_ids(user, status)
    assert pages == [expected[i : i + PER_PAGE] for i in range(0, len(expected), PER_PAGE)]


def versions(partner) -> tuple[int, int]:
    counts = PartnerCustomerCount.objects.get(partner=partner)
    return counts.list_version, counts.status_version


@pytest.mark.parametrize("status", STATUSES)
def test_f4_every_page_of_an_anchored_list_shows_its_rows_of_the_name_order(
    every_five_rows, admin_agent, partner, status
):
    make_list(partner)
    assert_pages_follow_the_name_order(admin_agent, partner, status)
    kept = CustomerListAnchor.objects.filter(partner=partner, status=status)
    assert kept.exists() and all(anchor.position % 5 == 0 for anchor in kept)
    # Each kept anchor is the row at its position in the order.
    expected = expected_ids(partner, status)
    assert {a.position: a.customer_id for a in kept} == {a.position: expected[a.position] for a in kept}
    # Paged again, from the kept anchors: the same pages.
    assert_pages_follow_the_name_order(admin_agent, partner, status)


def test_f4_a_deep_page_from_a_kept_anchor_costs_one_query_more_than_page_one(
    client, monkeypatch, django_assert_num_queries, admin_agent, partner
):
    monkeypatch.setattr(list_state, "EVERY", 25)
    CustomerFactory.create_batch(130, partner=partner)
    client.force_login(admin_agent)
    client.get(reverse("customers:list"), {"page": 3})  # finds and keeps the anchor at row 50
    with CaptureQueriesContext(connection) as page1:
        client.get(reverse("customers:list"))
    with django_assert_num_queries(len(page1) + 1) as page3:
        response = client.get(reverse("customers:list"), {"page": 3})
    assert [c.pk for c in response.context["customers"]] == expected_ids(partner)[50:75]
    rows_query = page3.captured_queries[-1]["sql"]
    assert "OFFSET" not in rows_query and ") >= (" in rows_query


def test_f4_list_versions_move_with_the_rows_their_names_and_statuses_only(partner, other_partner):
    customer = CustomerFactory(partner=partner)
    start = versions(partner)
    CustomerFactory(partner=partner)
    assert versions(partner) == (start[0] + 1, start[1])
    Customer.objects.filter(pk=customer.pk).update(company_name="Renamed")
    assert versions(partner) == (start[0] + 2, start[1])
    Customer.objects.filter(pk=customer.pk).update(city="Redmond", company_name="Renamed")
    assert versions(partner) == (start[0] + 2, start[1])
    # The id breaks ties between equal names: a new one moves the row as a new name does.
    Customer.objects.filter(pk=customer.pk).update(id=10**9)
    customer.pk = 10**9
    assert versions(partner) == (start[0] + 3, start[1])
    start = (start[0] + 1, start[1])

    first = ConfirmationFactory(customer=customer)
    Customer.objects.filter(pk=customer.pk).update(current_confirmation=first)
    assert versions(partner) == (start[0] + 2, start[1] + 1)
    # R5: a newer confirmation keeps the customer Confirmed; no list changes.
    Customer.objects.filter(pk=customer.pk).update(
        current_confirmation=ConfirmationFactory(customer=customer)
    )
    assert versions(partner) == (start[0] + 2, start[1] + 1)

    CustomerFactory(partner=other_partner)
    other_start = versions(other_partner)
    Customer.objects.filter(pk=customer.pk).update(partner=other_partner)
    assert versions(partner)[0] == start[0] + 3 and versions(other_partner)[0] == other_start[0] + 1

    Customer.objects.bulk_create(CustomerFactory.build_batch(3, partner=partner))
    assert versions(partner)[0] == start[0] + 6
    Customer.objects.filter(partner=partner).delete()
    assert versions(partner)[0] == start[0] + 6 + 4  # the four left


@pytest.mark.parametrize(
    "write",
    [
        "a customer that sorts first",
        "a rename",
        "a delete",
        "a move to another partner",
        "a bulk insert",
        "a rename and a confirmation in one update",
        "a move, a rename and a confirmation in one update",
        "a new id",
    ],
)
@pytest.mark.parametrize("status", STATUSES)
def test_f4_a_write_that_moves_rows_leaves_no_anchor_in_use(
    every_five_rows, admin_agent, partner, other_partner, status, write
):
    customers = make_list(partner)
    assert_pages_follow_the_name_order(admin_agent, partner, status)
    before = set(
        CustomerListAnchor.objects.filter(partner=partner, status=status).values_list("pk", flat=True)
    )
    assert before
    middle = customers[20]
    if write == "a customer that sorts first":
        confirmed_customer(partner=partner, company_name="Aardvark")
    elif write == "a rename":
        Customer.objects.filter(pk=middle.pk).update(company_name="Zulu")
    elif write == "a delete":
        Customer.objects.filter(pk=customers[1].pk).delete()
    elif write == "a move to another partner":
        Customer.objects.filter(pk=customers[0].pk).update(partner=other_partner)
    elif write == "a rename and a confirmation in one update":
        confirmation = ConfirmationFactory(customer=customers[1])
        Customer.objects.filter(pk=customers[1].pk).update(
            company_name="Zulu", current_confirmation=confirmation
        )
    elif write == "a move, a rename and a confirmation in one update":
        confirmation = ConfirmationFactory(customer=customers[1])
        Customer.objects.filter(pk=customers[1].pk).update(
            partner=other_partner, company_name="Anchor 010", current_confirmation=confirmation
        )
    elif write == "a new id":
        # "Anchor 001" is the name of customers[1] and customers[37]: their order swaps.
        Customer.objects.filter(pk=customers[1].pk).update(id=10**9)
    else:
        Customer.objects.bulk_create(
            CustomerFactory.build_batch(4, partner=partner, company_name="Anchor 000")
        )
    assert_pages_follow_the_name_order(admin_agent, partner, status)
    # The anchors found before the write belong to a version that is no longer the list's.
    current = customer_list_state(user=admin_agent, status=status)[1]
    assert not current.anchors().filter(pk__in=before).exists()


def test_f4_a_confirmation_keeps_the_whole_lists_anchors_and_moves_the_filtered_ones(
    every_five_rows, admin_agent, partner
):
    customers = make_list(partner)
    for status in STATUSES:
        assert_pages_follow_the_name_order(admin_agent, partner, status)
    kept = {
        status: set(CustomerListAnchor.objects.filter(status=status).values_list("pk", flat=True))
        for status in STATUSES
    }
    required = customers[1]
    assert required.current_confirmation_id is None
    confirmation = ConfirmationFactory(customer=required)
    Customer.objects.filter(pk=required.pk).update(current_confirmation=confirmation)

    for status in STATUSES:
        assert_pages_follow_the_name_order(admin_agent, partner, status)
    # Confirming moves no row of the whole list: its anchors stay in use; the filtered lists' go.
    assert set(CustomerListAnchor.objects.filter(status="").values_list("pk", flat=True)) == kept[""]
    for status in (AgreementStatus.CONFIRMED, AgreementStatus.REQUIRED):
        assert not kept[status] & set(
            CustomerListAnchor.objects.filter(status=status).values_list("pk", flat=True)
        )


def test_r12_a_partners_pages_never_start_from_another_partners_anchors(
    every_five_rows, admin_agent, other_agent, partner, other_partner
):
    make_list(partner)
    make_list(other_partner)
    assert versions(partner) == versions(other_partner)  # the same version numbers, different lists
    assert_pages_follow_the_name_order(admin_agent, partner)
    assert_pages_follow_the_name_order(other_agent, other_partner)
    assert CustomerListAnchor.objects.filter(partner=other_partner).exists()
    assert set(CustomerListAnchor.objects.values_list("partner_id", flat=True)) == {
        partner.pk,
        other_partner.pk,
    }


def test_f4_recount_moves_the_versions_forward_so_no_earlier_anchor_comes_back(
    every_five_rows, admin_agent, partner
):
    customers = make_list(partner)
    assert_pages_follow_the_name_order(admin_agent, partner)
    list_version, status_version = versions(partner)
    # A restore that bypassed the triggers, say: a rename nothing counted, then its repair.
    drop_triggers(connection)
    Customer.objects.filter(pk=customers[1].pk).update(company_name="Aardvark")
    assert versions(partner) == (list_version, status_version)
    call_command("recount_customers", stdout=io.StringIO())
    assert versions(partner) == (list_version + 1, status_version + 1)
    assert customer_list_state(user=admin_agent)[0] == 40
    assert_pages_follow_the_name_order(admin_agent, partner)


@pytest.mark.parametrize("change", ["deleted", "set back"])
def test_f4_a_count_row_deleted_or_set_back_takes_its_partners_anchors_with_it(
    every_five_rows, admin_agent, other_agent, partner, other_partner, change
):
    """Versions only grow while anchors of them exist, whatever writes the count row."""
    make_list(partner)
    make_list(other_partner)
    assert_pages_follow_the_name_order(admin_agent, partner)
    assert_pages_follow_the_name_order(other_agent, other_partner)
    counts = PartnerCustomerCount.objects.filter(partner=partner)
    if change == "deleted":
        counts.delete()
        call_command("recount_customers", stdout=io.StringIO())  # back at version 0
    else:
        counts.update(list_version=0)  # a fixture or a restore from before
    assert not CustomerListAnchor.objects.filter(partner=partner).exists()
    assert CustomerListAnchor.objects.filter(partner=other_partner).exists()
    # The writes that bring the version back to where the dropped anchors were.
    for number in range(40):
        Customer.objects.filter(partner=partner, company_name=f"Anchor {number:03d}").update(
            company_name=f"Anchor {number:03d}b"
        )
    assert_pages_follow_the_name_order(admin_agent, partner)


def test_f4_an_anchor_found_before_the_list_was_set_back_is_not_kept(every_five_rows, admin_agent, partner):
    """A request still paging when a restore sets the versions back keeps no anchor.

    Kept, it would come back into use once writes bring the list to that version again,
    naming a place in an order that has changed since.
    """
    customers = make_list(partner)
    counted = CustomerPaginator.of_list(
        customer_list(user=admin_agent), PER_PAGE, user=admin_agent, status=""
    )
    list_version, _ = versions(partner)
    PartnerCustomerCount.objects.filter(partner=partner).update(list_version=0)  # a restore, meanwhile
    counted.page(5)  # rows 12 to 14, from the anchor at row 10, found with an OFFSET
    assert not CustomerListAnchor.objects.exists()
    # Writes that move the first rows to the end, until the list is at that version again.
    for customer in itertools.cycle(customers[:10]):
        if versions(partner)[0] == list_version:
            break
        Customer.objects.filter(pk=customer.pk).update(company_name=Concat(Value("Z"), F("company_name")))
    assert_pages_follow_the_name_order(admin_agent, partner)


def test_r14_a_list_that_shrank_since_it_was_counted_still_shows_a_page(
    every_five_rows, admin_agent, partner
):
    CustomerFactory.create_batch(40, partner=partner)
    paginator = CustomerPaginator.of_list(
        customer_list(user=admin_agent), PER_PAGE, user=admin_agent, status=""
    )
    assert paginator.count == 40
    Customer.objects.filter(pk__in=expected_ids(partner)[10:]).delete()
    # Page 5 of the 40 counted starts at row 12: there is no row 10 left to anchor it.
    assert [c.pk for c in paginator.page(5).object_list] == []
    assert not CustomerListAnchor.objects.exists()


@pytest.mark.postgresql
def test_f4_truncating_the_customer_table_moves_the_list_version_forward(
    every_five_rows, admin_agent, partner
):
    make_list(partner)
    assert_pages_follow_the_name_order(admin_agent, partner)
    list_version, _ = versions(partner)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE customers_customer CASCADE")
    assert versions(partner)[0] == list_version + 1
    make_list(partner, count=30)
    assert_pages_follow_the_name_order(admin_agent, partner)


def test_r14_an_anchor_that_cannot_be_kept_still_shows_the_page(
    every_five_rows, monkeypatch, admin_agent, partner, caplog
):
    make_list(partner)

    def locked(model, values, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(list_state, "insert_row", locked)
    with caplog.at_level(logging.WARNING, logger="customers.list_state"):
        assert_pages_follow_the_name_order(admin_agent, partner)
    assert not CustomerListAnchor.objects.exists()
    assert "not kept" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_f4_migrating_back_to_0007_and_forward_again_keeps_counts_versions_and_pages(
    every_five_rows, admin_agent, partner
):
    make_list(partner)
    assert_pages_follow_the_name_order(admin_agent, partner)
    try:
        call_command("migrate", "customers", "0007", verbosity=0)
        # This code's triggers would write columns 0007 lacks; 0007's code makes its own.
        assert installed_triggers(connection) == set()
        CustomerFactory(partner=partner, company_name="Anchor 000a")  # nothing counts it
    finally:
        call_command("migrate", verbosity=0)
    assert installed_triggers(connection) == set(trigger_definitions(connection))
    counts = PartnerCustomerCount.objects.get(partner=partner)
    assert (counts.customers, counts.confirmed) == (41, 14)
    assert_pages_follow_the_name_order(admin_agent, partner)
