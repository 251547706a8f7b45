"""The territory's dashboard figures: one set of numbers for the staff page, the CLI report and funders.

Each figure is a fixed number of aggregate queries, whatever the size of the season.
"""

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.core.periods import in_period
from conserverie.distribution.models import Distribution, DistributionLine
from conserverie.people.models import Participant
from conserverie.sourcing.models import RawLot, RawLotMovement
from conserverie.stock.models import MovementKind, StockMovement
from conserverie.territories.models import PriorityArea, Territory
from conserverie.workshops.models import Registration, Workshop

ZERO = Decimal("0")


@dataclass
class Figures:
    territory: str
    date_from: date | None
    date_to: date | None
    kg_collected: Decimal
    kg_processed: Decimal
    kg_given_raw: Decimal
    kg_lost: Decimal
    kg_in_stock: Decimal
    jars_produced: int
    jars_given: int
    jars_sold: int
    jars_internal: int
    jars_discarded: int
    jars_in_stock: int
    empty_jars_returned: int
    workshops: int
    participants: int
    households: int
    priority_area_share: float
    deposit_return_rate: float
    mass_balance_ok: bool
    mass_balance_problems: list

    def as_json(self) -> dict:
        data = asdict(self)
        data["from"] = data.pop("date_from")
        data["to"] = data.pop("date_to")
        for key, value in data.items():
            if isinstance(value, Decimal):
                data[key] = float(value)
            elif isinstance(value, date):
                data[key] = value.isoformat()
        return data


def mass_balance_problems(territory: Territory) -> list[str]:
    """Where invariants docs/architecture.md §4.1 and docs/architecture.md §4.2 fail: empty when the books hold."""
    problems = []
    overdrawn = (
        RawLot.objects.filter(territory=territory).with_balance().filter(kg_left__lt=0).values_list("code", flat=True)
    )
    for code in overdrawn[:20]:
        problems.append(_("Lot brut %(code)s : plus de kilos sortis que collectés.") % {"code": code})
    negative = StockMovement.objects.filter(territory=territory).negative_balances()
    if negative.exists():
        problems.append(_("Stock négatif à un emplacement : %(n)s ligne(s).") % {"n": negative.count()})
    unbalanced = (
        StockMovement.objects.filter(territory=territory, transfer__isnull=False)
        .values("transfer")
        .annotate(net=Sum("quantity"))
        .exclude(net=0)
    )
    if unbalanced.exists():
        problems.append(_("Transfert déséquilibré entre emplacements."))
    mismatched = (
        DistributionLine.objects.filter(distribution__territory=territory)
        .annotate(moved=Sum("movements__quantity", filter=Q(movements__reverses__isnull=True)))
        .exclude(moved=F("quantity") * -1)
    )
    if mismatched.exists():
        problems.append(_("Une ligne de cession ne correspond pas au registre des bocaux."))
    return problems


