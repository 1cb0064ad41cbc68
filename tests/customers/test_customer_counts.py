"""The per-partner customer counts the list and the home page read (issue 6, F4, home page).

Kept by triggers on the customer table (customers/migrations/0006), so every way of
writing customers must leave them equal to a real count of the rows.
"""

import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection, models
from django.db.models import Count

from agreements.models import ConfirmationChannel
from agreements.services import confirmation_record
from customers.apps import ensure_customer_count_triggers
from customers.models import AgreementStatus, Customer, PartnerCustomerCount
from customers.selectors import customer_list, customer_list_state, customer_status_counts
from customers.services import customer_create
from customers.triggers import (
    ON_COUNTS,
    drop_triggers,
    ensure_triggers,
    installed_triggers,
    stale_triggers,
    trigger_definitions,
)
from tests.factories import ConfirmationFactory, CustomerFactory, confirmed_customer

pytestmark = pytest.mark.django_db


def real_counts() -> dict[int, tuple[int, int]]:
    rows = Customer.objects.values("partner_id").annotate(
        n=Count("id"), confirmed=Count("current_confirmation")
    )
    return {row["partner_id"]: (row["n"], row["confirmed"]) for row in rows if row["n"]}


def kept_counts() -> dict[int, tuple[int, int]]:
    return {
        row.partner_id: (row.customers, row.confirmed)
        for row in PartnerCustomerCount.objects.all()
        if row.customers or row.confirmed
    }


def test_f4_counts_follow_customers_created_through_the_service_with_and_without_confirmation(
    actor, admin_agent, acceptor, partner
):
    customer_create(actor=actor(admin_agent), **_details("alpha"))
    customer_create(actor=actor(admin_agent), acceptor=acceptor(), **_details("beta"))
    assert kept_counts() == real_counts() == {partner.pk: (2, 1)}
    assert customer_status_counts(user=admin_agent) == {
        AgreementStatus.CONFIRMED: 1,
        AgreementStatus.REQUIRED: 1,
    }


def test_f4_counts_move_from_required_to_confirmed_once_when_a_customer_is_confirmed_again(
    actor, admin_agent, acceptor, customer, partner
):
    confirmation_record(
        actor=actor(admin_agent),
        customer=customer,
        acceptor=acceptor(),
        channel=ConfirmationChannel.ACCOUNT_INFO,
    )
    # R5: a newer confirmation replaces the current one; the customer stays one Confirmed customer.
    confirmation_record(
        actor=actor(admin_agent),
        customer=customer,
        acceptor=acceptor(first_name="Grace"),
        channel=ConfirmationChannel.ACCOUNT_INFO,
    )
    assert kept_counts() == real_counts() == {partner.pk: (1, 1)}


def test_f4_counts_follow_fixtures_bulk_inserts_moves_between_partners_and_deletes(partner, other_partner):
    CustomerFactory.create_batch(3, partner=partner)
    moved = confirmed_customer(partner=partner)
    Customer.objects.bulk_create(CustomerFactory.build_batch(4, partner=other_partner))
    assert kept_counts() == real_counts() == {partner.pk: (4, 1), other_partner.pk: (4, 0)}

    Customer.objects.filter(pk=moved.pk).update(partner=other_partner)
    assert kept_counts() == real_counts() == {partner.pk: (3, 0), other_partner.pk: (5, 1)}

    Customer.objects.filter(pk=moved.pk).update(current_confirmation=None)
    assert kept_counts() == real_counts() == {partner.pk: (3, 0), other_partner.pk: (5, 0)}

    Customer.objects.filter(partner=partner).delete()
    assert kept_counts() == real_counts() == {other_partner.pk: (5, 0)}


def test_f4_counts_ignore_updates_that_change_neither_partner_nor_status_nor_name(partner):
    customer = confirmed_customer(partner=partner)
    newer = ConfirmationFactory(customer=customer)
    before = PartnerCustomerCount.objects.values().get(partner=partner)
    Customer.objects.filter(pk=customer.pk).update(current_confirmation=newer, city="Redmond")
    customer.refresh_from_db()
    customer.save()  # every column written again, the same values
    assert PartnerCustomerCount.objects.values().get(partner=partner) == before


def test_f4_missing_triggers_are_recreated_and_the_counts_recounted_after_migrate(partner):
    CustomerFactory(partner=partner)
    drop_triggers(connection)
    CustomerFactory.create_batch(2, partner=partner)
    confirmed_customer(partner=partner)
    assert kept_counts() != real_counts()

    ensure_customer_count_triggers(sender=None, using=connection.alias)

    assert installed_triggers(connection) == set(trigger_definitions(connection))
    assert kept_counts() == real_counts() == {partner.pk: (4, 1)}
    CustomerFactory(partner=partner)
    assert kept_counts() == real_counts() == {partner.pk: (5, 1)}


def test_f4_a_trigger_changed_under_its_name_is_replaced_by_its_definition_after_migrate(partner):
    """A later release that changes a trigger's definition: migrate replaces the one installed."""
    name = "customer_count_insert" if connection.vendor == "sqlite" else "customer_count_insert_delete"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER {name}")
            cursor.execute(f"CREATE TRIGGER {name} AFTER INSERT ON customers_customer BEGIN SELECT 1; END")
        else:
            cursor.execute(f"DROP TRIGGER {name} ON customers_customer")
            cursor.execute(
                f"CREATE TRIGGER {name} AFTER INSERT OR DELETE ON customers_customer "
                "FOR EACH ROW EXECUTE FUNCTION customer_count_truncate()"
            )
    CustomerFactory(partner=partner)
    assert kept_counts() != real_counts()
    assert stale_triggers(connection) == {name}

    ensure_customer_count_triggers(sender=None, using=connection.alias)

    assert stale_triggers(connection) == set()
    assert kept_counts() == real_counts() == {partner.pk: (1, 0)}
    CustomerFactory(partner=partner)
    assert kept_counts() == real_counts() == {partner.pk: (2, 0)}
    # Nothing to do the next time: what it installed matches its definitions.
    assert not ensure_triggers(connection)


