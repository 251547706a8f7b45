"""Volunteer hours: the record (a service) and the totals per person and season, valued at the minimum wage."""

from datetime import date as Date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.core.history import save_as
from conserverie.people.models import Participant
from conserverie.territories.models import Membership, Territory
from conserverie.territories.permissions import require_role, require_same_territory
from conserverie.workshops.models import VolunteerHours, Workshop

MAX_HOURS = Decimal("24")


def smic_hourly() -> Decimal:
    try:
        return Decimal(str(settings.SMIC_HOURLY_EUR))
    except (InvalidOperation, AttributeError):
        return Decimal("11.88")


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


def hours_by_person_and_season(territory: Territory) -> list[dict]:
    """One row per (person, season year): hours, entries and value at the SMIC (one query)."""
    rows = (
        VolunteerHours.objects.filter(territory=territory)
        .annotate(season=ExtractYear("date"))
        .values("season", "participant_id", "participant__first_name", "user_id", "user__username")
        .annotate(total=Sum("hours"), entries=Count("pk"))
        .order_by("-season", "participant__first_name", "user__username", "participant_id", "user_id")
    )
    rate = smic_hourly()
    result = []
    for row in rows:
        if row["participant_id"]:
            name = f"{row['participant__first_name']} #{row['participant_id']}"
        else:
            name = row["user__username"]
        result.append(
            {
                "season": row["season"],
                "name": name,
                "participant_id": row["participant_id"],
                "hours": row["total"],
                "entries": row["entries"],
                "value_eur": (row["total"] * rate).quantize(Decimal("0.01")),
            }
        )
    return result


def season_totals(rows: list[dict]) -> list[dict]:
    """Per season: hours and value, summed from `hours_by_person_and_season`."""
    seasons: dict[int, dict] = {}
    for row in rows:
        total = seasons.setdefault(row["season"], {"season": row["season"], "hours": Decimal("0"), "people": 0})
        total["hours"] += row["hours"]
        total["people"] += 1
    rate = smic_hourly()
    for total in seasons.values():
        total["value_eur"] = (total["hours"] * rate).quantize(Decimal("0.01"))
    return sorted(seasons.values(), key=lambda t: -t["season"])
