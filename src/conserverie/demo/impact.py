"""Demo data for #7: the six petals of Romans, their indicators with targets and weights, and the values entered
by hand for two years (2025, 2026) and two seasons (spring and summer 2026), so the flower has a previous period.

Computed indicators read the demo season itself (workshops from April 2026); survey-based ones are fed by the
resident survey of the voices step (questions tied to them by name).
"""

from datetime import date
from decimal import Decimal

from conserverie.impact.periods import Period
from conserverie.impact.services import (
    contract_indicator_set,
    contract_signoff_record,
    dimensions_create_defaults,
    indicator_create,
    indicator_value_record,
)

D = Decimal

# Per petal (in the default order): (name, source, computation, unit, target, weight, higher_is_better, source note)
INDICATORS = [
    [
        ("Foyers touchés", "computed", "households", "", "200", "2", True, ""),
        ("Bocaux cédés aux participants", "computed", "jars_given", "", "1500", "1", True, ""),
        ("Je cuisine plus de fruits et légumes", "survey", "", "sur 5", "4", "1", True, ""),
    ],
    [
        ("Participants revenus", "computed", "returning", "", "80", "1", True, ""),
        ("Nouveaux participants", "computed", "first_time", "", "100", "1", True, ""),
        ("Je connais mieux mes voisins", "survey", "", "sur 5", "4", "2", True, ""),
    ],
    [
        ("Heures de bénévolat", "computed", "volunteer_hours", "", "200", "1", True, ""),
        ("Part des foyers en quartier prioritaire", "computed", "priority_share", "", "50", "1", True, ""),
        ("Habitants présents aux Agoras", "manual", "", "personnes", "60", "1", True, "Feuilles d'émargement"),
    ],
    [
        ("Fermes impliquées", "computed", "farms", "", "25", "1", True, ""),
        ("Kilos de produits sauvés", "computed", "kg_saved", "", "2500", "2", True, ""),
        ("Part des ateliers en village", "computed", "village_share", "", "40", "1", True, ""),
    ],
    [
        ("Taux de retour des bocaux", "computed", "deposit_return", "", "70", "1", True, ""),
        ("Bocaux produits", "computed", "jars_produced", "", "4000", "1", True, ""),
        ("Kilomètres de tournées", "computed", "round_km", "", "3600", "1", False, ""),
    ],
    [
        ("Emplois (ETP)", "manual", "", "ETP", "3", "2", True, "Registre du personnel"),
        ("Valeur du bénévolat", "computed", "volunteer_value", "", "2500", "1", True, ""),
        ("Bocaux vendus au groupement d'achat", "computed", "jars_sold", "", "800", "1", True, ""),
    ],
]

# Values entered by hand: indicator name -> {period key: (value, source)}.
MANUAL_VALUES = {
    "Habitants présents aux Agoras": {
        "2025": ("22", "Agora de décembre 2025, feuille d'émargement"),
        "2026": ("47", "Agoras de mars et d'octobre 2026, feuilles d'émargement"),
        "2026-printemps": ("19", "Agora de mars 2026"),
        "2026-ete": ("8", "Agora de juillet 2026 (fête de quartier)"),
    },
    "Emplois (ETP)": {
        "2025": ("1.2", "Registre du personnel au 31/12/2025"),
        "2026": ("2.4", "Registre du personnel au 30/11/2026"),
        "2026-printemps": ("2", "Registre du personnel au 31/05/2026"),
        "2026-ete": ("2.4", "Registre du personnel au 31/08/2026"),
    },
}


def add_impact(ctx) -> None:
    """Called at the end of build_romans with the DemoContext of the Romans season."""
    actor = ctx.coordinator
    dimensions = dimensions_create_defaults(ctx.territory, actor=actor)
    by_name = {}
    for dimension, rows in zip(dimensions, INDICATORS, strict=True):
        for order, (name, source, computation, unit, target, weight, higher, note) in enumerate(rows, start=1):
            by_name[name] = indicator_create(
                actor=actor,
                dimension=dimension,
                name=name,
                source=source,
                computation=computation,
                unit=unit,
                target=D(target),
                weight=D(weight),
                higher_is_better=higher,
                manual_source=note,
                order=order,
            )
    for name, values in MANUAL_VALUES.items():
        for period, (value, source) in values.items():
            indicator_value_record(
                actor=actor, indicator=by_name[name], period=period, value=D(value), source_note=source
            )
    add_contract(ctx, by_name)


# The Contrat d'impact social of Romans (issue 16 item 6): indicator -> (threshold, target, payment at target).
CONTRACT = {
    "Foyers touchés": ("100", "200", "15000"),
    "Kilos de produits sauvés": ("1500", "2500", "10000"),
    "Habitants présents aux Agoras": ("30", "60", "5000"),
    "Kilomètres de tournées": ("4500", "3600", "2000"),  # lower is better: the threshold is above the target
}


def add_contract(ctx, by_name: dict) -> None:
    """The CIS terms, and the evaluator's sign-off of 2025 (a fictitious firm, no real person)."""
    for name, (threshold, target, payment) in CONTRACT.items():
        contract_indicator_set(
            actor=ctx.coordinator,
            territory=ctx.territory,
            indicator=by_name[name],
            threshold=D(threshold),
            target=D(target),
            payment_eur=D(payment),
        )
    contract_signoff_record(
        actor=ctx.coordinator,
        territory=ctx.territory,
        period=Period.year(2025, bounded=False),
        evaluator="Évaluatrice de démonstration",
        organisation="Cabinet d'évaluation (fictif)",
        signed_on=min(ctx.today, date(2026, 2, 16)),
        statement="Valeurs 2025 vérifiées sur les registres de la plateforme et les feuilles d'émargement.",
    )
