"""Demo data for #8: Romans' hand-entered costs and revenues of the 2026 season, and two saved scenarios.

The derived lines (fuel, jars and lids, energy, pantry, animation hours, sales, deposits forfeited) come
from the season's own records; only what no record holds is typed here. The funders are plausible bodies; the
amounts are orders of magnitude for a mobile cannery, not the real accounts of any structure.
"""

from datetime import date
from decimal import Decimal

from conserverie.economics.scenario_defaults import defaults_from_territory
from conserverie.economics.scenario_schema import as_json
from conserverie.economics.services import cost_item_add, deposit_rule_set, parameters_set, scenario_save
from conserverie.economics.unit_costs import PARAMETER_DEFAULTS

YEAR = 2026
DEPOSIT_FORFEIT_MONTHS = 6
START, END = date(YEAR, 1, 1), date(YEAR, 12, 31)
D = Decimal

# (category, label, amount €, date, funder)
ITEMS = [
    ("vehicle", "Location longue durée du camion-laboratoire", D("7800"), START, ""),
    ("insurance", "Assurance du camion et responsabilité civile", D("1450"), START, ""),
    ("upkeep", "Entretien, pneus et contrôle technique", D("920"), date(YEAR, 3, 16), ""),
    ("staff_coordination", "Coordination du projet (0,5 ETP)", D("19500"), START, ""),
    ("haccp_training", "Formation HACCP de deux animatrices", D("640"), date(YEAR, 2, 10), ""),
    ("other_cost", "Petit matériel de cuisine et étiquettes", D("480"), date(YEAR, 3, 2), ""),
    ("subsidies", "Animation de la vie sociale : ateliers cuisine", D("12000"), START, "CAF de la Drôme"),
    ("subsidies", "Économie sociale et solidaire : amorçage", D("15000"), START, "Région Auvergne-Rhône-Alpes"),
    ("subsidies", "Appel à projets alimentation durable", D("8000"), date(YEAR, 4, 1), "Fondation Terres de Partage"),
    (
        "contracts",
        "Convention d'achat de bocaux pour l'aide alimentaire",
        D("2500"),
        date(YEAR, 5, 4),
        "Réseau des épiceries solidaires de la Drôme",
    ),
]

SCENARIOS = {
    "Territoire rural : 15 fermes, 45 km": {
        "farms": 15,
        "radius_km": 45,
        "workshops_per_week": D("1.5"),
        "weeks_per_year": 26,
        "participants_per_workshop": 7,
        "kg_per_workshop": 20,
        "staff_fte": D("1"),
        "subsidies_eur": 28000,
        "vehicle": {"lease_eur": 6000},
    },
    "Ville plus grande : 3 ateliers par semaine": {
        "farms": 45,
        "radius_km": 25,
        "workshops_per_week": 3,
        "weeks_per_year": 40,
        "participants_per_workshop": 10,
        "kg_per_workshop": 30,
        "staff_fte": D("2.5"),
        "subsidies_eur": 65000,
        "prices": {"group_sale_eur": D("3.80")},
    },
}


def add_economics(ctx) -> None:
    """Called at the end of build_romans with the DemoContext of the Romans season."""
    actor, territory = ctx.coordinator, ctx.territory
    parameters_set(actor=actor, territory=territory, **PARAMETER_DEFAULTS)
    # Romans' written rule: a deposit whose jar has not come back after 6 months is kept (forfeited, then revenue).
    deposit_rule_set(actor=actor, territory=territory, months=DEPOSIT_FORFEIT_MONTHS)
    for category, label, amount, day, funder in ITEMS:
        cost_item_add(
            actor=actor,
            territory=territory,
            category=category,
            label=label,
            amount_eur=amount,
            date=day,
            end_date=END if day == START else None,
            funder=funder,
        )
    season = as_json(defaults_from_territory(territory, (START, END)))
    for name, changes in SCENARIOS.items():
        inputs = {**season, **as_json(changes)}
        for group in ("vehicle", "prices"):
            if group in changes:
                inputs[group] = {**season[group], **as_json(changes[group])}
        scenario_save(actor=actor, territory=territory, name=name, inputs=inputs)
