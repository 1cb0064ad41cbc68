"""Remembered searches of the customer list (issue 6, F4): a search made again counts nothing, never stale.

A search is remembered per partner, status filter, search text and version of the list:
its total, and its first match once page 1 has shown it. The count triggers move the
version with every write that changes what a search matches. Each test here pages
through searches and compares every page with the matches read straight from the table.
"""

import io
import logging
import random
import threading
import uuid

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers import list_state
from customers.list_state import ListVersion
from customers.models import (
    AgreementStatus,
    Customer,
    CustomerListAnchor,
    CustomerListSearch,
    PartnerCustomerCount,
)
from customers.pagination import CustomerPaginator
from customers.selectors import customer_list, customer_list_state, customer_search_condition
from customers.triggers import SEARCH_INDEX
from tests.factories import ConfirmationFactory, CustomerFactory, confirmed_customer

pytestmark = pytest.mark.django_db

PER_PAGE = 3
STATUSES = ["", AgreementStatus.CONFIRMED, AgreementStatus.REQUIRED]


@pytest.fixture(autouse=True)
def every_five_rows(monkeypatch):
    """Page anchors of the unsearched list every five rows: a search's pages must never use them."""
    monkeypatch.setattr(list_state, "EVERY", 5)


def make_list(partner, count=40):
    """`count` customers, every third one Confirmed: "Blue" names in a run, "zq" domains spread."""
    customers = []
    for number in range(count):
        colour = "Blue" if count // 4 <= number < count // 2 else "Red"
        fields = {
            "partner": partner,
            "company_name": f"{colour} {number % (count - 4):03d}",  # some names twice: ties by id
            "domain": f"{'zq' if number % 4 == 0 else 'd'}{number}x{uuid.uuid4().hex[:8]}.onmicrosoft.com",
        }
        customers.append(confirmed_customer(**fields) if number % 3 == 0 else CustomerFactory(**fields))
    return customers


def expected_ids(partner, search, status=""):
    return list(
        Customer.objects.filter(partner=partner)
        # Row by row: on SQLite the list reads its search index, checked against this.
        .filter(customer_search_condition(search))
        .with_status(status)
        .order_by("company_name", "id")
        .values_list("pk", flat=True)
    )


def paginator(user, search, status=""):
    """The list view's paginator for this search (a new one per request, as the view makes)."""
    search = search.strip()
    return CustomerPaginator.of_list(
        customer_list(user=user, q=search, status=status), PER_PAGE, user=user, status=status, search=search
    )


def paged_ids(user, search, status="", order=None):
    """Every page of the search, each read as its own request, in page order."""
    numbers = list(paginator(user, search, status).page_range)
    pages = {}
    for number in order or numbers:
        pages[number] = [c.pk for c in paginator(user, search, status).page(number).object_list]
    return [pages[number] for number in numbers]


def assert_pages_show_the_matches_in_name_order(user, partner, search, status=""):
    expected = expected_ids(partner, search, status)
    assert paginator(user, search, status).count == len(expected)
    chunks = [expected[i : i + PER_PAGE] for i in range(0, len(expected), PER_PAGE)] or [[]]
    assert paged_ids(user, search, status) == chunks


def remembered(partner, search, status=""):
    return CustomerListSearch.objects.get(partner=partner, search=search, status=status)


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("search", ["Blue", "Red", "zq", "blue 01", "nothing like it"])
def test_f4_every_page_of_a_remembered_search_shows_its_matches_in_name_order(
    admin_agent, partner, status, search
):
    make_list(partner)
    unsearched = expected_ids(partner, "", status)
    assert paged_ids(admin_agent, "", status) == [unsearched[i : i + 3] for i in range(0, len(unsearched), 3)]
    assert_pages_show_the_matches_in_name_order(admin_agent, partner, search, status)
    kept = remembered(partner, search, status)
    expected = expected_ids(partner, search, status)
    assert kept.total == len(expected)
    assert kept.customer_id == (expected[0] if expected else None)
    # Paged again, from what was remembered: the same pages; the unsearched list's are its own.
    assert_pages_show_the_matches_in_name_order(admin_agent, partner, search, status)
    assert paged_ids(admin_agent, "", status) == [unsearched[i : i + 3] for i in range(0, len(unsearched), 3)]


