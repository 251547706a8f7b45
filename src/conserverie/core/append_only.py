"""Append-only ledgers, enforced by the database itself (issue 13).

A ledger row (a jar movement, kilos leaving a raw lot) is evidence: it is never edited nor deleted, a mistake is
corrected by a new row of the opposite sign. Three layers say so, from the friendliest to the last word:

- `AppendOnlyMixin` (model) and `AppendOnlyQuerySet` (its default manager): `save()` of an existing row,
  `delete()`, `QuerySet.update()` and `QuerySet.delete()` raise `AppendOnlyError` before any SQL is sent.
- The `AppendOnly` migration operation puts triggers on the table, so that the database refuses `UPDATE` and
  `DELETE` (and `TRUNCATE` on PostgreSQL) whoever sends them: raw SQL, `psql`, `sqlite3`, another program.
  SQLite: two `BEFORE UPDATE` / `BEFORE DELETE` triggers that `RAISE(ABORT, …)`. PostgreSQL: a plpgsql function
  per table, called by a `BEFORE UPDATE OR DELETE … FOR EACH ROW` trigger and a `BEFORE TRUNCATE … FOR EACH
  STATEMENT` trigger, raising SQLSTATE 23001 (restrict_violation). Both engines thus refuse with
  `django.db.IntegrityError` and a message that starts with `MESSAGE`.

The maintenance allowance. A few wipes are legitimate: Django's `flush` (which the test runner calls after every
transactional test: `transactional_db`, `live_server`; `DELETE FROM` on SQLite, `TRUNCATE` on PostgreSQL) and a
deliberate reset of a whole database. They run inside `ledger_maintenance()`, which writes one row into the
control table `core_ledger_maintenance` and takes it out again before its transaction ends. Every trigger lets the
change through only while that table holds a row the current transaction can see: as the row is never committed,
no other connection ever sees it (SQLite has one writer at a time and readers see committed data only; PostgreSQL
shows a transaction's uncommitted rows to nobody else), and a crash or an error rolls it back with the rest.
One mechanism for both engines: SQLite has no session variables, and a PostgreSQL setting
(`SET LOCAL conserverie.…`) would have been a second design to test. The control table is deliberately not a Django
model: `flush` empties every model table, and on SQLite it would empty the control table before the ledgers.
`conserverie flush` (core/management/commands/flush.py) runs Django's flush inside `ledger_maintenance()`.

This guards against mistakes, not against the database's owner, who can always drop a trigger. Restoring a backup
needs no allowance: SQLite copies pages (`Connection.backup`), `pg_restore --clean` drops and recreates tables.

Keep in mind when writing migrations:
- On SQLite, an operation that rebuilds a ledger table (`AlterField`, `AddField` with a default, `AddConstraint`,
  …) drops its triggers with the old table: end such a migration with `AppendOnly("<Model>")` again (it is
  idempotent). tests/core/test_migrations.py checks that the triggers exist after all migrations (it compares them
  with the test database's, where tests/database.py runs these operations again).
- A data migration cannot `UPDATE` a ledger: it adds rows, or runs inside `ledger_maintenance()` for a good reason.

core stays the ground floor: nothing here imports a domain app; the ledgers' apps use these helpers.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, models, router, transaction
from django.db.migrations.operations.base import Operation

MAINTENANCE_TABLE = "core_ledger_maintenance"
MESSAGE = "registre en ajout seul : corrigez par un mouvement inverse"


class AppendOnlyError(IntegrityError):
    """A change to an append-only ledger, refused in Python (the database refuses it too)."""


def _refusal(model, what: str) -> str:
    return f"{model._meta.label} : {what} ({MESSAGE})."


class AppendOnlyQuerySet(models.QuerySet):
    """The default queryset of a ledger: reads, inserts and `bulk_create` only."""

    def update(self, **kwargs):
        raise AppendOnlyError(_refusal(self.model, "update() refusé"))

    def delete(self):
        raise AppendOnlyError(_refusal(self.model, "delete() refusé"))

    delete.queryset_only = True

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(_refusal(self.model, "bulk_update() refusé"))


class AppendOnlyMixin:
    """For a ledger model: `save()` only inserts, `delete()` never runs. Put it before `models.Model`."""

    def save(self, *, force_insert=False, force_update=False, using=None, update_fields=None):
        if not self._state.adding or force_update or update_fields is not None:
            raise AppendOnlyError(_refusal(type(self), "modification d'une ligne existante refusée"))
        # A new row is inserted, never an UPDATE tried first (a new object given an existing pk fails loudly).
        super().save(force_insert=force_insert or True, using=using)

    def delete(self, using=None, keep_parents=False):
        raise AppendOnlyError(_refusal(type(self), "suppression d'une ligne refusée"))


# --- The maintenance allowance ------------------------------------------------------------------------------------


@contextmanager
def ledger_maintenance(using: str = DEFAULT_DB_ALIAS):
    """Allow `UPDATE`, `DELETE` and `TRUNCATE` on the ledgers for this connection, inside one transaction.

    Only for a deliberate wipe (`flush`) and for the two acts the GDPR imposes on a person's rows (`people/merge.py`
    re-points them to the person kept, `person-erase` scrubs their name from a reason; quantities and dates never
    change): never to correct a ledger row. Opens `transaction.atomic()` (a savepoint
    when already in one); the allowance ends with the block, and an error rolls it back with everything else.
    A database without the control table (not migrated, or built without migrations) has no trigger either.
    """
    connection = connections[using]
    table = connection.ops.quote_name(MAINTENANCE_TABLE)
    token = uuid.uuid4().hex
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            present = MAINTENANCE_TABLE in connection.introspection.table_names(cursor)
            if present:
                cursor.execute(f"INSERT INTO {table} (token) VALUES (%s)", [token])
        yield
        # Only when the block succeeded: after an error the transaction (or savepoint) rolls the row back.
        if present:
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {table} WHERE token = %s", [token])


# --- Migration operations -----------------------------------------------------------------------------------------


def _unsupported(vendor: str):
    return NotImplementedError(f"Registres en ajout seul : moteur {vendor} non pris en charge (SQLite, PostgreSQL).")


class CreateLedgerMaintenanceTable(Operation):
    """Create the control table of `ledger_maintenance()` (no model: `flush` must never empty it)."""

    reversible = True
    reduces_to_sql = True

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if router.allow_migrate(schema_editor.connection.alias, app_label):
            table = schema_editor.quote_name(MAINTENANCE_TABLE)
            schema_editor.execute(f"CREATE TABLE {table} (token varchar(32) NOT NULL PRIMARY KEY)")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if router.allow_migrate(schema_editor.connection.alias, app_label):
            schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(MAINTENANCE_TABLE)}")

    def describe(self):
        return f"Create the control table {MAINTENANCE_TABLE} of the ledgers' maintenance allowance"

    @property
    def migration_name_fragment(self):
        return "ledger_maintenance"


def trigger_names(table: str) -> list[str]:
    """The triggers `AppendOnly` puts on `table` (SQLite: update, delete; PostgreSQL: row, truncate)."""
    return [f"{table}_append_only_{suffix}" for suffix in ("update", "delete", "row", "truncate")]


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sqlite_forwards(table: str, quote) -> list[str]:
    statements = []
    for operation in ("UPDATE", "DELETE"):
        name = quote(f"{table}_append_only_{operation.lower()}")
        message = _literal(f"{table} : {operation} refusé ({MESSAGE})")
        statements += [
            f"DROP TRIGGER IF EXISTS {name}",
            f"CREATE TRIGGER {name} BEFORE {operation} ON {quote(table)} FOR EACH ROW "
            f"WHEN NOT EXISTS (SELECT 1 FROM {quote(MAINTENANCE_TABLE)}) "
            f"BEGIN SELECT RAISE(ABORT, {message}); END",
        ]
    return statements


def _postgres_forwards(table: str, quote) -> list[str]:
    function = quote(f"{table}_append_only")
    message = f"{_literal(f'{table} : ')} || TG_OP || {_literal(f' refusé ({MESSAGE})')}"
    row, truncate = quote(f"{table}_append_only_row"), quote(f"{table}_append_only_truncate")
    return [
        f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    IF EXISTS (SELECT 1 FROM {quote(MAINTENANCE_TABLE)}) THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'restrict_violation', MESSAGE = {message};
END
$body$""",
        f"DROP TRIGGER IF EXISTS {row} ON {quote(table)}",
        f"CREATE TRIGGER {row} BEFORE UPDATE OR DELETE ON {quote(table)} FOR EACH ROW EXECUTE FUNCTION {function}()",
        f"DROP TRIGGER IF EXISTS {truncate} ON {quote(table)}",
        f"CREATE TRIGGER {truncate} BEFORE TRUNCATE ON {quote(table)} FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
    ]


