"""The French calendar of a territory: public holidays (the `holidays` library) and the school holidays of the
territory's zone (`vacances-scolaires-france`, the Education ministry's published dates; the zone is a territory
setting: the Grenoble academy, hence Romans-sur-Isère, is zone A)."""

from datetime import date
from functools import lru_cache

import holidays
from django.utils.translation import gettext as _
from vacances_scolaires_france import SchoolHolidayDates, UnsupportedYearException


@lru_cache(maxsize=64)
def _public(year: int) -> dict:
    return dict(holidays.France(years=year, language="fr"))


def public_holidays(first: date, last: date) -> dict[date, str]:
    """The public holidays (jours fériés) of metropolitan France from `first` to `last`, included."""
    found = {}
    for year in range(first.year, last.year + 1):
        found.update({day: name for day, name in _public(year).items() if first <= day <= last})
    return found


@lru_cache(maxsize=64)
def _school(year: int, zone: str) -> dict:
    try:
        rows = SchoolHolidayDates().holidays_for_year_and_zone(year, zone)
    except (UnsupportedYearException, ValueError):
        return {}
    return {day: row["nom_vacances"] for day, row in rows.items()}


def school_holidays(zone: str, first: date, last: date) -> dict[date, str]:
    """The school holidays of `zone` ("A", "B", "C"; empty: none known) from `first` to `last`, included.
    Years the source does not cover yet give no day (the calendar then shows none, it does not guess)."""
    if zone not in ("A", "B", "C"):
        return {}
    found = {}
    for year in range(first.year, last.year + 1):
        found.update({day: name for day, name in _school(year, zone).items() if first <= day <= last})
    return found


def holidays_between(territory, first: date, last: date) -> dict[date, list[str]]:
    """Day -> what the day is (a public holiday's name, « Vacances de … (zone A) »), for a planning calendar."""
    days: dict[date, list[str]] = {}
    for day, name in public_holidays(first, last).items():
        days.setdefault(day, []).append(name)
    zone = getattr(territory, "school_zone", "")
    for day, name in school_holidays(zone, first, last).items():
        days.setdefault(day, []).append(_("%(name)s (zone %(zone)s)") % {"name": name, "zone": zone})
    return days
