"""The distribution report's tables: the distribution app's own, and the structures' internal use valued at cost,
which needs the economics app's cost of a jar (so it lives up here, docs/architecture.md)."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import CharField, F, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from conserverie.core.exports import Percent
from conserverie.distribution import reports
from conserverie.distribution.reports import ZERO, Table, _eur, _period
from conserverie.distribution.selectors import price_for, price_map
from conserverie.economics.selectors import cost_sheet, unit_economics
from conserverie.impact.group import group_report_by_structure
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


def group_table(territory, date_from=None, date_to=None, shared=None) -> Table:
    """The purchasing group per structure, then all together (issue 18): households served, orders collected, jars,
    the average basket and the priority-area share, by the day of the pick-up. The figures and their masking are
    `report --json`'s (`impact/group.py`): under 5 households, the basket and the share are not given. One query."""
    total, per_structure = group_report_by_structure(territory, date_from, date_to)

    def row(name, data):
        basket, share = data["group_average_basket_eur"], data["group_priority_share"]
        return [
            name,
            data["group_households"],
            data["group_orders"],
            data["group_jars"],
            None if basket is None else _eur(Decimal(str(basket))),
            None if share is None else Percent(str(share)),
        ]

    rows = [row(name, data) for name, data in per_structure]
    if len(rows) > 1:
        rows.append(row(_("Ensemble (un foyer compté une fois)"), total))
    return Table(
        "group",
        _("Groupement d'achat"),
        [
            _("Structure"),
            _("Foyers servis"),
            _("Commandes retirées"),
            _("Bocaux"),
            _("Panier moyen hors consigne (€)"),
            _("Part des foyers en quartier prioritaire"),
        ],
        rows,
        _(
            "Les commandes retirées, au jour du retrait. Moins de 5 foyers : le panier moyen et la part en quartier "
            "prioritaire ne sont pas donnés (« — »), ils désigneraient un foyer."
        ),
    )


REPORTS = {**reports.REPORTS, "internal_value": internal_use_value, "group": group_table}


def all_tables(territory, date_from=None, date_to=None) -> list[Table]:
    """Every table of the page; what several of them read is read once (`distribution.reports._shared`)."""
    shared = {}
    return [report(territory, date_from, date_to, shared) for report in REPORTS.values()]
