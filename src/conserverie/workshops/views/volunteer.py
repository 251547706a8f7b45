"""The volunteer's own space (docs/architecture.md §2): the hours this person gave, per season, with the total.
Nobody else's, and only in the territories where the person is a volunteer (their scope, §8)."""

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from conserverie.core.scoping import territory_scope
from conserverie.territories.models import Membership, Role
from conserverie.workshops.models import VolunteerHours


def hours_by_season(user) -> list[dict]:
    """Seasons newest first, each with its rows and total hours (one query)."""
    seasons: dict[int, dict] = {}
    for row in VolunteerHours.objects.filter(user=user).order_by("-date", "-id"):
        season = seasons.setdefault(row.date.year, {"season": row.date.year, "rows": [], "total": Decimal("0")})
        season["rows"].append(row)
        season["total"] += row.hours
    return list(seasons.values())


@login_required
def volunteer_space(request):
    territories = list(
        Membership.objects.filter(user=request.user, role=Role.VOLUNTEER).values_list("territory_id", flat=True)
    )
    if not territories:
        raise Http404
    with territory_scope(territories):
        return render(request, "workshops/volunteer_space.html", {"seasons": hours_by_season(request.user)})
