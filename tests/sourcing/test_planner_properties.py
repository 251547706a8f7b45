"""The planner on random rounds: every plan obeys the rules (checked by code written here, not by the planner's
own `evaluate`), and on rounds of up to nine stops it is the optimum (checked against brute force)."""

import itertools
import math
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conserverie.sourcing.rounds.planner import (
    InfeasibleRound,
    Plan,
    Problem,
    Stop,
    Vehicle,
    nearest_neighbour,
    plan_cost,
    plan_round,
    solve_exact,
)

HUB = (45.04639, 5.0562)
TOLERANCE = 1e-6


# --- an independent referee ---------------------------------------------------------------------------------


def km(a, b, factor):
    """Haversine written again here on purpose: the referee shares no code with the planner."""
    phi1, phi2 = math.radians(a[0]), math.radians(b[0])
    dphi, dlmb = phi2 - phi1, math.radians(b[1] - a[1])
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h)) * factor


def drive(problem: Problem, order: list[Stop], *, check_end: bool = True):
    """(km, arrivals, back_at, load) of driving `order`, or None when a rule is broken."""
    vehicle, here, clock, total, arrivals = problem.vehicle, problem.depot, float(problem.vehicle.start), 0.0, {}
    load = sum(s.kg for s in order)
    if load > vehicle.capacity_kg + TOLERANCE:
        return None
    for stop in order:
        leg = km(here, (stop.lat, stop.lon), problem.road_factor)
        total += leg
        clock += leg / vehicle.speed_kmh * 60
        arrivals[stop.id] = clock
        if stop.window:
            if clock > stop.window[1] + TOLERANCE:
                return None
            clock = max(clock, stop.window[0])
        clock += stop.service_min
        here = (stop.lat, stop.lon)
    leg = km(here, problem.depot, problem.road_factor)
    total, clock = total + leg, clock + leg / vehicle.speed_kmh * 60
    if check_end and clock > vehicle.end + TOLERANCE:
        return None
    return total, arrivals, clock, load


def prize(stop: Stop) -> float:
    return stop.prize if stop.prize is not None else stop.kg * 0.5


def referee(problem: Problem, plan: Plan) -> None:
    """Assert every rule of the round on `plan`, and that its reported figures are the true ones."""
    by_id = {s.id: s for s in problem.stops}
    assert len(plan.route) == len(set(plan.route)), "a stop is visited twice"
    assert set(plan.route).isdisjoint(plan.skipped)
    assert sorted(plan.route + plan.skipped) == sorted(by_id), "route ∪ skipped must be all the stops"
    assert {s.id for s in problem.stops if s.required} <= set(plan.route), "a required stop is missing"
    driven = drive(problem, [by_id[i] for i in plan.route])
    assert driven is not None, "the plan breaks the capacity, a window or the end of the day"
    total, arrivals, back_at, load = driven
    assert plan.distance_km == pytest.approx(total, abs=1e-6)
    assert plan.load_kg == pytest.approx(load, abs=1e-6)
    if plan.route:
        assert plan.duration_min == pytest.approx(back_at - problem.vehicle.start, abs=1e-6)
    assert set(plan.arrivals) == set(plan.route) == set(plan.starts)
    for stop_id, minute in plan.arrivals.items():
        assert abs(minute - arrivals[stop_id]) <= 0.5 + 1e-9
        window = by_id[stop_id].window
        start = arrivals[stop_id] if window is None else max(arrivals[stop_id], window[0])  # waits for the opening
        assert abs(plan.starts[stop_id] - start) <= 0.5 + 1e-9, "service start"


def cost(problem: Problem, route_ids) -> float:
    skipped = [s for s in problem.stops if s.id not in set(route_ids)]
    return km_of(problem, route_ids) + sum(prize(s) for s in skipped)


def km_of(problem: Problem, route_ids) -> float:
    points = [problem.depot, *((s.lat, s.lon) for s in _stops(problem, route_ids)), problem.depot]
    return sum(km(a, b, problem.road_factor) for a, b in itertools.pairwise(points))


def _stops(problem, ids):
    by_id = {s.id: s for s in problem.stops}
    return [by_id[i] for i in ids]


