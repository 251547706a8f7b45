"""The round's vocabulary (stops, vehicle, problem, plan) and the one set of rules that measures a route.

`evaluate` is the single source of truth for every figure reported to a person: the solver's integer
arithmetic only proposes an order, which is always re-measured here with floats.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

EARTH_RADIUS_KM = 6371.0
KM_PER_KG = 0.5
"""Default value of one kg of produce, in km of driving: an offer of 20 kg is worth a 10 km detour (5 km off
the way and back), 100 kg a 50 km one. Why: a km of van costs about €0.80 (fuel and wear ≈ €0.40, plus 1.2
minutes of the driver's paid time at 50 km/h), and a kg of downgraded vegetables is worth €1-2 wholesale;
halved for the handling and the uncertainty of an estimated weight, one kg is worth about half a km. Small
offers far off the way are left out; big ones always pay their drive."""
EPS = 1e-6


class InfeasibleRound(ValueError):
    """The required stops cannot all be visited in one round; the message says why, in French."""


@dataclass(frozen=True)
class Stop:
    id: str
    lat: float
    lon: float
    kg: float
    service_min: int = 10
    window: tuple[int, int] | None = None  # minutes since midnight; service must START inside it
    required: bool = False
    prize: float | None = None  # value of visiting, in km-equivalents; None -> default_prize(stop)


@dataclass(frozen=True)
class Vehicle:
    capacity_kg: float
    start: int  # minutes since midnight, leaves the depot
    end: int  # back at the depot by then
    speed_kmh: float = 50.0


@dataclass(frozen=True)
class Problem:
    depot: tuple[float, float]  # (lat, lon)
    vehicle: Vehicle
    stops: tuple[Stop, ...]
    road_factor: float = 1.3


@dataclass
class Plan:
    route: list[str]
    skipped: list[str]
    distance_km: float
    duration_min: float
    load_kg: float
    arrivals: dict[str, int] = field(default_factory=dict)  # arrival at the stop, minutes since midnight
    starts: dict[str, int] = field(default_factory=dict)  # service start (after waiting for the window to open)


@functools.lru_cache(maxsize=65536)
def distance_km(a: tuple[float, float], b: tuple[float, float], road_factor: float) -> float:
    """Great-circle distance (haversine, R = 6371 km) between two (lat, lon) points, times the road factor.

    Memoised: the polish and the insertion heuristics measure the same legs thousands of times."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h))) * road_factor


def urgency_weight(days_left: int | None) -> float:
    """How much more an offer is worth when it will soon be lost: ×3 on its last day, ×2 the day before,
    ×1.5 within three days, ×1 otherwise (or when unknown)."""
    if days_left is None or days_left > 3:
        return 1.0
    if days_left <= 0:
        return 3.0
    return 2.0 if days_left == 1 else 1.5


def prize_for(kg: float, days_left: int | None = None) -> float:
    """Prize of an offer in km-equivalents: its kg × KM_PER_KG × the urgency weight."""
    return kg * KM_PER_KG * urgency_weight(days_left)


def default_prize(stop: Stop) -> float:
    """The stop's own prize if given, else its kg × KM_PER_KG."""
    return stop.prize if stop.prize is not None else stop.kg * KM_PER_KG


def validate_problem(problem: Problem) -> None:
    """ValueError (in French) on a problem no round can be built from: it names the faulty value."""
    vehicle = problem.vehicle
    if not vehicle.capacity_kg > 0:
        raise ValueError(_("La capacité du véhicule doit être positive."))
    if not vehicle.speed_kmh > 0:
        raise ValueError(_("La vitesse du véhicule doit être positive."))
    if not 0 <= vehicle.start < vehicle.end <= 24 * 60:
        raise ValueError(_("L'heure de fin du véhicule doit être après son heure de départ, dans la journée."))
    if not problem.road_factor >= 1:
        raise ValueError(_("Le facteur routier doit être au moins 1."))
    seen: set[str] = set()
    for stop in problem.stops:
        if stop.id in seen:
            raise ValueError(_("Identifiant d'arrêt en double : « %(id)s ».") % {"id": stop.id})
        seen.add(stop.id)
        if not stop.kg >= 0:
            raise ValueError(_("Arrêt « %(id)s » : le poids (kg) ne peut pas être négatif.") % {"id": stop.id})
        if stop.service_min < 0:
            raise ValueError(_("Arrêt « %(id)s » : la durée sur place ne peut pas être négative.") % {"id": stop.id})
        if stop.window is not None and stop.window[1] < stop.window[0]:
            raise ValueError(_("Arrêt « %(id)s » : la fenêtre se termine avant de commencer.") % {"id": stop.id})
        if stop.prize is not None and not stop.prize >= 0:
            raise ValueError(_("Arrêt « %(id)s » : la valeur (prize) ne peut pas être négative.") % {"id": stop.id})


def stops_by_id(problem: Problem) -> dict[str, Stop]:
    return {stop.id: stop for stop in problem.stops}


def _checked_route(problem: Problem, route: list[str]) -> list[Stop]:
    by_id = stops_by_id(problem)
    unknown = [stop_id for stop_id in route if stop_id not in by_id]
    if unknown:
        raise ValueError(_("Arrêt inconnu dans la tournée : « %(id)s ».") % {"id": unknown[0]})
    if len(set(route)) != len(route):
        raise ValueError(_("Un arrêt apparaît deux fois dans la tournée."))
    return [by_id[stop_id] for stop_id in route]


def route_distance_km(problem: Problem, route: list[str]) -> float:
    """Length of depot → stops in this order → depot, whatever the hours and the load."""
    points = [problem.depot, *((s.lat, s.lon) for s in _checked_route(problem, route)), problem.depot]
    return sum(distance_km(a, b, problem.road_factor) for a, b in zip(points, points[1:], strict=False))


def evaluate(problem: Problem, route: list[str]) -> Plan | None:
    """Drive the route: leave the depot at `start`, wait for a window to open, serve, come back.

    None if the route breaks the capacity, a window (arrival after it closes) or the end of the day. Required
    stops are not checked here (the route is measured as given); unknown or repeated ids raise ValueError.
    """
    stops = _checked_route(problem, route)
    vehicle = problem.vehicle
    minutes_per_km = 60.0 / vehicle.speed_kmh
    load = sum(stop.kg for stop in stops)
    if load > vehicle.capacity_kg + EPS:
        return None
    clock, km, here = float(vehicle.start), 0.0, problem.depot
    arrivals: dict[str, int] = {}
    starts: dict[str, int] = {}
    for stop in stops:
        leg = distance_km(here, (stop.lat, stop.lon), problem.road_factor)
        km += leg
        clock += leg * minutes_per_km
        arrivals[stop.id] = math.floor(clock + 0.5)
        if stop.window is not None:
            if clock > stop.window[1] + EPS:
                return None
            clock = max(clock, float(stop.window[0]))
        starts[stop.id] = math.floor(clock + 0.5)
        clock += stop.service_min
        here = (stop.lat, stop.lon)
    leg = distance_km(here, problem.depot, problem.road_factor)
    km += leg
    clock += leg * minutes_per_km
    if clock > vehicle.end + EPS:
        return None
    visited = set(route)
    return Plan(
        route=list(route),
        skipped=[stop.id for stop in problem.stops if stop.id not in visited],
        distance_km=km,
        duration_min=clock - vehicle.start if stops else 0.0,
        load_kg=load,
        arrivals=arrivals,
        starts=starts,
    )


def plan_cost(problem: Problem, plan: Plan) -> float:
    """The objective the planner minimises: km driven + prizes of the skipped stops."""
    by_id = stops_by_id(problem)
    return plan.distance_km + sum(default_prize(by_id[stop_id]) for stop_id in plan.skipped)


def nearest_neighbour_order(problem: Problem, stop_ids: list[str]) -> list[str]:
    """The order a person would drive: from the depot, always to the nearest stop not yet visited (ties: the
    first given)."""
    remaining = _checked_route(problem, list(stop_ids))
    order: list[str] = []
    here = problem.depot
    while remaining:
        nearest = min(remaining, key=lambda s: distance_km(here, (s.lat, s.lon), problem.road_factor))
        remaining.remove(nearest)
        order.append(nearest.id)
        here = (nearest.lat, nearest.lon)
    return order
