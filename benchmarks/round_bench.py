"""Benchmark: the collection-round planner on a 30-farm round around Romans, and its gap to the exact optimum.

Run with `make bench`. Pure computation, no database. Prints the measured figures; asserts nothing.

1. A 30-farm round: 30 villages drawn (seeded) from data/communes-30km-romans.csv, each farm a few hundred
   metres from its village centre, 5-60 kg, 10-20 min on site, a time window for about 40 % of them, two
   required stops; vehicle 600 kg, 08:00-17:00, 50 km/h, from the Romans hub. Solved with seconds=1 and 5:
   wall time, km, kg, stops, objective; then the km of the nearest-neighbour order of the same stops.
2. 20 small random instances (9 stops within 25 km, some windows, capacity that forces choices): the planner
   (seconds=1) against the brute-force optimum (solve_exact). Gap = (cost − optimum) / optimum, where
   cost = km + prizes of the skipped stops.
"""

import csv
import os
import random
import secrets
import statistics
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
sys.path.insert(0, str(SRC))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conserverie.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-" + secrets.token_urlsafe(40))  # DEBUG stays off

import django  # noqa: E402

django.setup()

from conserverie.sourcing.rounds.planner import (  # noqa: E402
    Problem,
    Stop,
    Vehicle,
    evaluate,
    nearest_neighbour_order,
    plan_cost,
    plan_round,
    route_distance_km,
    solve_exact,
)

COMMUNES = SRC / "conserverie" / "data" / "communes-30km-romans.csv"
HUB = (45.04639, 5.0562)  # Romans-sur-Isère
SMALL_INSTANCES = 20
SMALL_STOPS = 9


def communes() -> list[tuple[str, float, float]]:
    with COMMUNES.open(encoding="utf-8") as handle:
        return [(row["commune"], float(row["lat"]), float(row["lon"])) for row in csv.DictReader(handle)]


def window(rng: random.Random) -> tuple[int, int] | None:
    if rng.random() >= 0.4:
        return None
    opens = rng.randrange(8 * 60, 14 * 60 + 1, 30)
    return (opens, opens + rng.choice((60, 120, 180)))


def thirty_farms(seed: int = 2026) -> Problem:
    rng = random.Random(seed)
    villages = rng.sample([c for c in communes() if c[0] != "Romans-sur-Isère"], 30)
    stops = []
    for index, (name, lat, lon) in enumerate(villages):
        stops.append(
            Stop(
                id=f"F{index + 1:02d} {name}",
                lat=lat + rng.uniform(-0.004, 0.004),
                lon=lon + rng.uniform(-0.006, 0.006),
                kg=float(rng.randrange(5, 61, 5)),
                service_min=rng.choice((10, 15, 20)),
                window=window(rng),
                required=index < 2,
            )
        )
    return Problem(depot=HUB, vehicle=Vehicle(capacity_kg=600, start=8 * 60, end=17 * 60), stops=tuple(stops))


def small(seed: int) -> Problem:
    rng = random.Random(seed)
    stops = tuple(
        Stop(
            id=f"s{i}",
            lat=HUB[0] + rng.uniform(-0.2, 0.2),
            lon=HUB[1] + rng.uniform(-0.28, 0.28),
            kg=float(rng.randrange(10, 121, 5)),
            service_min=rng.choice((10, 15, 20)),
            window=window(rng),
            required=rng.random() < 0.1,
        )
        for i in range(SMALL_STOPS)
    )
    capacity = max(sum(s.kg for s in stops if s.required), 300.0)
    return Problem(depot=HUB, vehicle=Vehicle(capacity_kg=capacity, start=8 * 60, end=17 * 60), stops=stops)


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def big_round() -> None:
    problem = thirty_farms()
    total_kg = sum(s.kg for s in problem.stops)
    print(f"Tournée de 30 fermes : {total_kg:.0f} kg proposés, camion 600 kg, 08:00-17:00, 50 km/h.")
    plan = None
    for seconds in (1, 5):
        plan, wall = timed(plan_round, problem, seconds=seconds)
        print(
            f"  seconds={seconds} : {wall:.2f} s, {len(plan.route)} arrêts, {plan.distance_km:.1f} km, "
            f"{plan.load_kg:.0f} kg, {plan.duration_min:.0f} min, objectif {plan_cost(problem, plan):.1f}"
        )
    order = nearest_neighbour_order(problem, plan.route)
    nn_km = route_distance_km(problem, order)
    feasible = "faisable" if evaluate(problem, order) is not None else "infaisable (fenêtres ou horaires)"
    saved = nn_km - plan.distance_km
    print(
        f"  plus proche voisin sur les mêmes {len(order)} arrêts : {nn_km:.1f} km ({feasible}) ; "
        f"gagnés : {saved:.1f} km ({100 * saved / nn_km:.1f} %)"
    )


def small_gaps() -> None:
    gaps, solve_times, exact_times, infeasible = [], [], [], 0
    for seed in range(SMALL_INSTANCES):
        problem = small(seed)
        try:
            optimum, exact_time = timed(solve_exact, problem)
        except ValueError:
            infeasible += 1
            continue
        plan, wall = timed(plan_round, problem, seconds=1)
        best = plan_cost(problem, optimum)
        gaps.append(100 * (plan_cost(problem, plan) - best) / best if best else 0.0)
        solve_times.append(wall)
        exact_times.append(exact_time)
    print(
        f"Écart à l'optimum exact, {len(gaps)} petites tournées de {SMALL_STOPS} arrêts"
        f" ({infeasible} impossibles écartées) : moyen {statistics.mean(gaps):.3f} %, max {max(gaps):.3f} % ;"
        f" planificateur {statistics.mean(solve_times):.2f} s en moyenne,"
        f" force brute {statistics.mean(exact_times):.2f} s en moyenne."
    )


if __name__ == "__main__":
    big_round()
    small_gaps()