def brute_force(problem: Problem) -> float | None:
    """The least cost over every subset in every order (no pruning: for ≤ 6 stops). None: required never fit."""
    best = None
    required = {s.id for s in problem.stops if s.required}
    for size in range(len(problem.stops) + 1):
        for order in itertools.permutations(problem.stops, size):
            if required <= {s.id for s in order} and drive(problem, list(order)) is not None:
                value = cost(problem, [s.id for s in order])
                best = value if best is None else min(best, value)
    return best


def required_fit(problem: Problem) -> bool:
    """Whether some order of the required stops alone is feasible (optional stops never help). Depth first: an
    order that already breaks the capacity or a window is not extended."""
    required = [s for s in problem.stops if s.required]

    def extend(order):
        if len(order) == len(required):
            return drive(problem, order) is not None
        return any(
            extend([*order, stop])
            for stop in required
            if stop not in order and drive(problem, [*order, stop], check_end=False) is not None
        )

    return extend([])


# --- random rounds -------------------------------------------------------------------------------------------


@st.composite
def problems(draw, max_stops=10):
    count = draw(st.integers(0, max_stops))
    stops = []
    for index in range(count):
        at_depot = draw(st.booleans()) and draw(st.booleans())
        opens = draw(st.integers(6 * 60, 16 * 60))
        window = draw(st.none() | st.just((opens, opens + draw(st.integers(0, 240)))))
        stops.append(
            Stop(
                id=f"s{index}",
                lat=HUB[0] if at_depot else HUB[0] + draw(st.floats(-0.25, 0.25)),
                lon=HUB[1] if at_depot else HUB[1] + draw(st.floats(-0.35, 0.35)),
                kg=draw(st.sampled_from([0.0, 5.0, 12.5, 30.0, 80.0, 200.0])),
                service_min=draw(st.integers(0, 30)),
                window=window,
                required=draw(st.integers(0, 9)) == 0,
                prize=draw(st.none() | st.floats(0, 60)),
            )
        )
    start = draw(st.integers(6 * 60, 10 * 60))
    vehicle = Vehicle(
        capacity_kg=draw(st.sampled_from([50.0, 150.0, 600.0])),
        start=start,
        end=start + draw(st.integers(60, 9 * 60)),
        speed_kmh=draw(st.sampled_from([30.0, 50.0, 80.0])),
    )
    return Problem(depot=HUB, vehicle=vehicle, stops=tuple(stops), road_factor=draw(st.sampled_from([1.0, 1.3, 1.6])))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_every_plan_keeps_capacity_windows_and_hours(problem):
    try:
        plan = plan_round(problem, seconds=0.2)
    except InfeasibleRound:
        assert not required_fit(problem), "declared impossible, but the required stops fit in some order"
        return
    referee(problem, plan)


def random_problem(seed: int, count: int, *, windows: bool = True, all_required: bool = False) -> Problem:
    rng = random.Random(seed)
    stops = []
    for index in range(count):
        opens = rng.randrange(8 * 60, 13 * 60, 15)
        stops.append(
            Stop(
                id=f"s{index}",
                lat=HUB[0] + rng.uniform(-0.2, 0.2),
                lon=HUB[1] + rng.uniform(-0.28, 0.28),
                kg=float(rng.randrange(5, 120, 5)),
                service_min=rng.choice([10, 15, 20]),
                window=(opens, opens + rng.choice([60, 120, 180])) if windows and rng.random() < 0.4 else None,
                required=all_required or rng.random() < 0.12,
            )
        )
    if all_required:  # a pure shortest-round problem: the cost is the km alone, 1 % is a few hundred metres
        return Problem(depot=HUB, vehicle=Vehicle(capacity_kg=2000, start=8 * 60, end=18 * 60), stops=tuple(stops))
    return Problem(depot=HUB, vehicle=Vehicle(capacity_kg=300, start=8 * 60, end=14 * 60), stops=tuple(stops))


def feasible_instances(count: int, seeds, *, windows: bool = True):
    for seed in seeds:
        problem = random_problem(seed, count, windows=windows)
        if required_fit(problem):
            yield problem


@pytest.mark.parametrize("seed", range(4))
def test_solve_exact_matches_an_independent_enumeration(seed):
    for problem in feasible_instances(6, range(seed * 10, seed * 10 + 3)):
        exact = solve_exact(problem)
        referee(problem, exact)
        assert plan_cost(problem, exact) == pytest.approx(brute_force(problem), abs=1e-9)
        assert cost(problem, exact.route) == pytest.approx(plan_cost(problem, exact), abs=1e-9)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_stops=7))