def few_matches_list(partner, *, spread: bool) -> str:
    """60 customers, 10 of them matching the search returned: every sixth, or the last ten in name order."""
    for number in range(60):
        matches = number % 6 == 0 if spread else number >= 50
        CustomerFactory(partner=partner, company_name=f"Name {number:03d}{' Zulu' if matches else ''}")
    return "zulu"


def customer_reads(queries) -> list[str]:
    """The statements that read the customers table (not the list's kept state)."""
    return [q["sql"] for q in queries if '"customers_customer"' in q["sql"]]


@pytest.mark.parametrize("spread", [True, False], ids=["spread through the list", "gathered at its end"])
def test_f4_a_first_search_matching_few_is_counted_with_its_first_page(
    planner_expects, admin_agent, partner, spread
):
    """Issue 6: on PostgreSQL a search not made before that matches a fifth of the list at most
    reads its matches once, for its total and its first page's ids; the page then reads only
    those rows. Every page is the matches in name order either way (both databases)."""
    planner_expects(5)
    search = few_matches_list(partner, spread=spread)
    expected = expected_ids(partner, search)
    with CaptureQueriesContext(connection) as queries:
        first = paginator(admin_agent, search)
        page = first.page(1)
    assert first.count == len(expected) == 10
    assert [c.pk for c in page.object_list] == expected[:PER_PAGE]
    if connection.vendor == "postgresql":
        counted, rows = customer_reads(queries)
        assert counted.startswith("WITH matches") and "ORDER BY company_name, id" in counted
        assert "COUNT(" not in rows and "tenant_id" in rows
    else:
        # SQLite counted in its search index, then read the page's rows from it, sorted here.
        (rows,) = customer_reads(queries)
        assert SEARCH_INDEX in rows and ") >= (" not in rows
    assert_pages_show_the_matches_in_name_order(admin_agent, partner, search)


@pytest.mark.parametrize("status", STATUSES)
def test_r12_a_first_search_matching_few_counts_and_shows_only_the_partners_customers(
    planner_expects, admin_agent, partner, other_partner, status
):
    planner_expects(5)
    search = few_matches_list(partner, spread=True)
    for number in range(2):  # first in name order, and few enough to stay under a fifth
        CustomerFactory(partner=other_partner, company_name=f"Aaa {number} Zulu")
        confirmed_customer(partner=other_partner, company_name=f"Aab {number} Zulu")
    assert_pages_show_the_matches_in_name_order(admin_agent, partner, search, status)


@pytest.mark.parametrize("spread", [True, False], ids=["spread through the list", "gathered at its end"])
def test_f4_a_first_search_matching_few_pages_with_orphans(planner_expects, admin_agent, partner, spread):
    """A last page too short to stand alone joins the one before: page 1 may hold more than
    `per_page` rows, and its first page's read fetches enough ids for it."""
    planner_expects(5)
    search = few_matches_list(partner, spread=spread)
    expected = expected_ids(partner, search)

    def orphaned(per_page, orphans):
        count, version = customer_list_state(user=admin_agent)
        return CustomerPaginator(
            customer_list(user=admin_agent, q=search),
            per_page,
            orphans=orphans,
            unsearched_count=count,
            version=version,
            search=search,
            user=admin_agent,
        )

    # 10 matches, 3 a page, orphans 2: pages of 3, 3 and 4.
    assert orphaned(3, 2).num_pages == 3
    assert [[c.pk for c in orphaned(3, 2).page(n).object_list] for n in (1, 2, 3)] == [
        expected[0:3],
        expected[3:6],
        expected[6:10],
    ]
    # 10 matches, 8 a page, orphans 2: one page of all 10, read with the total.
    CustomerListSearch.objects.all().delete()
    assert [c.pk for c in orphaned(8, 2).page(1).object_list] == expected


def test_f4_a_match_written_between_the_count_and_page_1_shows_as_it_is_now(
    planner_expects, admin_agent, partner
):
    """Page 1's rows are searched again: a match renamed away since the count no longer shows
    (the rename moved the list's version, so nothing stale is kept)."""
    planner_expects(5)
    search = few_matches_list(partner, spread=True)
    expected = expected_ids(partner, search)
    first = paginator(admin_agent, search)
    assert first.count == 10
    Customer.objects.filter(pk=expected[0]).update(company_name="Aaa no longer matching")
    shown = [c.pk for c in first.page(1).object_list]
    # PostgreSQL reads the rows of the ids it read with the count, the page one short; SQLite
    # reads the page afresh.
    assert shown == (expected[1:3] if connection.vendor == "postgresql" else expected[1:4])
    assert_pages_show_the_matches_in_name_order(admin_agent, partner, search)


