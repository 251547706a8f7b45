"""`conserverie import-producers FICHIER --territory SLUG [--as USER] [--json]`: farms from a CSV or XLSX file.

The same checks as the import page: every bad row is reported, and nothing is written unless all rows are good.
"""

import json as jsonlib
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from conserverie.core.scoping import territory_scope
from conserverie.producers.imports import ImportRefused, producers_import, read_file
from conserverie.territories.models import Membership, Role, Territory


def _actor(username, territory):
    if username:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("Utilisateur inconnu : « %(name)s ».") % {"name": username})
        return user
    membership = (
        Membership.objects.filter(territory=territory, role=Role.COORDINATOR).select_related("user").order_by("id")
    ).first()
    if membership is None:
        raise CommandError(_("Aucune coordination sur ce territoire : précisez --as UTILISATEUR."))
    return membership.user


class Command(BaseCommand):
    help = _("Importe des fermes depuis un fichier CSV ou XLSX (tout ou rien).")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("Fichier CSV ou XLSX."))
        parser.add_argument("--territory", required=True, help=_("Identifiant du territoire."))
        parser.add_argument("--as", dest="username", help=_("Identifiant de la personne qui importe."))
        parser.add_argument("--json", action="store_true", help=_("Sortie JSON, pour un script."))

    def handle(self, *args, file, territory, username, json: bool, **options):
        place = Territory.objects.by_slug(territory)
        if place is None:
            raise CommandError(_("Territoire inconnu : « %(slug)s ».") % {"slug": territory})
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("Fichier introuvable : %(path)s.") % {"path": file})
        actor = _actor(username, place)
        try:
            rows = read_file(SimpleUploadedFile(path.name, path.read_bytes()))
            with territory_scope(place):
                created = producers_import(actor=actor, territory=place, rows=rows)
        except ImportRefused as exc:
            if json:
                problems = [{"line": line, "reason": reason} for line, reason in exc.problems]
                self.stdout.write(jsonlib.dumps({"imported": 0, "problems": problems}, ensure_ascii=False))
            else:
                for line, reason in exc.problems:
                    self.stderr.write(_("Ligne %(line)s : %(reason)s") % {"line": line, "reason": reason})
            raise CommandError(
                _("%(n)s ligne(s) à corriger : rien n'a été importé.") % {"n": len(exc.problems)}
            ) from None
        if json:
            self.stdout.write(jsonlib.dumps({"imported": len(created), "problems": []}))
        else:
            self.stdout.write(_("%(n)s ferme(s) importée(s).") % {"n": len(created)})
