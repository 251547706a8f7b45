"""The flower of social utility per period, and a thin summary of the accounts (docs/api-en.md).

Both read the apps' own selectors (`impact.scores.territory_flower`, `economics.selectors.cost_sheet` and
`unit_economics`): the API computes nothing of its own. Values the flower suppresses (a group under 5 people,
docs/architecture.md §4.7) stay null.
"""

from datetime import date

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema

from conserverie.api.core import Money, money, need, territory_of
from conserverie.economics.selectors import cost_sheet, unit_economics
from conserverie.impact.periods import Period
from conserverie.impact.scores import territory_flower

router = Router()

PERIOD = Query(
    None, max_length=30, description='"2026", "2026-printemps" or "2026-03-01..2026-06-30"; this year if omitted'
)


def _decimal(value) -> str | None:
    return None if value is None else format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)


class IndicatorOut(Schema):
    id: int
    name: str
    unit: str
    source: str
    value: str | None
    target: str
    achievement_percent: int
    suppressed: bool


class DimensionOut(Schema):
    id: int
    name: str
    colour: str
    score: int = Field(..., ge=0, le=100)
    measured: bool
    indicators: list[IndicatorOut]


class FlowerOut(Schema):
    period: str
    start: date
    end: date
    dimensions: list[DimensionOut]


def _period(key: str | None) -> Period:
    if not key:
        return Period.current_year()
    try:
        return Period.parse(key)
    except ValidationError as exc:
        raise ValidationError({"period": exc.messages}) from None
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from None


@router.get("/impact", response=FlowerOut, tags=["figures"])
def impact(request, period: str | None = PERIOD):
    """The flower: each petal's score (0–100) and its indicators' values against their targets."""
    need(request, "territory.read_figures")
    when = _period(period)
    flower = territory_flower(territory_of(request), when)
    return {
        "period": when.key,
        "start": when.start,
        "end": when.end,
        "dimensions": [
            {
                "id": d.dimension.pk,
                "name": d.dimension.name,
                "colour": d.dimension.colour,
                "score": d.score,
                "measured": d.measured,
                "indicators": [
                    {
                        "id": r.indicator.pk,
                        "name": r.indicator.name,
                        "unit": r.unit,
                        "source": r.source,
                        "value": None if r.suppressed else _decimal(r.value),
                        "target": _decimal(r.target),
                        "achievement_percent": r.achievement_percent,
                        "suppressed": r.suppressed,
                    }
                    for r in d.indicators
                ],
            }
            for d in flower.dimensions
        ],
    }


class AccountsOut(Schema):
    date_from: date
    date_to: date
    total_costs_eur: Money
    total_revenues_eur: Money
    net_result_eur: Money
    jars: int
    kg_saved: str
    cost_per_jar_eur: Money | None


@router.get("/accounts", response=AccountsOut, tags=["figures"])
def accounts(request, date_from: date | None = None, date_to: date | None = None):
    """The season's costs and revenues in a few totals (the economics page has the detail)."""
    need(request, "territory.read_figures")
    if date_from and date_to and date_to < date_from:
        raise ValidationError({"date_to": "date_to < date_from"})
    if (date_from and not date(2000, 1, 1) <= date_from <= date(2100, 12, 31)) or (
        date_to and not date(2000, 1, 1) <= date_to <= date(2100, 12, 31)
    ):
        raise ValidationError({"date_from": "2000–2100"})
    sheet = cost_sheet(territory_of(request), date_from, date_to)
    unit = unit_economics(sheet)
    return {
        "date_from": sheet.date_from,
        "date_to": sheet.date_to,
        "total_costs_eur": money(sheet.total_costs),
        "total_revenues_eur": money(sheet.total_revenues),
        "net_result_eur": money(unit.net_result),
        "jars": unit.jars,
        "kg_saved": f"{unit.kg_saved:.2f}",
        "cost_per_jar_eur": None if unit.cost_per_jar is None else money(unit.cost_per_jar),
    }
