"""The test databases are made from today's models, not by running the migrations (docs/performance.md, "The suite's
time (s20)").

Running the ~110 migrations cost each xdist worker about 90 s of CPU on SQLite and 72 s on PostgreSQL, almost all of
it Django re-rendering the migration state's models. The test database settings say `MIGRATE: False`
(tests/conftest.py): Django creates every model's table directly (`migrate --run-syncdb`), plus the rate-limit cache
table (`createcachetable`). What the models do not describe is then added by `database_complete`, which walks the
migrations in their order and runs again, with the migrations' own code (never a copy, so it cannot drift):

- the project's own migration operations (`core/append_only.py`: the ledgers' maintenance table, the append-only
  triggers), always;
- the data migrations (`RunPython`, `RunSQL`) listed in `REPLAYED`, which write what an empty database holds after
  `migrate` (the SMIC table, the cache table).

A data migration listed in `ROWS_ONLY` converts rows that already exist: an empty database has none, nothing to do.
A new data migration in neither list stops the creation of the test database with its name: decide where it goes.
What this builds is checked against a migrated database at the end of the migration test
(tests/core/test_migrations.py, `database_description`), which also keeps checking the migrations themselves;
`make test` runs `makemigrations --check`, so the models and the migrations describe the same tables.
"""

import functools
from types import SimpleNamespace

from django.apps import apps
from django.db import connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.special import RunPython, RunSQL
from django.db.migrations.recorder import MigrationRecorder

from conserverie.core.append_only import MAINTENANCE_TABLE
from conserverie.core.scoping import scopes_disabled

# Data migrations that write what a freshly migrated, empty database holds: run again, in the migrations' order.
REPLAYED = {
    ("core", "0003_p17c_ratelimit_cache"),  # the rate-limit counters' cache table (createcachetable: skips it if made)
    ("workshops", "0003_i16_minimum_wage"),  # the gross hourly SMIC since 2020 (volunteers' time valued)
}

# Data migrations that only convert rows already there (an empty database has none).
ROWS_ONLY = {
    ("core", "0004_p17b_encrypt_secrets"),  # the authenticators' secrets encrypted
    ("distribution", "0005_n20_reached"),  # the households' reached days computed from the facts
    ("economics", "0002_i16_accounts"),  # a deposit "kept" becomes "forfeited"
    ("economics", "0004_m16c_one_siren"),  # the FEC's SIREN moved into the legal entity
    ("people", "0002_i17_household"),  # one household per participant, phones moved
    ("recipes", "0002_i14_lethality"),  # the recipes' category and lethality targets
    ("sourcing", "0005_m20_months"),  # the raw produce ledger's monthly sums computed from its rows
    ("stock", "0006_m20_months"),  # the jar ledger's monthly sums computed from its rows
}


class UnclassifiedDataMigration(Exception):
    pass


def is_data_operation(operation) -> bool:
    return isinstance(operation, RunPython | RunSQL)


def is_project_operation(operation) -> bool:
    """An operation class of the project (core/append_only.py), that makes something the models do not describe."""
    return type(operation).__module__.startswith("conserverie.")


def data_migrations(loader: MigrationLoader) -> set[tuple[str, str]]:
    """Every migration of the project's apps holding a `RunPython` or `RunSQL` operation (the other apps' data
    migrations are not run, as by Django's own test runner without migrations: they convert their older rows)."""
    return {
        key
        for key, migration in loader.disk_migrations.items()
        if ours(key[0]) and any(map(is_data_operation, migration.operations))
    }


def ours(app_label: str) -> bool:
    return apps.get_app_config(app_label).name.startswith("conserverie.")


def replay_plan(loader: MigrationLoader):
    """[(app label, operation)] to run again on a database made from the models, in the migrations' order."""
    unclassified = sorted(data_migrations(loader) - REPLAYED - ROWS_ONLY)
    if unclassified:
        names = ", ".join(f"{app}.{name}" for app, name in unclassified)
        raise UnclassifiedDataMigration(
            f"Data migration(s) {names}: add each to REPLAYED or ROWS_ONLY in tests/database.py (does it write rows "
            f"an empty database must hold, or only convert rows that exist?)."
        )
    plan = []
    for key in _forward(loader):
        migration = loader.graph.nodes[key]
        for operation in migration.operations:
            if (ours(key[0]) and is_project_operation(operation)) or (is_data_operation(operation) and key in REPLAYED):
                plan.append((key[0], operation))
    return plan


