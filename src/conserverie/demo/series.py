"""A recurring series in the demo: every Friday afternoon at La Monnaie for the next eight weeks.

Fridays are free in the demo calendar (the season takes Tuesdays and Thursdays, upcoming workshops Wednesdays and
Saturdays), so the series never clashes with the truck's other workshops, whatever the day of loading.
"""

from datetime import time, timedelta

from conserverie.demo.people import register
from conserverie.demo.season import recipes_for
from conserverie.workshops.services import series_create

FRIDAY = 4
WEEKS = 8
SITE_NAME = "Quartier de la Monnaie"


def create_series(ctx):
    today = ctx.today
    first = today + timedelta(days=(FRIDAY - today.weekday()) % 7 or 7)
    site = next(site for site in ctx.places.sites if site.name == SITE_NAME)
    series = series_create(
        actor=ctx.coordinator,
        territory=ctx.territory,
        title="Les vendredis de la Monnaie",
        site=site,
        structure=site.structure,
        weekday=FRIDAY,
        start_time=time(14),
        end_time=time(17),
        first_date=first,
        last_date=first + timedelta(weeks=WEEKS - 1),
        capacity=10,
        animators=[ctx.animator],
        planned_recipes=recipes_for(ctx, first)[:2],
    )
    for workshop in series.workshops.order_by("starts_at")[:3]:
        register(ctx, workshop, full=False)
    return series
