"""`conserverie impact`: the flower of a territory for a period, in French or as JSON for a script."""

import json
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from conserverie.core.formats import french_number
from conserverie.core.scoping import territory_scope
from conserverie.impact.periods import Period
from conserverie.impact.scores import Flower, territory_flower
from conserverie.territories.models import Territory


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def flower_json(flower: Flower) -> dict:
    """The documented shape: {"period", "dimensions": [{"name", "score", "indicators": [...]}]}."""
    return {
        "period": flower.period.key,
        "dimensions": [
            {
                "name": score.dimension.name,
                "score": score.score,
                "indicators": [
                    {
                        "name": result.indicator.name,
                        "value": _number(result.value) if result.has_value else None,
                        "target": _number(result.target),
                        "unit": result.unit,
                        "source": result.source,
                    }
                    for result in score.indicators
                ],
            }
            for score in flower.dimensions
        ],
    }


class Command(BaseCommand):
    help = _("Affiche la fleur de l'utilité sociale d'un territoire sur une période (ou en JSON avec --json).")

    def add_arguments(self, parser):
        parser.add_argument("--territory", required=True, help=_("Identifiant du territoire, par ex. romans."))
        parser.add_argument(
            "--period",
            required=True,
            help=_("Une année (2026), une saison (2026-printemps) ou des dates (2026-03-01..2026-06-30)."),
        )
        parser.add_argument("--json", action="store_true", help=_("Sortie JSON, pour un script."))

    def handle(self, *args, territory, period, json: bool, **options):
        place = Territory.objects.by_slug(territory)
        if place is None:
            raise CommandError(_("Territoire inconnu : « %(slug)s ».") % {"slug": " ".join(territory.split())})
        try:
            chosen = Period.parse(period)
        except ValueError as error:
            raise CommandError(" ".join(str(error).split())) from None
        with territory_scope(place):
            flower = territory_flower(place, chosen)
            if json:
                self.stdout.write(_dumps(flower_json(flower)))
            else:
                self.stdout.write(self._text(place, flower))

    def _text(self, place, flower: Flower) -> str:
        lines = [_("Fleur de l'utilité sociale — %(place)s — %(period)s") % {"place": place, "period": flower.period}]
        if not flower.dimensions:
            lines.append(_("Aucune dimension sur ce territoire."))
        for score in flower.dimensions:
            lines.append("")
            lines.append(f"{score.dimension.name} : {score.score}/100")
            for result in score.indicators:
                if result.suppressed:
                    value = _("masqué (moins de 5 personnes)")
                elif result.value is None:
                    value = "—"
                else:
                    value = f"{_french(result.value)} {result.unit}".strip()
                target = f"{_french(result.target)} {result.unit}".strip()
                lines.append(
                    "  - "
                    + _("%(name)s : %(value)s (cible %(target)s)")
                    % {"name": result.indicator.name, "value": value, "target": target}
                )
        return "\n".join(lines)


def _french(value: Decimal) -> str:
    """40 → "40", 28.6 → "28,6", 136.62 → "136,62"."""
    number = _number(value)
    if isinstance(number, int):
        return french_number(number)
    return french_number(value, 2).rstrip("0").rstrip(",")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
