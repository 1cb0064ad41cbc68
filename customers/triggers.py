"""The triggers that keep PartnerCustomerCount, and those that guard what the list keeps (issue 6).

An insert or delete moves the partner's `customers` (and `confirmed` when the
customer has a current confirmation); a change of partner moves the old and the new
partner's rows, a change of Confirmed/Required status the partner's `confirmed`.
They also move the versions the customer list's page anchors (CustomerListAnchor) and
remembered searches (CustomerListSearch) belong to: `list_version` when rows enter or
leave a partner's list or change name or id (its order), domain or tenant ID (what a
search matches), `status_version` when a status changes. The versions only grow while
anything kept for them exists: a recount or a TRUNCATE of the customers bumps them
instead of deleting the row, and triggers on the count table drop a partner's anchors
and searches when its row is deleted or its versions are set back (a fixture, a
restore), so nothing kept for an earlier state can come back into use.

On SQLite they also keep the customer search's trigram index (`SEARCH_INDEX`), which
PostgreSQL's own indexes need no trigger for.

They fire for every write of the table, whatever made it (services, bulk seed,
admin, fixtures), so the counts cannot drift — as long as the triggers exist. On
SQLite most schema changes rebuild the table (create a copy, move the rows, drop the
old one), which drops its triggers; so `ensure_triggers` runs after every `migrate`
(customers/apps.py), recreates what is missing or differs from its definition here (a
definition changed by a later release) and then recounts every partner's customers.
After a restore that bypassed the triggers: `python manage.py recount_customers`. The
same after raw SQL that replaces rows on SQLite (`INSERT OR REPLACE`, `UPDATE OR
REPLACE`): the row it replaces is deleted without its delete trigger.

Lock order on PostgreSQL: the customer row first (the services lock it), then
the partner's count row (the trigger updates it), then what is kept for the list
(anchors, searches: a keep locks the count row first, as the count table's triggers
do when they clear them); keep it so, or writers deadlock.
"""

import hashlib

from django.db import IntegrityError, transaction

TABLE = "customers_partnercustomercount"
ANCHORS = "customers_customerlistanchor"
SEARCHES = "customers_customerlistsearch"

# Recount from the rows, for a database whose triggers were missing for a while. Every row
# stays and its versions move: the rows may have changed while nothing counted them.
RECOUNT = [
    f"""UPDATE {TABLE}
        SET customers = 0, confirmed = 0,
            list_version = list_version + 1, status_version = status_version + 1""",
    f"""INSERT INTO {TABLE} (partner_id, customers, confirmed)
        SELECT partner_id, COUNT(*), COUNT(current_confirmation_id) FROM customers_customer
        WHERE true GROUP BY partner_id
        ON CONFLICT (partner_id) DO UPDATE
        SET customers = excluded.customers, confirmed = excluded.confirmed""",
]

# SQLite triggers run statements, not a function: the two moves, shared by three triggers.
_SQLITE_COUNT_OUT = f"""
            UPDATE {TABLE}
            SET customers = customers - 1, confirmed = confirmed - (OLD.current_confirmation_id IS NOT NULL),
                list_version = list_version + 1
            WHERE partner_id = OLD.partner_id;"""
_SQLITE_COUNT_IN = f"""
            INSERT INTO {TABLE} (partner_id, customers, confirmed)
            VALUES (NEW.partner_id, 1, NEW.current_confirmation_id IS NOT NULL)
            ON CONFLICT (partner_id) DO UPDATE
            SET customers = customers + 1, confirmed = confirmed + excluded.confirmed,
                list_version = list_version + 1;"""

# SQLite's index for the customer search (issue 6), as PostgreSQL has its trigram indexes
# (migration 0005): a full-text table of every customer's company name and domain split into
# trigrams, so that a fragment of three characters or more is found without reading every
# row (customers.selectors). It holds them in lower case as SQLite's lower() writes it (ASCII
# letters only) and matches case-sensitively: exactly what LIKE '%fragment%' matches, so
# that the index and a walk of the rows testing LIKE always agree. Its rowid is the
# customer's partner and id in one number, the partner's id above `SEARCH_KEY_BITS` bits: a
# partner's customers are one range of rowids, so a search counts its matches from the
# index alone. It keeps no copy of the text (contentless); the triggers below keep it in
# step with the rows, giving a row's old values to forget it by. Migration 0012 creates it;
# the triggers exist with it.
SEARCH_INDEX = "customers_customer_search"
SEARCH_KEY_BITS = 40
# The ids a key holds: customers' ids below 2**40, partners' below 2**23 (SQLite's integers
# have 63 bits). The triggers refuse a new customer id beyond (it would fall into another
# partner's range), and a rebuild refuses to leave out such a row; a partner's customers
# beyond are left out: its searches read the rows.
SEARCH_MAX_ID = (1 << SEARCH_KEY_BITS) - 1
SEARCH_MAX_PARTNER = (1 << (63 - SEARCH_KEY_BITS)) - 1
SQLITE_SEARCH_INDEX = f"""
    CREATE VIRTUAL TABLE IF NOT EXISTS {SEARCH_INDEX} USING fts5(
        company_name, domain, content='', tokenize='trigram case_sensitive 1'
    )"""


