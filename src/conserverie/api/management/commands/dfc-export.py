"""`conserverie dfc-export --territory SLUG [--out FILE]`: the catalogue in the DFC format (JSON-LD, api/dfc.py)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from conserverie.api.dfc import catalogue
from conserverie.core.scoping import territory_scope
from conserverie.territories.models import Territory


class Command(BaseCommand):
    help = _("Exporte le catalogue du territoire au format Data Food Consortium (JSON-LD).")

    def add_arguments(self, parser):
        parser.add_argument("--territory", required=True, help=_("Territoire (identifiant)."))
        parser.add_argument("--out", help=_("Fichier à écrire ; la sortie standard sinon."))

    def handle(self, *args, territory, out, **options):
        place = Territory.objects.by_slug(territory)
        if place is None:
            raise CommandError(_("Territoire inconnu : « %(slug)s ».") % {"slug": territory})
        with territory_scope(place):
            text = json.dumps(catalogue(place), ensure_ascii=False, indent=2) + "\n"
        if not out:
            self.stdout.write(text, ending="")
            return
        path = Path(out)
        if not path.parent.is_dir():
            raise CommandError(_("Dossier introuvable : %(dir)s.") % {"dir": path.parent})
        path.write_text(text, encoding="utf-8")
        self.stdout.write(_("Catalogue écrit dans %(path)s.") % {"path": path})
