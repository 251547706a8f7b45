"""The exact optimum of a small round (≤ 9 stops) by dynamic programming over subsets (docs/architecture.md §3).

`plan_round` uses it for every round of at most MAX_EXACT_STOPS reachable stops (a truck's usual day), so those
rounds are optimal, not merely good; the tests and the benchmark use it to measure PyVRP's gap on larger ones.

The state is (set of visited stops, last stop). With time windows the shortest path to a state is not enough: a
longer path that arrives earlier may still reach a window the shorter one misses. So each state keeps its Pareto
front of labels (km driven, clock when leaving the last stop): a label is dropped only when another one of the
same state is no longer AND leaves no later. Waiting is allowed (a truck that arrives before a window opens waits
for it), so leaving earlier is never worse: the front is exact. The load is the subset's, fixed by the state.

A label whose way straight back to the depot already ends after the end of the day is not extended (by the
triangle inequality every longer round ends even later). Every float is computed in the same order as `evaluate`
does, so the optimum is measured by `evaluate` with the same figures.
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
    """The plan of least cost (km + prizes of skipped stops); InfeasibleRound if the required stops never fit.

    Ties are broken deterministically (the first optimum found in the order of the subsets, then of the stops).
    """
    validate_problem(problem)
    stops = problem.stops
    n = len(stops)
    if n > MAX_EXACT_STOPS:
        raise ValueError(_("La résolution exacte est limitée à %(n)s arrêts.") % {"n": MAX_EXACT_STOPS})
    vehicle = problem.vehicle
    minutes_per_km = 60.0 / vehicle.speed_kmh
    capacity = vehicle.capacity_kg + EPS
    day_end = vehicle.end + EPS
    start = float(vehicle.start)
    points = [problem.depot, *((s.lat, s.lon) for s in stops)]
    km = [[distance_km(a, b, problem.road_factor) for b in points] for a in points]
    back = [km[i + 1][0] for i in range(n)]
    back_minutes = [leg * minutes_per_km for leg in back]
    prizes = [default_prize(s) for s in stops]
    opens = [float(s.window[0]) if s.window is not None else None for s in stops]
    closes = [s.window[1] + EPS if s.window is not None else None for s in stops]
    service = [s.service_min for s in stops]
    required_mask = sum(1 << i for i, s in enumerate(stops) if s.required)

    full = 1 << n
    load = [0.0] * full
    prize_of = [0.0] * full
    for mask in range(1, full):
        low = (mask & -mask).bit_length() - 1
        load[mask] = load[mask & (mask - 1)] + stops[low].kg
        prize_of[mask] = prize_of[mask & (mask - 1)] + prizes[low]

    # labels[mask * n + last]: the Pareto front, each label (km, clock on leaving, last, parent label).
    labels: list[list[tuple] | None] = [None] * (full * n)

    def add(mask: int, last: int, dist: float, clock: float, parent) -> None:
        slot = mask * n + last
        front = labels[slot]
        if front is None:
            labels[slot] = [(dist, clock, last, parent)]
            return
        for other in front:
            if other[0] <= dist and other[1] <= clock:
                return
        front[:] = [other for other in front if not (dist <= other[0] and clock <= other[1])]
        front.append((dist, clock, last, parent))

    def arrive(here_clock: float, leg: float, j: int) -> float | None:
        clock = here_clock + leg * minutes_per_km
        if closes[j] is not None:
            if clock > closes[j]:
                return None
            if clock < opens[j]:
                clock = opens[j]
        return clock + service[j]

    for j in range(n):
        if load[1 << j] <= capacity and (clock := arrive(start, km[0][j + 1], j)) is not None:
            if clock + back_minutes[j] <= day_end:
                add(1 << j, j, 0.0 + km[0][j + 1], clock, None)

    best_cost = prize_of[full - 1] if required_mask == 0 else float("inf")
    best_label = None
    total_prize = prize_of[full - 1]
    for mask in range(1, full):
        for last in range(n):
            front = labels[mask * n + last]
            if not front:
                continue
            row = km[last + 1]
            if mask & required_mask == required_mask:
                for label in front:
                    cost = label[0] + back[last] + (total_prize - prize_of[mask])
                    if cost < best_cost - 1e-12:
                        best_cost, best_label = cost, label
            for j in range(n):
                bit = 1 << j
                if mask & bit or load[mask | bit] > capacity:
                    continue
                leg = row[j + 1]
                for label in front:
                    arrival = arrive(label[1], leg, j)
                    if arrival is not None and arrival + back_minutes[j] <= day_end:
                        add(mask | bit, j, label[0] + leg, arrival, label)
    if best_cost == float("inf"):
        raise InfeasibleRound(_("Les arrêts obligatoires ne tiennent pas tous dans une même tournée (horaires)."))
    order: list[int] = []
    while best_label is not None:
        order.append(best_label[2])
        best_label = best_label[3]
    plan = evaluate(problem, [stops[i].id for i in reversed(order)])
    assert plan is not None
    return plan
