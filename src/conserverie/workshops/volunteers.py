"""Volunteer hours: the record (a service) and the totals per person and season, valued at the minimum wage."""

import bisect
from datetime import date as Date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.core.history import save_as
from conserverie.people.models import Participant
from conserverie.territories.models import Membership, Territory
from conserverie.territories.permissions import require_role, require_same_territory
from conserverie.workshops.models import MinimumWage, VolunteerHours, Workshop

MAX_HOURS = Decimal("24")
CENT = Decimal("0.01")

# The gross hourly SMIC of metropolitan France since 2020, each from the day it came into force (decrees of
# revalorisation, published in the Journal officiel). The migration `0003_i16_minimum_wage` writes them into the
# `MinimumWage` table, which is what the code reads; this list is also read when the table is empty (a test database
# flushed between transactional tests). A new rate is a new row (admin), never an edit of this list.
SMIC_SINCE_2020 = [
    (Date(2020, 1, 1), Decimal("10.15")),
    (Date(2021, 1, 1), Decimal("10.25")),
    (Date(2021, 10, 1), Decimal("10.48")),
    (Date(2022, 1, 1), Decimal("10.57")),
    (Date(2022, 5, 1), Decimal("10.85")),
    (Date(2022, 8, 1), Decimal("11.07")),
    (Date(2023, 1, 1), Decimal("11.27")),
    (Date(2023, 5, 1), Decimal("11.52")),
    (Date(2024, 1, 1), Decimal("11.65")),
    (Date(2024, 11, 1), Decimal("11.88")),
    (Date(2026, 1, 1), Decimal("12.02")),
]


class MinimumWageTable:
    """The dated rates, read once (one query); `on(day)` is the rate in force that day."""

    def __init__(self, rows=None):
        if rows is None:
            rows = list(MinimumWage.objects.order_by("valid_from").values_list("valid_from", "hourly_eur"))
        self.rows = sorted(rows or SMIC_SINCE_2020)
        self._days = [day for day, _rate in self.rows]

    def on(self, day: Date) -> Decimal:
        index = bisect.bisect_right(self._days, day) - 1
        return self.rows[max(index, 0)][1]

    def value(self, hours_by_day) -> Decimal:
        """Σ hours of each day × the rate in force that day, to the cent."""
        return sum((Decimal(hours) * self.on(day) for day, hours in hours_by_day), Decimal("0")).quantize(CENT)


def smic_hourly(day: Date | None = None) -> Decimal:
    """The gross hourly minimum wage in force on `day` (today by default), from the dated table."""
    return MinimumWageTable().on(day or timezone.localdate())


def hourly_rate_on(day_field: str) -> Subquery:
    """The minimum wage in force on the day in `day_field` (a subquery on the dated table), for an annotation."""
    return Subquery(
        MinimumWage.objects.filter(valid_from__lte=OuterRef(day_field)).order_by("-valid_from").values("hourly_eur")[:1]
    )


def volunteer_value(territory: Territory, date_from: Date, date_to: Date) -> tuple[Decimal, Decimal]:
    """Hours given in the period and their value, each day at the minimum wage in force that day (one query: the
    rate of each day is a subquery on the dated table; a second one only when the table is empty)."""
    rate = Subquery(
        MinimumWage.objects.filter(valid_from__lte=OuterRef("date")).order_by("-valid_from").values("hourly_eur")[:1]
    )
    rows = list(
        VolunteerHours.objects.filter(territory=territory, date__gte=date_from, date__lte=date_to)
        .values_list("date")
        .annotate(h=Sum("hours"), rate=rate)
        .values_list("date", "h", "rate")
        .order_by()
    )
    hours = sum((h for _day, h, _rate in rows), Decimal("0"))
    if any(rate is None for _day, _h, rate in rows):  # a day before the table, or an empty table
        return hours, MinimumWageTable().value([(day, h) for day, h, _rate in rows])
    return hours, sum((Decimal(h) * Decimal(rate) for _day, h, rate in rows), Decimal("0")).quantize(CENT)


