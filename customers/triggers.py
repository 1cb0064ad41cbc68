"""The triggers on the customer table that keep PartnerCustomerCount (issue 6).

An insert or delete moves the partner's `customers` (and `confirmed` when the
customer has a current confirmation); a change of partner or of Confirmed/Required
status moves the old and the new partner's rows. They fire for every write of the
table, whatever made it (services, bulk seed, admin, fixtures), so the counts
cannot drift — as long as the triggers exist. On SQLite most schema changes
rebuild the table (create a copy, move the rows, drop the old one), which drops
its triggers; so `ensure_triggers` runs after every `migrate` (customers/apps.py),
recreates what is missing and then recounts every partner's customers. On
PostgreSQL a TRUNCATE of the customer table empties the counts. After a restore
that bypassed the triggers: `python manage.py recount_customers`.

Lock order on PostgreSQL: the customer row first (the services lock it), then
the partner's count row (the trigger updates it); keep it so, or writers deadlock.
"""

from django.db import transaction

TABLE = "customers_partnercustomercount"

# Recount from the rows, for a database whose triggers were missing for a while.
RECOUNT = [
    f"DELETE FROM {TABLE}",
    f"""INSERT INTO {TABLE} (partner_id, customers, confirmed)
        SELECT partner_id, COUNT(*), COUNT(current_confirmation_id) FROM customers_customer
        GROUP BY partner_id""",
]

# SQLite triggers run statements, not a function: the two moves, shared by the three triggers.
_SQLITE_COUNT_OUT = f"""
            UPDATE {TABLE}
            SET customers = customers - 1, confirmed = confirmed - (OLD.current_confirmation_id IS NOT NULL)
            WHERE partner_id = OLD.partner_id;"""
_SQLITE_COUNT_IN = f"""
            INSERT INTO {TABLE} (partner_id, customers, confirmed)
            VALUES (NEW.partner_id, 1, NEW.current_confirmation_id IS NOT NULL)
            ON CONFLICT (partner_id) DO UPDATE
            SET customers = customers + 1, confirmed = confirmed + excluded.confirmed;"""

SQLITE = {
    "customer_count_insert": f"""
        CREATE TRIGGER customer_count_insert AFTER INSERT ON customers_customer
        BEGIN{_SQLITE_COUNT_IN}
        END""",
    "customer_count_delete": f"""
        CREATE TRIGGER customer_count_delete AFTER DELETE ON customers_customer
        BEGIN{_SQLITE_COUNT_OUT}
        END""",
    "customer_count_update": f"""
        CREATE TRIGGER customer_count_update AFTER UPDATE OF partner_id, current_confirmation_id
        ON customers_customer
        WHEN OLD.partner_id IS NOT NEW.partner_id
            OR (OLD.current_confirmation_id IS NULL) IS NOT (NEW.current_confirmation_id IS NULL)
        BEGIN{_SQLITE_COUNT_OUT}{_SQLITE_COUNT_IN}
        END""",
}

POSTGRESQL_FUNCTION = f"""
    CREATE OR REPLACE FUNCTION customer_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            UPDATE {TABLE}
            SET customers = customers - 1,
                confirmed = confirmed - (OLD.current_confirmation_id IS NOT NULL)::int
            WHERE partner_id = OLD.partner_id;
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            INSERT INTO {TABLE} AS counts (partner_id, customers, confirmed)
            VALUES (NEW.partner_id, 1, (NEW.current_confirmation_id IS NOT NULL)::int)
            ON CONFLICT (partner_id) DO UPDATE
            SET customers = counts.customers + 1, confirmed = counts.confirmed + EXCLUDED.confirmed;
        END IF;
        RETURN NULL;
    END
    $$"""

# TRUNCATE fires no row trigger: it empties the counts too.
POSTGRESQL_TRUNCATE_FUNCTION = f"""
    CREATE OR REPLACE FUNCTION customer_count_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM {TABLE};
        RETURN NULL;
    END
    $$"""

POSTGRESQL = {
    "customer_count_truncate": """
        CREATE TRIGGER customer_count_truncate AFTER TRUNCATE ON customers_customer
        FOR EACH STATEMENT EXECUTE FUNCTION customer_count_truncate()""",
    "customer_count_insert_delete": """
        CREATE TRIGGER customer_count_insert_delete AFTER INSERT OR DELETE ON customers_customer
        FOR EACH ROW EXECUTE FUNCTION customer_count_change()""",
    "customer_count_update": """
        CREATE TRIGGER customer_count_update AFTER UPDATE OF partner_id, current_confirmation_id
        ON customers_customer FOR EACH ROW
        WHEN (OLD.partner_id IS DISTINCT FROM NEW.partner_id
              OR (OLD.current_confirmation_id IS NULL) <> (NEW.current_confirmation_id IS NULL))
        EXECUTE FUNCTION customer_count_change()""",
}


def trigger_definitions(connection) -> dict[str, str]:
    if connection.vendor == "sqlite":
        return SQLITE
    if connection.vendor == "postgresql":
        return POSTGRESQL
    raise NotImplementedError(
        f"Customer count triggers exist for SQLite and PostgreSQL, not {connection.vendor}."
    )


def installed_triggers(connection) -> set[str]:
    """The names of the count triggers on the customer table."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'customers_customer'"
            )
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger "
                "WHERE tgrelid = 'customers_customer'::regclass AND NOT tgisinternal"
            )
        return {name for (name,) in cursor.fetchall()} & set(trigger_definitions(connection))


def ensure_triggers(connection) -> bool:
    """Create the count triggers that are missing and recount; True when something was missing."""
    definitions = trigger_definitions(connection)
    missing = set(definitions) - installed_triggers(connection)
    if not missing:
        return False
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(POSTGRESQL_FUNCTION)
                cursor.execute(POSTGRESQL_TRUNCATE_FUNCTION)
            for name in sorted(missing):
                cursor.execute(definitions[name])
        recount(connection)
    return True


def recount(connection) -> None:
    """Count every partner's customers again from the rows (after a restore, say)."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for statement in RECOUNT:
            cursor.execute(statement)


def drop_triggers(connection) -> None:
    with connection.cursor() as cursor:
        for name in trigger_definitions(connection):
            if connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON customers_customer")
        if connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS customer_count_change()")
            cursor.execute("DROP FUNCTION IF EXISTS customer_count_truncate()")
