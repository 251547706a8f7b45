"""The demo flower (issue #7, item 8): every computed indicator of Romans has a value on 2026."""

import json
from io import StringIO

from django.core.management import call_command

from conserverie.impact.models import Dimension, Indicator, IndicatorValue
from conserverie.impact.periods import Period
from conserverie.impact.scores import territory_flower
from conserverie.territories.models import Territory


def test_six_petals_with_weighted_indicators_of_every_source(db):
    romans = Territory.objects.get(slug="romans")
    assert Dimension.objects.filter(territory=romans).count() == 6
    indicators = Indicator.objects.filter(dimension__territory=romans)
    assert {i.source for i in indicators} == {"computed", "survey", "manual"}
    assert indicators.exclude(weight=1).exists()
    assert set(IndicatorValue.objects.filter(indicator__in=indicators).values_list("period", flat=True)) == {
        "2025",
        "2026",
        "2026-printemps",
        "2026-ete",
    }


def test_computed_indicators_are_non_zero_on_2026(db):
    flower = territory_flower(Territory.objects.get(slug="romans"), Period.parse("2026"))
    computed = [r for d in flower.dimensions for r in d.indicators if r.source == "computed"]
    assert len(computed) >= 12
    assert all(r.has_value and r.value > 0 for r in computed), [
        (r.indicator.name, r.value) for r in computed if not (r.has_value and r.value)
    ]
    assert all(0 < d.score <= 100 for d in flower.dimensions)


def test_the_summer_has_the_spring_before_it(db):
    flower = territory_flower(Territory.objects.get(slug="romans"), Period.parse("2026-ete"))
    assert flower.previous.period.key == "2026-printemps"
    assert all(d.measured for d in flower.previous.dimensions)
    changes = [r.change for d in flower.dimensions for r in d.indicators if r.change is not None]
    assert len(changes) >= 12


def test_the_cli_on_the_demo(db):
    out = StringIO()
    call_command("impact", "--territory", "romans", "--period", "2026", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert [d["name"] for d in data["dimensions"]][0] == "Alimentation saine et accessible"
    assert all(d["score"] > 0 for d in data["dimensions"])
