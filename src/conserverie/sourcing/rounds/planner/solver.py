"""The optimised round: exact for a small round, else PyVRP's prize-collecting search, then a float polish.

A round of at most MAX_EXACT_STOPS stops that can be reached is solved exactly (`exact.solve_exact`, dynamic
programming, a few milliseconds): it is the optimum, not merely a good round. Larger rounds go to PyVRP with a
fixed seed; the search stops after NO_IMPROVEMENT_ITERATIONS iterations without a better round (the result does
not depend on the machine's speed) or after `seconds` (a safety net on a very slow machine).

PyVRP works on integers. Distances and prizes go to metres (rounded), loads to grams, times to seconds; travel
times are rounded UP and capacities DOWN, so a route PyVRP calls feasible is feasible for `evaluate` too. Every
route is re-measured with `evaluate`; a cheap float polish (insert a skipped stop that pays its detour, remove
a stop that does not, compare with the nearest-neighbour order) removes the rounding's last metres.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from django.utils.translation import gettext as _
from pyvrp import Client, Depot, Location, ProblemData, VehicleType, solve
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.stop import MaxRuntime, MultipleCriteria, NoImprovement

from conserverie.sourcing.rounds.planner.exact import MAX_EXACT_STOPS, solve_exact
from conserverie.sourcing.rounds.planner.model import (
    EPS,
    InfeasibleRound,
    Plan,
    Problem,
    Stop,
    default_prize,
    distance_km,
    evaluate,
    nearest_neighbour_order,
    plan_cost,
    validate_problem,
)

NO_IMPROVEMENT_ITERATIONS = 2_000
"""The search stops after this many iterations without a better round. Measured on the 30-farm benchmark round
(benchmarks/round_bench.py): 2,000 give the same round as 20,000 within 0.2 % of its cost, in about 1 s instead of
10 s on a shared 2-core machine."""

MAX_PRIZE_METRES = 10**9  # a prize of a million km already means "visit whenever it fits"; keeps PyVRP's sums small


def plan_round(problem: Problem, *, seconds: float = 5.0, seed: int = 0) -> Plan:
    """The best round found within `seconds` (see the package docstring for the objective).

    Raises InfeasibleRound when the required stops cannot all be visited, ValueError on an invalid problem.
    """
    validate_problem(problem)
    if not problem.stops:
        return Plan(route=[], skipped=[], distance_km=0.0, duration_min=0.0, load_kg=0.0, arrivals={}, starts={})
    reachable = _reachable_stops(problem)
    if len(reachable) <= MAX_EXACT_STOPS:  # the optimum, in milliseconds (a stop out of reach is never visited)
        small = Problem(
            depot=problem.depot, vehicle=problem.vehicle, stops=tuple(reachable), road_factor=problem.road_factor
        )
        plan = evaluate(problem, solve_exact(small).route)
        assert plan is not None
        return plan
    candidates: list[Plan] = []
    if reachable:
        route = _pyvrp_route(problem, reachable, seconds=seconds, seed=seed)
        if route is not None and (plan := evaluate(problem, route)) is not None:
            candidates.append(plan)
    insertion = _cheapest_insertion(problem, reachable)
    if insertion is not None:
        candidates.append(insertion)
    required = {stop.id for stop in problem.stops if stop.required}
    candidates = [plan for plan in candidates if required <= set(plan.route)]
    if not candidates:
        raise InfeasibleRound(_("Les arrêts obligatoires ne tiennent pas tous dans une même tournée (horaires)."))
    best = min(candidates, key=lambda plan: plan_cost(problem, plan))
    return _polish(problem, best)


def _reachable_stops(problem: Problem) -> list[Stop]:
    """The stops a round could visit on their own; raise InfeasibleRound for a required one that cannot."""
    reachable = []
    for stop in problem.stops:
        if evaluate(problem, [stop.id]) is not None:
            reachable.append(stop)
        elif stop.required:
            if stop.kg > problem.vehicle.capacity_kg + EPS:
                message = _("L'arrêt obligatoire « %(id)s » pèse plus que la capacité du véhicule.")
            else:
                message = _("L'arrêt obligatoire « %(id)s » est hors d'atteinte dans sa fenêtre ou avant la fin.")
            raise InfeasibleRound(message % {"id": stop.id})
    required_kg = sum(stop.kg for stop in problem.stops if stop.required)
    if required_kg > problem.vehicle.capacity_kg + EPS:
        raise InfeasibleRound(
            _("Les arrêts obligatoires pèsent %(kg)s kg, plus que la capacité du véhicule (%(capacity)s kg).")
            % {"kg": f"{required_kg:g}", "capacity": f"{problem.vehicle.capacity_kg:g}"}
        )
    return reachable


def _pyvrp_data(problem: Problem, stops: list[Stop]) -> ProblemData:
    vehicle = problem.vehicle
    points = [problem.depot, *((stop.lat, stop.lon) for stop in stops)]
    km = np.array([[distance_km(a, b, problem.road_factor) for b in points] for a in points])
    distances = np.rint(km * 1000).astype(np.int64)
    durations = np.ceil(km * 3600 / vehicle.speed_kmh - 1e-9).astype(np.int64)
    np.fill_diagonal(distances, 0)
    np.fill_diagonal(durations, 0)
    clients = []
    for index, stop in enumerate(stops, start=1):
        window = stop.window or (vehicle.start, vehicle.end)
        clients.append(
            Client(
                location=index,
                pickup=[math.ceil(stop.kg * 1000 - 1e-6)],
                service_duration=stop.service_min * 60,
                tw_early=window[0] * 60,
                tw_late=window[1] * 60,
                prize=min(round(default_prize(stop) * 1000), MAX_PRIZE_METRES),
                required=stop.required,
                name=stop.id,
            )
        )
    start, end = vehicle.start * 60, vehicle.end * 60
    return ProblemData(
        locations=[Location(x=lon, y=lat) for lat, lon in points],
        clients=clients,
        depots=[Depot(location=0, tw_early=start, tw_late=end)],
        vehicle_types=[
            VehicleType(
                num_available=1,
                capacity=[math.floor(vehicle.capacity_kg * 1000 + 1e-6)],
                tw_early=start,
                start_late=start,
                tw_late=end,
            )
        ],
        distance_matrices=[distances],
        duration_matrices=[durations],
    )


def _pyvrp_route(problem: Problem, stops: list[Stop], *, seconds: float, seed: int) -> list[str] | None:
    data = _pyvrp_data(problem, stops)
    stop_when = MultipleCriteria([MaxRuntime(max(seconds, 0.01)), NoImprovement(NO_IMPROVEMENT_ITERATIONS)])
    with warnings.catch_warnings():  # expected when the required stops do not fit: we say so ourselves
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        result = solve(data, stop=stop_when, seed=seed, collect_stats=False, display=False)
    if not result.is_feasible():
        return None
    routes = result.best.routes()
    if not routes:
        return []
    return [stops[activity.idx].id for activity in routes[0] if activity.is_client()]


def _insert_best(problem: Problem, route: list[str], stop: Stop) -> Plan | None:
    """The shortest feasible plan with `stop` inserted somewhere in `route`."""
    best = None
    for position in range(len(route) + 1):
        plan = evaluate(problem, [*route[:position], stop.id, *route[position:]])
        if plan is not None and (best is None or plan.distance_km < best.distance_km):
            best = plan
    return best


def _cheapest_insertion(problem: Problem, stops: list[Stop]) -> Plan | None:
    """A simple, independent construction: required stops first (earliest window close first), each at its
    cheapest feasible place, then optional stops while one pays its detour. None if a required stop fits nowhere."""
    plan = evaluate(problem, [])
    assert plan is not None
    required = sorted((s for s in stops if s.required), key=lambda s: (s.window or (0, 24 * 60))[1])
    for stop in required:
        plan = _insert_best(problem, plan.route, stop)
        if plan is None:
            return None
    return _insert_paying(problem, plan, [s for s in stops if not s.required])


def _insert_paying(problem: Problem, plan: Plan, optional: list[Stop]) -> Plan:
    """Insert, one at a time, the optional stop whose prize exceeds its detour by the most."""
    while True:
        in_route = set(plan.route)
        best, best_gain = None, EPS
        for stop in optional:
            if stop.id in in_route:
                continue
            candidate = _insert_best(problem, plan.route, stop)
            if candidate is not None:
                gain = default_prize(stop) - (candidate.distance_km - plan.distance_km)
                if gain > best_gain:
                    best, best_gain = candidate, gain
        if best is None:
            return plan
        plan = best


def _polish(problem: Problem, plan: Plan) -> Plan:
    """Float clean-up of a feasible plan: drop optional stops that do not pay their detour, insert skipped ones
    that do, and keep the nearest-neighbour order of the same stops if it happens to be shorter."""
    by_id = {stop.id: stop for stop in problem.stops}
    improved = True
    while improved:
        improved = False
        for stop_id in list(plan.route):
            if by_id[stop_id].required:
                continue
            shorter = evaluate(problem, [s for s in plan.route if s != stop_id])
            if shorter is not None and plan.distance_km - shorter.distance_km > default_prize(by_id[stop_id]) + EPS:
                plan, improved = shorter, True
        richer = _insert_paying(problem, plan, [by_id[s] for s in plan.skipped])
        if plan_cost(problem, richer) < plan_cost(problem, plan) - EPS:
            plan, improved = richer, True
    nearest = evaluate(problem, nearest_neighbour_order(problem, plan.route))
    if nearest is not None and nearest.distance_km < plan.distance_km - EPS:
        plan = nearest
    return plan