def _search_entry(row: str = "") -> str:
    """A customer row's entry in the search index: its key, its name and its domain (`row`:
    "OLD.", "NEW." or a table's own row)."""
    return f"({row}partner_id << {SEARCH_KEY_BITS}) + {row}id, lower({row}company_name), lower({row}domain)"


def _search_keyed(row: str = "") -> str:
    """Whether a customer row's key fits in the search index's rowids."""
    return f"{row}id BETWEEN 1 AND {SEARCH_MAX_ID} AND {row}partner_id BETWEEN 1 AND {SEARCH_MAX_PARTNER}"


# Built again from the rows: created anew, or written without its triggers for a while.
SQLITE_SEARCH_REBUILD = [
    f"INSERT INTO {SEARCH_INDEX} ({SEARCH_INDEX}) VALUES ('delete-all')",
    f"""INSERT INTO {SEARCH_INDEX} (rowid, company_name, domain)
        SELECT {_search_entry()}
        FROM customers_customer
        WHERE {_search_keyed()}""",
]
_SQLITE_SEARCH_OUT = f"""
            INSERT INTO {SEARCH_INDEX} ({SEARCH_INDEX}, rowid, company_name, domain)
            SELECT 'delete', {_search_entry("OLD.")}
            WHERE {_search_keyed("OLD.")};"""
_SQLITE_SEARCH_REFUSE = f"""
            SELECT RAISE(ABORT, 'customer id beyond the search index key (customers/triggers.py)')
            WHERE NEW.id NOT BETWEEN 1 AND {SEARCH_MAX_ID}"""
_SQLITE_SEARCH_IN = f"""
            INSERT INTO {SEARCH_INDEX} (rowid, company_name, domain)
            SELECT {_search_entry("NEW.")}
            WHERE {_search_keyed("NEW.")};"""

SQLITE_SEARCH = {
    "customer_search_insert": f"""
        CREATE TRIGGER customer_search_insert AFTER INSERT ON customers_customer
        BEGIN{_SQLITE_SEARCH_REFUSE};{_SQLITE_SEARCH_IN}
        END""",
    "customer_search_delete": f"""
        CREATE TRIGGER customer_search_delete AFTER DELETE ON customers_customer
        BEGIN{_SQLITE_SEARCH_OUT}
        END""",
    "customer_search_update": f"""
        CREATE TRIGGER customer_search_update
        AFTER UPDATE OF partner_id, company_name, domain, id ON customers_customer
        WHEN OLD.partner_id IS NOT NEW.partner_id OR OLD.company_name IS NOT NEW.company_name
            OR OLD.domain IS NOT NEW.domain OR OLD.id IS NOT NEW.id
        BEGIN{_SQLITE_SEARCH_REFUSE} AND NEW.id IS NOT OLD.id;{_SQLITE_SEARCH_OUT}{_SQLITE_SEARCH_IN}
        END""",
}

