"""PostgreSQL only: the database itself refuses to change or delete a confirmation (R5).

The model, its querysets and the admin already refuse; this stops what bypasses Django (raw
SQL, a console, another program with the database's credentials). TRUNCATE, which the test
databases' flush uses, is not a row operation and is not refused. A later data migration that
must change confirmations drops the trigger first and creates it again after.

SQLite has no such trigger: a BEFORE DELETE trigger would refuse the test databases' flush
(SQLite flushes with DELETE), and its table rebuilds drop triggers.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION agreements_confirmation_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'Confirmations are append-only (R5): % of agreements_confirmation refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER confirmation_append_only
    BEFORE UPDATE OR DELETE ON agreements_confirmation
    FOR EACH ROW EXECUTE FUNCTION agreements_confirmation_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS confirmation_append_only ON agreements_confirmation;
DROP FUNCTION IF EXISTS agreements_confirmation_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)  # its "%" is PL/pgSQL's, not a placeholder


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("agreements", "0006_confirmation_base_manager_append_only")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
