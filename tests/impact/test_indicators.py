"""Each computed indicator against hand-computed values (issue #7, item 2), and agreement with the report."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import override_settings

from conserverie.figures.selectors import territory_figures
from conserverie.impact.periods import Period
from conserverie.impact.registry import COMPUTATIONS, MIN_GROUP, compute
from conserverie.territories.models import Role

from ..conftest import build_chain, make_territory, make_user, rows_shared_by_a_module, tomato_product
from .flower_data import build_season

YEAR = Period.parse("2026")

EXPECTED_2026 = {
    "kg_saved": (Decimal("60"), None),
    "farms": (Decimal("2"), None),
    "jars_produced": (Decimal("20"), None),
    "jars_given": (Decimal("3"), None),
    "jars_sold": (Decimal("4"), None),
    "jars_internal": (Decimal("2"), None),
    "deposit_return": (Decimal("28.6"), None),
    "workshops": (Decimal("2"), None),
    "village_workshops": (Decimal("1"), None),
    "town_workshops": (Decimal("1"), None),
    "village_share": (Decimal("50.0"), None),
    "households": (Decimal("7"), 7),
    "people": (Decimal("10"), 7),  # party sizes: 1 + 5 + 3 on the 12th, 1 on the 20th
    "priority_share": (Decimal("28.6"), 7),
    "first_time": (Decimal("6"), 7),
    "returning": (Decimal("2"), 7),
    "round_km": (Decimal("42.5"), None),
    "volunteer_hours": (Decimal("11.5"), 5),
    "volunteer_value": (Decimal("138.23"), 5),  # 11.5 h × 12.02 € (the SMIC in force on 20 June 2026)
    "jobs": (None, None),
}


def chain_and_season():
    place = make_territory("romans", "ROM", "Romans")
    chain = build_chain(place, make_user("coord", place.territory, Role.COORDINATOR), tomato_product())
    return SimpleNamespace(chain=chain, season=build_season(chain))


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker):
    """The season is built once for the module: the tests here only compute from it (docs/performance.md, s21)."""
    yield from rows_shared_by_a_module(django_db_blocker, chain_and_season)


@pytest.fixture
def chain(db, shared):
    return shared.chain


@pytest.fixture
def season(db, shared):
    return shared.season


def test_every_computation_is_checked_by_hand():
    assert set(EXPECTED_2026) == set(COMPUTATIONS)


def test_each_computed_indicator_on_2026(season, chain):
    measures = compute(chain.territory, YEAR, COMPUTATIONS)
    got = {key: (m.value, m.people) for key, m in measures.items()}
    assert got == EXPECTED_2026


def test_the_previous_year_holds_only_its_own_records(season, chain):
    measures = compute(chain.territory, Period.parse("2025"), COMPUTATIONS)
    assert measures["kg_saved"].value == Decimal("15")
    assert measures["round_km"].value == Decimal("30")
    assert measures["farms"].value == 1
    assert measures["workshops"].value == 1
    assert measures["households"].people == 1  # one person: hidden on the flower (docs/architecture.md §4.7)
    assert measures["first_time"].value == 1


def test_a_season_cuts_on_its_dates(season, chain):
    spring = compute(chain.territory, Period.parse("2026-printemps"), COMPUTATIONS)
    assert spring["kg_saved"].value == 0
    assert spring["households"].people == 0
    summer = compute(chain.territory, Period.parse("2026-ete"), COMPUTATIONS)
    assert summer["kg_saved"].value == Decimal("60")
    # A custom range that starts after the first workshop: P1 came back, the others were seen before.
    late = compute(chain.territory, Period.parse("2026-06-15..2026-06-30"), ["first_time", "returning", "households"])
    assert (late["first_time"].value, late["returning"].value) == (0, 1)
    assert late["households"].value == 1  # P1, present on the 20th and given jars that day


def test_figures_agree_with_the_report(season, chain):
    """The flower and `conserverie report` read the same numbers."""
    figures = territory_figures(chain.territory, YEAR.start, YEAR.end)
    measures = compute(chain.territory, YEAR, COMPUTATIONS)
    assert measures["kg_saved"].value == figures.kg_collected
    assert measures["jars_produced"].value == figures.jars_produced
    assert measures["jars_given"].value == figures.jars_given
    assert measures["households"].value == figures.households
    assert measures["people"].value == figures.participants
    assert measures["workshops"].value == figures.workshops
    assert measures["deposit_return"].value == Decimal(str(figures.deposit_return_rate)) * 100


@override_settings(IMPACT_JOBS_FTE="2.5")
def test_jobs_read_from_the_settings_when_set(chain):
    assert compute(chain.territory, YEAR, ["jobs"])["jobs"].value == Decimal("2.5")


def test_computations_cost_a_fixed_number_of_queries(season, chain, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        compute(chain.territory, YEAR, COMPUTATIONS)


def test_min_group_is_five():
    assert MIN_GROUP == 5


def test_unknown_keys_are_ignored(chain):
    assert compute(chain.territory, YEAR, ["nope"]) == {}
