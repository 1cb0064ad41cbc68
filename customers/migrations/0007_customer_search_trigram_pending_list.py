"""PostgreSQL only: the trigram indexes keep a short pending list (256 kB, not 4 MB).

Every confirmation updates its customer's row (current_confirmation), and as that
column is indexed the update writes new entries into every index, the two GIN
trigram indexes of 0005 included. GIN queues such entries in a pending list until
autovacuum or an overflow of gin_pending_list_limit (4 MB by default) merges them.
The planner prices the list in: after a few thousand confirmations (3,787 pending
entries, ~300 pages per index) it chose a sequential scan for the search (count
7 -> 65 ms; the search page 459 ms under load). A 256 kB list is merged every few
hundred updates and keeps the indexes' price; turning the list off (fastupdate)
did as well for the search but made the bulk seed 60 % slower.
"""

from django.db import migrations

INDEXES = ("customer_company_name_trgm", "customer_domain_trgm")
PENDING_LIST_LIMIT_KB = 256


def short_pending_list(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"ALTER INDEX {name} SET (gin_pending_list_limit = {PENDING_LIST_LIMIT_KB})")
        # What is already pending goes into the index now.
        schema_editor.execute(f"SELECT gin_clean_pending_list('{name}'::regclass)")


def default_pending_list(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"ALTER INDEX {name} RESET (gin_pending_list_limit)")


class Migration(migrations.Migration):
    dependencies = [("customers", "0006_partner_customer_count")]

    operations = [migrations.RunPython(short_pending_list, default_pending_list, elidable=False)]