def _sqlite_backwards(table: str, quote) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {quote(f'{table}_append_only_{op}')}" for op in ("update", "delete")]


def _postgres_backwards(table: str, quote) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {quote(f'{table}_append_only_row')} ON {quote(table)}",
        f"DROP TRIGGER IF EXISTS {quote(f'{table}_append_only_truncate')} ON {quote(table)}",
        f"DROP FUNCTION IF EXISTS {quote(f'{table}_append_only')}()",
    ]


def append_only_sql(vendor: str, table: str, quote, *, forwards: bool = True) -> list[str]:
    """The statements that make `table` append-only (or undo it) on `vendor` ("sqlite" or "postgresql")."""
    builders = {
        ("sqlite", True): _sqlite_forwards,
        ("sqlite", False): _sqlite_backwards,
        ("postgresql", True): _postgres_forwards,
        ("postgresql", False): _postgres_backwards,
    }
    if (vendor, forwards) not in builders:
        raise _unsupported(vendor)
    return builders[vendor, forwards](table, quote)


class AppendOnly(Operation):
    """Make the table of model `model_name` (of the migration's app) refuse UPDATE, DELETE and TRUNCATE.

    Idempotent (drops and recreates its triggers); the reverse drops them. Needs the control table
    (`CreateLedgerMaintenanceTable`, migration core 0003): depend on it.
    """

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str):
        self.model_name = model_name

    def state_forwards(self, app_label, state):
        pass

    def _run(self, app_label, schema_editor, state, forwards):
        model = state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        vendor = schema_editor.connection.vendor
        for statement in append_only_sql(vendor, model._meta.db_table, schema_editor.quote_name, forwards=forwards):
            schema_editor.execute(statement, params=None)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._run(app_label, schema_editor, to_state, forwards=True)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._run(app_label, schema_editor, from_state, forwards=False)

    def describe(self):
        return f"Make {self.model_name} append-only in the database (triggers refuse UPDATE, DELETE, TRUNCATE)"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name.lower()}_append_only"
