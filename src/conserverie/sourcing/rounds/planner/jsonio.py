"""The JSON face of the planner (`conserverie plan-round`): a checked input, a plain output.

Input: {"depot": {"lat", "lon"}, "vehicle": {"capacity_kg", "start": "HH:MM", "end": "HH:MM", "speed_kmh"},
"road_factor": number (default 1.3), "stops": [{"id", "lat", "lon", "kg", "service_min" (default 10),
"window": ["HH:MM", "HH:MM"] (optional), "required": bool (default false), "prize": km (optional)}]}, at most
500 stops.
Every error is a ValueError whose French message names the field, e.g. « stops[2].kg : … ».
"""

from __future__ import annotations

import math
import re
from typing import Any

from django.utils.translation import gettext as _

from conserverie.sourcing.rounds.planner.model import Plan, Problem, Stop, Vehicle, validate_problem

_CLOCK = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)$")
_TOP = {"depot", "vehicle", "road_factor", "stops"}
_DEPOT = {"lat", "lon"}
_VEHICLE = {"capacity_kg", "start", "end", "speed_kmh"}
_STOP = {"id", "lat", "lon", "kg", "service_min", "window", "required", "prize"}
# A truck's day has a few dozen stops; past a few hundred the search no longer keeps to --seconds (17 s for 1,000).
MAX_STOPS = 500


def minutes_to_clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def clock_to_minutes(value: Any, name: str) -> int:
    match = _CLOCK.match(value) if isinstance(value, str) else None
    minutes = int(match.group(1)) * 60 + int(match.group(2)) if match else -1
    if not 0 <= minutes <= 24 * 60:
        raise ValueError(_("%(field)s : heure attendue au format HH:MM.") % {"field": name})
    return minutes


def _object(value: Any, name: str, allowed: set[str], required: set[str]) -> dict:
    if not isinstance(value, dict):
        if not name:  # the whole file
            raise ValueError(_("le fichier doit contenir un objet JSON {…}."))
        raise ValueError(_("%(field)s : objet JSON attendu.") % {"field": name})
    for key in value:
        if key not in allowed:
            raise ValueError(_("%(field)s : champ inconnu.") % {"field": f"{name}.{key}" if name else key})
    for key in sorted(required):
        if key not in value:
            raise ValueError(_("%(field)s : champ obligatoire manquant.") % {"field": f"{name}.{key}" if name else key})
    return value


def _number(value: Any, name: str, *, low: float | None = None, high: float | None = None, strict=False) -> float:
    try:
        ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    except OverflowError:  # an integer of hundreds of digits has no float
        ok = False
    if ok and low is not None:
        ok = value > low if strict else value >= low
    if ok and high is not None:
        ok = value <= high
    if not ok:
        if low is None:
            message = _("%(field)s : nombre attendu.")
        elif strict:
            message = _("%(field)s : nombre strictement supérieur à %(low)s attendu.")
        elif high is None:
            message = _("%(field)s : nombre supérieur ou égal à %(low)s attendu.")
        else:
            message = _("%(field)s : nombre entre %(low)s et %(high)s attendu.")
        raise ValueError(message % {"field": name, "low": f"{low:g}" if low is not None else "", "high": high})
    return float(value)


def _point(data: dict, name: str) -> tuple[float, float]:
    return (
        _number(data["lat"], f"{name}.lat", low=-90, high=90),
        _number(data["lon"], f"{name}.lon", low=-180, high=180),
    )