@pytest.mark.postgresql
def test_f4_a_trigger_function_changed_under_its_name_is_replaced_after_migrate(partner):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE OR REPLACE FUNCTION customer_count_change() RETURNS trigger LANGUAGE plpgsql "
            "AS $$ BEGIN RETURN NULL; END $$"
        )
    CustomerFactory(partner=partner)
    assert kept_counts() != real_counts()
    assert stale_triggers(connection) == set()  # the triggers themselves are the same

    ensure_customer_count_triggers(sender=None, using=connection.alias)

    assert kept_counts() == real_counts() == {partner.pk: (1, 0)}
    CustomerFactory(partner=partner)
    assert kept_counts() == real_counts() == {partner.pk: (2, 0)}
    assert not ensure_triggers(connection)


def test_f4_recount_customers_repairs_counts_that_drifted(partner, other_partner):
    CustomerFactory.create_batch(2, partner=partner)
    confirmed_customer(partner=other_partner)
    # A restore that bypassed the triggers, say.
    PartnerCustomerCount.objects.filter(partner=partner).update(customers=999, confirmed=7)
    out = io.StringIO()
    call_command("recount_customers", stdout=out)
    assert kept_counts() == real_counts() == {partner.pk: (2, 0), other_partner.pk: (1, 1)}
    assert "Counted 3 customers of 2 partners." in out.getvalue()


@pytest.mark.postgresql
def test_f4_truncating_the_customer_table_empties_the_counts(partner):
    CustomerFactory.create_batch(2, partner=partner)
    with connection.cursor() as cursor:
        # The inserts' deferred foreign-key checks would otherwise still be pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE customers_customer CASCADE")
    assert kept_counts() == real_counts() == {}
    CustomerFactory(partner=partner)
    assert kept_counts() == real_counts() == {partner.pk: (1, 0)}


@pytest.mark.django_db(transaction=True)
def test_f4_triggers_survive_a_migration_that_rebuilds_the_customer_table(admin_agent, partner):
    """On SQLite most schema changes copy the table and drop the old one, triggers and all."""
    before = CustomerFactory(partner=partner, company_name="Harbor Before")
    old_field = Customer._meta.get_field("city")
    new_field = models.CharField(max_length=old_field.max_length + 1)
    new_field.set_attributes_from_name("city")
    new_field.model = Customer
    try:
        with connection.schema_editor() as editor:
            editor.alter_field(Customer, old_field, new_field)
        if connection.vendor == "sqlite":
            # Those on the customer table went with it; those on the count table stay.
            assert installed_triggers(connection) <= ON_COUNTS
        call_command("migrate", verbosity=0)
        assert installed_triggers(connection) == set(trigger_definitions(connection))
        after = CustomerFactory(partner=partner, company_name="Harbor After")
        CustomerFactory(partner=partner)
        assert kept_counts() == real_counts() == {partner.pk: (3, 0)}
        # The search finds rows from before and after the rebuild (SQLite's index is rebuilt).
        assert {c.pk for c in customer_list(user=admin_agent, q="harbor")} == {before.pk, after.pk}
    finally:
        with connection.schema_editor() as editor:
            editor.alter_field(Customer, new_field, old_field)
        call_command("migrate", verbosity=0)
    assert installed_triggers(connection) == set(trigger_definitions(connection))


def test_f4_list_total_is_the_kept_count_for_each_status(admin_agent, partner):
    CustomerFactory.create_batch(2, partner=partner)
    confirmed_customer(partner=partner)
    assert customer_list_state(user=admin_agent)[0] == 3
    assert customer_list_state(user=admin_agent, status=AgreementStatus.CONFIRMED)[0] == 1
    assert customer_list_state(user=admin_agent, status=AgreementStatus.REQUIRED)[0] == 2


def test_r12_counts_are_the_users_own_partners(admin_agent, other_partner, staff_user):
    CustomerFactory.create_batch(2, partner=other_partner)
    assert customer_list_state(user=admin_agent)[0] == 0
    assert customer_list_state(user=staff_user)[0] == 0


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_f4_counts_stay_exact_when_customers_are_created_and_confirmed_concurrently(
    actor, admin_agent, sales_agent, acceptor, partner
):
    customers = CustomerFactory.create_batch(10, partner=partner)
    barrier = threading.Barrier(20)
    errors = []

    def run(work):
        try:
            barrier.wait(timeout=10)
            work()
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    def create(n):
        return lambda: customer_create(actor=actor(sales_agent), acceptor=acceptor(), **_details(f"race{n}"))

    def confirm(customer):
        return lambda: confirmation_record(
            actor=actor(admin_agent),
            customer=customer,
            acceptor=acceptor(),
            channel=ConfirmationChannel.ACCOUNT_INFO,
        )

    works = [create(n) for n in range(10)] + [confirm(c) for c in customers]
    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert kept_counts() == real_counts() == {partner.pk: (20, 20)}


def _details(prefix: str) -> dict:
    return {
        "company_name": f"{prefix.title()} Ltd",
        "domain": f"{prefix}.onmicrosoft.com",
        "email": f"billing@{prefix}.example.com",
        "address_line1": "1 Main Street",
        "city": "Seattle",
        "state": "WA",
        "postal_code": "98101",
        "country": "US",
        "contact_first_name": "Ada",
        "contact_last_name": "Lovelace",
        "contact_email": f"ada@{prefix}.example.com",
        "contact_phone": "",
    }
