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

from conserverie.producers.models import MONTHS_SHORT, ProducerProduct, Product, parse_months
from conserverie.recipes.models import RecipeIngredient
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


def produce_months(territory: Territory) -> list[int]:
    """The months there is produce to can: the farms' seasonal calendar of the territory; before any farm is
    imported, the season of the products its recipes use; empty when nothing says."""
    months = set()
    for text in ProducerProduct.objects.filter(producer__territory=territory).values_list("months", flat=True):
        months.update(parse_months(text))
    if not months:
        used = RecipeIngredient.objects.filter(recipe__territory=territory, product__isnull=False)
        for text in Product.objects.filter(pk__in=used.values("product_id")).values_list("months", flat=True):
            months.update(parse_months(text))
    return sorted(months)


@dataclass(frozen=True)
class FirstSeason:
    first_date: date
    weeks: int
    months: list

    @property
    def months_label(self) -> str:
        names = dict(MONTHS_SHORT)
        return ", ".join(str(names[m]) for m in self.months)


def _monday_on_or_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


def first_season(territory: Territory, *, today: date, weeks: int) -> FirstSeason:
    """A first season inside the produce months: from the next Monday if this month has produce, else from the
    first Monday of the next produce month; as many weeks as the rhythm asks, but not past the end of that run
    of produce months (no workshops through the winter for want of tomatoes)."""
    start = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    months = produce_months(territory)
    if not months:
        return FirstSeason(start, weeks, [])
    day = start
    for _step in range(13):
        if day.month in months:
            break
        day = _monday_on_or_after(date(day.year + day.month // 12, day.month % 12 + 1, 1))
    start = day
    # The end of the run of produce months that holds `start`.
    end_year, end_month = start.year, start.month
    for _step in range(12):
        following = (end_year + end_month // 12, end_month % 12 + 1)
        if following[1] not in months or following[1] == start.month:
            break
        end_year, end_month = following
    last = date(end_year + end_month // 12, end_month % 12 + 1, 1) - timedelta(days=1)
    fits = max(1, ((last - start).days + 1) // 7)
    return FirstSeason(start, min(weeks, fits), months)


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
