"""A simulated season: `simulate(inputs) -> SeasonResult`, a pure function (no database).

Inputs: see scenario_schema.py (every key has Romans' figure as default; `romans_defaults` in queries.py reads a
territory's own records instead). The season, step by step:

- workshops = workshops_per_week × weeks_per_year; kg_saved = workshops × kg_per_workshop;
- a jar of v ml needs v / 1000 × RAW_KG_PER_LITRE kg of raw produce; jars = kg_saved ÷ the jar mix's average;
- participants (attendances) = workshops × participants_per_workshop; households = participants ÷
  visits_per_household;
- one collection round per workshop; a round drives to the farms and back (2 × ⅔ × radius, the mean distance
  to a point of a disc being ⅔ of its radius) plus, between farms, (stops − 1) × radius × √(π ÷ farms) (the
  mean spacing of `farms` points on the disc): km = workshops × that;
- costs: the truck (lease, insurance, upkeep), fuel = km × L/100 km ÷ 100 × €/L, jars and lids = jars × lid +
  jars × (1 − return_rate) × new jar (a returned jar is washed and used again, a lid never), energy = batches
  (kg ÷ kg_per_batch) × kWh × €/kWh, pantry = jars × kg per jar × €/kg, staff = staff_fte × fte_cost_eur,
  other fixed costs;
- revenues: deposits kept = jars to participants × deposit × (1 − return_rate), sales = jars to the purchasing
  group × its price, internal use valued at the cost per jar, subsidies;
- cost_per_jar = costs ÷ jars; break_even_jars = fixed costs ÷ (cash revenue per jar − variable cost per jar),
  none when a jar brings in less money than it costs to make (internal use, valued and not paid, is left out);
- fte = the hours the season needs (workshops × (duration + preparation) × animators, and the rounds at
  ROUND_SPEED_KMH with STOP_HOURS a farm) ÷ HOURS_PER_FTE, to compare with the staff paid (staff_fte).

Sensitivity: each number of the inputs (shares aside) is moved by ±20 %; the three that move the cost per
jar most are ranked, each with its curve from −40 % to +40 %.
"""

from dataclasses import asdict, dataclass, field
from decimal import ROUND_CEILING, Decimal

from django.utils.translation import gettext as _

from conserverie.economics.scenario_schema import PI, as_json, defaults, label_of, normalize, numeric_paths, spec_of
from conserverie.economics.unit_costs import Category

D = Decimal
RAW_KG_PER_LITRE = D("1.2")  # produce lost to peeling, coring and cooking down
HOURS_PER_FTE = D("1607")  # the legal working year in France
ROUND_SPEED_KMH = D("50")
STOP_HOURS = D("0.25")
SENSITIVITY_STEP = D("0.20")
CURVE_FACTORS = [D("0.6"), D("0.7"), D("0.8"), D("0.9"), D("1"), D("1.1"), D("1.2"), D("1.3"), D("1.4")]
TARGET = "cost_per_jar"

COST_KEYS = [
    (Category.VEHICLE.value, Category.VEHICLE.label),
    (Category.INSURANCE.value, Category.INSURANCE.label),
    (Category.UPKEEP.value, Category.UPKEEP.label),
    (Category.FUEL.value, Category.FUEL.label),
    (Category.JARS_LIDS.value, Category.JARS_LIDS.label),
    (Category.ENERGY.value, Category.ENERGY.label),
    (Category.PANTRY.value, Category.PANTRY.label),
    ("staff", _("Salaires")),
    (Category.OTHER_COST.value, Category.OTHER_COST.label),
]
# "deposits_kept": the deposits of the jars that do not come back, forfeited under the territory's rule (the only
# deposits that are revenue). The structures' internal use is a contribution in kind, apart (`internal_use_in_kind`).
REVENUE_KEYS = [
    ("deposits_kept", Category.DEPOSITS_FORFEITED.label),
    (Category.SALES.value, Category.SALES.label),
    (Category.SUBSIDIES.value, Category.SUBSIDIES.label),
]
FIXED_KEYS = ("vehicle", "insurance", "upkeep", "staff", "other_cost")


