"""PostgreSQL only: the trigram indexes take each change at once, not through a pending list.

Every confirmation updates its customer's row (current_confirmation), and as that
column is indexed the update writes new entries into every index, the two GIN
trigram indexes of 0005 included. With GIN's default fastupdate those entries wait
in a pending list until autovacuum or a 4 MB overflow merges them; the planner
prices the list in, and after a few thousand confirmations it chose a sequential
scan for the search (measured: 7 -> 65 ms for the count, 460 ms a page under load).
"""

from django.db import migrations

INDEXES = ("customer_company_name_trgm", "customer_domain_trgm")


def fastupdate_off(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"ALTER INDEX {name} SET (fastupdate = off)")
        # What is already pending goes into the index now.
        schema_editor.execute(f"SELECT gin_clean_pending_list('{name}'::regclass)")


def fastupdate_on(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"ALTER INDEX {name} RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [("customers", "0006_partner_customer_count")]

    operations = [migrations.RunPython(fastupdate_off, fastupdate_on, elidable=False)]
