"""Per-partner customer counts, kept by triggers on the customer table (issue 6).

The customer list shows how many customers match and the home page how many are
Confirmed and Required; counting a large partner's rows on every view was most of
the list's cost. The triggers fire for every write of the customer table, whatever
made it (services, bulk seed, admin, fixtures), so the counts cannot drift: an
insert or delete moves `customers` (and `confirmed` when the customer has a current
confirmation); a change of partner or of Confirmed/Required status moves both rows.
Counts are filled from the existing rows when the migration runs.
"""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "customers_partnercustomercount"

SQLITE = [
    f"""
    CREATE TRIGGER customer_count_insert AFTER INSERT ON customers_customer
    BEGIN
        INSERT INTO {TABLE} (partner_id, customers, confirmed)
        VALUES (NEW.partner_id, 1, NEW.current_confirmation_id IS NOT NULL)
        ON CONFLICT (partner_id) DO UPDATE
        SET customers = customers + 1, confirmed = confirmed + excluded.confirmed;
    END
    """,
    f"""
    CREATE TRIGGER customer_count_delete AFTER DELETE ON customers_customer
    BEGIN
        UPDATE {TABLE}
        SET customers = customers - 1, confirmed = confirmed - (OLD.current_confirmation_id IS NOT NULL)
        WHERE partner_id = OLD.partner_id;
    END
    """,
    f"""
    CREATE TRIGGER customer_count_update AFTER UPDATE OF partner_id, current_confirmation_id
    ON customers_customer
    WHEN OLD.partner_id IS NOT NEW.partner_id
        OR (OLD.current_confirmation_id IS NULL) IS NOT (NEW.current_confirmation_id IS NULL)
    BEGIN
        UPDATE {TABLE}
        SET customers = customers - 1, confirmed = confirmed - (OLD.current_confirmation_id IS NOT NULL)
        WHERE partner_id = OLD.partner_id;
        INSERT INTO {TABLE} (partner_id, customers, confirmed)
        VALUES (NEW.partner_id, 1, NEW.current_confirmation_id IS NOT NULL)
        ON CONFLICT (partner_id) DO UPDATE
        SET customers = customers + 1, confirmed = confirmed + excluded.confirmed;
    END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS customer_count_insert",
    "DROP TRIGGER IF EXISTS customer_count_delete",
    "DROP TRIGGER IF EXISTS customer_count_update",
]

POSTGRESQL = [
    f"""
    CREATE FUNCTION customer_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
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
    $$
    """,
    """
    CREATE TRIGGER customer_count_insert_delete AFTER INSERT OR DELETE ON customers_customer
    FOR EACH ROW EXECUTE FUNCTION customer_count_change()
    """,
    """
    CREATE TRIGGER customer_count_update AFTER UPDATE OF partner_id, current_confirmation_id
    ON customers_customer FOR EACH ROW
    WHEN (OLD.partner_id IS DISTINCT FROM NEW.partner_id
          OR (OLD.current_confirmation_id IS NULL) <> (NEW.current_confirmation_id IS NULL))
    EXECUTE FUNCTION customer_count_change()
    """,
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS customer_count_update ON customers_customer",
    "DROP TRIGGER IF EXISTS customer_count_insert_delete ON customers_customer",
    "DROP FUNCTION IF EXISTS customer_count_change()",
]

FILL = f"""
    INSERT INTO {TABLE} (partner_id, customers, confirmed)
    SELECT partner_id, COUNT(*), COUNT(current_confirmation_id) FROM customers_customer GROUP BY partner_id
"""


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(vendor)
    if statements is None:
        raise NotImplementedError(f"Customer count triggers are written for SQLite and PostgreSQL, not {vendor}.")
    for statement in [*statements, FILL]:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}.get(vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_api_id"),
        ("customers", "0005_customer_search_trigram"),
    ]

    operations = [
        migrations.CreateModel(
            name="PartnerCustomerCount",
            fields=[
                (
                    "partner",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="accounts.partner",
                        verbose_name="partner",
                    ),
                ),
                ("customers", models.IntegerField(default=0, verbose_name="customers")),
                ("confirmed", models.IntegerField(default=0, verbose_name="confirmed customers")),
            ],
            options={
                "verbose_name": "partner customer count",
                "verbose_name_plural": "partner customer counts",
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