def test_f4_a_remembered_search_matching_few_counts_nothing_again(admin_agent, partner):
    search = few_matches_list(partner, spread=False)
    paginator(admin_agent, search).page(1)
    with CaptureQueriesContext(connection) as queries:
        again = paginator(admin_agent, search)
        page = again.page(1)
    assert again.count == 10
    assert [c.pk for c in page.object_list] == expected_ids(partner, search)[:PER_PAGE]
    assert not [sql for sql in customer_reads(queries) if "COUNT(" in sql.upper()]


@pytest.mark.parametrize("status", STATUSES)
def test_f4_a_first_searchs_first_page_is_in_name_order_whatever_order_rows_came_in_and_for_each_status(
    planner_expects, admin_agent, partner, status
):
    """Its first page read with its total (PostgreSQL) is the status-filtered list's matches in
    name order: rows inserted shuffled, names shared by two, every other one Confirmed."""
    planner_expects(5)
    numbers = list(range(300))
    random.Random(6).shuffle(numbers)
    for number in numbers:
        name = f"Name {number // 2:03d}{' Zulu' if number % 7 == 0 else ''}"  # two rows a name
        if number % 2:
            confirmed_customer(partner=partner, company_name=name)
        else:
            CustomerFactory(partner=partner, company_name=name)
    expected = expected_ids(partner, "zulu", status)
    with CaptureQueriesContext(connection) as queries:
        first = paginator(admin_agent, "zulu", status)
        page = first.page(1)
    assert first.count == len(expected)
    assert [c.pk for c in page.object_list] == expected[:PER_PAGE]
    if connection.vendor == "postgresql":
        counted, rows = customer_reads(queries)
        assert counted.startswith("WITH matches") and "COUNT(" not in rows
    assert_pages_show_the_matches_in_name_order(admin_agent, partner, "zulu", status)


@pytest.mark.parametrize("expected", [5, 1000], ids=["expected few", "expected many"])
def test_f4_a_first_search_matching_more_than_few_is_counted_whole(
    planner_expects, admin_agent, partner, expected
):
    """On PostgreSQL a search matching more than a fifth of the list is counted, and its page
    walked from the top of the list: the read of its matches with its first page is not made
    where the planner expects many, and stops one match past a fifth where it expected few."""
    planner_expects(expected)
    for number in range(60):
        CustomerFactory(partner=partner, company_name=f"Name {number:03d}{' Zulu' if number % 2 else ''}")
    expected_page = expected_ids(partner, "zulu")
    with CaptureQueriesContext(connection) as queries:
        first = paginator(admin_agent, "zulu")
        page = first.page(1)
    assert first.count == len(expected_page) == 30
    assert [c.pk for c in page.object_list] == expected_page[:PER_PAGE]
    if connection.vendor == "postgresql":
        reads = customer_reads(queries)
        if expected == 5:
            counted_few = reads.pop(0)
            assert counted_few.startswith("WITH matches") and "LIMIT 13)" in counted_few
        counted, rows = reads
        assert "COUNT(" in counted and "WITH" not in counted
        assert "||" not in rows  # walked, not sorted
    assert_pages_show_the_matches_in_name_order(admin_agent, partner, "zulu")


@pytest.mark.postgresql
def test_f4_postgresql_tells_a_search_matching_few_from_one_matching_many_by_its_statistics(
    admin_agent, partner
):
    """The planner's estimate, from the statistics ANALYZE gathers, before any match is read."""
    for number in range(200):
        CustomerFactory(
            partner=partner, company_name=f"Name {number:03d}{' Zulu' if number % 20 == 0 else ''}"
        )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Customer._meta.db_table}")

    def expected(search):
        sql, params = (
            customer_list(user=admin_agent, q=search).order_by().values_list("pk").query.sql_with_params()
        )
        return CustomerPaginator._expected_matches(sql, params)

    few = 200 * CustomerPaginator.FEW_MATCHES
    assert expected("zulu") <= few < expected("onmicrosoft")  # every domain


