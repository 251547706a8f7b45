"""`conserverie flush`: Django's flush (every table emptied), run inside the ledgers' maintenance allowance.

The append-only ledgers' triggers refuse `DELETE` and `TRUNCATE` (core/append_only.py): without the allowance a
flush would fail on them. Django's test runner calls this command after each transactional test (pytest-django's
`transactional_db` and `live_server`), so that each such test starts from empty tables.
"""

from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections

from conserverie.core.append_only import ledger_maintenance


class Command(DjangoFlush):
    help = (
        "Vide TOUTES les tables de la base, registres en ajout seul compris (mouvements de stock et de lots bruts). "
        "Réservé à une base de test ou de démonstration."
    )

    def handle(self, **options):
        database = options["database"]
        if options["interactive"]:
            # Asked before the transaction opens: nothing is locked while the person reads.
            name = connections[database].settings_dict["NAME"]
            answer = input(
                f"Vous allez vider la base « {name} » : TOUTES ses données, registres de stock compris, seront "
                "DÉTRUITES sans retour.\nTapez « oui » pour continuer, autre chose pour annuler : "
            )
            if answer.strip().lower() not in {"oui", "yes"}:
                self.stdout.write("Vidage annulé.")
                return
        with ledger_maintenance(using=database):
            super().handle(**{**options, "interactive": False})
