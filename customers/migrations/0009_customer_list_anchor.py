"""Page anchors of the customer list: deep pages start near their rows (issue 6).

A deep page of the list skipped every row before it (page 2,000 of 100,000
customers: 50,000 index entries); it now starts from the nearest anchor before it,
kept for the version of the list it was found in (0008). customers/list_state.py. The
triggers, dropped by 0008, are created by 0010.
"""

import django.db.models.deletion
from django.db import migrations, models


def drop_triggers(apps, schema_editor):
    # Back to 0007: the code of 0007 recreates its own triggers after its migrate.
    from customers.triggers import drop_triggers

    drop_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_api_id"),
        ("customers", "0008_partner_customer_count_versions"),
    ]

    operations = [
        migrations.CreateModel(
            name="CustomerListAnchor",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("status", models.CharField(blank=True, max_length=16, verbose_name="agreement status")),
                ("list_version", models.BigIntegerField(verbose_name="list version")),
                ("status_version", models.BigIntegerField(verbose_name="status version")),
                ("position", models.PositiveIntegerField(verbose_name="position")),
                ("company_name", models.CharField(max_length=200, verbose_name="company name")),
                ("customer_id", models.BigIntegerField(verbose_name="customer ID")),
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
                "verbose_name": "customer list anchor",
                "verbose_name_plural": "customer list anchors",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("partner", "status", "position", "list_version", "status_version"),
                        name="customer_list_anchor_once",
                    )
                ],
            },
        ),
        # 0010 creates the triggers: their one definition (customers/triggers.py) also clears
        # 0010's remembered searches, whose table does not exist yet.
        migrations.RunPython(migrations.RunPython.noop, drop_triggers, elidable=False),
    ]