def _forward(loader: MigrationLoader):
    """Every migration once, each after its dependencies (the order `migrate` runs them on an empty database)."""
    seen, order = set(), []
    for leaf in sorted(loader.graph.leaf_nodes()):
        for key in loader.graph.forwards_plan(leaf):
            if key not in seen:
                seen.add(key)
                order.append(key)
    return order


def database_complete(connection) -> int:
    """Add to a database made from the models what the migrations make beside the tables; the operations run.

    The operations see the last migration state's models (rendered once, as a migration sees them: no signals, no
    scoping), as if they were the last migration; then every migration is recorded as applied. A database
    completed before (`--reuse-db`) is left alone."""
    with connection.cursor() as cursor:
        if MAINTENANCE_TABLE in connection.introspection.table_names(cursor):
            return 0
    plan, state = _replay()
    with scopes_disabled(), connection.schema_editor(atomic=True) as editor:
        for app_label, operation in plan:
            operation.database_forwards(app_label, editor, state, state)
    # Every migration recorded as applied (`migrate --fake`: the tables are those of the last one), so that a test
    # that runs `migrate` (the demo command) finds nothing to do, as on a migrated database.
    recorder = MigrationRecorder(connection)
    recorder.ensure_schema()
    recorder.migration_qs.bulk_create(
        recorder.Migration(app=app, name=name)
        for app, name in _forward(MigrationLoader(None, ignore_no_migrations=True))
    )
    return len(plan)


def every_test_database_complete() -> None:
    for connection in connections.all():
        database_complete(connection)


@functools.cache
def _replay() -> tuple[list, object]:
    """The replay plan and the last migration state (its models rendered at first use), once per process."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return replay_plan(loader), loader.project_state()


def rows_again_after_a_flush(sender, using, **kwargs) -> None:
    """`post_migrate` receiver (connected for the test run only, tests/conftest.py): `flush`, which empties every
    table after a transactional test (`transactional_db`, `live_server`), announces itself with this signal; the
    replayed data migrations of the app `sender` write their rows again, so that the next test on that worker finds
    the database as every other test does (a migrated database kept them only until the first flush).

    The data migrations receive the connection as a migration's `schema_editor` would hold it (they use nothing else
    of it; a real schema editor cannot open inside a transaction on SQLite)."""
    plan, state = _replay()
    operations = [op for app, op in plan if app == sender.label and is_data_operation(op)]
    if not operations:
        return
    editor = SimpleNamespace(connection=connections[using])
    with scopes_disabled(), transaction.atomic(using=using):
        for operation in operations:
            operation.database_forwards(sender.label, editor, state, state)


def database_description(connection) -> dict:
    """What a database holds beside its rows, engine-neutral enough to compare two databases of one engine: every
    table with its columns, its constraints and indexes (columns and kind, not their names), and the triggers."""
    introspection = connection.introspection
    tables = {}
    with connection.cursor() as cursor:
        for table in sorted(introspection.table_names(cursor)):
            if table == "django_migrations":  # the migrations' own bookkeeping
                continue
            columns = sorted(column.name for column in introspection.get_table_description(cursor, table))
            constraints = sorted(
                (
                    tuple(details["columns"] or ()),
                    bool(details["primary_key"]),
                    bool(details["unique"]),
                    bool(details["index"]),
                    bool(details["check"]),
                    tuple(details["foreign_key"] or ()),
                )
                for details in introspection.get_constraints(cursor, table).values()
            )
            tables[table] = {"columns": columns, "constraints": constraints}
        if connection.vendor == "sqlite":
            cursor.execute("SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        else:
            cursor.execute(
                "SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal ORDER BY t.tgname"
            )
        triggers = [tuple(row) for row in cursor.fetchall()]
    return {"tables": tables, "triggers": triggers}


def rows_of(connection, table: str) -> list[tuple]:
    """The rows of `table` without their primary key (ids differ after a flush), sorted."""
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, table)
        primary = connection.introspection.get_primary_key_column(cursor, table)
        names = [column.name for column in description if column.name != primary]
        cursor.execute(
            f"SELECT {', '.join(map(connection.ops.quote_name, names))} FROM {connection.ops.quote_name(table)}"
        )
        return sorted(tuple(map(str, row)) for row in cursor.fetchall())


def tables_with_rows(connection) -> set[str]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        found = set()
        for table in tables:
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
            if cursor.fetchone():
                found.add(table)
        return found
