"""The distribution report's tables: the distribution app's own, and the structures' internal use valued at cost,
which needs the economics app's cost of a jar (so it lives up here, docs/architecture.md)."""

from collections import defaultdict

from django.db.models import CharField, F, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from conserverie.distribution import reports
from conserverie.distribution.reports import ZERO, Table, _eur, _period
from conserverie.distribution.selectors import price_for, price_map
from conserverie.economics.selectors import cost_sheet, unit_economics
from conserverie.stock.models import MovementKind, StockMovement


def internal_use_value(territory, date_from=None, date_to=None, shared=None) -> Table:
    """Jars the structures used in their own meals and events, valued at cost and, to compare, at the list price.

    At cost: jars × the cost of a jar over the period (every cost of the economics page ÷ jars produced). At the
    list price: the current price of the jar's recipe and format (the format's price for every recipe when the
    recipe has none); a jar without any price counts apart.
    """
    # The costs only: the deposit ledger and the contributions in kind (`with_accounts`) change no cost line.
    per_jar = unit_economics(cost_sheet(territory, date_from, date_to, with_accounts=False)).cost_per_jar

    rows = (
        _period(
            StockMovement.objects.filter(territory=territory, kind=MovementKind.INTERNAL, lot__isnull=False),
            date_from,
            date_to,
        )
        .annotate(
            structure_name=Coalesce(
                "distribution_line__distribution__structure__name", Value("—"), output_field=CharField()
            )
        )
        .values_list("structure_name", "lot__recipe__code", "jar_format_id")
        .annotate(jars=Sum(-F("quantity")))
        .order_by()
    )
    prices = price_map(territory)
    per_structure = defaultdict(lambda: [0, ZERO, 0])
    for structure, code, format_id, jars in rows:
        entry = price_for(prices, code, format_id)
        figures = per_structure[structure]
        figures[0] += jars
        if entry is None:
            figures[2] += jars
        else:
            figures[1] += jars * entry.price_eur

    def at_cost(jars):
        return _eur(jars * per_jar) if per_jar is not None else None

    table_rows = [[name, f[0], at_cost(f[0]), _eur(f[1]), f[2]] for name, f in sorted(per_structure.items()) if f[0]]
    if table_rows:
        jars = sum(r[1] for r in table_rows)
        table_rows.append(
            [
                _("Total"),
                jars,
                at_cost(jars),
                sum((r[3] for r in table_rows), ZERO),
                sum(r[4] for r in table_rows),
            ]
        )
    return Table(
        "internal_value",
        _("Usage interne des structures, valorisé"),
        [
            _("Structure"),
            _("Bocaux utilisés"),
            _("Valeur au coût de revient (€)"),
            _("Valeur au prix du groupement (€)"),
            _("Bocaux sans tarif"),
        ],
        table_rows,
        _(
            "Coût de revient : bocaux × coût d'un bocal sur la période (toutes les charges de la page Économie "
            "÷ bocaux produits). Pour comparer : le prix actuel du groupement d'achat pour la recette et le format."
        ),
    )


REPORTS = {**reports.REPORTS, "internal_value": internal_use_value}


def all_tables(territory, date_from=None, date_to=None) -> list[Table]:
    """Every table of the page; what several of them read is read once (`distribution.reports._shared`)."""
    shared = {}
    return [report(territory, date_from, date_to, shared) for report in REPORTS.values()]
