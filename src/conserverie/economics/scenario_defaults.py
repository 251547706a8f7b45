"""A territory's actual figures as the simulator's inputs: the next season starts from the last one.

`defaults_from_territory(territory, period)` reads the period's records (the cost sheet, the report's figures)
and fills every input it can measure; the others keep the schema's defaults (Romans' figures). Each value is
kept within the schema's bounds, so the result always passes `normalize`. `romans_defaults` is the same
function under the name the replication kit uses.
"""

from decimal import Decimal

from django.db.models import F, Q, Sum
from django.utils import timezone

from conserverie.economics.scenario_schema import defaults, normalize, spec_of
from conserverie.economics.selectors import cost_sheet, season_of
from conserverie.economics.unit_costs import Category
from conserverie.producers.models import Producer
from conserverie.stock.models import MovementKind, StockMovement
from conserverie.workshops.models import Workshop

D = Decimal


def _bounded(path, value, places="0.01"):
    spec = spec_of(path)
    value = min(max(D(value), spec.minimum), spec.maximum)
    return value.to_integral_value() if spec.whole else value.quantize(D(places))


def _held_workshops(territory, start, end) -> tuple[int, int]:
    """(workshops held, weeks that had one) in the period: planned workshops still to come are not a rhythm."""
    moments = Workshop.objects.filter(territory=territory).held_between(start, end).values_list("starts_at", flat=True)
    weeks = {timezone.localtime(moment).isocalendar()[:2] for moment in moments}
    return len(moments), len(weeks)


def _jar_mix(territory, start, end) -> dict:
    produced = (
        StockMovement.objects.filter(territory=territory, kind=MovementKind.PRODUCED, day__gte=start, day__lte=end)
        .values_list("jar_format__volume_ml")
        .annotate(n=Sum("quantity"))
        .order_by("jar_format__volume_ml")
    )
    total = sum(n for _volume, n in produced)
    if not total:
        return {}
    mix = {str(volume): (D(n) / total).quantize(D("0.001")) for volume, n in produced if n > 0}
    largest = max(mix, key=mix.get)
    mix[largest] += 1 - sum(mix.values())  # rounding must not break the total of 1
    return mix


def _average_prices(territory, start, end) -> dict:
    sold, with_deposit = Q(kind=MovementKind.SOLD), Q(distribution_line__deposit_eur__gt=0)
    data = StockMovement.objects.filter(
        territory=territory, distribution_line__isnull=False, day__gte=start, day__lte=end
    ).aggregate(
        sold_n=Sum(-F("quantity"), filter=sold),
        sold_eur=Sum(-F("quantity") * F("distribution_line__unit_price_eur"), filter=sold),
        deposit_n=Sum(-F("quantity"), filter=with_deposit),
        deposit_eur=Sum(-F("quantity") * F("distribution_line__deposit_eur"), filter=with_deposit),
    )
    return {
        "group_sale_eur": data["sold_eur"] / data["sold_n"] if data["sold_n"] else None,
        "deposit_eur": data["deposit_eur"] / data["deposit_n"] if data["deposit_n"] else None,
    }


def defaults_from_territory(territory, period=None) -> dict:
    """The simulator's inputs from the territory's records of `period` (start, end), defaults elsewhere."""
    start, end = period or season_of()
    sheet = cost_sheet(territory, start, end, with_accounts=False)
    f, p = sheet.figures, sheet.parameters
    values = defaults()

    def put(path, value):
        if value is None or value <= 0:
            return
        if len(path) == 1:
            values[path[0]] = _bounded(path, value)
        else:
            values[path[0]][path[1]] = _bounded(path, value)

    put(("farms",), Producer.objects.filter(territory=territory, is_active=True).count())
    put(("radius_km",), territory.radius_km)
    held, weeks = _held_workshops(territory, start, end)
    if held and weeks:
        put(("weeks_per_year",), weeks)
        put(("workshops_per_week",), D(held) / weeks)
        put(("participants_per_workshop",), D(f.participants) / held)
        put(("kg_per_workshop",), f.kg_processed / held)
    mix = _jar_mix(territory, start, end)
    if mix:
        values["jar_mix"] = mix
    prices = _average_prices(territory, start, end)
    put(("deposit_eur",), prices["deposit_eur"])
    put(("prices", "group_sale_eur"), prices["group_sale_eur"])
    for key in ("jar_eur", "lid_eur", "fuel_eur_per_l", "eur_per_kwh", "pantry_eur_per_kg"):
        put(("prices", key), getattr(p, key))
    put(("vehicle", "l_per_100km"), p.fuel_l_per_100km)
    put(("kwh_per_batch",), p.kwh_per_batch)
    put(("vehicle", "lease_eur"), sheet.total([Category.VEHICLE]))
    put(("vehicle", "insurance_eur"), sheet.total([Category.INSURANCE]))
    put(("vehicle", "upkeep_eur"), sheet.total([Category.UPKEEP]))
    put(("subsidies_eur",), sheet.total([Category.SUBSIDIES, Category.CONTRACTS]))
    staff = sheet.total([Category.STAFF_ANIMATORS, Category.STAFF_COORDINATION])
    put(("staff_fte",), staff / values["fte_cost_eur"])
    put(("other_fixed_eur",), sheet.total([Category.HACCP_TRAINING, Category.OTHER_COST]))
    out = f.jars_given + f.jars_sold + f.jars_internal
    if out:
        shares = [D(n) / out for n in (f.jars_given, f.jars_sold, f.jars_internal)]
        rounded = [share.quantize(D("0.01")) for share in shares]
        rounded[0] += 1 - sum(rounded)
        values["destinations"] = dict(zip(("participants", "group_sale", "internal"), rounded, strict=True))
    put(("return_rate",), D(str(f.deposit_return_rate)))
    if f.households:
        put(("visits_per_household",), D(f.participants) / f.households)
    return normalize(values)


romans_defaults = defaults_from_territory
