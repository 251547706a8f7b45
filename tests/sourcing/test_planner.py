"""The planner on hand-made rounds: distances, the rules of `evaluate`, the edge cases and the JSON face."""

import re

import pytest

from conserverie.sourcing.rounds.planner import (
    KM_PER_KG,
    InfeasibleRound,
    Problem,
    Stop,
    Vehicle,
    default_prize,
    distance_km,
    evaluate,
    nearest_neighbour,
    nearest_neighbour_order,
    plan_cost,
    plan_round,
    plan_to_json,
    prize_for,
    problem_from_json,
    route_distance_km,
    solve_exact,
    urgency_weight,
)

from .test_planner_properties import referee

HUB = (45.04639, 5.0562)  # Romans-sur-Isère
PEAGE = (45.02825, 5.07162)  # Bourg-de-Péage, 2.3 km away
MOURS = (45.06829, 5.05752)  # Mours-Saint-Eusèbe
FAR = (45.3, 5.4)  # about 40 km away
DAY = Vehicle(capacity_kg=600, start=8 * 60, end=17 * 60)


def stop(stop_id, point, kg=20.0, **kwargs):
    return Stop(id=stop_id, lat=point[0], lon=point[1], kg=kg, **kwargs)


def problem(*stops, vehicle=DAY, road_factor=1.3):
    return Problem(depot=HUB, vehicle=vehicle, stops=tuple(stops), road_factor=road_factor)


def test_distance_is_great_circle_times_the_road_factor():
    one_degree = 2 * 3.141592653589793 * 6371 / 360
    assert distance_km((45, 5), (46, 5), 1.0) == pytest.approx(one_degree, rel=1e-9)
    assert distance_km((45, 5), (46, 5), 1.3) == pytest.approx(1.3 * one_degree, rel=1e-9)
    assert distance_km(HUB, HUB, 1.3) == 0
    assert distance_km(HUB, PEAGE, 1.0) == pytest.approx(distance_km(PEAGE, HUB, 1.0))


def test_prizes_default_to_kg_and_grow_with_urgency():
    assert default_prize(stop("a", PEAGE, kg=20)) == 20 * KM_PER_KG
    assert default_prize(stop("a", PEAGE, kg=20, prize=3.0)) == 3.0
    assert [urgency_weight(d) for d in (None, 10, 3, 1, 0, -2)] == [1.0, 1.0, 1.5, 2.0, 3.0, 3.0]
    assert prize_for(20, days_left=1) == 2 * prize_for(20)


def test_evaluate_measures_the_route_with_waiting_and_service():
    problem_ = problem(stop("p", PEAGE, service_min=15, window=(9 * 60, 10 * 60)), stop("m", MOURS, kg=30))
    plan = evaluate(problem_, ["p", "m"])
    leg1, leg2, leg3 = (distance_km(a, b, 1.3) for a, b in [(HUB, PEAGE), (PEAGE, MOURS), (MOURS, HUB)])
    assert plan.distance_km == pytest.approx(leg1 + leg2 + leg3)
    assert plan.arrivals["p"] == round(8 * 60 + leg1 / 50 * 60)  # arrives early ...
    assert plan.starts["p"] == 9 * 60  # ... and starts at the opening
    assert plan.starts["m"] == plan.arrivals["m"] == round(9 * 60 + 15 + leg2 / 50 * 60)
    back = 9 * 60 + 15 + (leg2 + leg3) / 50 * 60 + 10  # ... waits for 9:00, serves 15 min, then Mours
    assert plan.duration_min == pytest.approx(back - 8 * 60)
    assert plan.load_kg == 50
    assert plan.skipped == []
    assert evaluate(problem_, []).distance_km == 0
    assert evaluate(problem_, []).skipped == ["p", "m"]


def test_evaluate_refuses_capacity_windows_and_the_end_of_the_day():
    small = Vehicle(capacity_kg=40, start=8 * 60, end=17 * 60)
    assert evaluate(problem(stop("a", PEAGE, kg=30), stop("b", MOURS, kg=20), vehicle=small), ["a", "b"]) is None
    closed = problem(stop("a", PEAGE, window=(7 * 60, 8 * 60)))
    assert evaluate(closed, ["a"]) is None
    short_day = Vehicle(capacity_kg=600, start=8 * 60, end=8 * 60 + 30)
    assert evaluate(problem(stop("a", FAR), vehicle=short_day), ["a"]) is None
    with pytest.raises(ValueError, match="inconnu"):
        evaluate(closed, ["zz"])
    with pytest.raises(ValueError, match="deux fois"):
        evaluate(problem(stop("a", PEAGE)), ["a", "a"])


