"""The flower's arithmetic: each indicator's achievement against its target, each petal's score.

- achievement of an indicator (0 to 1): value ÷ target, capped at 1, when higher is better (a target of 0
  is reached by any value ≥ 0); when lower is better: 1 at or under the target, else target ÷ value;
- score of a petal (0 to 100): the weighted mean of its indicators' achievements × 100, rounded to the
  nearest whole number, over the indicators that have a value for the period (a hidden value, docs/architecture.md
  §4.7, or a
  missing one does not count); a petal with no value at all scores 0 and is marked as not measured.

Values come from the registry (computed), the manual entries (IndicatorValue) or the surveys
(`impact.surveys.stats`); each with the previous period's value for the trend. Reading a
flower costs a fixed number of queries whatever the number of indicators.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from conserverie.impact import registry
from conserverie.impact.masking import hidden_computations
from conserverie.impact.models import Dimension, Indicator, IndicatorValue
from conserverie.impact.periods import Period
from conserverie.territories.models import Territory

MIN_GROUP = registry.MIN_GROUP
ONE = Decimal("1")
ZERO = Decimal("0")


@dataclass
class IndicatorResult:
    indicator: Indicator
    value: Decimal | None
    target: Decimal
    unit: str
    source: str
    previous_value: Decimal | None = None
    achievement: Decimal = ZERO
    suppressed: bool = False
    previous_suppressed: bool = False
    note: str = ""  # the source of a value entered by hand

    @property
    def has_value(self) -> bool:
        return self.value is not None and not self.suppressed

    @property
    def change(self) -> Decimal | None:
        """Value minus the previous period's, when both are known."""
        if not self.has_value or self.previous_value is None or self.previous_suppressed:
            return None
        return self.value - self.previous_value

    @property
    def trend(self) -> str:
        """ "up", "down", "flat" or "" (unknown), read in the indicator's own direction."""
        change = self.change
        if change is None:
            return ""
        if change == 0:
            return "flat"
        return "up" if change > 0 else "down"

    @property
    def improving(self) -> bool | None:
        change = self.change
        if change is None or change == 0:
            return None
        return (change > 0) == self.indicator.higher_is_better

    @property
    def achievement_percent(self) -> int:
        return int((self.achievement * 100).quantize(ONE, ROUND_HALF_UP))


@dataclass
class DimensionScore:
    dimension: Dimension
    score: int
    indicators: list[IndicatorResult]

    @property
    def measured(self) -> bool:
        return any(result.has_value for result in self.indicators)


@dataclass
class Flower:
    territory: Territory
    period: Period
    dimensions: list[DimensionScore]
    previous: "Flower | None" = field(default=None, repr=False)

    def dimension(self, pk: int) -> DimensionScore | None:
        return next((d for d in self.dimensions if d.dimension.pk == pk), None)


def achievement(value: Decimal | None, target: Decimal, higher_is_better: bool = True) -> Decimal:
    """How far `value` reaches `target`, from 0 to 1."""
    if value is None:
        return ZERO
    value, target = Decimal(value), Decimal(target)
    if higher_is_better:
        if target <= 0:
            return ONE if value >= 0 else ZERO
        return max(ZERO, min(value / target, ONE))
    if value <= target:
        return ONE
    if target <= 0 or value <= 0:
        return ZERO
    return min(target / value, ONE)


def dimension_score(results: list[IndicatorResult]) -> int:
    """Weighted mean of the achievements × 100 over the indicators with a value (0 when none)."""
    weights = ZERO
    total = ZERO
    for result in results:
        if not result.has_value:
            continue
        weight = result.indicator.weight
        weights += weight
        total += weight * result.achievement
    if weights <= 0:
        return 0
    return int((total / weights * 100).quantize(ONE, ROUND_HALF_UP))


@dataclass(frozen=True)
class _Value:
    value: Decimal | None
    suppressed: bool = False
    note: str = ""


def _survey_values(indicators: list[Indicator], periods: list[Period]) -> dict[str, dict[int, Decimal | None]]:
    """Survey-based values from the surveys (impact.surveys.stats): {period key: {indicator id: value}}, one query
    for every period."""
    if not indicators:
        return {period.key: {} for period in periods}
    from conserverie.impact.surveys.stats import survey_indicator_values_by_period  # stats reads this module's types

    return survey_indicator_values_by_period(indicators, periods)


def period_values(territory: Territory, indicators: list[Indicator], periods: list[Period]) -> dict:
    """{(indicator id, period key): _Value} for every indicator and period, in a fixed number of queries."""
    return territories_period_values({territory.pk: territory}, {territory.pk: indicators}, periods)


