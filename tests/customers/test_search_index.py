"""Issue 6: the customer search reads an index: PostgreSQL's trigram indexes (migration 0005),
SQLite's trigram full-text table (migration 0012, kept by the triggers of customers/triggers.py)."""

import io
import uuid
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from accounts import roles
from customers.models import AgreementStatus, Channel, Customer
from customers.selectors import customer_list, customer_search_condition, customer_search_total
from customers.services import customer_update
from customers.triggers import (
    SEARCH_INDEX,
    SEARCH_KEY_BITS,
    SEARCH_MAX_ID,
    SEARCH_MAX_PARTNER,
)
from tests.factories import CustomerFactory, PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.postgresql
def test_f4_customer_search_by_company_name_or_domain_can_use_the_trigram_indexes(partner):
    Customer.objects.bulk_create(CustomerFactory.build_batch(400, partner=partner))
    CustomerFactory(partner=partner, company_name="Harbor Lights")
    # The list's search condition; the partner is left out, or the planner would rather
    # filter the partner's index entries of this small table than read a trigram index.
    queryset = Customer.objects.filter(customer_search_condition("harb")).order_by()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE customers_customer")
            # A small table is still cheapest to scan: forbid that to see whether the indexes fit
            # the expressions Django generates (UPPER(column::text) LIKE UPPER(%s)).
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert "customer_company_name_trgm" in plan
    assert "customer_domain_trgm" in plan
    assert [c.company_name for c in queryset] == ["Harbor Lights"]


@pytest.mark.postgresql
def test_f4_customer_search_indexes_keep_a_short_pending_list():
    """Every confirmation rewrites its customer's row: a GIN pending list of the default 4 MB
    grew until the planner gave up the indexes for a sequential scan (migration 0007)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname IN (%s, %s) ORDER BY relname",
            ["customer_company_name_trgm", "customer_domain_trgm"],
        )
        options = cursor.fetchall()
    assert options == [
        ("customer_company_name_trgm", ["gin_pending_list_limit=256"]),
        ("customer_domain_trgm", ["gin_pending_list_limit=256"]),
    ]


def _searched(client, user, q):
    """The page's names, the statements that read customers, and the one that read the page's rows."""
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/customers/", {"q": q})
    reads = [q["sql"] for q in queries if '"customers_customer"' in q["sql"]]
    rows = [sql for sql in reads if '"customers_customer"."tenant_id"' in sql][-1]
    return [c.company_name for c in response.context["customers"]], reads, rows


def test_f4_search_with_few_matches_lists_them_in_the_lists_order(
    client, planner_expects, admin_agent, partner
):
    planner_expects(1)
    CustomerFactory.create_batch(20, partner=partner)
    for name in ("Harbor Zeta", "Harbor Alpha", "Harbor Alpha", "harbor beta"):
        CustomerFactory(partner=partner, company_name=name)
    names, reads, rows = _searched(client, admin_agent, "harbor")
    # Name order as the unsearched list (the database's collation), ties by id.
    assert names == list(
        Customer.objects.filter(company_name__icontains="harbor")
        .order_by("company_name", "id")
        .values_list("company_name", flat=True)
    )
    if connection.vendor == "postgresql":
        # PostgreSQL fetches the few matches by the trigram indexes and sorts them, with their
        # total, instead of walking the name index (issue 6); the rows are those ids'.
        assert reads[0].startswith("WITH matches") and "ORDER BY company_name, id" in reads[0]
        assert 'U0."id" IN (' in rows
    else:
        # SQLite fetches them from its search index and sorts them.
        assert SEARCH_INDEX in rows


def test_f4_search_matching_many_walks_the_name_index(client, admin_agent, partner):
    Customer.objects.bulk_create(CustomerFactory.build_batch(40, partner=partner, company_name="Harbor Co"))
    Customer.objects.bulk_create(CustomerFactory.build_batch(10, partner=partner))
    names, _reads, rows = _searched(client, admin_agent, "harbor")
    assert names == ["Harbor Co"] * 25
    assert "||" not in rows
    # A page's matches come soon in a walk: testing each row beats fetching every match.
    assert SEARCH_INDEX not in rows and 'U0."id" IN (' not in rows


def row_by_row(partner, q):
    """The partner's customers whose company name or domain contains `q`, read without any index."""
    matches = Customer.objects.filter(partner=partner).filter(
        Q(company_name__icontains=q) | Q(domain__icontains=q)
    )
    return sorted(matches.values_list("pk", flat=True))


