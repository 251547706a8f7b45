"""`conserverie report`: a territory's figures for a period, in French for a person or as JSON for a script."""

import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conserverie.core.exports import table_json, write_csv
from conserverie.core.formats import french_number
from conserverie.core.scoping import territory_scope
from conserverie.figures.selectors import recount_problems, territory_figures
from conserverie.impact.group import group_report
from conserverie.reporting.distribution_tables import all_tables
from conserverie.territories.models import Territory

# (key of Figures.as_json(), label, unit): the order a person reads the season in.
LINES = [
    ("kg_collected", gettext_lazy("Kilos collectés"), "kg"),
    ("kg_processed", gettext_lazy("Kilos transformés"), "kg"),
    ("kg_given_raw", gettext_lazy("Kilos donnés en brut"), "kg"),
    ("kg_lost", gettext_lazy("Kilos perdus"), "kg"),
    ("kg_in_stock", gettext_lazy("Kilos bruts en stock"), "kg"),
    ("jars_produced", gettext_lazy("Bocaux produits"), ""),
    ("jars_given", gettext_lazy("Bocaux cédés aux participants"), ""),
    ("jars_sold", gettext_lazy("Bocaux vendus"), ""),
    ("jars_internal", gettext_lazy("Bocaux en usage interne"), ""),
    ("jars_returned_to_farms", gettext_lazy("Bocaux rendus aux fermes (à façon)"), ""),
    ("jars_discarded", gettext_lazy("Bocaux jetés ou cassés"), ""),
    ("jars_in_stock", gettext_lazy("Bocaux en stock"), ""),
    ("empty_jars_returned", gettext_lazy("Bocaux vides rapportés"), ""),
    ("workshops", gettext_lazy("Ateliers"), ""),
    ("participants", gettext_lazy("Personnes présentes aux ateliers"), ""),
    ("households", gettext_lazy("Foyers touchés"), ""),
    ("priority_area_share", gettext_lazy("Part des foyers en quartier prioritaire"), "%"),
    ("deposit_return_rate", gettext_lazy("Taux de retour des bocaux consignés"), "%"),
    # The purchasing group (reporting/group.py): a masked figure (fewer than 5 households) reads « masqué ».
    ("group_households", gettext_lazy("Foyers servis par le groupement d'achat"), ""),
    ("group_orders", gettext_lazy("Commandes retirées au groupement d'achat"), ""),
    ("group_jars", gettext_lazy("Bocaux remis au groupement d'achat"), ""),
    ("group_average_basket_eur", gettext_lazy("Panier moyen du groupement d'achat (hors consigne)"), "€"),
    ("group_priority_share", gettext_lazy("Part des foyers du groupement en quartier prioritaire"), "%"),
]


def _format(value, unit: str) -> str:
    if value is None:
        return str(_("masqué (moins de 5 foyers)"))
    if unit == "%":
        return f"{french_number(value * 100)} %"
    if unit:
        return f"{french_number(value)} {unit}"
    return french_number(value)


def _parse_day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("Date invalide pour %(option)s : « %(text)s » (format attendu AAAA-MM-JJ).")
            % {"option": option, "text": " ".join(text.split())}  # on one line, whatever was typed
        ) from None