def volunteer_hours_record(
    *,
    actor,
    territory: Territory,
    date: Date,
    hours: Decimal,
    activity: str,
    participant: Participant | None = None,
    user=None,
    workshop: Workshop | None = None,
    outing=None,
) -> VolunteerHours:
    """Note the hours one person gave on one day (a participant, or a member of the territory with an account)."""
    require_role(actor, territory)
    require_same_territory(territory, participant, workshop, outing)
    errors = {}
    if (participant is None) == (user is None):
        errors["participant"] = _("Choisissez une seule personne : un participant ou un compte.")
    elif participant is not None and participant.erased_at is not None:
        errors["participant"] = _("Ce participant a été effacé.")
    elif user is not None and not Membership.objects.filter(user=user, territory=territory).exists():
        errors["participant"] = _("Cette personne n'appartient pas à ce territoire.")
    if hours is None or hours <= 0:
        errors["hours"] = _("Indiquez un nombre d'heures supérieur à zéro.")
    elif hours > MAX_HOURS:
        errors["hours"] = _("Pas plus de 24 heures pour une journée.")
    if not (activity or "").strip():
        errors["activity"] = _("Indiquez l'activité (par exemple : accueil, épluchage, vaisselle).")
    if date > timezone.localdate():
        errors["date"] = _("Les heures se notent une fois faites : la date ne peut pas être dans le futur.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = VolunteerHours(
            territory=territory,
            participant=participant,
            user=user,
            workshop=workshop,
            outing=outing,
            date=date,
            hours=hours,
            activity=activity.strip(),
            created_by=actor,
        )
        return save_as(row, actor)


def volunteer_seasons(territory: Territory) -> list[int]:
    """The seasons (calendar years) with hours noted, latest first (one query)."""
    days = VolunteerHours.objects.filter(territory=territory).dates("date", "year", order="DESC")
    return [day.year for day in days]


def hours_by_person_and_season(territory: Territory, season: int | None = None) -> list[dict]:
    """One row per (person, season year): hours, entries and value, each day at the SMIC in force that day (two
    queries: the hours, the rates). `season`: that calendar year only; None: every season."""
    hours = VolunteerHours.objects.filter(territory=territory)
    if season is not None:
        hours = hours.filter(date__gte=Date(season, 1, 1), date__lte=Date(season, 12, 31))
    rows = (
        hours.annotate(season=ExtractYear("date"))
        .values("season", "participant_id", "participant__first_name", "user_id", "user__username", "date")
        .annotate(total=Sum("hours"), entries=Count("pk"))
        .order_by("-season", "participant__first_name", "user__username", "participant_id", "user_id", "date")
    )
    table = MinimumWageTable()
    result: dict = {}
    for row in rows:
        if row["participant_id"]:
            name = f"{row['participant__first_name']} #{row['participant_id']}"
        else:
            name = row["user__username"]
        key = (row["season"], row["participant_id"], row["user_id"])
        person = result.setdefault(
            key,
            {
                "season": row["season"],
                "name": name,
                "participant_id": row["participant_id"],
                "hours": Decimal("0"),
                "entries": 0,
                "value_eur": Decimal("0"),
            },
        )
        person["hours"] += row["total"]
        person["entries"] += row["entries"]
        # Each day at the minimum wage in force that day.
        person["value_eur"] = (person["value_eur"] + row["total"] * table.on(row["date"])).quantize(CENT)
    return list(result.values())


def season_totals(rows: list[dict]) -> list[dict]:
    """Per season: hours and value, summed from `hours_by_person_and_season` (each day at its own rate)."""
    seasons: dict[int, dict] = {}
    for row in rows:
        total = seasons.setdefault(
            row["season"], {"season": row["season"], "hours": Decimal("0"), "people": 0, "value_eur": Decimal("0")}
        )
        total["hours"] += row["hours"]
        total["people"] += 1
        total["value_eur"] += row["value_eur"]
    return sorted(seasons.values(), key=lambda t: -t["season"])