def searched(user, q):
    return sorted(customer_list(user=user, q=q).values_list("pk", flat=True))


@pytest.mark.sqlite
def test_f4_sqlite_search_of_three_characters_or_more_reads_its_trigram_index(admin_agent, partner):
    CustomerFactory(partner=partner, company_name="Harbor Lights", domain="harborlights.onmicrosoft.com")
    CustomerFactory.create_batch(3, partner=partner)
    counted = customer_list(user=admin_agent, q="ARB").select_related(None).order_by()
    assert f"SCAN {SEARCH_INDEX} VIRTUAL TABLE" in counted.explain()
    assert [c.company_name for c in counted] == ["Harbor Lights"]
    # Two characters make no trigram: matched row by row, the same customers.
    short = customer_list(user=admin_agent, q="ar").select_related(None).order_by()
    assert SEARCH_INDEX not in short.explain()
    assert sorted(c.pk for c in short) == row_by_row(partner, "ar")


@pytest.mark.sqlite
def test_f4_sqlite_search_counts_its_matches_in_the_index_alone(client, admin_agent, partner):
    Customer.objects.bulk_create(CustomerFactory.build_batch(30, partner=partner, company_name="Harbor Co"))
    CustomerFactory.create_batch(3, partner=partner)
    client.force_login(admin_agent)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/customers/", {"q": "harbor"})
    assert response.context["paginator"].count == 30
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert counts == [
        f"SELECT COUNT(*) FROM {SEARCH_INDEX} WHERE {SEARCH_INDEX} MATCH '\"harbor\"' "
        f"AND rowid BETWEEN {partner.pk << SEARCH_KEY_BITS} AND {((partner.pk + 1) << SEARCH_KEY_BITS) - 1}"
    ]
    # What the index cannot tell is counted from the rows: a status is the row's.
    filtered = client.get("/customers/", {"q": "harbor", "status": AgreementStatus.REQUIRED})
    assert filtered.context["paginator"].count == 30


def test_r12_a_search_finds_and_counts_only_the_partners_own_customers(
    admin_agent, other_agent, partner, other_partner
):
    ours = CustomerFactory(partner=partner, company_name="Harbor Shared")
    theirs = CustomerFactory.create_batch(2, partner=other_partner, company_name="Harbor Shared")
    for user, expected in ((admin_agent, [ours.pk]), (other_agent, sorted(c.pk for c in theirs))):
        assert searched(user, "harbor shared") == expected
        total = customer_search_total(user=user, q="harbor shared")
        assert total == (len(expected) if connection.vendor == "sqlite" else None)


def _create(to):
    CustomerFactory(partner=to.partner, company_name="Harbor New", domain="harbornew.onmicrosoft.com")


def _bulk_create(to):
    Customer.objects.bulk_create(
        CustomerFactory.build_batch(3, partner=to.partner, company_name="Bulk Harbor")
    )


def _rename_to_match(to):
    Customer.objects.filter(company_name="Plain One").update(company_name="Plain Harbor")


def _rename_not_to_match(to):
    Customer.objects.filter(company_name="Harbor Old").update(company_name="Quay Old")


def _new_domain(to):
    Customer.objects.filter(company_name="Plain One").update(domain="harborside.onmicrosoft.com")


def _edited_by_the_service(to):
    customer = Customer.objects.get(company_name="Harbor Old")
    customer_update(actor=to.actor, customer=customer, channel=Channel.WEB, company_name="Renamed Ltd")


def _saved(to):
    customer = Customer.objects.get(company_name="Plain One")
    customer.company_name = "Harborview"
    customer.save()


def _deleted(to):
    Customer.objects.filter(company_name="Harbor Old").delete()


def _moved_to_another_partner(to):
    Customer.objects.filter(company_name="Harbor Old").update(partner=to.other_partner)


def _new_id(to):
    customer = Customer.objects.get(company_name="Harbor Old")
    Customer.objects.filter(pk=customer.pk).update(id=customer.pk + 1000)