def _cents(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"))


@dataclass
class SeasonResult:
    workshops: Decimal
    kg_saved: Decimal
    jars: int
    participants: int
    households: int
    rounds: Decimal
    km: Decimal
    batches: Decimal
    costs: dict
    costs_total: Decimal
    fixed_costs: Decimal
    variable_costs: Decimal
    revenues: dict
    revenues_total: Decimal
    own_revenue: Decimal
    net_result: Decimal
    internal_use_in_kind: Decimal
    cost_per_jar: Decimal | None
    cost_per_kg: Decimal | None
    coverage: Decimal | None
    break_even_jars: int | None
    fte: Decimal
    staff_fte: Decimal
    sensitivity: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    def as_json(self) -> dict:
        return as_json(asdict(self))


def _kg_per_jar(mix: dict) -> Decimal:
    total = sum(mix.values())
    litres = sum(D(volume) / 1000 * share for volume, share in mix.items()) / total
    return litres * RAW_KG_PER_LITRE


def _km_per_round(v: dict) -> Decimal:
    radius, farms = v["radius_km"], max(v["farms"], D("1"))
    stops = min(v["stops_per_round"], farms)
    return 2 * radius * 2 / 3 + (stops - 1) * radius * (PI / farms).sqrt()


def _compute(v: dict) -> SeasonResult:
    """The season's arithmetic on normalized inputs (Decimal everywhere, no rounding until the end)."""
    workshops = v["workshops_per_week"] * v["weeks_per_year"]
    kg = workshops * v["kg_per_workshop"]
    jars = kg / _kg_per_jar(v["jar_mix"])
    attendances = workshops * v["participants_per_workshop"]
    km_round = _km_per_round(v)
    km = workshops * km_round
    batches = kg / v["kg_per_batch"]
    prices, vehicle, dest = v["prices"], v["vehicle"], v["destinations"]
    not_returned = 1 - v["return_rate"]
    costs = {
        "vehicle": vehicle["lease_eur"],
        "insurance": vehicle["insurance_eur"],
        "upkeep": vehicle["upkeep_eur"],
        "fuel": km * vehicle["l_per_100km"] / 100 * prices["fuel_eur_per_l"],
        "jars_lids": jars * prices["lid_eur"] + jars * not_returned * prices["jar_eur"],
        "energy": batches * v["kwh_per_batch"] * prices["eur_per_kwh"],
        "pantry": jars * v["pantry_kg_per_jar"] * prices["pantry_eur_per_kg"],
        "staff": v["staff_fte"] * v["fte_cost_eur"],
        "other_cost": v["other_fixed_eur"],
    }
    total = sum(costs.values())
    fixed = sum(costs[key] for key in FIXED_KEYS)
    variable = total - fixed
    cost_per_jar = total / jars if jars else None
    cash_per_jar = (
        dest["participants"] * v["deposit_eur"] * not_returned + dest["group_sale"] * prices["group_sale_eur"]
    )
    revenues = {
        "deposits_kept": jars * dest["participants"] * v["deposit_eur"] * not_returned,
        "sales": jars * dest["group_sale"] * prices["group_sale_eur"],
        "subsidies": v["subsidies_eur"],
    }
    internal_use = jars * dest["internal"] * (cost_per_jar or 0)
    own = revenues["deposits_kept"] + revenues["sales"]
    margin = cash_per_jar - (variable / jars if jars else 0)
    break_even = int((fixed / margin).to_integral_value(ROUND_CEILING)) if margin > 0 else None
    hours = workshops * (v["workshop_hours"] + v["prep_hours_per_workshop"]) * v["animators_per_workshop"]
    hours += workshops * (km_round / ROUND_SPEED_KMH + min(v["stops_per_round"], v["farms"]) * STOP_HOURS)
    warnings = []
    fte = hours / HOURS_PER_FTE
    if fte > v["staff_fte"] * D("1.1"):
        warnings.append(
            _("La saison demande %(need)s ETP de travail pour %(paid)s ETP payés : prévoir des bénévoles ou du temps.")
            % {"need": round(fte, 2), "paid": v["staff_fte"]}
        )
    return SeasonResult(
        workshops=workshops,
        kg_saved=_cents(kg),
        jars=int(jars),
        participants=int(attendances),
        households=int(attendances / v["visits_per_household"]),
        rounds=workshops,
        km=km.quantize(D("0.1")),
        batches=batches.quantize(D("0.1")),
        costs={key: _cents(value) for key, value in costs.items()},
        costs_total=_cents(total),
        fixed_costs=_cents(fixed),
        variable_costs=_cents(variable),
        revenues={key: _cents(value) for key, value in revenues.items()},
        revenues_total=_cents(sum(revenues.values())),
        own_revenue=_cents(own),
        net_result=_cents(sum(revenues.values()) - total),
        internal_use_in_kind=_cents(internal_use),
        cost_per_jar=_cents(cost_per_jar) if cost_per_jar is not None else None,
        cost_per_kg=_cents(total / kg) if kg else None,
        coverage=(own / total).quantize(D("0.001")) if total else None,
        break_even_jars=break_even,
        fte=fte.quantize(D("0.01")),
        staff_fte=v["staff_fte"],
        warnings=warnings,
    )


def _set(values: dict, path: tuple, value: Decimal) -> dict:
    changed = {key: dict(item) if isinstance(item, dict) else item for key, item in values.items()}
    if len(path) == 1:
        changed[path[0]] = value
    else:
        changed[path[0]][path[1]] = value
    return changed


def _get(values: dict, path: tuple) -> Decimal:
    return values[path[0]] if len(path) == 1 else values[path[0]][path[1]]


def _moved(values: dict, path: tuple, factor: Decimal):
    """The target result with the input at `path` × factor (kept within its bounds)."""
    spec = spec_of(path)
    value = min(max(_get(values, path) * factor, spec.minimum), spec.maximum)
    return getattr(_compute(_set(values, path, value)), TARGET)


def sensitivity(values: dict, top: int = 3) -> list[dict]:
    """The `top` inputs whose ±20 % moves the cost per jar most, with the curve of each (−40 % … +40 %)."""
    base = getattr(_compute(values), TARGET)
    if base is None:
        return []
    effects = []
    for path in numeric_paths(values):
        if not _get(values, path):
            continue
        moves = [_moved(values, path, 1 + sign * SENSITIVITY_STEP) for sign in (-1, 1)]
        effect = max(abs(m - base) for m in moves if m is not None) if any(m is not None for m in moves) else D(0)
        effects.append((effect, ".".join(path), path))
    effects.sort(key=lambda row: (-row[0], row[1]))
    ranked = []
    for effect, name, path in effects[:top]:
        curve = [[int((f - 1) * 100), _moved(values, path, f)] for f in CURVE_FACTORS]
        ranked.append(
            {
                "input": name,
                "label": label_of(path),
                "value": _get(values, path),
                "effect": effect,
                "curve": [point for point in curve if point[1] is not None],
            }
        )
    return ranked


def simulate(inputs: dict | None = None, *, with_sensitivity: bool = True) -> SeasonResult:
    """A season from a scenario (any key left out takes Romans' default); ScenarioInvalid names a bad field."""
    values = normalize(inputs)
    result = _compute(values)
    if with_sensitivity:
        result.sensitivity = sensitivity(values)
    return result


__all__ = ["SeasonResult", "defaults", "normalize", "simulate", "sensitivity"]