class Command(BaseCommand):
    help = _("Affiche les chiffres d'un territoire sur une période (ou en JSON avec --json).")

    def add_arguments(self, parser):
        parser.add_argument("--territory", required=True, help=_("Identifiant du territoire, par ex. romans."))
        parser.add_argument("--from", dest="date_from", help=_("Premier jour inclus (AAAA-MM-JJ)."))
        parser.add_argument("--to", dest="date_to", help=_("Dernier jour inclus (AAAA-MM-JJ)."))
        parser.add_argument("--json", action="store_true", help=_("Sortie JSON, pour un script."))
        parser.add_argument(
            "--distribution",
            action="store_true",
            help=_("Les tableaux du bilan des cessions (destinations, consignes, encaissements, usage interne)."),
        )
        parser.add_argument(
            "--csv-dir",
            dest="csv_dir",
            help=_("Avec --distribution : écrit chaque tableau en CSV dans ce dossier (existant)."),
        )

    def handle(self, *args, territory, date_from, date_to, json: bool, distribution=False, csv_dir=None, **options):
        place = Territory.objects.by_slug(territory)
        if place is None:
            raise CommandError(_("Territoire inconnu : « %(slug)s ».") % {"slug": territory})
        start, end = _parse_day(date_from, "--from"), _parse_day(date_to, "--to")
        if start and end and start > end:
            raise CommandError(_("La date de début (--from) doit précéder la date de fin (--to)."))
        if csv_dir and not distribution:
            raise CommandError(_("--csv-dir va avec --distribution."))
        with territory_scope(place):
            if distribution:
                self._distribution(place, start, end, json, csv_dir)
                return
            figures = territory_figures(place, start, end)
            # The full mass balance here: also the households reached per day and the ledgers' monthly sums against
            # the facts (issue 20; the pages leave those recounts out, they read every row of the territory).
            recount = recount_problems([place.pk]).get(place.pk, [])
            if recount:
                figures.mass_balance_problems = [*figures.mass_balance_problems, *recount]
                figures.mass_balance_ok = False
            group = group_report(place, start, end)
            if json:
                self.stdout.write(_dumps({**figures.as_json(), **group}))
            else:
                self.stdout.write(self._text(place, figures, group))

    def _distribution(self, place, start, end, as_json: bool, csv_dir: str | None) -> None:
        folder = None
        if csv_dir:
            folder = Path(csv_dir)
            if not folder.is_dir():
                raise CommandError(_("Dossier introuvable : « %(d)s ».") % {"d": " ".join(csv_dir.split())})
        tables = all_tables(place, start, end)
        if folder is not None:
            for table in tables:
                path = folder / f"{place.slug}-{table.key}.csv"
                with path.open("w", encoding="utf-8", newline="") as stream:
                    write_csv(table, stream)
                if not as_json:
                    self.stdout.write(_("Écrit : %(path)s") % {"path": path})
        if as_json:
            self.stdout.write(_dumps({"territory": place.slug, "tables": [table_json(t) for t in tables]}))
        elif folder is None:
            self.stdout.write("\n\n".join(_table_text(t) for t in tables))

    def _text(self, place, figures, group) -> str:
        data = {**figures.as_json(), **group}
        if figures.date_from or figures.date_to:
            period = _("du %(start)s au %(end)s") % {
                "start": f"{figures.date_from:%d/%m/%Y}" if figures.date_from else "…",
                "end": f"{figures.date_to:%d/%m/%Y}" if figures.date_to else "…",
            }
        else:
            period = _("toute la période")
        lines = [_("Bilan de %(name)s — %(period)s") % {"name": place.name, "period": period}, ""]
        width = max(len(str(label)) for _key, label, _unit in LINES)
        for key, label, unit in LINES:
            lines.append(f"{str(label):<{width}}  {_format(data[key], unit)}")
        lines.append("")
        if figures.mass_balance_ok:
            lines.append(_("Bilan matière juste : chaque kilo et chaque bocal est retrouvé."))
        else:
            lines.append(_("Bilan matière à vérifier :"))
            lines += [f"  - {problem}" for problem in figures.mass_balance_problems]
        return "\n".join(lines)


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def _cell_text(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float) or hasattr(value, "quantize"):
        return french_number(value, 2) if hasattr(value, "quantize") else french_number(value)
    return str(value)


def _table_text(table) -> str:
    """A report table as aligned columns for a terminal."""
    header = [str(c) for c in table.columns]
    body = [[_cell_text(v) for v in row] for row in table.rows]
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    lines = [str(table.title), "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines += [
        "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))) for r in body
    ]
    if not body:
        lines.append(_("Rien sur cette période."))
    if table.note:
        lines.append(str(table.note))
    return "\n".join(lines)