def test_f4_a_first_search_matching_nothing_reads_no_rows(planner_expects, admin_agent, partner):
    planner_expects(5)
    few_matches_list(partner, spread=True)
    with CaptureQueriesContext(connection) as queries:
        first = paginator(admin_agent, "nothing like it")
        assert list(first.page(1).object_list) == []
    assert first.count == 0
    assert not CustomerListAnchor.objects.exists()
    # PostgreSQL: only the read of its matches, with its total; SQLite: only its count, in its index.
    assert [sql[:12] for sql in customer_reads(queries)] == (
        ["WITH matches"] if connection.vendor == "postgresql" else []
    )


@pytest.mark.django_db(transaction=True)
def test_f4_list_state_is_kept_only_inside_a_transaction_that_holds_its_lock(admin_agent, partner):
    """A keep locks the partner's count row until its transaction ends (PostgreSQL): outside
    one, the lock would end before the row is written."""
    make_list(partner, count=8)
    version = customer_list_state(user=admin_agent)[1]
    with pytest.raises(TransactionManagementError):
        list_state._keep(CustomerListSearch, version, {"search": "Blue", "total": 2})
    assert not CustomerListSearch.objects.exists()


@pytest.mark.parametrize("search", ["nothing like it", "Blue"])
def test_f4_rows_asked_past_a_searchs_end_are_the_last_ones_or_none(admin_agent, partner, search):
    """The list's page() never asks past the end; another caller (the benchmark) may."""
    make_list(partner)
    expected = expected_ids(partner, search)
    past_end = paginator(admin_agent, search).rows(len(expected) - 1 if expected else 3, len(expected) + 6)
    assert [c.pk for c in past_end] == expected[-1:]


def test_f4_a_search_remembered_from_a_later_page_learns_its_first_match_on_page_one(admin_agent, partner):
    make_list(partner)
    expected = expected_ids(partner, "Blue")
    assert paged_ids(admin_agent, "Blue", order=[3, 2, 1, 4]) == [
        expected[i : i + 3] for i in range(0, 12, 3)
    ]
    kept = remembered(partner, "Blue")
    assert (kept.total, kept.first) == (10, (Customer.objects.get(pk=expected[0]).company_name, expected[0]))
    assert CustomerListSearch.objects.count() == 1


def test_f4_a_tenant_id_search_is_remembered_like_any_other(admin_agent, partner):
    customers = make_list(partner)
    tenant = str(customers[7].tenant_id)
    assert paged_ids(admin_agent, tenant) == [[customers[7].pk]]
    assert remembered(partner, tenant).first == (customers[7].company_name, customers[7].pk)
    assert paged_ids(admin_agent, tenant) == [[customers[7].pk]]


def test_f4_the_same_search_again_counts_nothing_and_starts_from_its_first_match(
    client, django_assert_num_queries, admin_agent, partner
):
    CustomerFactory.create_batch(10, partner=partner)
    CustomerFactory.create_batch(60, partner=partner, company_name="Findme")
    client.force_login(admin_agent)
    with CaptureQueriesContext(connection) as unsearched:
        client.get(reverse("customers:list"))
    page1_queries = len(unsearched)  # before the next request resets the log
    first = client.get(reverse("customers:list"), {"q": "findme"})
    # One query more than the unsearched page 1: the remembered search.
    with django_assert_num_queries(page1_queries + 1) as again:
        response = client.get(reverse("customers:list"), {"q": "findme"})
    assert response.context["paginator"].count == first.context["paginator"].count == 60
    assert [c.pk for c in response.context["customers"]] == [c.pk for c in first.context["customers"]]
    assert [c.pk for c in response.context["customers"]] == expected_ids(partner, "findme")[:25]
    sql = [query["sql"] for query in again.captured_queries]
    assert not [s for s in sql if "COUNT(" in s.upper()]
    assert "OFFSET" not in sql[-1] and ") >= (" in sql[-1]


def test_f4_a_search_trimmed_is_the_same_search(client, admin_agent, partner):
    make_list(partner)
    client.force_login(admin_agent)
    client.get(reverse("customers:list"), {"q": "  Blue "})
    assert list(CustomerListSearch.objects.values_list("search", flat=True)) == ["Blue"]
    response = client.get(reverse("customers:list"), {"q": "Blue"})
    assert response.context["paginator"].count == 10
    assert CustomerListSearch.objects.count() == 1


