"""The flower's arithmetic: achievement, weighted petal scores, small-group suppression, manual and survey values."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conserverie.impact.models import Dimension, IndicatorValue
from conserverie.impact.periods import Period
from conserverie.impact.scores import achievement, territory_flower
from conserverie.impact.services import (
    dimension_update,
    dimensions_create_defaults,
    indicator_create,
    indicator_update,
    indicator_value_record,
)

from ..helpers import refused
from .flower_data import attend, build_season, flower_with_indicators, person, workshop

D = Decimal
YEAR = Period.parse("2026")


@pytest.mark.parametrize(
    ("value", "target", "higher", "expected"),
    [
        ("50", "100", True, "0.5"),
        ("150", "100", True, "1"),
        ("0", "100", True, "0"),
        ("-5", "100", True, "0"),
        ("3", "0", True, "1"),
        ("80", "100", False, "1"),
        ("200", "100", False, "0.5"),
        ("5", "0", False, "0"),
    ],
)
def test_achievement(value, target, higher, expected):
    assert achievement(D(value), D(target), higher) == D(expected)


def test_no_value_achieves_nothing():
    assert achievement(None, D("10")) == 0


def test_petal_score_is_the_weighted_mean_of_achievements(chain):
    flower = flower_with_indicators(chain)
    # Manual value 5 of 10 → 0.5 (weight 1); households hidden (no one) → not counted.
    indicator_value_record(actor=chain.actor, indicator=flower.manual, period="2026", value=D("5"), source_note="x")
    petal = territory_flower(chain.territory, YEAR).dimensions[0]
    assert petal.score == 50
    households = next(r for r in petal.indicators if r.indicator == flower.households)
    assert households.suppressed
    assert households.value is None


def test_scores_with_the_season(chain, settings):
    build_season(chain)
    flower = flower_with_indicators(chain)
    indicator_value_record(actor=chain.actor, indicator=flower.manual, period="2026", value=D("5"), source_note="x")
    result = territory_flower(chain.territory, YEAR)
    food = result.dimensions[0]
    # households 7 of 14 → 0.5 with weight 2, meals 5 of 10 → 0.5 with weight 1: 50.
    assert food.score == 50
    indicator_value_record(actor=chain.actor, indicator=flower.manual, period="2026", value=D("10"), source_note="x")
    food = territory_flower(chain.territory, YEAR).dimensions[0]
    # (2 × 0.5 + 1 × 1) / 3 = 0.6667 → 67.
    assert food.score == 67
    ecology = territory_flower(chain.territory, YEAR).dimensions[4]
    assert ecology.score == 60  # 60 kg of 100
    assert [d.score for d in result.dimensions[1:4]] == [0, 0, 0]
    assert not result.dimensions[1].measured


def test_values_per_period_with_the_previous_one(chain):
    flower = flower_with_indicators(chain)
    for key, value in (("2025", "4"), ("2026", "7")):
        indicator_value_record(
            actor=chain.actor, indicator=flower.manual, period=key, value=D(value), source_note="Comptage"
        )
    result = territory_flower(chain.territory, YEAR)
    meals = next(r for r in result.dimensions[0].indicators if r.indicator == flower.manual)
    assert (meals.value, meals.previous_value, meals.change, meals.trend) == (D("7"), D("4"), D("3"), "up")
    assert meals.note == "Comptage"
    assert meals.improving is True
    assert result.previous.period.key == "2025"
    assert result.previous.dimensions[0].score == 40


def test_lower_is_better_reads_the_trend_the_other_way(chain):
    dims = dimensions_create_defaults(chain.territory)
    km = indicator_create(
        actor=chain.actor, dimension=dims[4], name="Km", source="manual", target=D("100"), higher_is_better=False
    )
    indicator_value_record(actor=chain.actor, indicator=km, period="2025", value=D("150"), source_note="carnet")
    indicator_value_record(actor=chain.actor, indicator=km, period="2026", value=D("200"), source_note="carnet")
    result = territory_flower(chain.territory, YEAR).dimensions[4].indicators[0]
    assert result.achievement == D("0.5")
    assert result.improving is False


def test_fewer_than_five_people_are_hidden(chain):
    """docs/architecture.md §4.7: four people present → the households indicator has no value and does not count in
    the score."""
    flower = flower_with_indicators(chain)
    w = workshop(chain, date(2026, 6, 12))
    people = [person(chain, f"Q{i}") for i in range(5)]
    for p in people[:4]:
        attend(chain, w, p)
    result = territory_flower(chain.territory, YEAR)
    households = next(r for r in result.dimensions[0].indicators if r.indicator == flower.households)
    assert households.suppressed
    assert households.value is None
    assert result.dimensions[0].score == 0
    attend(chain, w, people[4])
    result = territory_flower(chain.territory, YEAR)
    households = next(r for r in result.dimensions[0].indicators if r.indicator == flower.households)
    assert not households.suppressed
    assert households.value == 5
    assert result.dimensions[0].score == 36  # 5 / 14 = 0.357


def test_survey_indicator_reads_the_answers(chain):
    """A survey-based indicator takes the mean of the questions tied to it (E2's survey_stats)."""
    from conserverie.impact.surveys.services import question_add, response_enter, survey_create, survey_open

    dims = dimensions_create_defaults(chain.territory)
    indicator = indicator_create(
        actor=chain.actor, dimension=dims[1], name="Se sentir moins seul", source="survey", target=D("4")
    )
    survey = survey_create(actor=chain.actor, territory=chain.territory, title="Habitants", audience="residents")
    question = question_add(actor=chain.actor, survey=survey, text="Lien ?", kind="likert", indicator=indicator)
    survey_open(actor=chain.actor, survey=survey)
    for score in (2, 3, 4, 5):
        response_enter(actor=chain.actor, survey=survey, answers={question.pk: score}, day=date(2026, 6, 1))
    petal = territory_flower(chain.territory, YEAR).dimensions[1]
    assert petal.indicators[0].value is None  # four answers: hidden
    response_enter(actor=chain.actor, survey=survey, answers={question.pk: 1}, day=date(2026, 6, 2))
    petal = territory_flower(chain.territory, YEAR).dimensions[1]
    assert petal.indicators[0].value == D("3")
    assert petal.score == 75


def test_flower_costs_a_fixed_number_of_queries(chain, django_assert_max_num_queries):
    flower = flower_with_indicators(chain)
    for name in ("A", "B", "C"):
        indicator_create(actor=chain.actor, dimension=flower.dimensions[2], name=name, source="manual", target=1)
        indicator_create(
            actor=chain.actor,
            dimension=flower.dimensions[3],
            name=name,
            source="computed",
            computation="farms",
            target=1,
        )
    with django_assert_max_num_queries(40) as captured:
        territory_flower(chain.territory, YEAR)
    few = len(captured.captured_queries)
    for name in ("D", "E", "F", "G"):
        indicator_create(
            actor=chain.actor,
            dimension=flower.dimensions[5],
            name=name,
            source="computed",
            computation="round_km",
            target=1,
        )
        indicator_create(actor=chain.actor, dimension=flower.dimensions[1], name=name, source="survey", target=1)
    with django_assert_max_num_queries(few + 4) as captured:  # new groups of records, not one per row
        territory_flower(chain.territory, YEAR)


def test_defaults_are_six_and_idempotent(romans, coordinator):
    created = dimensions_create_defaults(romans.territory, actor=coordinator)
    assert len(created) == 6
    assert dimensions_create_defaults(romans.territory, actor=coordinator) == []
    assert Dimension.objects.filter(territory=romans.territory).count() == 6
    assert [d.order for d in created] == [1, 2, 3, 4, 5, 6]


def test_only_coordinators_shape_the_flower(romans, animator, viewer):
    for user in (animator, viewer):
        with pytest.raises(PermissionDenied):
            dimensions_create_defaults(romans.territory, actor=user)
    assert not Dimension.objects.exists()


def test_bad_input_writes_nothing(chain):
    flower = flower_with_indicators(chain)
    with refused("computation"):
        indicator_create(actor=chain.actor, dimension=flower.dimensions[0], name="X", source="computed", target=1)
    with refused("name"):
        indicator_create(
            actor=chain.actor, dimension=flower.dimensions[0], name="Repas partagés", source="manual", target=1
        )
    with refused("target"):
        indicator_update(actor=chain.actor, indicator=flower.manual, target=D("-1"))
    with refused("name"):
        dimension_update(
            actor=chain.actor, dimension=flower.dimensions[0], name=flower.dimensions[1].name, colour="#000000", order=1
        )
    with refused("source_note"):
        indicator_value_record(actor=chain.actor, indicator=flower.manual, period="2026", value=D("1"), source_note="")
    with refused("period"):
        indicator_value_record(
            actor=chain.actor, indicator=flower.manual, period="l'an dernier", value=D("1"), source_note="x"
        )
    with refused("value"):
        indicator_value_record(actor=chain.actor, indicator=flower.kg, period="2026", value=D("1"), source_note="x")
    assert not IndicatorValue.objects.exists()
    with pytest.raises(ValidationError):
        dimension_update(actor=chain.actor, dimension=flower.dimensions[0], name="Z", colour="vert", order=1)
    flower.dimensions[0].refresh_from_db()
    assert flower.dimensions[0].name != "Z"


def test_a_value_is_corrected_in_place(chain):
    flower = flower_with_indicators(chain)
    indicator_value_record(actor=chain.actor, indicator=flower.manual, period="2026", value=D("1"), source_note="a")
    indicator_value_record(actor=chain.actor, indicator=flower.manual, period="2026", value=D("2"), source_note="b")
    row = IndicatorValue.objects.get()
    assert (row.value, row.source_note, row.entered_by) == (D("2"), "b", chain.actor)
    assert row.history.count() == 2
