"""`conserverie simulate`: a simulated season from a scenario file, in French for a person or as JSON."""

import argparse
import json
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from conserverie.core.formats import french_number
from conserverie.core.scoping import territory_scope
from conserverie.economics.scenario_defaults import defaults_from_territory
from conserverie.economics.scenario_schema import ScenarioInvalid, as_json, schema_help
from conserverie.economics.simulator import COST_KEYS, REVENUE_KEYS, simulate
from conserverie.territories.models import Territory


def _read(path: str) -> dict:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(
            _("Fichier illisible : %(path)s (%(error)s).") % {"path": path, "error": exc.strerror}
        ) from None
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise CommandError(
            _("JSON invalide dans %(path)s, ligne %(line)s : %(error)s.")
            % {"path": path, "line": exc.lineno, "error": exc.msg}
        ) from None


class Command(BaseCommand):
    help = _(
        "Simule une saison à partir d'un scénario JSON (toute clé absente prend la valeur de Romans). Clés acceptées :"
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        parser.description = f"{self.help}\n\n{schema_help()}"
        return parser

    def add_arguments(self, parser):
        parser.add_argument("--scenario", help=_("Fichier JSON du scénario ; sans lui, les valeurs par défaut."))
        parser.add_argument(
            "--territory", help=_("Partir des chiffres de ce territoire (identifiant) plutôt que de ceux de Romans.")
        )
        parser.add_argument("--json", action="store_true", help=_("Sortie JSON, pour un script."))

    def handle(self, *args, scenario, territory, json: bool, **options):
        data = _read(scenario) if scenario else {}
        if not isinstance(data, dict):
            raise CommandError(_("scenario : un objet JSON {clé: valeur} est attendu."))
        if territory:
            place = Territory.objects.by_slug(territory)
            if place is None:
                raise CommandError(_("Territoire inconnu : « %(slug)s ».") % {"slug": territory})
            with territory_scope(place):
                base = as_json(defaults_from_territory(place))
            # A group given in the file (vehicle, prices…) changes only the keys it names.
            data = {
                **base,
                **{
                    key: {**base[key], **value}
                    if isinstance(value, dict) and key != "jar_mix" and isinstance(base.get(key), dict)
                    else value
                    for key, value in data.items()
                },
            }
        try:
            result = simulate(data)
        except ScenarioInvalid as exc:
            raise CommandError(_("Scénario refusé : %(reason)s") % {"reason": " ".join(str(exc).split())}) from None
        if json:
            self.stdout.write(_dumps(result.as_json()))
        else:
            self.stdout.write(self._text(result))

    def _text(self, r) -> str:
        def eur(value):
            return f"{french_number(value, 2)} €" if value is not None else "—"

        lines = [
            _("Saison simulée"),
            "",
            f"{_('Ateliers')} : {french_number(r.workshops, 0)}",
            f"{_('Kilos sauvés')} : {french_number(r.kg_saved, 0)} kg",
            f"{_('Bocaux')} : {french_number(r.jars)}",
            f"{_('Foyers touchés')} : {french_number(r.households)}",
            f"{_('Km de collecte')} : {french_number(r.km, 0)} km",
            f"{_('Travail nécessaire (ETP)')} : {french_number(r.fte, 2)}",
            "",
            _("Coûts"),
        ]
        lines += [f"  {label} : {eur(r.costs[key])}" for key, label in COST_KEYS]
        lines += ["", _("Recettes")]
        lines += [f"  {label} : {eur(r.revenues[key])}" for key, label in REVENUE_KEYS]
        lines += [
            "",
            f"{_('Coût par bocal')} : {eur(r.cost_per_jar)}",
            f"{_('Résultat')} : {eur(r.net_result)}",
            f"{_('Seuil de rentabilité')} : "
            + (
                _("%(jars)s bocaux") % {"jars": french_number(r.break_even_jars)}
                if r.break_even_jars is not None
                else _("jamais sans subvention")
            ),
            "",
            _("Hypothèses les plus influentes (± 20 %) :"),
        ]
        lines += [f"  {item['input']} — {item['label']} : ± {eur(item['effect'])}" for item in r.sensitivity]
        lines += r.warnings
        return "\n".join(lines)


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