def test_no_stop_gives_an_empty_round():
    plan = plan_round(problem())
    assert (plan.route, plan.skipped, plan.distance_km, plan.duration_min, plan.load_kg) == ([], [], 0, 0, 0)
    assert plan_to_json(plan) == {
        "route": [],
        "skipped": [],
        "distance_km": 0,
        "duration_min": 0,
        "load_kg": 0,
        "arrivals": {},
        "starts": {},
    }


def test_one_stop_worth_the_detour_is_visited_and_one_not_worth_it_is_left_out():
    near = problem(stop("near", PEAGE, kg=20))
    assert plan_round(near, seconds=0.2).route == ["near"]
    far_and_small = problem(stop("far", FAR, kg=5))
    plan = plan_round(far_and_small, seconds=0.2)
    assert plan.route == []
    assert plan.skipped == ["far"]
    required = problem(stop("far", FAR, kg=5, required=True))
    assert plan_round(required, seconds=0.2).route == ["far"]
    precious = problem(stop("far", FAR, kg=5, prize=500.0))
    assert plan_round(precious, seconds=0.2).route == ["far"]


def test_stops_at_the_depot_and_at_one_place_are_all_visited():
    plan = plan_round(problem(stop("hub", HUB), stop("x", PEAGE), stop("y", PEAGE, kg=1)), seconds=0.2)
    assert sorted(plan.route) == ["hub", "x", "y"]
    assert plan.distance_km == pytest.approx(2 * distance_km(HUB, PEAGE, 1.3))
    referee(problem(stop("hub", HUB), stop("x", PEAGE), stop("y", PEAGE, kg=1)), plan)


def test_an_unreachable_window_skips_an_optional_stop_and_refuses_a_required_one():
    early = stop("early", FAR, kg=100, window=(8 * 60, 8 * 60 + 10))
    plan = plan_round(problem(early, stop("ok", PEAGE)), seconds=0.2)
    assert plan.route == ["ok"]
    assert plan.skipped == ["early"]
    with pytest.raises(InfeasibleRound, match="early"):
        plan_round(problem(Stop(**{**early.__dict__, "required": True})), seconds=0.2)


def test_required_stops_heavier_than_the_vehicle_are_refused_with_the_reason():
    with pytest.raises(InfeasibleRound, match="capacité"):
        plan_round(problem(stop("a", PEAGE, kg=400, required=True), stop("b", MOURS, kg=300, required=True)))
    with pytest.raises(InfeasibleRound, match="« a » pèse"):
        plan_round(problem(stop("a", PEAGE, kg=700, required=True)))


def test_required_stops_that_only_fit_one_at_a_time_are_refused():
    same_slot = (9 * 60, 9 * 60 + 5)
    both = problem(
        stop("north", (45.25, 5.05), window=same_slot, required=True),
        stop("south", (44.85, 5.05), window=same_slot, required=True),
    )
    assert evaluate(both, ["north"]) is not None
    assert evaluate(both, ["south"]) is not None
    with pytest.raises(InfeasibleRound, match="obligatoires"):
        plan_round(both, seconds=0.2)
    with pytest.raises(InfeasibleRound):
        solve_exact(both)


def test_capacity_makes_the_planner_choose_the_most_valuable_offers():
    small = Vehicle(capacity_kg=100, start=8 * 60, end=17 * 60)
    offers = problem(stop("big", MOURS, kg=90), stop("mid", PEAGE, kg=30), stop("low", PEAGE, kg=30), vehicle=small)
    plan = plan_round(offers, seconds=0.2)
    assert plan.route == ["big"]
    assert plan.load_kg == 90
    assert plan_cost(offers, plan) == pytest.approx(plan.distance_km + 60 * KM_PER_KG)  # mid and low left out


def test_the_search_is_reproducible_with_a_seed():
    stops = [stop(f"s{i}", (45.0 + 0.02 * i, 5.0 + 0.015 * (i % 5)), kg=10 + i) for i in range(12)]
    first = plan_round(problem(*stops), seconds=0.3, seed=3)
    assert plan_round(problem(*stops), seconds=0.3, seed=3) == first


def test_nearest_neighbour_drives_to_the_closest_stop_first():
    stops = problem(stop("far", FAR, kg=500), stop("mid", MOURS), stop("near", PEAGE))
    assert nearest_neighbour_order(stops, ["far", "mid", "near"]) == ["near", "mid", "far"]
    plan = nearest_neighbour(stops, ["far", "near"])
    assert plan.route == ["near", "far"]
    assert plan.skipped == ["mid"]
    assert plan.distance_km == pytest.approx(route_distance_km(stops, ["near", "far"]))
    assert nearest_neighbour(stops).route == nearest_neighbour_order(stops, plan_round(stops).route)


def test_solve_exact_is_for_small_rounds_only():
    with pytest.raises(ValueError, match="9"):
        solve_exact(problem(*(stop(f"s{i}", PEAGE) for i in range(10))))