@pytest.mark.parametrize(
    "write",
    [
        _create,
        _bulk_create,
        _rename_to_match,
        _rename_not_to_match,
        _new_domain,
        _edited_by_the_service,
        _saved,
        _deleted,
        _moved_to_another_partner,
        _new_id,
    ],
)
def test_f4_search_finds_what_the_rows_hold_after_every_kind_of_write(
    actor, admin_agent, other_agent, partner, other_partner, write
):
    CustomerFactory(partner=partner, company_name="Harbor Old", domain="old.onmicrosoft.com")
    CustomerFactory(partner=partner, company_name="Plain One", domain="plain.onmicrosoft.com")
    CustomerFactory.create_batch(2, partner=partner)
    write(SimpleNamespace(partner=partner, other_partner=other_partner, actor=actor(admin_agent)))
    for user, own in ((admin_agent, partner), (other_agent, other_partner)):
        for q in ("harbor", "Harbor Old", "old.onmicrosoft", "plain", "Quay", "Renamed"):
            expected = row_by_row(own, q)
            assert searched(user, q) == expected, q
            if connection.vendor == "sqlite":
                # The index alone counts what the rows hold.
                assert customer_search_total(user=user, q=q) == len(expected), q


@pytest.mark.parametrize(
    "q",
    [
        'Say "Hi"',
        '"',
        'y "h',
        "O'Brien AND",
        "NEAR(",
        "Star*",
        "*La",
        "^Ca",
        "Col:Val",
        "(Bo)",
        "-x-",
        "a OR b",
        '"""',
        "%_%",
        "\\sl",
        "'; DROP",
        "北京市",
        "😀😀😀",
    ],
)
def test_r14_search_text_with_the_index_query_syntax_is_matched_as_typed(client, admin_agent, partner, q):
    for name in (
        'Say "Hi" Ltd',
        "O'Brien AND Sons",
        "NEAR(5) Inc",
        "Star*Labs",
        "^Caret",
        "Col:Val",
        "(Bo) Co",
        '"""Quoted',
        "100%_Sure",
        "Back\\slash",
        "北京市科技",
        "😀😀😀 Emoji",
    ):
        CustomerFactory(partner=partner, company_name=name)
    CustomerFactory(partner=partner, company_name="Sixty", domain="x-x-x.onmicrosoft.com")
    client.force_login(admin_agent)
    response = client.get("/customers/", {"q": q})
    assert response.status_code == 200
    shown = sorted(c.pk for c in response.context["customers"])
    assert shown == row_by_row(partner, q)


def pages_of(client, q):
    """Every page of the list's search as the user pages through it: the totals and the rows shown."""
    totals, shown, page = set(), [], 1
    while True:
        response = client.get("/customers/", {"q": q, "page": page})
        totals.add(response.context["paginator"].count)
        shown += [c.pk for c in response.context["customers"]]
        if not response.context["page_obj"].has_next():
            return totals, shown
        page += 1


@pytest.mark.parametrize("q", ["müller", "MÜLLER", "kelvin", "KELVIN", "ÉNERGIE"])
def test_f4_every_page_of_a_search_shows_what_its_total_counts_whatever_the_script(
    client, admin_agent, partner, q
):
    """SQLite's index and its LIKE (the walk of the name index) match the same customers, also
    where case folding beyond ASCII differs: `Ü`, the Kelvin sign `K` (a `k` when folded)."""
    names = ["müller Bau"] * 20 + ["\u212aelvin Ltd"] * 10 + ["Kelvin Ltd"] * 10 + ["énergie Sud"] * 10
    Customer.objects.bulk_create(
        [CustomerFactory.build(partner=partner, company_name=name) for name in names]
    )
    client.force_login(admin_agent)
    totals, shown = pages_of(client, q)
    expected = row_by_row(partner, q)
    assert totals == {len(expected)}
    assert sorted(shown) == expected and len(set(shown)) == len(shown)


