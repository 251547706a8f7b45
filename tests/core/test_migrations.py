"""A database made by the last release migrates to this version (docs/architecture.md §6).

`RELEASED` names, per app, the last migration the last release shipped. The test rolls the test database back to
that state, writes rows there with the models *as they were* (the migration state's historical models), then
migrates forward to the newest migrations and reads the rows back with today's models. A new migration that cannot
upgrade a database of the last release (a column added without a default, a data migration that breaks on real
rows) fails here. When a release is made, `RELEASED` moves to that release's migrations.
"""

from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from conserverie.territories.models import JarFormat, Territory

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


@pytest.mark.django_db(transaction=True)
def test_a_database_of_the_last_release_migrates_to_this_version():
    executor = MigrationExecutor(connection)
    # An app born since the release (not in RELEASED) did not exist in a database of the release: it starts empty.
    born_since = [(app, None) for app in sorted(our_apps_with_migrations() - set(RELEASED))]
    released = list(RELEASED.items())
    executor.migrate(born_since + released)
    old = executor.loader.project_state(released).apps
    territory = old.get_model("territories", "Territory").objects.create(
        slug="ancienne", code="ANC", name="Ancienne", hub_lat=Decimal("45.0"), hub_lon=Decimal("5.0"), radius_km=30
    )
    old.get_model("territories", "JarFormat").objects.create(
        territory_id=territory.pk, name="Bocal 375 ml", volume_ml=375, deposit_eur=Decimal("1.00")
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert Territory.objects.get(slug="ancienne").name == "Ancienne"
    assert JarFormat.objects.get(territory__slug="ancienne").deposit_eur == Decimal("1.00")
