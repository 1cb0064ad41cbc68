"""The versions of each partner's customer list, kept by the count triggers (issue 6).

`list_version` moves with every write that changes which rows a partner's list holds
or their order (an insert, a delete, a move to another partner, a new company name);
`status_version` with every change of a customer's Confirmed/Required status. Page
anchors of the list (0009) belong to one pair of them. The triggers are dropped here
and created again by 0010 (customers/triggers.py), which recounts every partner.
"""

from django.db import migrations, models


def drop_triggers(apps, schema_editor):
    # Before the count table changes: SQLite rebuilds it, and refuses to while triggers on
    # the customer table name it. 0010 creates them again, with the anchors and searches they clear.
    from customers.triggers import drop_triggers

    drop_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0007_customer_search_trigram_pending_list"),
    ]

    operations = [
        migrations.RunPython(drop_triggers, migrations.RunPython.noop, elidable=False),
        migrations.AddField(
            model_name="partnercustomercount",
            name="list_version",
            field=models.BigIntegerField(db_default=0, default=0, verbose_name="list version"),
        ),
        migrations.AddField(
            model_name="partnercustomercount",
            name="status_version",
            field=models.BigIntegerField(db_default=0, default=0, verbose_name="status version"),
        ),
    ]