def _stop(data: Any, name: str) -> Stop:
    data = _object(data, name, _STOP, {"id", "lat", "lon", "kg"})
    stop_id = data["id"]
    if not isinstance(stop_id, str) or not stop_id.strip():
        raise ValueError(_("%(field)s : texte non vide attendu.") % {"field": f"{name}.id"})
    service = data.get("service_min", 10)
    if isinstance(service, bool) or not isinstance(service, int) or service < 0:
        raise ValueError(
            _("%(field)s : nombre entier de minutes positif ou nul attendu.") % {"field": f"{name}.service_min"}
        )
    window = data.get("window")
    if window is not None:
        if not isinstance(window, list) or len(window) != 2:
            raise ValueError(_('%(field)s : deux heures ["HH:MM", "HH:MM"] attendues.') % {"field": f"{name}.window"})
        window = (clock_to_minutes(window[0], f"{name}.window[0]"), clock_to_minutes(window[1], f"{name}.window[1]"))
        if window[1] < window[0]:
            raise ValueError(_("%(field)s : la fin de la fenêtre est avant son début.") % {"field": f"{name}.window"})
    required = data.get("required", False)
    if not isinstance(required, bool):
        raise ValueError(_("%(field)s : true ou false attendu.") % {"field": f"{name}.required"})
    prize = data.get("prize")
    lat, lon = _point(data, name)
    return Stop(
        id=stop_id,
        lat=lat,
        lon=lon,
        kg=_number(data["kg"], f"{name}.kg", low=0),
        service_min=service,
        window=window,
        required=required,
        prize=None if prize is None else _number(prize, f"{name}.prize", low=0),
    )


def problem_from_json(data: Any) -> Problem:
    """The checked Problem of a parsed JSON document; ValueError naming the faulty field, in French."""
    data = _object(data, "", _TOP, {"depot", "vehicle", "stops"})
    depot = _point(_object(data["depot"], "depot", _DEPOT, _DEPOT), "depot")
    raw_vehicle = _object(data["vehicle"], "vehicle", _VEHICLE, {"capacity_kg", "start", "end"})
    vehicle = Vehicle(
        capacity_kg=_number(raw_vehicle["capacity_kg"], "vehicle.capacity_kg", low=0, strict=True),
        start=clock_to_minutes(raw_vehicle["start"], "vehicle.start"),
        end=clock_to_minutes(raw_vehicle["end"], "vehicle.end"),
        speed_kmh=_number(raw_vehicle.get("speed_kmh", 50.0), "vehicle.speed_kmh", low=0, strict=True),
    )
    if vehicle.end <= vehicle.start:
        raise ValueError(_("%(field)s : l'heure de fin doit être après l'heure de départ.") % {"field": "vehicle.end"})
    road_factor = _number(data.get("road_factor", 1.3), "road_factor", low=1)
    if not isinstance(data["stops"], list):
        raise ValueError(_("%(field)s : liste attendue.") % {"field": "stops"})
    if len(data["stops"]) > MAX_STOPS:
        raise ValueError(_("%(field)s : au plus %(n)s arrêts.") % {"field": "stops", "n": MAX_STOPS})
    stops = tuple(_stop(item, f"stops[{index}]") for index, item in enumerate(data["stops"]))
    seen: set[str] = set()
    for index, stop in enumerate(stops):
        if stop.id in seen:
            raise ValueError(_("%(field)s : identifiant en double.") % {"field": f"stops[{index}].id"})
        seen.add(stop.id)
    problem = Problem(depot=depot, vehicle=vehicle, stops=stops, road_factor=road_factor)
    validate_problem(problem)
    return problem


def plan_to_json(plan: Plan) -> dict:
    """route, skipped, distance_km (2 decimals), duration_min (1 decimal), load_kg (2 decimals), arrivals HH:MM
    and starts HH:MM (each stop's service start: later than its arrival when the truck waits for the window)."""
    return {
        "route": list(plan.route),
        "skipped": list(plan.skipped),
        "distance_km": round(plan.distance_km, 2),
        "duration_min": round(plan.duration_min, 1),
        "load_kg": round(plan.load_kg, 2),
        "arrivals": {stop_id: minutes_to_clock(plan.arrivals[stop_id]) for stop_id in plan.route},
        "starts": {stop_id: minutes_to_clock(plan.starts[stop_id]) for stop_id in plan.route},
    }
