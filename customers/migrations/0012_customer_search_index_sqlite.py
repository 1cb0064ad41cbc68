"""SQLite's index for the customer search: a trigram full-text table of the company names and
domains, its rowids each customer's partner and id, kept by triggers (issue 6;
customers/triggers.py). PostgreSQL has had its trigram indexes since 0005: nothing changes
there.

A search of 100,000 customers read every row (about 10 ms for the count alone on the
benchmark's machine); the index finds the matches instead.
"""

from django.db import migrations


def create_index(apps, schema_editor):
    # Created from its one definition, then the triggers that keep it, which fill it from the rows.
    from customers.triggers import SQLITE_SEARCH_INDEX, ensure_triggers

    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(SQLITE_SEARCH_INDEX)
    ensure_triggers(schema_editor.connection)


def drop_index(apps, schema_editor):
    from customers.triggers import drop_search_index

    if schema_editor.connection.vendor == "sqlite":
        drop_search_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0011_domain_in_use_message"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
