# Hand-written: the database refuses UPDATE, DELETE and TRUNCATE on the jar ledger (core/append_only.py).
# On SQLite a later migration that rebuilds this table drops the triggers: repeat AppendOnly after it.

from django.db import migrations

from conserverie.core.append_only import AppendOnly


class Migration(migrations.Migration):
    dependencies = [("stock", "0001_initial"), ("core", "0002_ledger_maintenance")]

    operations = [AppendOnly("StockMovement")]
