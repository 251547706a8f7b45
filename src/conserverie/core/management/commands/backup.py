"""`conserverie backup FILE`: a consistent copy of the database while the app runs, and its manifest.

SQLite: the online backup API. PostgreSQL: pg_dump --format=custom (postgresql-client on the machine).
FILE.manifest.json holds the rows and checksum of every table, which `conserverie restore` verifies.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from conserverie.core.backup import BackupError, Database, backup_database, manifest_path
from conserverie.core.scoping import scopes_disabled


class Command(BaseCommand):
    help = "Sauvegarde la base de données (celle de DATABASE_URL) dans FILE, avec son manifeste FILE.manifest.json."

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier de sauvegarde à écrire (remplacé s'il existe)")
        parser.add_argument("--json", action="store_true", help="écrit le manifeste en JSON sur la sortie")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            # The whole database, every territory: nothing may be filtered (the copy reads SQL, not the ORM).
            with scopes_disabled():
                database = Database.from_settings(settings.DATABASES["default"])
                manifest = backup_database(database, path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps({**manifest, "manifest": str(manifest_path(path))}, ensure_ascii=False))
            return
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.stdout.write(
            f"Sauvegarde écrite : {path} ({manifest['bytes']} octets, {len(manifest['tables'])} tables, "
            f"{rows} lignes) ; manifeste : {manifest_path(path)}."
        )
