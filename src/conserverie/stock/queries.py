"""Reads of the jar ledger that pages share: empty jars on hand, and whether the truck has enough for the week.

Empty-jar alert rule: the coming workshops of the next ALERT_DAYS days (planned, not cancelled) fill about
JARS_PER_PLACE jars per place (capacity × 2: a household takes part and fills two jars or more). The truck's
empty jars (all formats, rows of the ledger without a lot) must cover that need, else the stock page warns.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Sum
from django.utils import timezone

from conserverie.workshops.models import Workshop

from .models import Location, StockMovement

ALERT_DAYS = 7
JARS_PER_PLACE = 2


def empties_by_location_and_format(territory):
    """Empty jars on hand, one row per (location, format) with a non-zero balance (one query)."""
    return (
        StockMovement.objects.filter(territory=territory)
        .empty()
        .values("location_id", "location__name", "location__kind", "jar_format__name")
        .annotate(jars=Sum("quantity"))
        .exclude(jars=0)
        .order_by("location__name", "jar_format__volume_ml")
    )


@dataclass(frozen=True)
class EmptyJarAlert:
    workshops: int
    needed: int
    in_truck: int

    @property
    def short(self) -> bool:
        return self.in_truck < self.needed

    @property
    def missing(self) -> int:
        return max(self.needed - self.in_truck, 0)


def empty_jar_alert(territory, today: date | None = None) -> EmptyJarAlert:
    """The coming week's need of empty jars against the truck's empties (two queries)."""
    today = today or timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, time.min))
    coming = Workshop.objects.filter(
        territory=territory,
        status=Workshop.Status.PLANNED,
        starts_at__gte=start,
        starts_at__lt=start + timedelta(days=ALERT_DAYS + 1),
    ).aggregate(n=Count("id"), places=Sum("capacity"))
    in_truck = (
        StockMovement.objects.filter(territory=territory, location__kind=Location.Kind.TRUCK)
        .empty()
        .aggregate(n=Sum("quantity"))["n"]
        or 0
    )
    return EmptyJarAlert(workshops=coming["n"], needed=(coming["places"] or 0) * JARS_PER_PLACE, in_truck=in_truck)
