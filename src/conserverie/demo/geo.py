"""The 62 communes within 30 km of Romans (data/communes-30km-romans.csv), to place farms and sites."""

import csv
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

CSV_PATH = Path(__file__).resolve().parent.parent / "data" / "communes-30km-romans.csv"
SIX_PLACES = Decimal("0.000001")


@dataclass(frozen=True)
class Commune:
    name: str
    departement: str
    lat: Decimal
    lon: Decimal
    km_to_romans: Decimal


@cache
def communes() -> dict[str, Commune]:
    with CSV_PATH.open(encoding="utf-8") as handle:
        return {
            row["commune"]: Commune(
                name=row["commune"],
                departement=row["departement"],
                lat=Decimal(row["lat"]),
                lon=Decimal(row["lon"]),
                km_to_romans=Decimal(row["km_to_romans"]),
            )
            for row in csv.DictReader(handle)
        }


def commune(name: str) -> Commune:
    return communes()[name]


def offset(place: Commune, rng, spread: float = 0.012) -> tuple[Decimal, Decimal]:
    """A point near the village centre: a farm is outside the village, not on the church square."""
    lat = place.lat + Decimal(str(round(rng.uniform(-spread, spread), 6)))
    lon = place.lon + Decimal(str(round(rng.uniform(-spread, spread), 6)))
    return lat.quantize(SIX_PLACES), lon.quantize(SIX_PLACES)


def km_between(lat1, lon1, lat2, lon2) -> Decimal:
    """Great-circle distance, rounded to 0.1 km."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return Decimal(str(round(6371 * 2 * math.asin(math.sqrt(a)), 1)))
