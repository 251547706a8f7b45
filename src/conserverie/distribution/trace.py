"""Forward traceability (docs/architecture.md, invariant 3): from raw lots and production lots to every
recipient and every shelf (the backward trace is production.trace).

Each trace is a fixed number of queries whatever the number of rows: the lots of a trace are given to the
next query as a subquery, never looped over.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from conserverie.core.exports import write_csv_rows
from conserverie.distribution.models import Distribution, DistributionLine
from conserverie.people.phones import phone_display
from conserverie.production.models import ProductionLot
from conserverie.sourcing.models import RawLot, RawLotMovement
from conserverie.stock.models import MovementKind, StockMovement

# A farm that took back jars made of its own produce (à façon): it holds them as any recipient does.
FARM = "farm"


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
        if self.kind == FARM:
            return str(_("Ferme (bocaux rendus à façon)"))
        return str(Distribution.Kind(self.kind).label)

    @property
    def lot_codes(self) -> str:
        return ", ".join(sorted(self.lots))


@dataclass
class LotsForward:
    """Where the jars of some production lots went: each distribution line, and what is still on a shelf."""

    lines: list[DistributionLine]
    stock: list[dict]
    farm_returns: list[StockMovement] = field(default_factory=list)

    @property
    def jars_out(self) -> int:
        return sum(line.quantity for line in self.lines) + sum(-move.quantity for move in self.farm_returns)

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
            _last(contact, line.distribution.date)
        for move in self.farm_returns:
            farm = move.farm_return.producer
            contact = found.setdefault(
                (FARM, farm.pk), Contact(FARM, farm.name, phone_display(farm.phone), detail=farm.commune)
            )
            contact.jars += -move.quantity
            contact.lots.add(move.lot.code)
            _last(contact, move.day)
        order = {kind: i for i, kind in enumerate([*Distribution.Kind.values, FARM])}
        return sorted(found.values(), key=lambda c: (order[c.kind], c.name.lower()))


def _last(contact: Contact, day) -> None:
    if contact.last_date is None or day > contact.last_date:
        contact.last_date = day


def _recipient(d: Distribution) -> tuple[tuple, Contact]:
    # A person is called by name whatever the way the jars reached them: a gift, or a purchasing-group order
    # handed over at a pick-up (the group sale then names its member).
    if d.kind in (Distribution.Kind.PARTICIPANT, Distribution.Kind.GROUP_SALE) and d.participant_id:
        p = d.participant
        detail = p.neighbourhood if d.kind == Distribution.Kind.PARTICIPANT else d.location.name
        return (d.kind, p.pk), Contact(d.kind, p.first_name, phone_display(p.phone), p.email, detail)
    if d.kind == Distribution.Kind.INTERNAL and d.structure_id:
        s = d.structure
        return (d.kind, s.pk), Contact(d.kind, s.name, detail=s.address or s.city)
    if d.kind == Distribution.Kind.PARTNER:
        return (d.kind, d.partner.strip().lower()), Contact(d.kind, d.partner)
    # A purchasing-group sale: the group buys at one of its shops.
    return (d.kind, d.location_id), Contact(d.kind, _("Groupement d'achat"), detail=d.location.name)


def lots_forward(lot_ids) -> LotsForward:
    """Three queries. `lot_ids`: a queryset of production lot ids (used as a subquery) or a list of ids."""
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
    farm_returns = list(
        StockMovement.objects.filter(lot_id__in=lot_ids, kind=MovementKind.RETURNED_TO_FARM)
        .select_related("farm_return__producer", "lot")
        .order_by("day", "id")
    )
    return LotsForward(lines=lines, stock=stock, farm_returns=farm_returns)


@dataclass
class ForwardTrace(LotsForward):
    """Where a raw lot went: its movements (production lots, raw gifts, losses), then the jars' recipients."""

    raw_lot: RawLot = None
    movements: list[RawLotMovement] = field(default_factory=list)

    @property
    def production_lots(self) -> list[ProductionLot]:
        return [m.production_lot for m in self.movements if m.production_lot_id]


def raw_lot_forward(raw_lot: RawLot) -> ForwardTrace:
    """Four queries: the raw lot's movements, the distribution lines of its lots, their stock, jars given back."""
    movements = list(raw_lot.movements.select_related("production_lot", "created_by").order_by("day", "id"))
    used = RawLotMovement.objects.filter(raw_lot=raw_lot, kind=RawLotMovement.Kind.USED).values("production_lot_id")
    forward = lots_forward(used)
    return ForwardTrace(
        lines=forward.lines,
        stock=forward.stock,
        farm_returns=forward.farm_returns,
        raw_lot=raw_lot,
        movements=movements,
    )


@dataclass
class FarmForward(LotsForward):
    """Where a farm's produce of a period went: its raw lots, the production lots made of them, the recipients."""

    raw_lots: list[RawLot] = field(default_factory=list)
    lots: list[ProductionLot] = field(default_factory=list)


def producer_forward(producer, date_from=None, date_to=None) -> FarmForward:
    """Five queries: the farm's raw lots collected in the period, the lots made of them, their lines, stock and the
    jars given back to farms."""
    raw = RawLot.objects.filter(producer=producer).collected_between(date_from, date_to)
    used = RawLotMovement.objects.filter(raw_lot__in=raw.values("pk"), kind=RawLotMovement.Kind.USED).values(
        "production_lot_id"
    )
    forward = lots_forward(used)
    return FarmForward(
        lines=forward.lines,
        stock=forward.stock,
        farm_returns=forward.farm_returns,
        raw_lots=list(raw.select_related("product").order_by("collected_on", "code")),
        lots=list(ProductionLot.objects.filter(pk__in=used).select_related("recipe").order_by("produced_on", "code")),
    )


CSV_COLUMNS = ["type", "nom", "telephone", "email", "precision", "bocaux", "lots", "derniere_cession"]


def write_contacts_csv(stream, contacts: list[Contact]) -> None:
    """The recall's contact list as CSV, one row per recipient, through the shared safe writer (`core/exports.py`):
    French format (BOM, semicolons, dd/mm/yyyy) and no name or note read as a formula."""
    write_csv_rows(
        stream,
        CSV_COLUMNS,
        ([c.kind_label, c.name, c.phone, c.email, c.detail, c.jars, c.lot_codes, c.last_date] for c in contacts),
    )
