"""Periods of the flower: a year ("2026"), a season ("2026-printemps") or a custom range ("2026-03-01..2026-06-30").

A period's key is what the URL, the CLI and the stored manual values use. Seasons are the meteorological
ones (spring = March–May, summer = June–August, autumn = September–November, winter = December to the end
of February of the next year, keyed by the year it starts). The previous period of a year is the year
before, of a season the season before (spring 2026 → winter 2025), of a range the range of the same
length that ends the day before it starts.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

SEASONS = ("printemps", "ete", "automne", "hiver")
# Accepted spellings of a season in a key, with its canonical slug.
SEASON_ALIASES = {"printemps": "printemps", "ete": "ete", "été": "ete", "automne": "automne", "hiver": "hiver"}
MIN_YEAR, MAX_YEAR = 2000, 2100
_YEAR = re.compile(r"^(\d{4})$")
_SEASON = re.compile(r"^(\d{4})-([a-zé]+)$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


def _season_label(slug: str) -> str:
    return {"printemps": _("printemps"), "ete": _("été"), "automne": _("automne"), "hiver": _("hiver")}[slug]


def _season_bounds(year: int, slug: str) -> tuple[date, date]:
    if slug == "printemps":
        return date(year, 3, 1), date(year, 5, 31)
    if slug == "ete":
        return date(year, 6, 1), date(year, 8, 31)
    if slug == "automne":
        return date(year, 9, 1), date(year, 11, 30)
    return date(year, 12, 1), date(year + 1, 2, calendar.monthrange(year + 1, 2)[1])


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(_("Année hors limites : %(year)s.") % {"year": year})


@dataclass(frozen=True)
class Period:
    key: str
    start: date
    end: date
    label: str
    kind: str = "year"  # "year", "season" or "range"

    def __str__(self):
        return self.label

    @classmethod
    def year(cls, year: int, *, bounded: bool = True) -> "Period":
        if bounded:
            _check_year(year)
        return cls(str(year), date(year, 1, 1), date(year, 12, 31), str(year), "year")

    @classmethod
    def season(cls, year: int, slug: str, *, bounded: bool = True) -> "Period":
        if bounded:
            _check_year(year)
        slug = SEASON_ALIASES.get(slug, slug)
        if slug not in SEASONS:
            raise ValueError(_("Saison inconnue : %(season)s (printemps, ete, automne ou hiver).") % {"season": slug})
        start, end = _season_bounds(year, slug)
        label = _("%(season)s %(year)s") % {"season": _season_label(slug).capitalize(), "year": year}
        return cls(f"{year}-{slug}", start, end, label, "season")

    @classmethod
    def between(cls, start: date, end: date, *, bounded: bool = True) -> "Period":
        if end < start:
            raise ValueError(_("La fin de la période est avant son début."))
        if bounded:
            _check_year(start.year)
            _check_year(end.year)
        label = _("du %(start)s au %(end)s") % {"start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")}
        return cls(f"{start.isoformat()}..{end.isoformat()}", start, end, label, "range")

    @classmethod
    def parse(cls, key: str) -> "Period":
        """The period of a key; ValueError with a French reason when the key means nothing."""
        text = (key or "").strip().lower()
        if match := _YEAR.match(text):
            return cls.year(int(match.group(1)))
        if match := _SEASON.match(text):
            return cls.season(int(match.group(1)), match.group(2))
        if match := _RANGE.match(text):
            try:
                start, end = date.fromisoformat(match.group(1)), date.fromisoformat(match.group(2))
            except ValueError:
                raise ValueError(_("Date impossible dans la période : %(key)s.") % {"key": key}) from None
            return cls.between(start, end)
        raise ValueError(
            _("Période illisible : « %(key)s ». Exemples : 2026, 2026-printemps, 2026-03-01..2026-06-30.")
            % {"key": key}
        )

    @classmethod
    def current_year(cls) -> "Period":
        return cls.year(timezone.localdate().year)

    def previous(self) -> "Period":
        """The period before; it may fall before 2000 (the bounds are for what a person types, not for this)."""
        if self.kind == "year":
            return Period.year(int(self.key) - 1, bounded=False)
        if self.kind == "season":
            year, slug = self.key.split("-", 1)
            index = SEASONS.index(slug)
            if index == 0:
                return Period.season(int(year) - 1, SEASONS[-1], bounded=False)
            return Period.season(int(year), SEASONS[index - 1], bounded=False)
        length = self.end - self.start
        end = self.start - timedelta(days=1)
        return Period.between(end - length, end, bounded=False)
