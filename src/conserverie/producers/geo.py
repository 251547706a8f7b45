"""Distances between a farm and the territory's hub (great circle, to 0.1 km)."""

import math
from decimal import Decimal


def km_between(lat1, lon1, lat2, lon2) -> Decimal:
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return Decimal(str(round(6371 * 2 * math.asin(math.sqrt(a)), 1)))


def distance_from_hub(territory, lat, lon) -> Decimal:
    return km_between(territory.hub_lat, territory.hub_lon, lat, lon)