SQLITE = {
    "customer_count_insert": f"""
        CREATE TRIGGER customer_count_insert AFTER INSERT ON customers_customer
        BEGIN{_SQLITE_COUNT_IN}
        END""",
    "customer_count_delete": f"""
        CREATE TRIGGER customer_count_delete AFTER DELETE ON customers_customer
        BEGIN{_SQLITE_COUNT_OUT}
        END""",
    # A move to another partner; a status change in the same statement is counted by the moves.
    "customer_count_update": f"""
        CREATE TRIGGER customer_count_update AFTER UPDATE OF partner_id ON customers_customer
        WHEN OLD.partner_id IS NOT NEW.partner_id
        BEGIN{_SQLITE_COUNT_OUT}{_SQLITE_COUNT_IN}
        END""",
    "customer_count_status": f"""
        CREATE TRIGGER customer_count_status AFTER UPDATE OF current_confirmation_id ON customers_customer
        WHEN OLD.partner_id IS NEW.partner_id
            AND (OLD.current_confirmation_id IS NULL) IS NOT (NEW.current_confirmation_id IS NULL)
        BEGIN
            UPDATE {TABLE}
            SET confirmed = confirmed + (NEW.current_confirmation_id IS NOT NULL)
                    - (OLD.current_confirmation_id IS NOT NULL),
                status_version = status_version + 1
            WHERE partner_id = NEW.partner_id;
        END""",
    # A new name, or a new id (the order's tie-break), moves the row within the list; a new
    # name, domain or tenant ID changes which searches match it.
    "customer_list_rename": f"""
        CREATE TRIGGER customer_list_rename
        AFTER UPDATE OF company_name, domain, tenant_id, id ON customers_customer
        WHEN OLD.partner_id IS NEW.partner_id
            AND (OLD.company_name IS NOT NEW.company_name OR OLD.domain IS NOT NEW.domain
                 OR OLD.tenant_id IS NOT NEW.tenant_id OR OLD.id IS NOT NEW.id)
        BEGIN
            UPDATE {TABLE} SET list_version = list_version + 1 WHERE partner_id = NEW.partner_id;
        END""",
    # Versions only grow while anything kept for them exists: a count row deleted or set back
    # (a fixture, a restore) takes its partner's anchors and searches with it.
    "customer_list_anchors_drop": f"""
        CREATE TRIGGER customer_list_anchors_drop AFTER DELETE ON {TABLE}
        BEGIN
            DELETE FROM {ANCHORS} WHERE partner_id = OLD.partner_id;
            DELETE FROM {SEARCHES} WHERE partner_id = OLD.partner_id;
        END""",
    "customer_list_anchors_rewind": f"""
        CREATE TRIGGER customer_list_anchors_rewind
        AFTER UPDATE OF partner_id, list_version, status_version ON {TABLE}
        WHEN OLD.partner_id IS NOT NEW.partner_id
            OR NEW.list_version < OLD.list_version OR NEW.status_version < OLD.status_version
        BEGIN
            DELETE FROM {ANCHORS} WHERE partner_id IN (OLD.partner_id, NEW.partner_id);
            DELETE FROM {SEARCHES} WHERE partner_id IN (OLD.partner_id, NEW.partner_id);
        END""",
}

POSTGRESQL_FUNCTION = f"""
    CREATE OR REPLACE FUNCTION customer_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND OLD.partner_id = NEW.partner_id THEN
            UPDATE {TABLE}
            SET confirmed = confirmed + (NEW.current_confirmation_id IS NOT NULL)::int
                    - (OLD.current_confirmation_id IS NOT NULL)::int,
                status_version = status_version
                    + ((OLD.current_confirmation_id IS NULL) <> (NEW.current_confirmation_id IS NULL))::int,
                list_version = list_version
                    + (OLD.company_name IS DISTINCT FROM NEW.company_name
                       OR OLD.domain IS DISTINCT FROM NEW.domain
                       OR OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.id <> NEW.id)::int
            WHERE partner_id = NEW.partner_id;
            RETURN NULL;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            UPDATE {TABLE}
            SET customers = customers - 1,
                confirmed = confirmed - (OLD.current_confirmation_id IS NOT NULL)::int,
                list_version = list_version + 1
            WHERE partner_id = OLD.partner_id;
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            INSERT INTO {TABLE} AS counts (partner_id, customers, confirmed)
            VALUES (NEW.partner_id, 1, (NEW.current_confirmation_id IS NOT NULL)::int)
            ON CONFLICT (partner_id) DO UPDATE
            SET customers = counts.customers + 1, confirmed = counts.confirmed + EXCLUDED.confirmed,
                list_version = counts.list_version + 1;
        END IF;
        RETURN NULL;
    END
    $$"""

# TRUNCATE fires no row trigger: it empties the counts too, and moves the versions.
POSTGRESQL_TRUNCATE_FUNCTION = f"""
    CREATE OR REPLACE FUNCTION customer_count_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE {TABLE} SET customers = 0, confirmed = 0, list_version = list_version + 1;
        RETURN NULL;
    END
    $$"""