def territories_period_values(
    territories: dict, indicators_of: dict, periods: list[Period], batch: "registry.Batch | None" = None
) -> dict:
    """`period_values` of several territories at once ({id: territory}, {id: its indicators}), in a fixed number
    of queries whatever the number of territories (each group of records read once, grouped by territory)."""
    values: dict[tuple[int, str], _Value] = {}
    computed_of: dict[int, list[Indicator]] = {}  # each territory's computed indicators, grouped once
    surveyed, manual = [], []
    for tid, own in indicators_of.items():
        for indicator in own:
            if indicator.source == Indicator.Source.COMPUTED:
                computed_of.setdefault(tid, []).append(indicator)
            elif indicator.source == Indicator.Source.SURVEY:
                surveyed.append(indicator)
            elif indicator.source == Indicator.Source.MANUAL:
                manual.append(indicator)
    if batch is None:
        batch = registry.Batch(list(territories.values()), periods)
    answers_of = _survey_values(surveyed, periods)
    for period in periods:
        for tid, computed in computed_of.items():
            measures = registry.compute(territories[tid], period, {i.computation for i in computed}, batch)
            hidden = hidden_computations(measures)
            for indicator in computed:
                measure = measures.get(indicator.computation)
                if measure is None:
                    values[indicator.pk, period.key] = _Value(None)
                elif (measure.people is not None and measure.people < MIN_GROUP) or indicator.computation in hidden:
                    values[indicator.pk, period.key] = _Value(None, suppressed=True)
                else:
                    values[indicator.pk, period.key] = _Value(measure.value)
        answers = answers_of[period.key]
        for indicator in surveyed:
            values[indicator.pk, period.key] = _Value(answers.get(indicator.pk))
    if manual:
        rows = IndicatorValue.objects.filter(indicator__in=manual, period__in=[p.key for p in periods]).values_list(
            "indicator_id", "period", "value", "source_note"
        )
        for indicator_id, key, value, note in rows:
            values[indicator_id, key] = _Value(value, note=note)
    return values


def _result(indicator: Indicator, current: _Value, previous: _Value | None) -> IndicatorResult:
    result = IndicatorResult(
        indicator=indicator,
        value=current.value,
        target=indicator.target,
        unit=indicator.unit,
        source=indicator.source,
        previous_value=previous.value if previous else None,
        suppressed=current.suppressed,
        previous_suppressed=previous.suppressed if previous else False,
        note=current.note,
    )
    if result.has_value:
        result.achievement = achievement(result.value, indicator.target, indicator.higher_is_better)
    return result


def _flower(territory, period, dimensions, values, previous_period) -> Flower:
    """`dimensions`: [(dimension, its indicators)] of the territory, in order."""
    scores = []
    empty = _Value(None)
    for dimension, indicators in dimensions:
        results = [
            _result(
                indicator,
                values.get((indicator.pk, period.key), empty),
                values.get((indicator.pk, previous_period.key)) if previous_period else None,
            )
            for indicator in indicators
        ]
        scores.append(DimensionScore(dimension, dimension_score(results), results))
    return Flower(territory, period, scores)


def territory_flower(territory: Territory, period: Period) -> Flower:
    """The flower of `period` with each indicator's previous value; `.previous` holds the previous flower."""
    return territories_flowers([territory], period)[territory.pk]


def flower_batch(territories, period: Period) -> "registry.Batch":
    """The records `territories_flowers` reads for `period` and the previous one: pass it to read the same figures
    without reading them twice (`batch.figures[territory id][0]` are the figures of `period`)."""
    return registry.Batch(territories, [period, period.previous()])


def territories_flowers(territories, period: Period, batch: "registry.Batch | None" = None) -> dict[int, Flower]:
    """{territory id: flower} for several territories side by side, in a fixed number of queries whatever their
    number (the network view, issue 20)."""
    by_id = {t.pk: t for t in territories}
    dimensions = list(
        Dimension.objects.filter(territory__in=list(by_id))
        .prefetch_related("indicators")
        .order_by("territory_id", "order", "pk")
    )
    # Each dimension's prefetched indicators listed once: the flower and the previous one read them both.
    dimensions_of = {tid: [] for tid in by_id}
    indicators_of = {tid: [] for tid in by_id}
    for dimension in dimensions:
        own = list(dimension.indicators.all())
        dimensions_of[dimension.territory_id].append((dimension, own))
        indicators_of[dimension.territory_id].extend(own)
    previous_period = period.previous()
    values = territories_period_values(
        by_id, indicators_of, [period, previous_period], batch or flower_batch(list(by_id.values()), period)
    )
    flowers = {}
    for tid, territory in by_id.items():
        flower = _flower(territory, period, dimensions_of[tid], values, previous_period)
        flower.previous = _flower(territory, previous_period, dimensions_of[tid], values, None)
        flowers[tid] = flower
    return flowers
