"""`conserverie restore FILE`: put a backup back into the database DATABASE_URL names, then prove it.

The restore is done only when every table has the rows and checksum FILE.manifest.json recorded at backup time.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from conserverie.core.backup import BackupError, Database, restore_database
from conserverie.core.scoping import scopes_disabled


class Command(BaseCommand):
    help = (
        "Restaure la sauvegarde FILE dans la base de DATABASE_URL (créée si besoin), puis vérifie lignes et sommes "
        "de contrôle de chaque table contre le manifeste FILE.manifest.json."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier écrit par `conserverie backup`")
        parser.add_argument(
            "--remplacer",
            "--replace",
            dest="replace",
            action="store_true",
            help="écrase une base qui contient déjà des tables (sinon la restauration est refusée)",
        )
        parser.add_argument("--json", action="store_true", help="écrit le résultat en JSON sur la sortie")

    def handle(self, *args, **options):
        path = Path(options["file"])
        connections.close_all()  # nothing of ours holds the target open while it is replaced
        try:
            # The whole database, every territory: nothing may be filtered (the restore writes SQL, not the ORM).
            with scopes_disabled():
                database = Database.from_settings(settings.DATABASES["default"])
                result = restore_database(path, database, replace=options["replace"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            payload = {
                "file": str(path),
                "database": result.database.label(),
                "created": result.created,
                "tables": result.tables,
                "rows": result.rows,
                "verified": True,
                "backup_created_at": result.manifest["created_at"],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        self.stdout.write(
            f"Restauration vérifiée : {result.tables} tables, {result.rows} lignes, identiques au manifeste "
            f"du {result.manifest['created_at']} ({result.database.label()}"
            f"{', base créée' if result.created else ''})."
        )
