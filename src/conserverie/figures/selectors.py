"""The territory's dashboard figures: one set of numbers for the staff page, the CLI report and funders.

Each figure is a fixed number of aggregate queries, whatever the size of the season.
"""

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext as _

from conserverie.core.periods import in_period
from conserverie.distribution.models import Distribution, DistributionLine
from conserverie.people.models import Household, Participant
from conserverie.sourcing.models import RawLot, RawLotMovement
from conserverie.stock.models import MovementKind, StockMovement
from conserverie.territories.models import Territory
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


def territory_figures(territory: Territory, date_from: date | None = None, date_to: date | None = None) -> Figures:
    raw_lots = RawLot.objects.filter(territory=territory)
    kg_collected = raw_lots.collected_between(date_from, date_to).aggregate(t=Sum("kg"))["t"] or ZERO
    raw_moves = RawLotMovement.objects.filter(raw_lot__territory=territory)
    by_kind = dict(
        raw_moves.filter(in_period("day", date_from, date_to)).values_list("kind").annotate(t=Sum("kg")).order_by()
    )
    # Stock is a snapshot at the end of the period: everything collected and moved up to then.
    kg_until = raw_lots.collected_between(None, date_to).aggregate(t=Sum("kg"))["t"] or ZERO
    kg_out_until = raw_moves.filter(in_period("day", None, date_to)).aggregate(t=Sum("kg"))["t"] or ZERO

    ledger = StockMovement.objects.filter(territory=territory)
    jars = ledger.full().between(date_from, date_to).totals_by_kind()
    jars_in_stock = ledger.full().between(None, date_to).aggregate(n=Sum("quantity"))["n"] or 0
    empties = (
        ledger.filter(kind=MovementKind.EMPTY_RETURNED).between(date_from, date_to).aggregate(n=Sum("quantity"))["n"]
        or 0
    )
    # Jars that left with a deposit, read from the ledger so that a reversed gift no longer counts.
    with_deposit = -(
        ledger.full()
        .filter(distribution_line__deposit_eur__gt=0)
        .between(date_from, date_to)
        .aggregate(n=Sum("quantity"))["n"]
        or 0
    )

    workshops = Workshop.objects.filter(territory=territory).between(date_from, date_to)
    attended = Registration.objects.live().filter(workshop__in=workshops, attended=True)
    people = attended.aggregate(n=Sum("party_size"))["n"] or 0
    # A household is reached when it took part in a workshop or took jars home in the period.
    given_to = Distribution.objects.filter(territory=territory, participant__isnull=False).filter(
        in_period("date", date_from, date_to)
    )
    # One home counts once, however many of its people came (docs/architecture.md §3, "One person, one household").
    reached = Participant.objects.filter(territory=territory).filter(
        Q(pk__in=attended.values("participant_id")) | Q(pk__in=given_to.values("participant_id"))
    )
    households = Household.objects.filter(territory=territory, pk__in=reached.values("household_id"))
    counts = households.aggregate(n=Count("pk"), priority=Count("pk", filter=Q(priority_area=True)))
    problems = mass_balance_problems(territory)
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
