"""A first season's calendar for a new territory, proposed from the simulator's rhythm (issue #8, item 4).

The rhythm (workshops per week, weeks) becomes one weekly series per slot: Tuesday afternoon, Thursday
morning, Saturday morning…, each at one of the territory's sites in turn, so the truck is never in two places.
"""

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.territories.models import Site, Territory
from conserverie.workshops.services import series_create

# (weekday, start, end) in the order they are taken: the Romans rhythm first (Tuesday afternoon, Thursday morning).
SLOTS = [
    (1, time(14), time(17)),
    (3, time(9, 30), time(12, 30)),
    (5, time(9, 30), time(12, 30)),
    (2, time(14), time(17)),
    (4, time(14), time(17)),
]
# How far ahead a first season may start (a date typed in year 9999 would overflow, one in 9000 means nothing).
HORIZON_DAYS = 2 * 365


@dataclass(frozen=True)
class SeriesProposal:
    weekday: int
    start_time: time
    end_time: time
    site: Site
    first_date: date
    last_date: date

    @property
    def weekday_label(self) -> str:
        return [_("lundi"), _("mardi"), _("mercredi"), _("jeudi"), _("vendredi"), _("samedi"), _("dimanche")][
            self.weekday
        ]

    @property
    def occurrences(self) -> int:
        offset = (self.weekday - self.first_date.weekday()) % 7
        return max(0, (self.last_date - self.first_date - timedelta(days=offset)).days // 7 + 1)


def calendar_propose(*, territory: Territory, first_date: date, workshops_per_week: int, weeks: int):
    """The weekly series that give `workshops_per_week` workshops for `weeks` weeks from `first_date`."""
    errors = {}
    if not 1 <= workshops_per_week <= len(SLOTS):
        errors["workshops_per_week"] = _("Entre 1 et %(n)s ateliers par semaine.") % {"n": len(SLOTS)}
    if not 1 <= weeks <= 52:
        errors["weeks"] = _("Une saison compte entre 1 et 52 semaines.")
    if first_date < timezone.localdate():
        errors["first_date"] = _("Le premier atelier ne peut pas avoir lieu dans le passé.")
    elif first_date > timezone.localdate() + timedelta(days=HORIZON_DAYS):
        errors["first_date"] = _("Le premier atelier a lieu dans les deux ans qui viennent.")
    sites = list(Site.objects.filter(territory=territory).select_related("structure").order_by("pk"))
    if not sites:
        errors["first_date"] = _("Ajoutez d'abord un lieu où le camion se gare.")
    if errors:
        raise ValidationError(errors)
    last_date = first_date + timedelta(weeks=weeks) - timedelta(days=1)
    return [
        SeriesProposal(weekday, start, end, sites[index % len(sites)], first_date, last_date)
        for index, (weekday, start, end) in enumerate(SLOTS[:workshops_per_week])
    ]


def calendar_create(*, actor, territory: Territory, proposals, capacity: int = 12) -> list:
    """Create every proposed series, or none (a conflict refuses the whole calendar)."""
    fallback = territory.structures.order_by("pk").first()
    with transaction.atomic():
        return [
            series_create(
                actor=actor,
                territory=territory,
                title=_("Atelier conserverie"),
                site=p.site,
                structure=p.site.structure or fallback,
                weekday=p.weekday,
                start_time=p.start_time,
                end_time=p.end_time,
                first_date=p.first_date,
                last_date=p.last_date,
                capacity=capacity,
            )
            for p in proposals
        ]
