"""Per-partner customer counts, kept by triggers on the customer table (issue 6).

The customer list shows how many customers match and the home page how many are
Confirmed and Required; counting a large partner's rows on every view was most of
the list's cost. The triggers fire for every write of the customer table, whatever
made it (services, bulk seed, admin, fixtures), so the counts cannot drift: an
insert or delete moves `customers` (and `confirmed` when the customer has a current
confirmation); a change of partner or of Confirmed/Required status moves both rows.
Counts are filled from the existing rows when the migration runs. The SQL is in
customers/triggers.py.
"""

import django.db.models.deletion
from django.db import migrations, models



def create_triggers(apps, schema_editor):
    # The one definition of the triggers lives in customers/triggers.py; post_migrate
    # recreates them from there whenever a later migration has dropped them (SQLite).
    from customers.triggers import ensure_triggers

    ensure_triggers(schema_editor.connection)


def drop_triggers(apps, schema_editor):
    from customers.triggers import drop_triggers

    drop_triggers(schema_editor.connection)


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