def test_f4_searches_differing_in_case_are_remembered_apart_and_both_right(admin_agent, partner):
    """The databases fold case differently (SQLite only ASCII): the text is kept as typed."""
    make_list(partner)
    for search in ("Blue", "BLUE", "blue"):
        assert_pages_show_the_matches_in_name_order(admin_agent, partner, search)
    assert sorted(CustomerListSearch.objects.values_list("search", flat=True)) == ["BLUE", "Blue", "blue"]


def _rename_one_to_match(customers, partner):
    Customer.objects.filter(pk=customers[0].pk).update(company_name="Blue 000a")


def _rename_one_not_to_match(customers, partner):
    Customer.objects.filter(pk=customers[12].pk).update(company_name="Aqua 012")


def _new_domain_that_matches(customers, partner):
    Customer.objects.filter(pk=customers[1].pk).update(domain="blue1.onmicrosoft.com")


def _new_tenant_id(customers, partner):
    Customer.objects.filter(pk=customers[11].pk).update(tenant_id=uuid.uuid4())


def _add_a_match(customers, partner):
    CustomerFactory(partner=partner, company_name="Blue 000")


def _delete_a_match(customers, partner):
    Customer.objects.filter(pk=customers[13].pk).delete()


def _move_a_match_to_another_partner(customers, partner):
    Customer.objects.filter(pk=customers[14].pk).update(partner=CustomerFactory().partner)


def _confirm_a_required_match(customers, partner):
    customer = customers[11]
    Customer.objects.filter(pk=customer.pk).update(
        current_confirmation=ConfirmationFactory(customer=customer)
    )


@pytest.mark.parametrize(
    "write",
    [
        _rename_one_to_match,
        _rename_one_not_to_match,
        _new_domain_that_matches,
        _new_tenant_id,
        _add_a_match,
        _delete_a_match,
        _move_a_match_to_another_partner,
        _confirm_a_required_match,
    ],
)
@pytest.mark.parametrize("status", STATUSES)
def test_f4_a_write_that_changes_what_a_search_matches_leaves_no_remembered_search_in_use(
    admin_agent, partner, write, status
):
    customers = make_list(partner)
    search = str(customers[11].tenant_id) if write is _new_tenant_id else "blue"
    assert_pages_show_the_matches_in_name_order(admin_agent, partner, search, status)
    write(customers, partner)
    assert_pages_show_the_matches_in_name_order(admin_agent, partner, search, status)


def test_f4_a_confirmation_keeps_the_whole_lists_searches_and_moves_the_filtered_ones(admin_agent, partner):
    customers = make_list(partner)
    for status in STATUSES:
        assert_pages_show_the_matches_in_name_order(admin_agent, partner, "Blue", status)
    _confirm_a_required_match(customers, partner)
    _, whole_version = customer_list_state(user=admin_agent)
    _, required_version = customer_list_state(user=admin_agent, status=AgreementStatus.REQUIRED)
    assert list_state.search_get(version=whole_version, search="Blue") is not None
    assert list_state.search_get(version=required_version, search="Blue") is None
    for status in STATUSES:
        assert_pages_show_the_matches_in_name_order(admin_agent, partner, "Blue", status)


def test_r12_a_partners_searches_are_never_read_for_another_partner(
    admin_agent, other_agent, partner, other_partner
):
    make_list(partner)
    make_list(other_partner, count=20)
    counts = PartnerCustomerCount.objects
    counts.filter(partner=other_partner).update(list_version=counts.get(partner=partner).list_version)
    assert_pages_show_the_matches_in_name_order(admin_agent, partner, "Blue")
    assert_pages_show_the_matches_in_name_order(other_agent, other_partner, "Blue")
    assert remembered(partner, "Blue").total == 10
    assert remembered(other_partner, "Blue").total == 5


