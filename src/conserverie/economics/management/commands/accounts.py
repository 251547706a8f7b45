"""`conserverie accounts --territory SLUG --year YYYY [--json]`: the accounts of a year (docs/economics-en.md).

JSON keys: revenues {category: amount}, revenues_total, expenses {category: amount}, expenses_total, result,
deposits {received, refunded, credited, forfeited, outstanding}, contributions_in_kind {internal_use,
volunteer_hours}, farms_paid, cost_per_jar, own_revenue_coverage (a fraction: 0.126 = 12.6 %), break_even_jars
(number or null), break_even_reason (string or null). Amounts are numbers with 2 decimals. The same figures as the
economics page and the FEC export.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.core.formats import french_number
from conserverie.core.scoping import territory_scope
from conserverie.economics.accounts import accounts, as_json_text, year_bounds
from conserverie.economics.unit_costs import Category
from conserverie.territories.models import Territory

FIRST_YEAR = 2000


def parse_year(text) -> int:
    """The year of --year, or a one-line CommandError."""
    text = " ".join(str(text or "").split())
    if not (text.isdigit() and len(text) == 4):
        raise CommandError(_("Année invalide pour --year : « %(text)s » (format attendu AAAA).") % {"text": text})
    year = int(text)
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise CommandError(
            _("Année hors limites : %(year)s (de %(first)s à l'année en cours).") % {"year": year, "first": FIRST_YEAR}
        )
    return year


def territory_of(slug: str) -> Territory:
    place = Territory.objects.by_slug(slug)
    if place is None:
        raise CommandError(_("Territoire inconnu : « %(slug)s ».") % {"slug": " ".join(str(slug).split())})
    return place


def _eur(value) -> str:
    return f"{french_number(value, 2)} €"


class Command(BaseCommand):
    help = _("Les comptes d'une année : recettes, charges, résultat, consignes, contributions en nature (--json).")

    def add_arguments(self, parser):
        parser.add_argument("--territory", required=True, help=_("Identifiant du territoire, par ex. romans."))
        parser.add_argument("--year", required=True, help=_("Année civile (AAAA)."))
        parser.add_argument("--json", action="store_true", help=_("Sortie JSON, pour un script."))

    def handle(self, *args, territory, year, json: bool, **options):
        place = territory_of(territory)
        year = parse_year(year)
        with territory_scope(place):
            data = accounts(place, *year_bounds(year))
        if json:
            self.stdout.write(as_json_text(data))
        else:
            self.stdout.write(self._text(place, year, data))

    def _text(self, place, year, data) -> str:
        lines = [_("Comptes de %(name)s — %(year)s") % {"name": place.name, "year": year}, "", _("Recettes")]
        lines += [f"  {Category(k).label} : {_eur(v)}" for k, v in data["revenues"].items() if v]
        lines += [_("  Total des recettes : %(v)s") % {"v": _eur(data["revenues_total"])}, "", _("Charges")]
        lines += [f"  {Category(k).label} : {_eur(v)}" for k, v in data["expenses"].items() if v]
        lines += [
            _("  Total des charges : %(v)s") % {"v": _eur(data["expenses_total"])},
            "",
            _("Résultat : %(v)s") % {"v": _eur(data["result"])},
            "",
        ]
        d = data["deposits"]
        lines += [
            _("Consignes (dette envers les porteurs de bocaux, compte 4196)"),
            _("  Reçues : %(v)s") % {"v": _eur(d["received"])},
            _("  Remboursées : %(v)s") % {"v": _eur(d["refunded"])},
            _("  Transformées en avoir : %(v)s") % {"v": _eur(d["credited"])},
            _("  Acquises (règle du territoire) : %(v)s") % {"v": _eur(d["forfeited"])},
            _("  Restant dû en fin de période : %(v)s") % {"v": _eur(d["outstanding"])},
            "",
            _("Contributions volontaires en nature (classes 86/87, hors résultat)"),
            _("  Usage interne des structures : %(v)s") % {"v": _eur(data["contributions_in_kind"]["internal_use"])},
            _("  Heures de bénévolat : %(v)s") % {"v": _eur(data["contributions_in_kind"]["volunteer_hours"])},
            "",
            _("Payé aux fermes : %(v)s") % {"v": _eur(data["farms_paid"])},
        ]
        if data["cost_per_jar"] is not None:
            lines.append(_("Coût de revient d'un bocal : %(v)s") % {"v": _eur(data["cost_per_jar"])})
        if data["own_revenue_coverage"] is not None:
            lines.append(
                _("Part des charges couverte par les recettes propres : %(v)s %%")
                % {"v": french_number(data["own_revenue_coverage"] * 100, 1)}
            )
        if data["break_even_jars"] is not None:
            lines.append(_("Seuil de rentabilité : %(n)s bocaux") % {"n": french_number(data["break_even_jars"], 0)})
        else:
            lines.append(_("Seuil de rentabilité : %(reason)s") % {"reason": data["break_even_reason"]})
        return "\n".join(lines)
