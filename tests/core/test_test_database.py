"""The test database is made from the models and completed by the migrations' own code (tests/database.py).

The comparison with a migrated database is at the end of tests/core/test_migrations.py (it has one); here, the
classification of the data migrations, the reference rows, and their return after a `flush`."""

from importlib import import_module
from types import SimpleNamespace

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import migrations
from django.db.migrations.loader import MigrationLoader

from conserverie.workshops.models import MinimumWage
from tests.database import REPLAYED, ROWS_ONLY, UnclassifiedDataMigration, data_migrations, replay_plan


def test_every_data_migration_of_the_project_is_in_one_list_and_no_list_names_a_migration_that_is_gone():
    found = data_migrations(MigrationLoader(None, ignore_no_migrations=True))
    assert not REPLAYED & ROWS_ONLY
    assert found == REPLAYED | ROWS_ONLY


def test_a_new_data_migration_in_neither_list_stops_the_build_with_its_name():
    new = migrations.Migration("0099_new_rows", "workshops")
    new.operations = [migrations.RunPython(migrations.RunPython.noop)]
    loader = SimpleNamespace(disk_migrations={("workshops", "0099_new_rows"): new})
    with pytest.raises(UnclassifiedDataMigration, match=r"workshops\.0099_new_rows"):
        replay_plan(loader)


def smic_of_the_migration():
    return import_module("conserverie.workshops.migrations.0003_i16_minimum_wage").SMIC


def smic_rows():
    return [
        (str(day), str(rate))
        for day, rate in MinimumWage.objects.order_by("valid_from").values_list("valid_from", "hourly_eur")
    ]


def test_the_test_database_holds_the_smic_rows_the_migration_writes(db):
    assert smic_rows() == smic_of_the_migration()


def test_the_smic_rows_come_back_after_a_flush(db):
    """`flush` (after each transactional test) empties every table, then sends `post_migrate`."""
    MinimumWage.objects.all().delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert smic_rows() == smic_of_the_migration()


def test_the_test_database_has_every_migration_recorded_so_migrate_has_nothing_to_do(db):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