# Versions only grow while anything kept for them exists: a count row deleted, truncated or
# set back (a fixture, a restore) takes its partner's anchors and searches with it.
POSTGRESQL_ANCHORS_FUNCTION = f"""
    CREATE OR REPLACE FUNCTION customer_list_anchors_drop() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            DELETE FROM {ANCHORS};
            DELETE FROM {SEARCHES};
        ELSIF TG_OP = 'DELETE' THEN
            DELETE FROM {ANCHORS} WHERE partner_id = OLD.partner_id;
            DELETE FROM {SEARCHES} WHERE partner_id = OLD.partner_id;
        ELSE
            DELETE FROM {ANCHORS} WHERE partner_id IN (OLD.partner_id, NEW.partner_id);
            DELETE FROM {SEARCHES} WHERE partner_id IN (OLD.partner_id, NEW.partner_id);
        END IF;
        RETURN NULL;
    END
    $$"""

POSTGRESQL_FUNCTIONS = {
    "customer_count_change": POSTGRESQL_FUNCTION,
    "customer_count_truncate": POSTGRESQL_TRUNCATE_FUNCTION,
    "customer_list_anchors_drop": POSTGRESQL_ANCHORS_FUNCTION,
}

POSTGRESQL = {
    "customer_count_truncate": """
        CREATE TRIGGER customer_count_truncate AFTER TRUNCATE ON customers_customer
        FOR EACH STATEMENT EXECUTE FUNCTION customer_count_truncate()""",
    "customer_count_insert_delete": """
        CREATE TRIGGER customer_count_insert_delete AFTER INSERT OR DELETE ON customers_customer
        FOR EACH ROW EXECUTE FUNCTION customer_count_change()""",
    "customer_count_update": """
        CREATE TRIGGER customer_count_update
        AFTER UPDATE OF partner_id, current_confirmation_id, company_name, domain, tenant_id, id
        ON customers_customer FOR EACH ROW
        WHEN (OLD.partner_id IS DISTINCT FROM NEW.partner_id
              OR (OLD.current_confirmation_id IS NULL) <> (NEW.current_confirmation_id IS NULL)
              OR OLD.company_name IS DISTINCT FROM NEW.company_name
              OR OLD.domain IS DISTINCT FROM NEW.domain
              OR OLD.tenant_id IS DISTINCT FROM NEW.tenant_id
              OR OLD.id <> NEW.id)
        EXECUTE FUNCTION customer_count_change()""",
    "customer_list_anchors_drop": f"""
        CREATE TRIGGER customer_list_anchors_drop AFTER DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION customer_list_anchors_drop()""",
    "customer_list_anchors_rewind": f"""
        CREATE TRIGGER customer_list_anchors_rewind
        AFTER UPDATE OF partner_id, list_version, status_version ON {TABLE} FOR EACH ROW
        WHEN (OLD.partner_id <> NEW.partner_id
              OR NEW.list_version < OLD.list_version OR NEW.status_version < OLD.status_version)
        EXECUTE FUNCTION customer_list_anchors_drop()""",
    "customer_list_anchors_truncate": f"""
        CREATE TRIGGER customer_list_anchors_truncate AFTER TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION customer_list_anchors_drop()""",
}

# The triggers above that are on the count table, not on the customer table.
ON_COUNTS = {"customer_list_anchors_drop", "customer_list_anchors_rewind", "customer_list_anchors_truncate"}


def trigger_definitions(connection) -> dict[str, str]:
    if connection.vendor == "sqlite":
        # The search index's triggers exist with it (from migration 0012); a schema change that
        # rebuilds the customer table drops the triggers, not the index.
        return {**SQLITE, **SQLITE_SEARCH} if search_index_exists(connection) else SQLITE
    if connection.vendor == "postgresql":
        return POSTGRESQL
    raise NotImplementedError(
        f"Customer count triggers exist for SQLite and PostgreSQL, not {connection.vendor}."
    )


def installed_triggers(connection) -> set[str]:
    """The names of the count triggers on the customer table."""
    return set(_installed(connection)) & set(trigger_definitions(connection))


