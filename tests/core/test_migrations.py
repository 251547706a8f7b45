"""A database made by the last release migrates to this version (docs/architecture.md §6).

`RELEASED` names, per app, the last migration the last release shipped. The test migrates an empty database to that
state, writes rows there with the models *as they were* (the migration state's historical models), then migrates
forward to the newest migrations and reads the rows back with today's models. A new migration that cannot
upgrade a database of the last release (a column added without a default, a data migration that breaks on real
rows) fails here. When a release is made, `RELEASED` moves to that release's migrations.

The data migrations made since the release are checked in the same trip: the encryption of the authenticators'
secrets (core) and the move of the FEC's SIREN into the legal entity (`economics.0004_m16c_one_siren`).
"""

import base64
import os
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from conserverie.core.models import EncryptedTOTPDevice
from conserverie.territories.models import JarFormat, LegalEntity, Territory
from tests.database import database_description, rows_of, tables_with_rows

from .test_two_factor import code_of

# Release 0.2.0 (wave 2): one initial set per app, replacing wave 1's migrations (CHANGELOG.md).
RELEASED = {
    "core": "0002_ledger_maintenance",
    "territories": "0001_initial",
    "people": "0001_initial",
    "producers": "0002_initial",
    "sourcing": "0002_rawlotmovement_append_only",
    "recipes": "0001_initial",
    "workshops": "0002_party_size_min",
    "gleaning": "0002_party_size_min",
    "stock": "0002_stockmovement_append_only",
    "production": "0002_initial",
    "distribution": "0001_initial",
    "impact": "0001_initial",
    "economics": "0001_initial",
}


def our_apps_with_migrations():
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    return {app for app, _name in graph.nodes if apps.get_app_config(app).name.startswith("conserverie.")}


def test_released_names_every_app_with_migrations():
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    assert set(RELEASED) <= our_apps_with_migrations(), "an app of the last release lost its migrations"
    for app, name in RELEASED.items():
        assert (app, name) in graph.nodes, f"{app}.{name} is gone: a released migration is never deleted"


@pytest.fixture
def fresh_database(django_db_setup, django_db_blocker, tmp_path):
    """For the test's length, the default connection goes to an empty database of the test database's engine.

    The trip from the release is made forward only, in that database: migrating the worker's test database back to
    the release and forward again cost twice as much (~228 s against ~108 s of CPU on SQLite, ~173 s against
    ~100 s on PostgreSQL, docs/performance.md) and left the suite's database to be flushed. The default connection
    itself is swapped, not another alias added: the data migrations write through the default one, as `conserverie
    migrate` does. Yields what the worker's test database holds (its description and rows), to compare."""
    test_database = connections["default"]
    settings_dict = {**test_database.settings_dict}
    with django_db_blocker.unblock():
        # What the worker's test database (made from the models, tests/database.py) holds, read while it is still
        # the default connection, to compare with what the migrations make here.
        worker = SimpleNamespace(
            description=database_description(test_database),
            rows={table: rows_of(test_database, table) for table in tables_with_rows(test_database)},
        )
        if test_database.vendor == "sqlite":
            settings_dict["NAME"] = str(tmp_path / "release.sqlite3")
        else:  # PostgreSQL: the test role may create databases (CI's does, .ci/run)
            settings_dict["NAME"] = f"{test_database.settings_dict['NAME']}_release"[:63]
            with test_database._nodb_cursor() as cursor:  # Django's way in to create a test database
                cursor.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}"')
                cursor.execute(f'CREATE DATABASE "{settings_dict["NAME"]}"')
        fresh = test_database.__class__(settings_dict, alias="default")
        connections["default"] = fresh
        try:
            yield worker
        finally:
            fresh.close()
            connections["default"] = test_database
            if test_database.vendor != "sqlite":
                with test_database._nodb_cursor() as cursor:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}" WITH (FORCE)')


