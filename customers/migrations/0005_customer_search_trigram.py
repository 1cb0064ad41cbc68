"""PostgreSQL only: trigram indexes for the customer search (icontains on company name or domain).

Django compiles `company_name__icontains=q` on PostgreSQL to
`UPPER("customers_customer"."company_name"::text) LIKE UPPER(%s)`; a GIN trigram
index on exactly that expression serves it, and the search ORs company name and
domain, so both need one (a BitmapOr of the two). SQLite has no such index; the
covering index of 0004 is what serves it there.
"""

from django.db import migrations

INDEXES = {
    "customer_company_name_trgm": "company_name",
    "customer_domain_trgm": "domain",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON customers_customer "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0004_customer_list_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
