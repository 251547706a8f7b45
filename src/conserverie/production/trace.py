"""Backward traceability (docs/architecture.md, invariant 3): from a jar to the farms, and the lots that share a
raw lot; the forward trace to recipients is distribution.trace.

Each trace is a fixed number of queries whatever the number of rows: the lots of a trace are given to the
next query as a subquery, never looped over.
"""

from dataclasses import dataclass

from django.db.models import QuerySet, Sum
from django.utils import timezone

from conserverie.production.models import PantryUse, ProductionLot, Recall
from conserverie.sourcing.models import RawLotMovement
from conserverie.stock.models import MovementKind, StockMovement


@dataclass
class BackwardTrace:
    """Where a production lot comes from: raw lots (farm, commune, collection date, kg) and pantry lots."""

    lot: ProductionLot
    raw_inputs: list[RawLotMovement]
    pantry_inputs: list[PantryUse]

    @property
    def farms(self) -> list[tuple[str, str]]:
        return sorted({(m.raw_lot.producer.name, m.raw_lot.producer.commune) for m in self.raw_inputs})


def lot_backward(lot: ProductionLot) -> BackwardTrace:
    """Two queries: the raw lots with their farms, the pantry lots with their suppliers."""
    raw_inputs = list(
        RawLotMovement.objects.filter(production_lot=lot, kind=RawLotMovement.Kind.USED)
        .select_related("raw_lot__producer", "raw_lot__product")
        .order_by("raw_lot__code", "id")
    )
    pantry_inputs = list(lot.pantry_inputs.select_related("pantry_lot__item").order_by("pantry_lot__item__name", "id"))
    return BackwardTrace(lot=lot, raw_inputs=raw_inputs, pantry_inputs=pantry_inputs)


def lots_sharing_raw_lots(lot: ProductionLot) -> QuerySet:
    """The other production lots made with at least one of the raw lots of `lot` (one level, not transitive)."""
    raw_ids = RawLotMovement.objects.filter(production_lot=lot, kind=RawLotMovement.Kind.USED).values("raw_lot_id")
    lot_ids = RawLotMovement.objects.filter(raw_lot_id__in=raw_ids, kind=RawLotMovement.Kind.USED).values(
        "production_lot_id"
    )
    return ProductionLot.objects.filter(pk__in=lot_ids).exclude(pk=lot.pk)


def recall_recovered(recall: Recall) -> int:
    """Jars of the recalled lots taken off a shelf since the recall day (discarded or broken movements).

    Pulling a recalled jar from a location is recorded as a discard (reason "Rappel …"): the count is what
    the ledger says left the shelves from the recall day on. Jars given before the recall and brought back
    by households are not in the ledger's stock and are not counted here.
    """
    since = timezone.localtime(recall.recalled_at).date()
    taken = StockMovement.objects.filter(
        lot_id__in=recall.lots.values("id"),
        kind__in=(MovementKind.DISCARDED, MovementKind.BROKEN),
        day__gte=since,
    ).aggregate(n=Sum("quantity"))["n"]
    return -(taken or 0)