def territory_figures(
    territory: Territory, date_from: date | None = None, date_to: date | None = None, *, checks: bool = True
) -> Figures:
    """The figures of the period; `checks=False` skips the mass-balance checks (4 queries) for a page that does not
    show them (the economics pages): `mass_balance_ok` is then True and the problems empty, not checked."""
    raw_lots = RawLot.objects.filter(territory=territory)
    # Collected in the period, and up to its end (the stock is a snapshot at the end of the period): one query.
    kg = raw_lots.filter(in_period("collected_on", None, date_to)).aggregate(
        period=Sum("kg", filter=in_period("collected_on", date_from, date_to)), until=Sum("kg")
    )
    kg_collected, kg_until = kg["period"] or ZERO, kg["until"] or ZERO
    raw_moves = RawLotMovement.objects.filter(raw_lot__territory=territory)
    by_kind = dict(
        raw_moves.filter(in_period("day", date_from, date_to)).values_list("kind").annotate(t=Sum("kg")).order_by()
    )
    kg_out_until = raw_moves.filter(in_period("day", None, date_to)).aggregate(t=Sum("kg"))["t"] or ZERO

    # The jar ledger in one query: full jars by kind in the period, full jars in stock at its end, empty jars
    # returned, and jars that left with a deposit (read from the ledger, so that a reversed gift no longer counts).
    period = in_period("day", date_from, date_to)
    full = Q(lot__isnull=False)
    kinds = (
        MovementKind.PRODUCED,
        MovementKind.GIVEN,
        MovementKind.SOLD,
        MovementKind.INTERNAL,
        MovementKind.DISCARDED,
        MovementKind.BROKEN,
    )
    sums = (
        StockMovement.objects.filter(territory=territory)
        .filter(in_period("day", None, date_to))
        .aggregate(
            in_stock=Sum("quantity", filter=full),
            empties=Sum("quantity", filter=Q(kind=MovementKind.EMPTY_RETURNED) & period),
            with_deposit=Sum("quantity", filter=full & Q(distribution_line__deposit_eur__gt=0) & period),
            **{str(kind): Sum("quantity", filter=full & Q(kind=kind) & period) for kind in kinds},
        )
    )
    jars = {kind: sums[str(kind)] or 0 for kind in kinds}
    jars_in_stock = sums["in_stock"] or 0
    empties = sums["empties"] or 0
    with_deposit = -(sums["with_deposit"] or 0)

    # Only what has happened counts: workshops held (started, not cancelled) up to the end of the period and not
    # after today, and the gifts of those days; a workshop planned for next week is not a workshop held.
    today = timezone.localdate()
    until = min(date_to, today) if date_to else today
    workshops = Workshop.objects.filter(territory=territory).held_between(date_from, until)
    attended = Registration.objects.live().filter(workshop__in=workshops, attended=True)
    people = attended.aggregate(n=Sum("party_size"))["n"] or 0
    # A household is reached when it took part in a workshop or took jars home in the period.
    given_to = Distribution.objects.filter(territory=territory, participant__isnull=False).filter(
        in_period("date", date_from, until)
    )
    households = Participant.objects.filter(territory=territory).filter(
        Q(pk__in=attended.values("participant_id")) | Q(pk__in=given_to.values("participant_id"))
    )
    # In a priority area (QPV): from the household's own declaration or address only (the box it ticked, or its
    # neighbourhood is one of the territory's QPVs), never from the site of a workshop it attended.
    listed = PriorityArea.objects.filter(territory=territory, name__iexact=OuterRef("neighbourhood"))
    counts = households.aggregate(n=Count("pk"), priority=Count("pk", filter=Q(priority_area=True) | Q(Exists(listed))))
    problems = mass_balance_problems(territory) if checks else []
    return Figures(
        territory=territory.slug,
        date_from=date_from,
        date_to=date_to,
        kg_collected=kg_collected,
        kg_processed=by_kind.get(RawLotMovement.Kind.USED, ZERO),
        kg_given_raw=by_kind.get(RawLotMovement.Kind.GIVEN, ZERO),
        kg_lost=by_kind.get(RawLotMovement.Kind.LOST, ZERO),
        kg_in_stock=kg_until - kg_out_until,
        jars_produced=jars.get(MovementKind.PRODUCED, 0),
        jars_given=-jars.get(MovementKind.GIVEN, 0),
        jars_sold=-jars.get(MovementKind.SOLD, 0),
        jars_internal=-jars.get(MovementKind.INTERNAL, 0),
        jars_discarded=-(jars.get(MovementKind.DISCARDED, 0) + jars.get(MovementKind.BROKEN, 0)),
        jars_in_stock=jars_in_stock,
        empty_jars_returned=empties,
        workshops=workshops.count(),
        participants=people,
        households=counts["n"],
        priority_area_share=round(counts["priority"] / counts["n"], 3) if counts["n"] else 0.0,
        deposit_return_rate=round(empties / with_deposit, 3) if with_deposit else 0.0,
        mass_balance_ok=not problems,
        mass_balance_problems=problems,
    )
