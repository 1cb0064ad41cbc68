"""Per-partner customer counts, kept by triggers on the customer table (issue 6).

The customer list shows how many customers match and the home page how many are
Confirmed and Required; counting a large partner's rows on every view was most of
the list's cost. The triggers fire for every write of the customer table, whatever
made it (services, bulk seed, admin, fixtures), so the counts cannot drift: an
insert or delete moves `customers` (and `confirmed` when the customer has a current
confirmation); a change of partner or of Confirmed/Required status moves both rows.
The SQL is in customers/triggers.py; 0009 creates the triggers and fills the counts
from the existing rows.
"""

import django.db.models.deletion
from django.db import migrations, models



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
        # The triggers are created by 0010: their one definition (customers/triggers.py) now
        # writes the versions 0008 adds and clears what 0009 and 0010 keep. post_migrate
        # recreates them whenever a later migration has dropped them (SQLite).
        migrations.RunPython(migrations.RunPython.noop, drop_triggers, elidable=False),
    ]
