"""Reads of the jar ledger that pages share: empty jars on hand, and whether the truck has enough for the week.

Empty-jar alert rule: the coming workshops of the next ALERT_DAYS days (planned, not cancelled) fill about
JARS_PER_PLACE jars per place (capacity × 2: a household takes part and fills two jars or more). The truck's
empty jars (all formats, rows of the ledger without a lot: bought, washed, brought back, less those filled at
production and broken) must cover that need, else the stock pages warn, saying how many clean jars wait at
the washing partner.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone

from conserverie.stock.models import MovementKind, StockMovement
from conserverie.territories.models import Location
from conserverie.workshops.models import Workshop

ALERT_DAYS = 7
JARS_PER_PLACE = 2


def empties_by_location_and_format(territory):
    """Empty jars on hand, one row per (location, format) with a non-zero balance (one query)."""
    return (
        StockMovement.objects.filter(territory=territory)
        .empty()
        .values("location_id", "location__name", "location__kind", "jar_format_id", "jar_format__name")
        .annotate(jars=Sum("quantity"))
        .exclude(jars=0)
        .order_by("location__name", "jar_format__volume_ml")
    )


@dataclass(frozen=True)
class EmptyJarAlert:
    workshops: int
    needed: int
    in_truck: int
    at_washing: int = 0  # clean jars to fetch from the washing partner: what can fill the gap first

    @property
    def short(self) -> bool:
        return self.in_truck < self.needed

    @property
    def missing(self) -> int:
        return max(self.needed - self.in_truck, 0)


def empty_jar_alert(territory, today: date | None = None, empties=None) -> EmptyJarAlert:
    """The coming week's need of empty jars against the truck's empties (two queries; one when the page has read
    `empties_by_location_and_format` already and passes its rows: the truck's and the washing partner's empties are
    their sums, a place at zero adding nothing)."""
    today = today or timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, time.min))
    coming = Workshop.objects.filter(
        territory=territory,
        status=Workshop.Status.PLANNED,
        starts_at__gte=start,
        starts_at__lt=start + timedelta(days=ALERT_DAYS + 1),
    ).aggregate(n=Count("id"), places=Sum("capacity"))
    if empties is not None:
        rows = list(empties)
        empties = {
            "truck": sum(row["jars"] for row in rows if row["location__kind"] == Location.Kind.TRUCK),
            "washing": sum(row["jars"] for row in rows if row["location__kind"] == Location.Kind.WASHING),
        }
    else:
        empties = (
            StockMovement.objects.filter(territory=territory)
            .empty()
            .aggregate(
                truck=Sum("quantity", filter=Q(location__kind=Location.Kind.TRUCK)),
                washing=Sum("quantity", filter=Q(location__kind=Location.Kind.WASHING)),
            )
        )
    return EmptyJarAlert(
        workshops=coming["n"],
        needed=(coming["places"] or 0) * JARS_PER_PLACE,
        in_truck=empties["truck"] or 0,
        at_washing=empties["washing"] or 0,
    )


# The flows of the empty-jar stock, in the order a season reads them.
EMPTY_FLOWS = (
    MovementKind.EMPTY_BOUGHT,
    MovementKind.EMPTY_RETURNED,
    MovementKind.EMPTY_WASHED,
    MovementKind.EMPTY_FILLED,
    MovementKind.BROKEN,
    MovementKind.ADJUSTED,
)


def empty_flows(territory) -> list[tuple[str, int]]:
    """Empty jars in and out by kind of flow, all places together (one query). Washed jars count once (in)."""
    rows = dict(
        StockMovement.objects.filter(territory=territory, kind__in=EMPTY_FLOWS)
        .empty()
        .filter(Q(transfer__isnull=True) | Q(quantity__gt=0))
        .values_list("kind")
        .annotate(n=Sum("quantity"))
        .order_by()
    )
    return [(MovementKind(kind).label, rows.get(kind, 0)) for kind in EMPTY_FLOWS]
