"""Upcoming workshops for the public, ICS and truck tests (the shared `add_workshops` makes past ones)."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from conserverie.workshops.models import Workshop
from conserverie.workshops.services import participant_create, registration_create, workshop_open


def soon(days: int, hour: int = 14):
    """A time `days` from today, at `hour` local time."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def place_on_map(chain):
    chain.site.address = "place Jules-Nadi"
    chain.site.lat, chain.site.lon = Decimal("45.043512"), Decimal("5.051234")
    chain.site.save()


def future_workshop(chain, days=3, capacity=12, title="Atelier confitures", hours=3, site=None):
    return workshop_open(
        actor=chain.actor,
        territory=chain.territory,
        title=title,
        site=site or chain.site,
        structure=chain.structure,
        starts_at=soon(days),
        ends_at=soon(days) + timedelta(hours=hours),
        capacity=capacity,
        animators=[chain.actor],
    )


def person(chain, name="Aïcha", **extra):
    return participant_create(territory=chain.territory, first_name=name, consent=True, **extra)


def add_future_workshops(chain, n, registrations=2):
    """`n` upcoming workshops on following days (after the ones already there), a few people signed up to each."""
    start = Workshop.objects.filter(territory=chain.territory).count()
    for i in range(start, start + n):
        workshop = future_workshop(chain, days=i + 1, capacity=registrations + 1, title=f"Atelier {i}")
        for j in range(registrations):
            registration_create(workshop=workshop, participant=person(chain, f"P{i}-{j}"), party_size=1)
