"""One report template per funder (issue 16 item 6): its wording, its period, its key figures and its sections.

- the CAF funds the social centres' family activities (« animation collective familles »): families reached, held
  workshops, households in priority areas, jars taken home;
- the federation of social centres reads the residents' participation: the flower of social utility, its
  indicators, the residents' words and surveys;
- a regional or departmental funder reads the action it subsidises: food saved from waste, jars made and where they
  went, the households reached;
- the Contrat d'impact social (CIS) pays by results: for each indicator the territory chose among its impact
  indicators, threshold, target, measured value and payment due, and the independent evaluator's sign-off.

Every count counts only what has happened (`figures/selectors.py`: held workshops, up to the end of the period and
never after today).
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from conserverie.core.exports import Eur

CENT = Decimal("0.01")
ZERO = Decimal("0")


@dataclass(frozen=True)
class FunderTemplate:
    key: str
    name: str
    title: str
    period_hint: str
    intro: str
    figures: tuple
    sections: frozenset = field(default_factory=frozenset)


TEMPLATES = {
    "caf": FunderTemplate(
        key="caf",
        name=_("Caisse d'allocations familiales (CAF)"),
        title=_("Bilan d'activité — animation collective familles"),
        period_hint=_("Exercice civil de la prestation de service."),
        intro=_(
            "Des ateliers de conserverie ouverts aux familles du territoire : cuisiner ensemble des fruits et "
            "légumes sauvés du gaspillage et repartir avec des bocaux. Les chiffres comptent les ateliers tenus et "
            "les familles venues, jamais les inscriptions à venir."
        ),
        figures=(
            "workshops",
            "participants",
            "households",
            "priority_area_share",
            "jars_given",
            "empty_jars_returned",
            "deposit_return_rate",
            "group_households",
            "group_priority_share",
        ),
        sections=frozenset({"destinations", "quotes", "surveys"}),
    ),
    "federation": FunderTemplate(
        key="federation",
        name=_("Fédération des centres sociaux"),
        title=_("Contribution au projet social — participation des habitants"),
        period_hint=_("Année du projet social."),
        intro=_(
            "Comment la conserverie nourrit le projet social des centres : des habitants qui se rencontrent, "
            "décident et s'engagent. La fleur de l'utilité sociale et ses indicateurs, la parole des habitants."
        ),
        figures=("workshops", "participants", "households", "priority_area_share"),
        sections=frozenset({"flower", "indicators", "quotes", "surveys"}),
    ),
    "regional": FunderTemplate(
        key="regional",
        name=_("Conseil départemental ou régional"),
        title=_("Bilan de l'action subventionnée — alimentation durable et anti-gaspillage"),
        period_hint=_("Période de la convention de subvention."),
        intro=_(
            "L'action soutenue : des surplus de fermes bio proches transformés en bocaux, cédés aux habitants, "
            "vendus au groupement d'achat ou utilisés par les structures. Kilos sauvés, bocaux et foyers touchés."
        ),
        figures=(
            "kg_collected",
            "kg_processed",
            "kg_given_raw",
            "kg_lost",
            "jars_produced",
            "jars_given",
            "jars_sold",
            "jars_internal",
            "households",
            "priority_area_share",
            "deposit_return_rate",
            "group_households",
            "group_orders",
            "group_jars",
            "group_average_basket_eur",
        ),
        sections=frozenset({"destinations", "indicators"}),
    ),
    "cis": FunderTemplate(
        key="cis",
        name=_("Contrat à impact social"),
        title=_("Rapport de résultats — contrat à impact social"),
        period_hint=_("Période d'évaluation du contrat."),
        intro=_(
            "Paiement aux résultats : pour chaque indicateur retenu dans le contrat, la valeur mesurée sur la "
            "période, le seuil sous lequel rien n'est dû, la cible qui déclenche le paiement entier et, entre les "
            "deux, un paiement en proportion. Les valeurs sont validées par l'évaluateur indépendant."
        ),
        figures=("workshops", "participants", "households", "priority_area_share"),
        sections=frozenset({"contract", "indicators"}),
    ),
}


def payment_due(value, threshold: Decimal, target: Decimal, payment: Decimal, higher_is_better: bool = True):
    """Nothing at or short of the threshold, the whole payment at the target or beyond, in proportion in between
    (to the cent). No measured value (not known, or masked: fewer than 5 people) → nothing due."""
    if value is None:
        return Eur(ZERO.quantize(CENT))
    value = Decimal(value)
    if higher_is_better:
        progress = (value - threshold) / (target - threshold)
    else:
        progress = (threshold - value) / (threshold - target)
    progress = max(ZERO, min(Decimal(1), progress))
    return Eur((payment * progress).quantize(CENT, rounding=ROUND_HALF_UP))


@dataclass
class ContractRow:
    indicator: str
    unit: str
    threshold: Decimal
    target: Decimal
    measured: Decimal | None  # None: not known or masked
    masked: bool
    payment: Eur
    due: Eur
    direction: str


@dataclass
class ContractReport:
    rows: list
    total_payment: Eur
    total_due: Eur
    sign_off: object = None  # ContractSignOff or None


def contract_report(territory, period, flower) -> ContractReport:
    """The contract's indicators with their measured values read from the flower of the period (two queries)."""
    from conserverie.impact.models import ContractIndicator, ContractSignOff

    results = {r.indicator.pk: r for petal in flower.dimensions for r in petal.indicators}
    rows = []
    terms = (
        ContractIndicator.objects.filter(territory=territory)
        .select_related("indicator")
        .order_by("indicator__dimension__order", "indicator__order", "pk")
    )
    for term in terms:
        result = results.get(term.indicator_id)
        masked = bool(result and result.suppressed)
        measured = result.value if result is not None and not masked else None
        higher = term.indicator.higher_is_better
        rows.append(
            ContractRow(
                indicator=term.indicator.name,
                unit=term.indicator.unit,
                threshold=term.threshold,
                target=term.target,
                measured=measured,
                masked=masked,
                payment=Eur(term.payment_eur),
                due=payment_due(measured, term.threshold, term.target, term.payment_eur, higher),
                direction=str(_("plus c'est haut, mieux c'est") if higher else _("plus c'est bas, mieux c'est")),
            )
        )
    sign_off = ContractSignOff.objects.filter(territory=territory, period=period.key).first()
    return ContractReport(
        rows=rows,
        total_payment=Eur(sum((r.payment for r in rows), ZERO)),
        total_due=Eur(sum((r.due for r in rows), ZERO)),
        sign_off=sign_off,
    )
