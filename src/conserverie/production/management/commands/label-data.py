"""`conserverie label-data LOT --json`: what the label of a production lot says, as data (docs/labels-en.md)."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from conserverie.core.scoping import every_territory, territory_scope
from conserverie.production.labelling import lot_label
from conserverie.production.models import ProductionLot


class Command(BaseCommand):
    help = _("Affiche les mentions de l'étiquette d'un lot (dénomination, ingrédients, allergènes, poids…).")

    def add_arguments(self, parser):
        parser.add_argument("lot", help=_("Code du lot, par ex. ROM-260610-CTOM1."))
        parser.add_argument("--json", action="store_true", help=_("Sortie JSON, pour un script."))
        parser.add_argument(
            "--format",
            type=int,
            dest="volume_ml",
            help=_("Contenance du bocal en ml quand le lot en remplit plusieurs (défaut : le plus petit)."),
        )

    def handle(self, *args, lot, json: bool, volume_ml, **options):
        with every_territory():  # a lot code names its territory
            found = ProductionLot.objects.select_related("territory").filter(code=lot.strip()).first()
        if found is None:
            raise CommandError(_("Lot inconnu : « %(code)s ».") % {"code": lot})
        with territory_scope(found.territory):
            label = lot_label(found)
            jar_format_id = None
            if volume_ml is not None:
                from conserverie.territories.models import JarFormat

                ids = set(
                    JarFormat.objects.filter(territory=found.territory, volume_ml=volume_ml).values_list(
                        "pk", flat=True
                    )
                )
                match = [f for f in label.formats if f.jar_format_id in ids]
                if not match:
                    raise CommandError(
                        _("Le lot %(lot)s n'a pas de bocal de %(ml)s ml.") % {"lot": found.code, "ml": volume_ml}
                    )
                jar_format_id = match[0].jar_format_id
        data = label.as_json(jar_format_id)
        if json:
            self.stdout.write(_dumps(data))
        else:
            self.stdout.write(f"{data['name']} — {data['lot']}")
            self.stdout.write(", ".join(i["name"] for i in data["ingredients"]))
        if label.missing:
            self.stderr.write(
                _("Attention : mentions obligatoires inconnues : %(m)s.") % {"m": " ; ".join(label.missing)}
            )


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