def test_plan_round_refuses_an_invalid_problem():
    with pytest.raises(ValueError, match="double"):
        plan_round(problem(stop("a", PEAGE), stop("a", MOURS)))
    with pytest.raises(ValueError, match="négatif"):
        plan_round(problem(stop("a", PEAGE, kg=-1)))


# --- JSON ----------------------------------------------------------------------------------------------------


def document(**changes):
    data = {
        "depot": {"lat": HUB[0], "lon": HUB[1]},
        "vehicle": {"capacity_kg": 600, "start": "08:00", "end": "17:00", "speed_kmh": 50},
        "stops": [
            {"id": "a", "lat": PEAGE[0], "lon": PEAGE[1], "kg": 40, "service_min": 15, "window": ["09:00", "11:00"]},
            {"id": "b", "lat": MOURS[0], "lon": MOURS[1], "kg": 20, "required": True},
        ],
    }
    data.update(changes)
    return data


def test_problem_from_json_reads_the_documented_schema_with_defaults():
    parsed = problem_from_json(document())
    assert parsed.depot == HUB
    assert parsed.road_factor == 1.3
    assert parsed.vehicle == Vehicle(capacity_kg=600, start=480, end=1020, speed_kmh=50)
    assert parsed.stops[0] == Stop(id="a", lat=PEAGE[0], lon=PEAGE[1], kg=40, service_min=15, window=(540, 660))
    assert parsed.stops[1].service_min == 10
    assert parsed.stops[1].required
    assert parsed.stops[1].window is None
    minimal = document(vehicle={"capacity_kg": 100, "start": "7:30", "end": "24:00"}, road_factor=1)
    assert problem_from_json(minimal).vehicle == Vehicle(capacity_kg=100, start=450, end=1440, speed_kmh=50.0)


def with_stop(**changes):
    data = document()
    data["stops"][0] = {**data["stops"][0], **changes}
    return data


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ([], "le fichier doit contenir un objet JSON"),
        ({**document(), "extra": 1}, "extra : champ inconnu"),
        ({k: v for k, v in document().items() if k != "stops"}, "stops : champ obligatoire"),
        (document(depot={"lat": 45}), "depot.lon : champ obligatoire"),
        (document(depot={"lat": 95, "lon": 5}), "depot.lat"),
        (document(vehicle={"capacity_kg": 0, "start": "08:00", "end": "17:00"}), "vehicle.capacity_kg"),
        (document(vehicle={"capacity_kg": 10, "start": "8h", "end": "17:00"}), "vehicle.start"),
        (document(vehicle={"capacity_kg": 10, "start": "18:00", "end": "17:00"}), "vehicle.end"),
        (document(vehicle={"capacity_kg": 10, "start": "08:00", "end": "24:30"}), "vehicle.end"),
        (document(vehicle={"capacity_kg": 10, "start": "08:00", "end": "17:00", "speed_kmh": -3}), "speed_kmh"),
        (document(road_factor=0.5), "road_factor"),
        (document(stops={}), "stops : liste"),
        (with_stop(kg=-5), "stops[0].kg"),
        (with_stop(kg="12"), "stops[0].kg"),
        (with_stop(kg=True), "stops[0].kg"),
        (with_stop(id=""), "stops[0].id"),
        (with_stop(id=7), "stops[0].id"),
        (with_stop(colour="red"), "stops[0].colour : champ inconnu"),
        (with_stop(window=["11:00", "09:00"]), "stops[0].window : la fin"),
        (with_stop(window=["09:00"]), "stops[0].window"),
        (with_stop(window=["09:00", "25:00"]), "stops[0].window[1]"),
        (with_stop(service_min=-1), "stops[0].service_min"),
        (with_stop(service_min=2.5), "stops[0].service_min"),
        (with_stop(required="yes"), "stops[0].required"),
        (with_stop(prize=-1), "stops[0].prize"),
        (with_stop(id="b"), "stops[1].id : identifiant en double"),
    ],
)
def test_problem_from_json_names_the_faulty_field_in_french(data, field):
    with pytest.raises(ValueError, match=re.escape(field)):
        problem_from_json(data)


def test_plan_to_json_rounds_and_formats_the_arrivals():
    parsed = problem_from_json(document())
    data = plan_to_json(plan_round(parsed, seconds=0.2))
    assert sorted(data) == ["arrivals", "distance_km", "duration_min", "load_kg", "route", "skipped", "starts"]
    assert sorted(data["route"]) == ["a", "b"]
    assert all(data["arrivals"][stop] <= data["starts"][stop] for stop in data["route"])
    assert data["skipped"] == []
    assert data["load_kg"] == 60
    assert data["distance_km"] == round(data["distance_km"], 2)
    assert all(len(time) == 5 and time[2] == ":" for time in data["arrivals"].values())
    assert "09:00" <= data["arrivals"]["a"] <= "11:00" or data["arrivals"]["a"] < "09:00"
