"""`conserverie fec --territory SLUG --year YYYY --out FILE`: the year's accounting entries in the FEC format.

The format of article A47 A-1 of the Livre des procédures fiscales (`economics/fec.py`). `--out` is the file to
write, or an existing folder: the file is then named `<SIREN>FEC<YYYY1231>.txt` there. The same figures as
`conserverie accounts --json` and the economics page.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from conserverie.core.scoping import territory_scope
from conserverie.economics.fec import fec_of_year
from conserverie.economics.management.commands.accounts import parse_year, territory_of


class Command(BaseCommand):
    help = _("Exporte les écritures comptables d'une année au format FEC (article A47 A-1 du LPF).")

    def add_arguments(self, parser):
        parser.add_argument("--territory", required=True, help=_("Identifiant du territoire, par ex. romans."))
        parser.add_argument("--year", required=True, help=_("Année civile (AAAA)."))
        parser.add_argument("--out", required=True, help=_("Fichier à écrire, ou dossier existant."))

    def handle(self, *args, territory, year, out, **options):
        place = territory_of(territory)
        year = parse_year(year)
        target = Path(out)
        if not target.is_dir() and not target.parent.is_dir():
            raise CommandError(_("Dossier introuvable : « %(d)s ».") % {"d": " ".join(str(target.parent).split())})
        with territory_scope(place):
            name, content = fec_of_year(place, year)
        path = target / name if target.is_dir() else target
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise CommandError(
                _("Impossible d'écrire « %(path)s » : %(why)s") % {"path": path, "why": exc.strerror}
            ) from None
        self.stdout.write(_("Écrit : %(path)s") % {"path": path})
