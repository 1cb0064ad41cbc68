"""Remembered searches of the customer list: a search's total and first match per version (issue 6).

The same search again reads how many customers it matched instead of counting every
match, and starts its pages from its first match (customers/list_state.py). The list's
version now also moves when a customer's domain or tenant ID changes (what a search
matches), so the triggers are created again with that, and with the guards that clear
this table.

Migrating back below 0010 drops the triggers, and this code creates them only once this
table exists: until the earlier code's `migrate` recreates its own and recounts every
partner (customers/apps.py), writes are not counted.
"""

import django.db.models.deletion
from django.db import migrations, models


def drop_triggers(apps, schema_editor):
    from customers.triggers import drop_triggers

    drop_triggers(schema_editor.connection)


def create_triggers(apps, schema_editor):
    # Created from their one definition (customers/triggers.py); every partner is recounted.
    from customers.triggers import ensure_triggers

    ensure_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_api_id"),
        ("customers", "0009_customer_list_anchor"),
    ]

    operations = [
        # The triggers of 0009's code (databases migrated before this one): replaced below.
        migrations.RunPython(drop_triggers, migrations.RunPython.noop, elidable=False),
        migrations.CreateModel(
            name="CustomerListSearch",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("status", models.CharField(blank=True, max_length=16, verbose_name="agreement status")),
                ("search", models.CharField(max_length=200, verbose_name="search text")),
                ("list_version", models.BigIntegerField(verbose_name="list version")),
                ("status_version", models.BigIntegerField(verbose_name="status version")),
                ("total", models.PositiveIntegerField(verbose_name="matches")),
                ("company_name", models.CharField(blank=True, max_length=200, verbose_name="company name")),
                ("customer_id", models.BigIntegerField(blank=True, null=True, verbose_name="customer ID")),
                (
                    "partner",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.partner",
                        verbose_name="partner",
                    ),
                ),
            ],
            options={
                "verbose_name": "remembered customer search",
                "verbose_name_plural": "remembered customer searches",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("partner", "status", "search", "list_version", "status_version"),
                        name="customer_list_search_once",
                    )
                ],
            },
        ),
        # Back to 0009: 0009's code recreates its own triggers after its migrate.
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
