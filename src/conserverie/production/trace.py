"""Traceability (§4.3): backward from a jar to the farms, forward from a raw lot to every recipient.

Each trace is a fixed number of queries whatever the number of rows: the lots of a trace are given to the
next query as a subquery, never looped over.
"""

import csv
from dataclasses import dataclass, field

from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.distribution.models import Distribution, DistributionLine
from conserverie.sourcing.models import RawLot, RawLotMovement
from conserverie.stock.models import MovementKind, StockMovement

from .models import PantryUse, ProductionLot, Recall


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


@dataclass
class Contact:
    """One recipient to warn after a recall: a participant, a structure, the purchasing group or a partner."""

    kind: str
    name: str
    phone: str = ""
    email: str = ""
    detail: str = ""
    jars: int = 0
    lots: set = field(default_factory=set)
    last_date: object = None

    @property
    def kind_label(self) -> str:
        return str(Distribution.Kind(self.kind).label)

    @property
    def lot_codes(self) -> str:
        return ", ".join(sorted(self.lots))


@dataclass
class LotsForward:
    """Where the jars of some production lots went: each distribution line, and what is still on a shelf."""

    lines: list[DistributionLine]
    stock: list[dict]

    @property
    def jars_out(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def jars_in_stock(self) -> int:
        return sum(row["jars"] for row in self.stock)

    def contacts(self) -> list[Contact]:
        """The lines grouped by recipient, in the order a coordinator calls them (participants first)."""
        found: dict[tuple, Contact] = {}
        for line in self.lines:
            key, contact = _recipient(line.distribution)
            contact = found.setdefault(key, contact)
            contact.jars += line.quantity
            contact.lots.add(line.lot.code)
            day = line.distribution.date
            if contact.last_date is None or day > contact.last_date:
                contact.last_date = day
        order = {kind: i for i, kind in enumerate(Distribution.Kind.values)}
        return sorted(found.values(), key=lambda c: (order[c.kind], c.name.lower()))


def _recipient(d: Distribution) -> tuple[tuple, Contact]:
    if d.kind == Distribution.Kind.PARTICIPANT and d.participant_id:
        p = d.participant
        return (d.kind, p.pk), Contact(d.kind, p.first_name, p.phone, p.email, p.neighbourhood)
    if d.kind == Distribution.Kind.INTERNAL and d.structure_id:
        s = d.structure
        return (d.kind, s.pk), Contact(d.kind, s.name, detail=s.address or s.city)
    if d.kind == Distribution.Kind.PARTNER:
        return (d.kind, d.partner.strip().lower()), Contact(d.kind, d.partner)
    # A purchasing-group sale: the group buys at one of its shops.
    return (d.kind, d.location_id), Contact(d.kind, _("Groupement d'achat"), detail=d.location.name)


def lots_forward(lot_ids) -> LotsForward:
    """Two queries. `lot_ids`: a queryset of production lot ids (used as a subquery) or a list of ids."""
    lines = list(
        DistributionLine.objects.filter(lot_id__in=lot_ids)
        .select_related(
            "distribution__participant",
            "distribution__structure",
            "distribution__location",
            "lot",
            "jar_format",
        )
        .order_by("distribution__date", "distribution_id", "id")
    )
    stock = list(StockMovement.objects.filter(lot_id__in=lot_ids).stock_by_location_and_lot())
    return LotsForward(lines=lines, stock=stock)


@dataclass
class ForwardTrace(LotsForward):
    """Where a raw lot went: its movements (production lots, raw gifts, losses), then the jars' recipients."""

    raw_lot: RawLot = None
    movements: list[RawLotMovement] = field(default_factory=list)

    @property
    def production_lots(self) -> list[ProductionLot]:
        return [m.production_lot for m in self.movements if m.production_lot_id]


def raw_lot_forward(raw_lot: RawLot) -> ForwardTrace:
    """Three queries: the raw lot's movements, the distribution lines of its lots, their stock."""
    movements = list(raw_lot.movements.select_related("production_lot", "created_by").order_by("day", "id"))
    used = RawLotMovement.objects.filter(raw_lot=raw_lot, kind=RawLotMovement.Kind.USED).values("production_lot_id")
    forward = lots_forward(used)
    return ForwardTrace(lines=forward.lines, stock=forward.stock, raw_lot=raw_lot, movements=movements)


@dataclass
class FarmForward(LotsForward):
    """Where a farm's produce of a period went: its raw lots, the production lots made of them, the recipients."""

    raw_lots: list[RawLot] = field(default_factory=list)
    lots: list[ProductionLot] = field(default_factory=list)


def producer_forward(producer, date_from=None, date_to=None) -> FarmForward:
    """Four queries: the farm's raw lots collected in the period, the lots made of them, their lines and stock."""
    raw = RawLot.objects.filter(producer=producer)
    if date_from:
        raw = raw.filter(collected_on__gte=date_from)
    if date_to:
        raw = raw.filter(collected_on__lte=date_to)
    used = RawLotMovement.objects.filter(raw_lot__in=raw.values("pk"), kind=RawLotMovement.Kind.USED).values(
        "production_lot_id"
    )
    forward = lots_forward(used)
    return FarmForward(
        lines=forward.lines,
        stock=forward.stock,
        raw_lots=list(raw.select_related("product").order_by("collected_on", "code")),
        lots=list(ProductionLot.objects.filter(pk__in=used).select_related("recipe").order_by("produced_on", "code")),
    )


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


CSV_COLUMNS = ["type", "nom", "telephone", "email", "precision", "bocaux", "lots", "derniere_cession"]


def write_contacts_csv(stream, contacts: list[Contact]) -> None:
    """The recall's contact list as CSV (UTF-8, comma-separated), one row per recipient."""
    writer = csv.writer(stream)
    writer.writerow(CSV_COLUMNS)
    for c in contacts:
        day = f"{c.last_date:%Y-%m-%d}" if c.last_date else ""
        writer.writerow([c.kind_label, c.name, c.phone, c.email, c.detail, c.jars, c.lot_codes, day])