@pytest.mark.sqlite
def test_r14_r12_a_partner_beyond_the_index_key_is_searched_row_by_row(client, partner):
    beyond = PartnerFactory(id=SEARCH_MAX_PARTNER + 1)
    # A partner whose id wraps onto the first partner's keys when shifted, if it were indexed.
    wrapping = PartnerFactory(id=(1 << 24) + partner.pk)
    ours = CustomerFactory(partner=partner, company_name="Harbor Ours")
    for other in (beyond, wrapping):
        CustomerFactory(partner=other, company_name="Harbor Theirs")
        user = UserFactory(partner=other, role=roles.ADMIN_AGENT)
        client.force_login(user)
        response = client.get("/customers/", {"q": "harbor"})
        assert response.status_code == 200
        assert [c.company_name for c in response.context["customers"]] == ["Harbor Theirs"]
    assert customer_search_total(user=UserFactory(partner=partner, role=roles.ADMIN_AGENT), q="harbor") == 1
    assert searched(UserFactory(partner=partner, role=roles.SALES_AGENT), "harbor") == [ours.pk]


@pytest.mark.sqlite
def test_f4_a_customer_id_beyond_the_index_key_is_refused_not_filed_under_another_partner(partner):
    with pytest.raises(IntegrityError, match="beyond the search index key"):
        with transaction.atomic():
            CustomerFactory(partner=partner, id=SEARCH_MAX_ID + 1)
    with pytest.raises(IntegrityError, match="beyond the search index key"):
        with transaction.atomic():
            CustomerFactory(partner=partner, id=-5)
    assert not Customer.objects.exists()
    kept = CustomerFactory(partner=partner, company_name="Harbor Kept")
    with pytest.raises(IntegrityError, match="beyond the search index key"):
        with transaction.atomic():
            Customer.objects.filter(pk=kept.pk).update(id=SEARCH_MAX_ID + 1)


@pytest.mark.sqlite
def test_f4_a_rebuild_refuses_to_leave_a_customer_out_of_the_search_index(partner):
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER customer_search_insert")
    # Written while its trigger was missing (a restore, say), with an id no key holds.
    CustomerFactory(partner=partner, id=0, company_name="Harbor Zero")
    with pytest.raises(IntegrityError, match="1 customer\\(s\\) with an id outside"):
        call_command("recount_customers", stdout=io.StringIO())


@pytest.mark.sqlite
@pytest.mark.django_db(transaction=True)
def test_f4_migrating_back_before_0012_removes_the_search_index_for_good(admin_agent, partner):
    CustomerFactory(partner=partner, company_name="Harbor Kept")
    try:
        call_command("migrate", "customers", "0011", verbosity=0)
        # migrate's own checks afterwards (customers/apps.py) make no index nor its triggers.
        assert SEARCH_INDEX not in connection.introspection.table_names()
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'customer_search%'")
            assert cursor.fetchall() == []
        # Written by 0011's code, which searches row by row.
        CustomerFactory(partner=partner, company_name="Harbor Meanwhile")
    finally:
        call_command("migrate", verbosity=0)
    assert SEARCH_INDEX in connection.introspection.table_names()
    assert searched(admin_agent, "harbor") == row_by_row(partner, "harbor")
    assert len(row_by_row(partner, "harbor")) == 2


@pytest.mark.sqlite
def test_f4_recount_customers_indexes_rows_written_while_the_triggers_were_missing(admin_agent, partner):
    CustomerFactory(partner=partner, company_name="Harbor Before")
    with connection.cursor() as cursor:
        for name in ("customer_search_insert", "customer_search_update", "customer_search_delete"):
            cursor.execute(f"DROP TRIGGER {name}")
    # A restore, say, that bypassed the triggers.
    later = CustomerFactory(partner=partner, company_name="Harbor After", tenant_id=uuid.uuid4())
    Customer.objects.filter(company_name="Harbor Before").update(company_name="Quay Before")
    assert searched(admin_agent, "harbor") != row_by_row(partner, "harbor")

    call_command("recount_customers", stdout=io.StringIO())

    assert searched(admin_agent, "harbor") == row_by_row(partner, "harbor") == [later.pk]
    assert searched(admin_agent, "quay") == row_by_row(partner, "quay")
    # The triggers are back too.
    Customer.objects.filter(pk=later.pk).update(company_name="Quay After")
    assert searched(admin_agent, "harbor") == []
