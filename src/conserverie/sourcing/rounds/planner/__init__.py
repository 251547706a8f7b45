"""The collection-round planner: which offers to collect today, in which order (pure code, no database).

The problem. One vehicle leaves the depot (the hub) at `vehicle.start`, drives to some of the stops (farms
with an accepted offer), and must be back by `vehicle.end`. Distance between two points = great-circle km
(haversine, R = 6371 km) × `road_factor` (1.3 by default: roads are longer than the crow flies); travel time
= distance / `speed_kmh`. At a stop the vehicle may wait for the window to open; service must START inside
the window (arriving after it closes is not allowed; service may end after it) and lasts `service_min`. All
collected kg stay on board: the total must not exceed `capacity_kg`. Required stops are always visited; when
they cannot all be, `InfeasibleRound` says why (in French).

The objective (prize-collecting). Minimise
        km driven  −  Σ prizes of the visited stops
which is the same as minimising  km driven + Σ prizes of the SKIPPED stops  (what `plan_cost` returns;
always ≥ 0). A stop's prize is in km-equivalents: the detour it is worth. By default it is
kg × KM_PER_KG (0.5 km per kg: an offer of 20 kg is worth a 10 km detour); the pages pass
prize = kg × KM_PER_KG × `urgency_weight` (see `prize_for`), so an offer about to be lost is worth more.
An optional stop is therefore left out exactly when the detour to fetch it costs more km than it is worth.

How. `plan_round` solves a round of at most MAX_EXACT_STOPS (9) reachable stops exactly (`solve_exact`, dynamic
programming over subsets with a Pareto front of (km, clock) per state, ≤ 50 ms); a larger one goes to PyVRP
(iterated local search, fixed seed, stopped after a fixed number of iterations without improvement, or at most
`seconds`) on an integer copy of the problem, then is re-measured and polished with `evaluate`, the single source
of truth for the figures shown (km, minutes, kg, arrival and service-start times: a truck that arrives before a
window opens waits, and its service starts at the opening). `nearest_neighbour` is the order a person would
drive, to show the km saved.
"""

from __future__ import annotations

from conserverie.sourcing.rounds.planner.exact import MAX_EXACT_STOPS, solve_exact
from conserverie.sourcing.rounds.planner.jsonio import (
    clock_to_minutes,
    minutes_to_clock,
    plan_to_json,
    problem_from_json,
)
from conserverie.sourcing.rounds.planner.model import (
    KM_PER_KG,
    InfeasibleRound,
    Plan,
    Problem,
    Stop,
    Vehicle,
    default_prize,
    distance_km,
    evaluate,
    nearest_neighbour_order,
    plan_cost,
    prize_for,
    route_distance_km,
    urgency_weight,
    validate_problem,
)
from conserverie.sourcing.rounds.planner.solver import plan_round


def nearest_neighbour(problem: Problem, stop_ids: list[str] | None = None) -> Plan | None:
    """The plan of the order a person would drive through `stop_ids` (default: the stops the optimised plan
    visits): from the depot always to the nearest stop not yet visited. None if that order breaks a window,
    the capacity or the end of the day (its km are still `route_distance_km(problem, nearest_neighbour_order(…))`)."""
    if stop_ids is None:
        stop_ids = plan_round(problem).route
    return evaluate(problem, nearest_neighbour_order(problem, list(stop_ids)))


__all__ = [
    "KM_PER_KG",
    "MAX_EXACT_STOPS",
    "InfeasibleRound",
    "Plan",
    "Problem",
    "Stop",
    "Vehicle",
    "clock_to_minutes",
    "default_prize",
    "distance_km",
    "evaluate",
    "minutes_to_clock",
    "nearest_neighbour",
    "nearest_neighbour_order",
    "plan_cost",
    "plan_round",
    "plan_to_json",
    "prize_for",
    "problem_from_json",
    "route_distance_km",
    "solve_exact",
    "urgency_weight",
    "validate_problem",
]
