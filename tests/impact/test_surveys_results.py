"""Survey results: counts per question, survey-based indicator values, small groups hidden (docs/architecture.md
§4.7), flat queries."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from conserverie.impact.periods import Period
from conserverie.impact.scores import territory_flower
from conserverie.impact.surveys.stats import (
    HIDDEN,
    masked_cells,
    question_results,
    recoverable,
    survey_indicator_values,
    surveys_in_period,
)

from ..pages import assert_flat_queries, text
from .voices_data import SUMMER, answer, survey_world

YEAR = Period.year(2026)


@pytest.fixture
def world(romans, coordinator):
    return survey_world(romans.territory, coordinator)


def seven_answers(world):
    """Likert 5,4,4,3,2,5,1 → mean 24/7 = 3.43; yes 5 of 6 = 83.33 %; numbers 1,2,3,10 → mean 4, median 2.5."""
    rows = [
        (5, True, 1, "Très bien"),
        (4, True, 2, ""),
        (4, False, 3, "On revient"),
        (3, True, 10, ""),
        (2, True, None, ""),
        (5, True, None, ""),
        (1, None, None, ""),
    ]
    for likert, yes, number, words in rows:
        answer(world, likert=likert, yes=yes, number=number, text=words)


def test_results_per_question_for_the_team(world):
    seven_answers(world)
    likert, yes_no, number, words = question_results(world.survey, mask_small=False, with_texts=True)
    assert likert.answered == 7
    assert not likert.suppressed
    assert likert.distribution == [(1, 1), (2, 1), (3, 1), (4, 2), (5, 2)]
    assert likert.mean == Decimal("3.43")
    assert yes_no.distribution == [("oui", 5), ("non", 1)]
    assert yes_no.yes_share == Decimal("83.33")
    assert number.answered == 4
    assert number.suppressed
    assert number.mean == Decimal("4.00")
    assert number.median == Decimal("2.50")
    assert sorted(words.texts) == ["On revient", "Très bien"]


def test_a_viewer_sees_no_cell_under_five_and_no_free_text(world):
    seven_answers(world)
    likert, yes_no, number, words = question_results(world.survey, mask_small=True, with_texts=False)
    assert likert.distribution == [(1, None), (2, None), (3, None), (4, None), (5, None)]
    # 7 answers in five cells of 1 to 4 and a mean of 3.43 (24/7): only 1,1,1,2,2 gives it, so the mean is hidden.
    assert likert.mean is None
    assert recoverable([None] * 5, (1, 2, 3, 4, 5), 7, Decimal("3.43"))
    # 5 yes and 1 no: hiding both still gives them back (6 = 5 + 1 is the only way): no breakdown at all.
    assert yes_no.withheld
    assert yes_no.distribution == []
    assert yes_no.yes_share is None
    assert number.suppressed
    assert number.mean is None
    assert number.median is None
    assert words.texts == []


def test_a_lone_hidden_cell_takes_another_with_it():
    # The cell of 12 is hidden with the small one, and written « masqué », not « < 5 » (a false figure).
    assert masked_cells([4, 12, 15, 24, 27]) == [None, HIDDEN, 15, 24, 27]
    assert masked_cells([0, 12, 3, 0, 2]) == [0, 12, None, 0, None]
    assert masked_cells([0, 0, 7, 0, 0]) == [0, 0, 7, 0, 0]
    assert masked_cells([70, 3]) == [HIDDEN, None]
    assert masked_cells([3, 0]) is None  # 3 = 3: no way to hide it (never shown: fewer than 5 answers)
    assert masked_cells([0, 0, 0, 5, 1]) is None  # 6 = 5 + 1 whatever is hidden
    assert masked_cells([1, 5, 20, 0, 0]) == [None, HIDDEN, HIDDEN, 0, 0]  # 1 + 5 = 6 alone would give 1 back


def test_survey_indicator_values_arithmetic(world):
    seven_answers(world)
    values = survey_indicator_values([world.link, world.power], YEAR)
    assert values == {world.link.pk: Decimal("3.43"), world.power.pk: Decimal("83.33")}


def test_only_answers_of_the_period_count(world):
    seven_answers(world)
    for likert in (1, 1, 1, 1, 1):
        answer(world, likert=likert, day=date(2025, 9, 1), actor=world.survey.created_by)
    assert survey_indicator_values([world.link], YEAR)[world.link.pk] == Decimal("3.43")
    assert survey_indicator_values([world.link], Period.year(2025))[world.link.pk] == Decimal("1.00")
    summer = Period.parse("2026-ete")
    assert survey_indicator_values([world.link], summer)[world.link.pk] == Decimal("3.43")
    assert survey_indicator_values([world.link], Period.parse("2026-printemps"))[world.link.pk] is None


def test_fewer_than_five_respondents_give_no_value(world):
    for likert in (5, 5, 4, 4):
        answer(world, likert=likert, yes=True)
    assert survey_indicator_values([world.link, world.power], YEAR) == {world.link.pk: None, world.power.pk: None}
    answer(world, likert=2)
    values = survey_indicator_values([world.link, world.power], YEAR)
    assert values[world.link.pk] == Decimal("4.00")
    assert values[world.power.pk] is None


def test_the_flower_reads_the_survey_values(world):
    seven_answers(world)
    flower = territory_flower(world.survey.territory, YEAR)
    results = {r.indicator.pk: r for d in flower.dimensions for r in d.indicators}
    assert results[world.link.pk].value == Decimal("3.43")
    assert results[world.power.pk].value == Decimal("83.33")


def test_surveys_in_period_hide_small_surveys(world, romans, coordinator):
    from .voices_data import survey_world as build

    seven_answers(world)
    small = build(romans.territory, coordinator)
    small.survey.title = "Petit"
    small.survey.save()
    answer(small, likert=3)
    summaries = {s.survey.title: s for s in surveys_in_period(romans.territory, YEAR)}
    assert summaries["Petit"].suppressed
    assert summaries["Petit"].questions == []
    big = summaries["Questionnaire habitants"]
    assert big.responses == 7
    assert [r.question.kind for r in big.questions] == ["likert", "yes_no", "number"]


def test_results_page_for_the_team_and_for_a_viewer(client, world, romans, coordinator, viewer):
    seven_answers(world)
    url = reverse("surveys:results", args=[romans.territory.slug, world.survey.pk])
    client.force_login(coordinator)
    page = text(client.get(url))
    assert "Très bien" in page
    assert "3,43" in page
    assert "7 réponses" in page
    client.force_login(viewer)
    page = text(client.get(url))
    assert "Très bien" not in page
    assert "On revient" not in page
    assert "&lt; 5" in client.get(url).content.decode() or "< 5" in page
    assert "résultat non diffusé" in page


def test_results_page_queries_do_not_grow(client, world, romans, coordinator, django_assert_num_queries):
    client.force_login(coordinator)
    url = reverse("surveys:results", args=[romans.territory.slug, world.survey.pk])

    def grow(n):
        for i in range(n):
            answer(world, likert=1 + i % 5, yes=i % 2 == 0, number=i, text=f"mot {i}", day=SUMMER)

    assert assert_flat_queries(client, url, grow, django_assert_num_queries) <= 14


def test_survey_list_queries_do_not_grow(client, world, romans, coordinator, django_assert_num_queries):
    client.force_login(coordinator)

    def grow(n):
        for _ in range(n):
            answer(world, likert=3)

    assert_flat_queries(client, reverse("surveys:list", args=[romans.territory.slug]), grow, django_assert_num_queries)
