"""The simulator: a pure function whose arithmetic holds together, and a schema that refuses nonsense."""

from decimal import Decimal

import pytest

from conserverie.economics.scenario_defaults import defaults_from_territory, romans_defaults
from conserverie.economics.scenario_schema import ScenarioInvalid, defaults, normalize
from conserverie.economics.simulator import simulate

from .conftest import SEASON

D = Decimal
# 500 ml jars only: 0.6 kg of produce a jar, so 30 kg make exactly 50 jars.
EXACT = {"jar_mix": {"500": 1}, "kg_per_workshop": 30}


def test_workshops_are_the_rhythm_times_the_weeks():
    result = simulate({"workshops_per_week": 3, "weeks_per_year": 20})
    assert result.workshops == 60
    assert result.rounds == 60
    assert result.kg_saved == 60 * D("25")


def test_doubling_the_rhythm_doubles_jars_kilos_and_km():
    one, two = simulate({**EXACT, "workshops_per_week": 2}), simulate({**EXACT, "workshops_per_week": 4})
    assert one.jars == 2 * 30 * 50
    assert two.jars == 2 * one.jars
    assert two.kg_saved == 2 * one.kg_saved
    assert two.km == 2 * one.km
    assert abs(two.costs["fuel"] - 2 * one.costs["fuel"]) <= D("0.01")  # each rounded to the cent
    assert two.costs["staff"] == one.costs["staff"]  # salaries do not move with the rhythm


def test_fixed_costs_make_the_cost_per_jar_fall_as_volume_grows():
    costs = [simulate({"kg_per_workshop": kg}).cost_per_jar for kg in (10, 20, 40, 80)]
    assert costs == sorted(costs, reverse=True)
    assert len(set(costs)) == 4


def test_the_season_by_hand():
    """60 workshops × 30 kg = 1 800 kg = 3 000 jars of 500 ml; only the truck lease and the jars cost money."""
    zero_prices = {"jar_eur": 1, "lid_eur": D("0.5"), "fuel_eur_per_l": 0, "eur_per_kwh": 0, "pantry_eur_per_kg": 0}
    result = simulate(
        {
            **EXACT,
            "prices": {**zero_prices, "group_sale_eur": 4},
            "vehicle": {"lease_eur": 6000, "insurance_eur": 0, "upkeep_eur": 0},
            "staff_fte": 0,
            "other_fixed_eur": 0,
            "return_rate": D("0.5"),
            "deposit_eur": 1,
            "destinations": {"participants": D("0.5"), "group_sale": D("0.5"), "internal": 0},
            "subsidies_eur": 1000,
        }
    )
    assert result.jars == 3000
    assert result.costs["jars_lids"] == D("3000.00")  # 3 000 × 0.50 + 3 000 × 0.5 × 1.00
    assert result.costs_total == D("9000.00")
    assert result.cost_per_jar == D("3.00")
    assert result.revenues["deposits_kept"] == D("750.00")  # 1 500 jars × 1.00 × 0.5 not returned
    assert result.revenues["sales"] == D("6000.00")  # 1 500 × 4.00
    assert result.net_result == D("-1250.00")  # 750 + 6 000 + 1 000 − 9 000
    # cash a jar 0.25 + 2.00, variable a jar 1.00: 6 000 / 1.25 = 4 800 jars
    assert result.break_even_jars == 4800


def test_no_break_even_when_a_jar_brings_in_less_than_it_costs():
    assert simulate({"prices": {"group_sale_eur": 0}, "deposit_eur": 0}).break_even_jars is None


def test_sensitivity_ranks_the_inputs_that_move_the_cost_per_jar_most():
    """Nothing fixed, no fuel, no energy: a jar costs its lid + its new jar + a little pantry."""
    case = {
        "staff_fte": 0,
        "other_fixed_eur": 0,
        "vehicle": {"lease_eur": 0, "insurance_eur": 0, "upkeep_eur": 0},
        "return_rate": 0,
        "kwh_per_batch": 0,
        "pantry_kg_per_jar": D("0.1"),
        "prices": {"jar_eur": 5, "lid_eur": 2, "fuel_eur_per_l": 0, "pantry_eur_per_kg": 1},
    }
    result = simulate(case)
    assert result.cost_per_jar == D("7.10")
    ranked = [item["input"] for item in result.sensitivity]
    assert ranked[:2] == ["prices.jar_eur", "prices.lid_eur"]
    assert ranked[2] in {"pantry_kg_per_jar", "prices.pantry_eur_per_kg"}
    assert result.sensitivity[0]["effect"] == D("1.00")  # ± 20 % of 5.00
    curve = dict(result.sensitivity[0]["curve"])
    assert (curve[-40], curve[0], curve[40]) == (D("5.10"), D("7.10"), D("9.10"))


def test_default_sensitivity_has_three_curves_of_nine_points():
    result = simulate()
    assert len(result.sensitivity) == 3
    assert all(len(item["curve"]) == 9 for item in result.sensitivity)
    assert result.as_json()["sensitivity"][0]["curve"][4][0] == 0


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"farmz": 3}, "farmz"),
        ({"farms": "trente"}, "farms"),
        ({"farms": 2.5}, "farms"),
        ({"farms": True}, "farms"),
        ({"radius_km": -5}, "radius_km"),
        ({"workshops_per_week": 600}, "workshops_per_week"),
        ({"weeks_per_year": 53}, "weeks_per_year"),
        ({"vehicle": {"lease_eur": -1}}, "vehicle.lease_eur"),
        ({"vehicle": {"wings": 2}}, "vehicle.wings"),
        ({"vehicle": 12}, "vehicle"),
        ({"prices": {"group_sale_eur": None}}, "prices.group_sale_eur"),
        ({"jar_mix": {"375": D("0.5")}}, "jar_mix"),
        ({"jar_mix": {"grand": 1}}, "jar_mix.grand"),
        ({"jar_mix": {"100000": 1}}, "jar_mix.100000"),
        ({"destinations": {"participants": 1, "group_sale": 1}}, "destinations"),
        ({"subsidies_eur": float("nan")}, "subsidies_eur"),
    ],
)
def test_bad_inputs_are_refused_naming_the_field(data, field):
    with pytest.raises(ScenarioInvalid) as info:
        simulate(data)
    assert field in info.value.errors, info.value.errors
    assert str(info.value).startswith(field)
    assert "\n" not in str(info.value)


def test_every_default_passes_its_own_schema():
    assert normalize(defaults()) == defaults()


def test_defaults_from_a_territory_read_its_season(books):
    values = defaults_from_territory(books.territory, SEASON)
    assert values == romans_defaults(books.territory, SEASON)
    assert (values["weeks_per_year"], values["workshops_per_week"]) == (1, 1)
    assert values["jar_mix"] == {"375": 1}
    assert values["prices"]["group_sale_eur"] == D("3.50")
    assert values["prices"]["jar_eur"] == D("1.00")  # the territory's unit cost
    assert values["vehicle"]["lease_eur"] == D("600.00")
    assert values["subsidies_eur"] == D("1000.00")
    assert values["return_rate"] == D("0.33")  # 3 jars back of 9 with a deposit
    assert values["destinations"] == {"participants": D("0.46"), "group_sale": D("0.36"), "internal": D("0.18")}
    assert simulate(values).jars > 0


def test_defaults_without_records_are_romans_figures(other):
    values = defaults_from_territory(other.territory, SEASON)
    assert values["farms"] == 30
    assert values["workshops_per_week"] == 2
    assert values["weeks_per_year"] == 30