def test_f4_a_partner_keeps_only_its_newest_searches_of_the_lists_current_version(
    monkeypatch, admin_agent, other_agent, partner, other_partner
):
    monkeypatch.setattr(list_state, "SEARCHES_KEPT", 3)
    make_list(partner)
    make_list(other_partner, count=20)
    assert_pages_show_the_matches_in_name_order(other_agent, other_partner, "Red")
    for search in ("Blue", "Red", "zq", "d1", "d2"):
        assert_pages_show_the_matches_in_name_order(admin_agent, partner, search)
    assert sorted(CustomerListSearch.objects.filter(partner=partner).values_list("search", flat=True)) == [
        "d1",
        "d2",
        "zq",
    ]
    _add_a_match(None, partner)
    assert_pages_show_the_matches_in_name_order(admin_agent, partner, "Blue")
    # The earlier version's searches are gone; another partner's are not touched.
    assert list(CustomerListSearch.objects.filter(partner=partner).values_list("search", flat=True)) == [
        "Blue"
    ]
    assert CustomerListSearch.objects.filter(partner=other_partner).count() == 1


@pytest.mark.parametrize("change", ["deleted", "set back"])
def test_f4_a_count_row_deleted_or_set_back_takes_its_partners_searches_with_it(
    admin_agent, other_agent, partner, other_partner, change
):
    """Versions only grow while searches of them are remembered, whatever writes the count row."""
    customers = make_list(partner)
    make_list(other_partner)
    assert_pages_show_the_matches_in_name_order(admin_agent, partner, "Blue")
    assert_pages_show_the_matches_in_name_order(other_agent, other_partner, "Blue")
    counts = PartnerCustomerCount.objects.filter(partner=partner)
    if change == "deleted":
        counts.delete()
        call_command("recount_customers", stdout=io.StringIO())  # back at version 0
    else:
        counts.update(list_version=0)  # a fixture or a restore from before
    assert not CustomerListSearch.objects.filter(partner=partner).exists()
    assert CustomerListSearch.objects.filter(partner=other_partner).exists()
    # The writes that bring the version back to where the dropped search was.
    for customer in customers:
        Customer.objects.filter(pk=customer.pk).update(company_name=f"{customer.company_name}b")
    assert_pages_show_the_matches_in_name_order(admin_agent, partner, "Blue")


def bring_the_list_back_to(partner, list_version, customers):
    """Rename customers, "Blue" ones first (to "Gray"), until the list is at `list_version` again."""
    counts = PartnerCustomerCount.objects.filter(partner=partner)
    for customer in sorted(customers, key=lambda c: not c.company_name.startswith("Blue")):
        if counts.get().list_version == list_version:
            break
        name = customer.company_name
        renamed = name.replace("Blue", "Gray") if name.startswith("Blue") else f"{name}b"
        Customer.objects.filter(pk=customer.pk).update(company_name=renamed)
    assert counts.get().list_version == list_version


@pytest.mark.parametrize("status", STATUSES)
def test_f4_a_search_counted_before_the_list_was_set_back_is_not_remembered(admin_agent, partner, status):
    """A request still counting when a restore sets the versions back keeps nothing.

    Kept, its row would come back into use once writes bring the list to that version again,
    with the total and first match of rows that have changed since.
    """
    customers = make_list(partner)
    counted = paginator(admin_agent, "Blue", status)
    counted.count  # noqa: B018 (counted at this version)
    list_version = PartnerCustomerCount.objects.get(partner=partner).list_version
    PartnerCustomerCount.objects.filter(partner=partner).update(list_version=0)  # a restore, meanwhile
    counted.page(1)
    assert not CustomerListSearch.objects.exists()
    bring_the_list_back_to(partner, list_version, customers)
    assert_pages_show_the_matches_in_name_order(admin_agent, partner, "Blue", status)