def migrate_to(targets):
    """Migrate the default (fresh) database to `targets`; return the models as they are there (historical models)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([(app, name) for app, name in targets if name is not None]).apps


# The data migrations since the release are checked on rows written before them, in one trip forward from an empty
# database: to the release, then to just before `economics.0004_m16c_one_siren`, then to the newest migrations (each
# trip renders every model's migration state, where the migrations' cost is: about 100 s of CPU in all).
# The siren step stops where `economics.0004_m16c_one_siren` has not run yet.
BEFORE_ONE_SIREN = [("economics", "0003_m16b_chart_of_accounts"), ("territories", "0008_legal_entity_bounds")]


def test_a_database_of_the_last_release_migrates_to_this_version(fresh_database):
    old = migrate_to(list(RELEASED.items()))
    # An app born since the release (not in RELEASED) did not exist in a database of the release.
    born_since = our_apps_with_migrations() - set(RELEASED)
    with connection.cursor() as cursor:
        assert not [t for t in connection.introspection.table_names(cursor) if t.split("_")[0] in born_since]
    territory = old.get_model("territories", "Territory").objects.create(
        slug="ancienne", code="ANC", name="Ancienne", hub_lat=Decimal("45.0"), hub_lon=Decimal("5.0"), radius_km=30
    )
    old.get_model("territories", "JarFormat").objects.create(
        territory_id=territory.pk, name="Bocal 375 ml", volume_ml=375, deposit_eur=Decimal("1.00")
    )
    # The release kept the authenticator's secret in clear (core.TOTPDevice); it must come out encrypted.
    user = old.get_model("auth", "User").objects.create(username="ancienne-coordination")
    secret = base64.b32encode(os.urandom(20)).decode()
    old.get_model("core", "TOTPDevice").objects.create(
        user_id=user.pk, secret=secret, confirmed_at=timezone.now(), last_step=0
    )

    old = migrate_to(BEFORE_ONE_SIREN)
    ids = {}
    for slug in ("sans-entite", "entite-sans-siren", "deux-siren"):
        ids[slug] = (
            old.get_model("territories", "Territory")
            .objects.create(
                slug=slug,
                code=slug[:3].upper(),
                name=slug,
                organisation=f"Asso {slug}",
                hub_lat=Decimal("45"),
                hub_lon=Decimal("5"),
                radius_km=30,
            )
            .pk
        )
        old.get_model("economics", "AccountingIdentity").objects.create(
            territory_id=ids[slug], siren="732829320", updated_by_id=user.pk
        )
    entity = old.get_model("territories", "LegalEntity")
    entity.objects.create(territory_id=ids["entite-sans-siren"], name="Entité A", rna="W261234567")
    entity.objects.create(territory_id=ids["deux-siren"], name="Entité B", siren="552100554")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert not MigrationExecutor(connection).migration_plan(executor.loader.graph.leaf_nodes())  # nothing left

    assert Territory.objects.get(slug="ancienne").name == "Ancienne"
    assert JarFormat.objects.get(territory__slug="ancienne").deposit_eur == Decimal("1.00")

    device = EncryptedTOTPDevice.objects.get(user__username="ancienne-coordination")
    assert device.confirmed
    assert secret not in device.encrypted_key
    assert device.verify_token(code_of(secret))
    with connection.cursor() as cursor:
        assert "core_totpdevice" not in connection.introspection.table_names(cursor)

    # One SIREN per territory (issue 16): the FEC's former AccountingIdentity moved into the legal entity, created
    # from it where there was none, filling an entity without SIREN, the receipts' SIREN kept where both existed.
    rows = dict(LegalEntity.objects.order_by("territory__slug").values_list("territory__slug", "siren"))
    assert rows == {"sans-entite": "732829320", "entite-sans-siren": "732829320", "deux-siren": "552100554"}
    assert LegalEntity.objects.get(territory__slug="sans-entite").name == "Asso sans-entite"

    # The worker's test database is made from the models and completed by tests/database.py, not migrated: it must
    # be what the migrations made here, the same tables, columns, constraints, indexes and triggers, and the same rows
    # in every table the migrations filled (the tables this test wrote to aside).
    worker = fresh_database
    assert database_description(connection) == worker.description
    written = {"territories_territory", "territories_jarformat", "auth_user", "core_encryptedtotpdevice"}
    written |= {"territories_legalentity", "django_migrations"}
    filled = tables_with_rows(connection) - written
    assert "workshops_minimumwage" in filled
    assert {table: rows_of(connection, table) for table in filled} == {
        table: worker.rows.get(table) for table in filled
    }
