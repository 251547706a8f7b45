# Hand-written: the control table of the ledgers' maintenance allowance (core/append_only.py), not a model.

from django.db import migrations

from conserverie.core.append_only import CreateLedgerMaintenanceTable


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [CreateLedgerMaintenanceTable()]
