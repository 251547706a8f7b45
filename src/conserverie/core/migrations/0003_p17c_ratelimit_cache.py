# Hand-written: the table of the database cache that holds the rate-limit counters (settings.py, CACHES["ratelimit"];
# core/ratelimit.py), not a model. `migrate` creates it, so a new server, the demo and the test database have it.

from django.core.cache import caches
from django.core.management import call_command
from django.db import migrations

DATABASE_CACHE = "django.core.cache.backends.db.DatabaseCache"


def database_cache_tables(settings) -> list[str]:
    return sorted({conf["LOCATION"] for conf in settings.CACHES.values() if conf["BACKEND"] == DATABASE_CACHE})


def create(apps, schema_editor):
    # createcachetable creates the table of every database cache of the settings, and skips the ones that exist.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop(apps, schema_editor):
    from django.conf import settings

    existing = set(schema_editor.connection.introspection.table_names())
    for table in database_cache_tables(settings):
        if table in existing:
            schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(table)}")
    for alias in settings.CACHES:
        caches[alias].close()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_ledger_maintenance")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
