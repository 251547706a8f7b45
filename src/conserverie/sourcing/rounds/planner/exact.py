"""The exact optimum of a small round (≤ 9 stops) by depth-first enumeration of every subset in every order.

Used by the tests and the benchmark to measure how far the optimised round is from the best possible one.
A prefix that already breaks the capacity, a window or the end of the day is not extended (time only grows),
and a prefix whose km, plus the way back, already reach the best cost found is cut (triangle inequality).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from conserverie.sourcing.rounds.planner.model import (
    EPS,
    InfeasibleRound,
    Plan,
    Problem,
    default_prize,
    distance_km,
    evaluate,
    validate_problem,
)

MAX_EXACT_STOPS = 9


def solve_exact(problem: Problem) -> Plan:
    """The plan of least cost (km + prizes of skipped stops); InfeasibleRound if the required stops never fit."""
    validate_problem(problem)
    stops = problem.stops
    if len(stops) > MAX_EXACT_STOPS:
        raise ValueError(_("La résolution exacte est limitée à %(n)s arrêts.") % {"n": MAX_EXACT_STOPS})
    vehicle = problem.vehicle
    minutes_per_km = 60.0 / vehicle.speed_kmh
    points = [problem.depot, *((s.lat, s.lon) for s in stops)]
    km = [[distance_km(a, b, problem.road_factor) for b in points] for a in points]
    prizes = [default_prize(s) for s in stops]
    required = [i for i, s in enumerate(stops) if s.required]
    total_prize = sum(prizes)
    best_cost = float("inf")
    best_order: list[int] | None = None
    order: list[int] = []

    def visit(here: int, clock: float, load: float, dist: float, collected: float) -> None:
        nonlocal best_cost, best_order
        back = km[here][0]
        if dist + back >= best_cost or clock + back * minutes_per_km > vehicle.end + EPS:
            return
        if all(i in order for i in required):
            cost = dist + back + total_prize - collected
            if cost < best_cost:
                best_cost, best_order = cost, list(order)
        for i, stop in enumerate(stops):
            if i in order or load + stop.kg > vehicle.capacity_kg + EPS:
                continue
            leg = km[here][i + 1]
            arrival = clock + leg * minutes_per_km
            if stop.window is not None:
                if arrival > stop.window[1] + EPS:
                    continue
                arrival = max(arrival, float(stop.window[0]))
            order.append(i)
            visit(i + 1, arrival + stop.service_min, load + stop.kg, dist + leg, collected + prizes[i])
            order.pop()

    visit(0, float(vehicle.start), 0.0, 0.0, 0.0)
    if best_order is None:
        raise InfeasibleRound(_("Les arrêts obligatoires ne tiennent pas tous dans une même tournée (horaires)."))
    plan = evaluate(problem, [stops[i].id for i in best_order])
    assert plan is not None
    return plan