def test_f4_a_search_counted_before_a_write_is_not_remembered_and_removes_nothing(admin_agent, partner):
    make_list(partner)
    assert_pages_show_the_matches_in_name_order(admin_agent, partner, "Red")
    counted = paginator(admin_agent, "Blue")
    counted.count  # noqa: B018 (counted at this version)
    _add_a_match(None, partner)  # a write meanwhile
    assert_pages_show_the_matches_in_name_order(admin_agent, partner, "Red")
    counted.page(1)
    # The late request neither keeps its search for the version it counted in nor drops the
    # searches of the list's current version.
    assert list(CustomerListSearch.objects.values_list("search", flat=True)) == ["Red"]


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_f4_two_lists_first_searches_kept_at_once_are_both_remembered(monkeypatch, partner, caplog):
    """Two keeps at once, of the whole list and of its Confirmed customers, queue on the count row.

    Each drops its own list's earlier versions, then the partner's oldest rows past the cap,
    which the other has just dropped: unqueued, they deadlock, and one search is lost.
    """
    monkeypatch.setattr(list_state, "SEARCHES_KEPT", 3)
    monkeypatch.setattr(list_state, "KEEP_WAIT", "10s")  # the second keep waits for the first
    make_list(partner, count=8)
    counts = PartnerCustomerCount.objects.get(partner=partner)
    lists = [ListVersion.of_counts(counts, status) for status in ("", AgreementStatus.CONFIRMED)]
    for version in lists:
        for n in range(2):
            earlier = {**version.fields(), "list_version": version.list_version - 1}
            CustomerListSearch.objects.create(**earlier, search=f"earlier {n}", total=1)
    for n in range(3):
        CustomerListSearch.objects.create(**lists[0].fields(), search=f"newer {n}", total=1)
    # Each keep waits, once past its drop, until the other is too (or a second has passed).
    dropped = {version.status: threading.Event() for version in lists}
    insert_row = list_state.insert_row

    def insert_once_both_dropped(model, values, **kwargs):
        dropped[values["status"]].set()
        dropped[AgreementStatus.CONFIRMED if values["status"] == "" else ""].wait(timeout=1)
        return insert_row(model, values, **kwargs)

    monkeypatch.setattr(list_state, "insert_row", insert_once_both_dropped)

    def keep(version):
        try:
            list_state.search_keep(version=version, search="Blue", total=2, first=None)
        finally:
            connection.close()

    threads = [threading.Thread(target=keep, args=(version,)) for version in lists]
    with caplog.at_level(logging.WARNING, logger="customers.list_state"):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert "not kept" not in caplog.text
    assert sorted(CustomerListSearch.objects.filter(search="Blue").values_list("status", flat=True)) == [
        "",
        AgreementStatus.CONFIRMED,
    ]


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_f4_a_search_is_shown_without_waiting_out_a_long_write_of_the_partners_customers(
    monkeypatch, client, admin_agent, partner, caplog
):
    """A keep waits a moment for the partner's count row, not until a long import ends."""
    monkeypatch.setattr(list_state, "KEEP_WAIT", "100ms")
    make_list(partner)
    expected = expected_ids(partner, "Blue")
    holding, shown = threading.Event(), threading.Event()
    waited_out = []

    def long_import():
        try:
            with transaction.atomic():
                CustomerFactory(partner=partner, company_name="Blue import")  # holds the count row
                holding.set()
                waited_out.append(not shown.wait(timeout=10))
        finally:
            connection.close()

    writer = threading.Thread(target=long_import)
    writer.start()
    assert holding.wait(timeout=10)
    client.force_login(admin_agent)
    with caplog.at_level(logging.WARNING, logger="customers.list_state"):
        response = client.get(reverse("customers:list"), {"q": "Blue"})
    shown.set()
    writer.join(timeout=30)
    assert waited_out == [False]
    assert response.status_code == 200
    assert [c.pk for c in response.context["customers"]] == expected
    assert "not kept" in caplog.text
    assert not CustomerListSearch.objects.exists()


def test_r14_a_search_that_cannot_be_remembered_still_shows_its_pages(
    monkeypatch, admin_agent, partner, caplog
):
    make_list(partner)

    insert_row = list_state.insert_row

    def locked(model, values, **kwargs):
        if model is CustomerListSearch:
            raise OperationalError("database is locked")
        return insert_row(model, values, **kwargs)

    monkeypatch.setattr(list_state, "insert_row", locked)
    with caplog.at_level(logging.WARNING, logger="customers.list_state"):
        assert_pages_show_the_matches_in_name_order(admin_agent, partner, "Blue")
    assert not CustomerListSearch.objects.exists()
    assert "not kept" in caplog.text


@pytest.mark.parametrize("search", ["Blue\x00", "B" * 201])
def test_r14_a_search_text_no_column_can_hold_is_searched_but_not_remembered(
    client, admin_agent, partner, search
):
    make_list(partner)
    client.force_login(admin_agent)
    response = client.get(reverse("customers:list"), {"q": search})
    assert response.status_code == 200
    assert response.context["paginator"].count == 0
    assert not CustomerListSearch.objects.exists()