def _installed(connection) -> dict[str, str | None]:
    """Every trigger on the customer and count tables, with what it was created from: SQLite
    keeps a trigger's SQL; on PostgreSQL `ensure_triggers` notes a fingerprint of it in its comment."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (%s, %s)",
                ["customers_customer", TABLE],
            )
        else:
            cursor.execute(
                "SELECT tgname, obj_description(oid, 'pg_trigger') FROM pg_trigger WHERE NOT tgisinternal "
                "AND tgrelid IN ('customers_customer'::regclass, %s::regclass)",
                [TABLE],
            )
        rows = cursor.fetchall()
    if connection.vendor == "sqlite":
        return {name: _normal(sql) for name, sql in rows}
    return dict(rows)


def _normal(sql: str) -> str:
    return " ".join(sql.split())


def _fingerprint(connection, sql: str) -> str:
    """What `_installed` reports for a trigger created from `sql`, whitespace aside."""
    sql = _normal(sql)
    return sql if connection.vendor == "sqlite" else hashlib.sha256(sql.encode()).hexdigest()


def _functions_differ(connection) -> bool:
    """Whether a PostgreSQL trigger function is missing or its body differs from its definition here."""
    if connection.vendor != "postgresql":
        return False
    bodies = {name: sql.split("$$")[1] for name, sql in POSTGRESQL_FUNCTIONS.items()}
    with connection.cursor() as cursor:
        # Those the triggers call: found through the search path, as a trigger finds them.
        cursor.execute(
            "SELECT proname, prosrc FROM pg_proc WHERE proname = ANY(%s) AND pg_function_is_visible(oid)",
            [list(bodies)],
        )
        installed = dict(cursor.fetchall())
    return any(_normal(installed.get(name, "")) != _normal(body) for name, body in bodies.items())


def stale_triggers(connection) -> set[str]:
    """The count triggers missing or created from another definition than this module's."""
    installed = _installed(connection)
    return {
        name
        for name, sql in trigger_definitions(connection).items()
        if installed.get(name) != _fingerprint(connection, sql)
    }


def _on(name: str) -> str:
    """The table a trigger is on."""
    return TABLE if name in ON_COUNTS else "customers_customer"


def _drop(connection, name: str) -> str:
    on = f" ON {_on(name)}" if connection.vendor == "postgresql" else ""
    return f"DROP TRIGGER IF EXISTS {name}{on}"


def search_index_exists(connection) -> bool:
    """Whether SQLite's search index exists (PostgreSQL's indexes are plain migrations')."""
    return connection.vendor == "sqlite" and SEARCH_INDEX in connection.introspection.table_names()


def ensure_triggers(connection) -> bool:
    """Create the count triggers (and the search index's) that are missing or differ from their
    definition here (and PostgreSQL's trigger functions), then recount; True when any did."""
    definitions = trigger_definitions(connection)
    stale = stale_triggers(connection)
    functions_differ = _functions_differ(connection)
    if not stale and not functions_differ:
        return False
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                for function in POSTGRESQL_FUNCTIONS.values():
                    cursor.execute(function)
            for name in sorted(stale):
                cursor.execute(_drop(connection, name))
                cursor.execute(definitions[name])
                if connection.vendor == "postgresql":
                    cursor.execute(
                        f"COMMENT ON TRIGGER {name} ON {_on(name)} IS %s",
                        [_fingerprint(connection, definitions[name])],
                    )
        recount(connection)
    return True


def recount(connection) -> None:
    """Count every partner's customers again from the rows (after a restore, say); on SQLite,
    index their names and domains again too."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for statement in RECOUNT:
            cursor.execute(statement)
        if search_index_exists(connection):
            cursor.execute(
                f"SELECT COUNT(*) FROM customers_customer WHERE id NOT BETWEEN 1 AND {SEARCH_MAX_ID}"
            )
            (beyond,) = cursor.fetchone()
            if beyond:
                # Left out, they would be counted by no search the index serves, yet shown by its pages.
                raise IntegrityError(
                    f"{beyond} customer(s) with an id outside 1..{SEARCH_MAX_ID} cannot be in the search "
                    "index (customers/triggers.py): give them ids in that range, then migrate again."
                )
            for statement in SQLITE_SEARCH_REBUILD:
                cursor.execute(statement)


def drop_search_index(connection) -> None:
    """SQLite's search index and the triggers that keep it (migration 0012 backwards)."""
    with connection.cursor() as cursor:
        for name in SQLITE_SEARCH:
            cursor.execute(_drop(connection, name))
        cursor.execute(f"DROP TABLE IF EXISTS {SEARCH_INDEX}")


def drop_triggers(connection) -> None:
    with connection.cursor() as cursor:
        for name in trigger_definitions(connection):
            cursor.execute(_drop(connection, name))
        if connection.vendor == "postgresql":
            for function in POSTGRESQL_FUNCTIONS:
                cursor.execute(f"DROP FUNCTION IF EXISTS {function}()")
