"""`conserverie labels LOT --out FILE.pdf`: the A4 sheet of jar labels of a production lot."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from conserverie.core.scoping import every_territory, territory_scope
from conserverie.production.labels import DEFAULT_LAYOUT, DEFAULT_SHEET, LAYOUTS, SHEETS, LabelProblem, lot_labels_pdf
from conserverie.production.models import LotStatus, ProductionLot

MAX_COUNT = 10_000  # labels per format: more would take minutes and megabytes for no real lot


class Command(BaseCommand):
    help = _("Écrit la planche d'étiquettes (PDF A4) d'un lot de production.")

    def add_arguments(self, parser):
        parser.add_argument("lot", help=_("Code du lot, par ex. ROM-260610-CTOM1."))
        parser.add_argument("--out", required=True, help=_("Fichier PDF à écrire."))
        parser.add_argument(
            "--sheet",
            default=DEFAULT_SHEET,
            help=_("Format de planche : %(sheets)s (défaut %(default)s).")
            % {"sheets": ", ".join(SHEETS), "default": DEFAULT_SHEET},
        )
        parser.add_argument(
            "--layout",
            default=DEFAULT_LAYOUT,
            choices=list(LAYOUTS),
            help=_("single : une étiquette par bocal ; front_back : deux (devant et dos)."),
        )
        parser.add_argument("--count", type=int, help=_("Nombre d'étiquettes par format (défaut : un par bocal)."))
        parser.add_argument("--json", action="store_true", help=_("Sortie JSON, pour un script."))

    def handle(self, *args, lot, out, sheet, layout, count, json: bool, **options):
        with every_territory():  # a lot code names its territory
            found = ProductionLot.objects.select_related("territory").filter(code=lot).first()
        if found is None:
            raise CommandError(_("Lot inconnu : « %(code)s ».") % {"code": lot})
        if found.status == LotStatus.RECALLED:
            raise CommandError(_("Le lot %(code)s est rappelé : pas de nouvelles étiquettes.") % {"code": found.code})
        if sheet not in SHEETS:
            raise CommandError(
                _("Format de planche inconnu : « %(sheet)s » (choisir parmi %(sheets)s).")
                % {"sheet": sheet, "sheets": ", ".join(SHEETS)}
            )
        if count is not None and count < 1:
            raise CommandError(_("--count doit valoir au moins 1."))
        if count is not None and count > MAX_COUNT:
            raise CommandError(_("--count doit valoir au plus %(max)s.") % {"max": MAX_COUNT})
        path = Path(out)
        if not path.parent.is_dir():
            raise CommandError(_("Dossier introuvable : « %(dir)s ».") % {"dir": path.parent})
        with territory_scope(found.territory):
            try:
                pdf = lot_labels_pdf(found, sheet=sheet, count=count, layout=layout)
            except LabelProblem as exc:  # nothing is written: a label never leaves out a mandatory particular
                raise CommandError(str(exc)) from exc
        path.write_bytes(pdf.content)
        if json:
            data = {
                "lot": found.code,
                "file": str(path),
                "sheet": sheet,
                "labels": pdf.labels,
                "pages": pdf.pages,
                "layout": pdf.layout,
                "smallest_font_pt": pdf.smallest_font_pt,
            }
            self.stdout.write(_dumps(data))
            return
        self.stdout.write(
            _("%(n)s étiquette(s) du lot %(lot)s sur %(pages)s planche(s) %(sheet)s : %(file)s")
            % {"n": pdf.labels, "lot": found.code, "pages": pdf.pages, "sheet": sheet, "file": path}
        )


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