def test_solve_exact_is_the_optimum_of_every_small_round(problem):
    """The dynamic programme against the enumeration of every subset in every order, on hostile rounds (stops at
    the depot, windows of zero minutes, required stops, tiny trucks)."""
    if len(problem.stops) > 6:  # keep the enumeration short: 7 stops is 13,700 orders, drop one
        problem = Problem(problem.depot, problem.vehicle, problem.stops[:6], problem.road_factor)
    optimum = brute_force(problem)
    if optimum is None:
        with pytest.raises(InfeasibleRound):
            solve_exact(problem)
        return
    exact = solve_exact(problem)
    referee(problem, exact)
    assert plan_cost(problem, exact) == pytest.approx(optimum, abs=1e-9)


def test_solve_exact_waits_for_a_window_when_waiting_pays():
    """Two stops on one road, both worth the drive: the far one opens at 9:00, the near one at noon. The only round
    through both goes far first, waits there for 9:00, then waits at the near one for noon (without waiting, none)."""
    near = Stop(
        id="near", lat=HUB[0] + 0.05, lon=HUB[1], kg=10, service_min=0, window=(12 * 60, 12 * 60 + 10), prize=100
    )
    far = Stop(id="far", lat=HUB[0] + 0.10, lon=HUB[1], kg=10, service_min=0, window=(9 * 60, 9 * 60 + 10), prize=100)
    problem = Problem(HUB, Vehicle(capacity_kg=100, start=8 * 60, end=17 * 60), (near, far))
    plan = solve_exact(problem)
    assert plan.route == ["far", "near"]
    assert plan.starts == {"far": 9 * 60, "near": 12 * 60}
    assert plan.arrivals["far"] < 9 * 60
    assert plan.arrivals["near"] < 12 * 60
    referee(problem, plan)


@pytest.mark.parametrize("all_required", [False, True], ids=["prizes", "all-required"])
@pytest.mark.parametrize("seed", range(10))
def test_plan_is_the_optimum_on_rounds_of_nine_stops(seed, all_required):
    problem = random_problem(100 + seed, 9, all_required=all_required)
    try:
        optimum = plan_cost(problem, solve_exact(problem))
    except InfeasibleRound:
        assert not required_fit(problem)
        with pytest.raises(InfeasibleRound):
            plan_round(problem, seconds=0.5)
        return
    plan = plan_round(problem, seconds=0.5)
    referee(problem, plan)
    assert cost(problem, plan.route) == pytest.approx(optimum, abs=1e-9)  # 0 % gap: solved exactly


@pytest.mark.parametrize("windows", [False, True])
def test_nearest_neighbour_is_never_shorter_than_the_best_order_of_the_same_stops(windows):
    checked = 0
    for problem in feasible_instances(8, range(200, 215), windows=windows):
        plan = plan_round(problem, seconds=0.3)
        nearest = nearest_neighbour(problem, plan.route)
        if nearest is None:
            continue
        referee(problem, nearest)
        shortest = min(
            km_of(problem, [s.id for s in order])
            for order in itertools.permutations(_stops(problem, plan.route))
            if drive(problem, list(order)) is not None
        )
        assert nearest.distance_km >= shortest - 1e-9
        assert plan.distance_km <= nearest.distance_km + 1e-9  # the planner never shows negative km saved
        checked += 1
    assert checked >= 5


def test_the_referee_catches_a_broken_plan():
    problem = random_problem(7, 6, windows=False)
    plan = solve_exact(problem)
    assert plan.route, "the instance must visit someone for this test to mean anything"
    heavy = Problem(
        depot=problem.depot,
        vehicle=Vehicle(capacity_kg=plan.load_kg - 1, start=problem.vehicle.start, end=problem.vehicle.end),
        stops=problem.stops,
    )
    with pytest.raises(AssertionError, match="capacity"):
        referee(heavy, plan)
    with pytest.raises(AssertionError, match="twice"):
        referee(problem, Plan(**{**plan.__dict__, "route": plan.route + plan.route[:1]}))
    with pytest.raises(AssertionError):
        referee(problem, Plan(**{**plan.__dict__, "distance_km": plan.distance_km * 0.99}))
