"""The territory's dashboard figures: one set of numbers for the staff page, the CLI report and funders.

Each figure is a fixed number of aggregate queries, whatever the size of the season.
"""

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.core.periods import in_days, in_period, span
from conserverie.distribution.models import DistributionLine, HouseholdReach
from conserverie.distribution.reach import reach_problems
from conserverie.people.models import Household, Participant, RegistrationStatus
from conserverie.sourcing.models import FarmJarReturn, RawLot, RawLotMovement
from conserverie.stock.models import MovementKind, StockMovement
from conserverie.territories.models import PriorityArea, Territory
from conserverie.workshops.models import Workshop

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
    jars_returned_to_farms: int  # à façon: the farm's jars given back to it
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
    """Where invariants docs/architecture.md §4.1 and docs/architecture.md §4.2 fail: empty when the books hold.
    Also checks the households reached per day (`distribution.reach`) against the facts: that recount reads every
    registration and gift of the territory, so the pages' grouped check (`mass_balance_by_territory`) leaves it out
    and this full check (the invariant tests, `conserverie report`) does it."""
    problems = mass_balance_by_territory([territory.pk]).get(territory.pk, [])
    return problems + reach_problems([territory.pk]).get(territory.pk, [])


def mass_balance_by_territory(ids: list[int]) -> dict[int, list[str]]:
    """{territory id: problems} for the territories whose books do not hold (absent: they hold), in 5 queries."""
    problems: dict[int, list[str]] = {}
    overdrawn = (
        RawLot.objects.filter(territory__in=ids)
        .with_balance()
        .filter(kg_left__lt=0)
        .values_list("territory_id", "code")
        .order_by("territory_id", "code")
    )
    for tid, code in overdrawn[:200]:
        if len(problems.setdefault(tid, [])) < 20:
            problems[tid].append(_("Lot brut %(code)s : plus de kilos sortis que collectés.") % {"code": code})
    negative: dict[int, int] = {}
    for row in (
        StockMovement.objects.filter(territory__in=ids)
        .values("territory_id", "location_id", "lot_id", "jar_format_id")
        .annotate(jars=Sum("quantity"))
        .filter(jars__lt=0)
        .order_by()
    ):
        negative[row["territory_id"]] = negative.get(row["territory_id"], 0) + 1
    for tid, count in negative.items():
        problems.setdefault(tid, []).append(_("Stock négatif à un emplacement : %(n)s ligne(s).") % {"n": count})
    unbalanced = (
        StockMovement.objects.filter(territory__in=ids, transfer__isnull=False)
        .values("territory_id", "transfer")
        .annotate(net=Sum("quantity"))
        .exclude(net=0)
        .values_list("territory_id", flat=True)
        .order_by()
    )
    for tid in sorted(set(unbalanced)):
        problems.setdefault(tid, []).append(_("Transfert déséquilibré entre emplacements."))
    mismatched = (
        DistributionLine.objects.filter(distribution__territory__in=ids)
        .annotate(moved=Sum("movements__quantity", filter=Q(movements__reverses__isnull=True)))
        .exclude(moved=F("quantity") * -1)
        .values_list("distribution__territory_id", flat=True)
    )
    for tid in sorted(set(mismatched)):
        problems.setdefault(tid, []).append(_("Une ligne de cession ne correspond pas au registre des bocaux."))
    returned = (
        FarmJarReturn.objects.filter(territory__in=ids)
        .annotate(moved=Sum("movements__quantity", filter=Q(movements__reverses__isnull=True)))
        .filter(Q(moved__isnull=True) | ~Q(moved=F("jars") * -1))
        .values_list("territory_id", flat=True)
    )
    for tid in sorted(set(returned)):
        problems.setdefault(tid, []).append(_("Des bocaux rendus à une ferme ne sortent pas du registre des bocaux."))
    return problems


def territory_figures(
    territory: Territory, date_from: date | None = None, date_to: date | None = None, *, mass_balance: bool = True
) -> Figures:
    """The figures of one territory (`territories_figures` of a list of one)."""
    return territories_figures([territory], date_from, date_to, mass_balance=mass_balance)[territory.pk]


def territories_figures(
    territories, date_from: date | None = None, date_to: date | None = None, *, mass_balance: bool = True
) -> dict[int, Figures]:
    """{territory id: Figures} for every territory of `territories`, in a fixed number of queries (each grouped by
    territory): the network view costs the same for 2 territories as for 100 (issue 20). `mass_balance=False`
    skips the mass balance (docs/architecture.md §4.1-4.2), a check of the whole books that the flower and the
    network view do not show: `mass_balance_ok` is then True and `mass_balance_problems` empty."""
    by_period = figures_by_period(territories, [(date_from, date_to)], mass_balance=mass_balance)
    return {tid: figures[0] for tid, figures in by_period.items()}


def _grouped(queryset, field: str, periods, key: str | None = None, **aggregates) -> dict:
    """{name: {(territory id[, key value], period index): value}} of ONE query grouped by territory (and `key`),
    with one filtered aggregate per name and period: `aggregates[name](start, end)` gives it."""
    names = {f"{name}_{i}": make(*period) for name, make in aggregates.items() for i, period in enumerate(periods)}
    fields = {"tid": F(field)}
    if key:
        fields["key"] = F(key)
    result = {name: {} for name in aggregates}
    for row in queryset.values(**fields).annotate(**names).order_by():
        for name in aggregates:
            for i in range(len(periods)):
                result[name][(row["tid"], row["key"], i) if key else (row["tid"], i)] = row[f"{name}_{i}"]
    return result


def figures_by_period(territories, periods, *, mass_balance: bool = True) -> dict[int, list[Figures]]:
    """{territory id: [Figures of each period]} for several territories and periods ((start, end), None leaves a
    side open) in 5 queries whatever their number (4 more for the mass balance): each query is grouped by territory
    and has one filtered sum per period (issue 20: the flower reads a period and the previous one, the network
    view every territory)."""
    territories = list(territories)
    ids = [t.pk for t in territories]
    periods = list(periods)

    raw = _grouped(
        RawLot.objects.filter(territory__in=ids),
        "territory_id",
        periods,
        collected=lambda start, end: Sum("kg", filter=in_period("collected_on", start, end)),
        # Stock is a snapshot at the end of the period: everything collected and moved up to then.
        until=lambda start, end: Sum("kg", filter=in_period("collected_on", None, end)),
    )
    moves = _grouped(
        RawLotMovement.objects.filter(raw_lot__territory__in=ids),
        "raw_lot__territory_id",
        periods,
        "kind",
        during=lambda start, end: Sum("kg", filter=in_period("day", start, end)),
        until=lambda start, end: Sum("kg", filter=in_period("day", None, end)),
    )
    # The jar ledger in ONE query grouped by (territory, kind): the full jars moved during the period and up to its
    # end, the empty jars returned (their kind's rows) and the full jars that left with a deposit (read from the
    # ledger, so that a reversed gift no longer counts).
    full = Q(lot__isnull=False)
    jars = _grouped(
        StockMovement.objects.filter(territory__in=ids),
        "territory_id",
        periods,
        "kind",
        during=lambda start, end: Sum("quantity", filter=full & in_period("day", start, end)),
        until=lambda start, end: Sum("quantity", filter=full & in_period("day", None, end)),
        empties=lambda start, end: Sum(
            "quantity", filter=Q(kind=MovementKind.EMPTY_RETURNED) & in_period("day", start, end)
        ),
        deposit=lambda start, end: Sum(
            "quantity", filter=full & Q(distribution_line__deposit_eur__gt=0) & in_period("day", start, end)
        ),
    )

    # Only what has happened counts: workshops held (started, not cancelled) up to the end of the period and not
    # after today, and the gifts of those days; a workshop planned for next week is not a workshop held.
    today = timezone.localdate()

    def held(end):
        return min(end, today) if end else today

    # Only the workshops of the days the periods cover (`span`): the same filtered sums, without every other
    # season's workshops and registrations (issue 20: 0.5 s of the network view at 100 territories × 10 seasons).
    first, last = span(periods)
    workshops = Workshop.objects.filter(territory__in=ids).held_between(first, last)
    # Workshops held and the people present (live registrations marked present): one query, the registrations
    # joined (a workshop counted once: distinct).
    present = Q(registrations__attended=True) & ~Q(registrations__status=RegistrationStatus.CANCELLED)
    held_table = _grouped(
        workshops,
        "territory_id",
        periods,
        n=lambda start, end: Count("pk", distinct=True, filter=in_days("starts_at", start, held(end))),
        people=lambda start, end: Sum("registrations__party_size", filter=present & in_days("starts_at", start, end)),
    )
    workshop_counts, people = held_table["n"], held_table["people"]

    # A household is reached when it took part in a workshop or took jars home in the period: read from the table of
    # the days each household was reached (`distribution.reach`, kept exact by the services that write the
    # registrations and the distributions, checked by `reach_problems`), not from every registration and gift of
    # every season (issue 20: the network view spent most of its time there, 1.2 s at 30 territories × 5 seasons).
    # A workshop counts once it has started, a gift not after today: what has happened, as above.
    # Written so that a row before today is kept on the index alone (SQLite then never reads the row itself): a
    # row of an earlier day has happened (a workshop of an earlier local day started before now); only today's
    # rows ask whether the gift is of today or the workshop has started. Rows after today have not happened.
    now = timezone.now()
    happened = Q(day__lt=today) | (Q(day=today) & (Q(gift=True) | Q(workshop_start__lt=now)))
    reach = HouseholdReach.objects.filter(territory__in=ids).filter(happened)

    def reached(start, end):
        """The households of the people who took part in a workshop or took jars home in the period: one home
        counts once, however many of its people came (docs/architecture.md §3, "One person, one household")."""
        return Q(pk__in=reach.filter(in_period("day", start, end)).values("household_id"))

    # In a priority area (QPV): from the household's own declaration or address only (the box it ticked, or its
    # commune or a member's declared neighbourhood is one of the territory's QPVs), never from the site of a
    # workshop it attended.
    def listed(name_field):
        return PriorityArea.objects.filter(territory=OuterRef("territory"), name__iexact=OuterRef(name_field))

    declared = Participant.objects.filter(household=OuterRef("pk")).filter(Exists(listed("neighbourhood")))
    in_qpv = Q(priority_area=True) | Q(Exists(listed("commune"))) | Q(Exists(declared))

    # Grouped by (territory, in a priority area) with one count per period: the lists of households reached are
    # built once per period (SQLite built them again for every aggregate that named them: a count of all and one
    # of the priority areas made twice the work, most of the network view's time; issue 20).
    # Every household of the territories, not only those reached on the periods' days: restricting them to those
    # (one more list of reached days) was measured slower at 30 territories × 5 seasons (147-189 ms against
    # 102-121 ms, docs/performance.md, q20).
    households = _grouped(
        Household.objects.filter(territory__in=ids).annotate(qpv=ExpressionWrapper(in_qpv, BooleanField())),
        "territory_id",
        periods,
        "qpv",
        n=lambda start, end: Count("pk", filter=reached(start, end)),
    )["n"]
    problems = mass_balance_by_territory(ids) if mass_balance else {}

    def total(table, tid, i, names=None):
        """Sum over the kinds (`names`, or every kind) of a table keyed (territory, kind, period)."""
        return sum(
            (v or 0 for (t, kind, j), v in table.items() if t == tid and j == i and (names is None or kind in names)),
            0,
        )

    result = {}
    for territory in territories:
        tid = territory.pk
        trouble = problems.get(tid, [])
        result[tid] = []
        for i, (date_from, date_to) in enumerate(periods):
            in_priority_area = households.get((tid, True, i)) or 0
            counted = in_priority_area + (households.get((tid, False, i)) or 0)
            returned = total(jars["empties"], tid, i)
            deposited = -total(jars["deposit"], tid, i)
            result[tid].append(
                Figures(
                    territory=territory.slug,
                    date_from=date_from,
                    date_to=date_to,
                    kg_collected=raw["collected"].get((tid, i)) or ZERO,
                    kg_processed=total(moves["during"], tid, i, [RawLotMovement.Kind.USED]) or ZERO,
                    kg_given_raw=total(moves["during"], tid, i, [RawLotMovement.Kind.GIVEN]) or ZERO,
                    kg_lost=total(moves["during"], tid, i, [RawLotMovement.Kind.LOST]) or ZERO,
                    kg_in_stock=(raw["until"].get((tid, i)) or ZERO) - (total(moves["until"], tid, i) or ZERO),
                    jars_produced=total(jars["during"], tid, i, [MovementKind.PRODUCED]),
                    jars_given=-total(jars["during"], tid, i, [MovementKind.GIVEN]),
                    jars_sold=-total(jars["during"], tid, i, [MovementKind.SOLD]),
                    jars_internal=-total(jars["during"], tid, i, [MovementKind.INTERNAL]),
                    jars_returned_to_farms=-total(jars["during"], tid, i, [MovementKind.RETURNED_TO_FARM]),
                    jars_discarded=-total(jars["during"], tid, i, [MovementKind.DISCARDED, MovementKind.BROKEN]),
                    jars_in_stock=total(jars["until"], tid, i),
                    empty_jars_returned=returned,
                    workshops=workshop_counts.get((tid, i)) or 0,
                    participants=people.get((tid, i)) or 0,
                    households=counted,
                    priority_area_share=round(in_priority_area / counted, 3) if counted else 0.0,
                    deposit_return_rate=round(returned / deposited, 3) if deposited else 0.0,
                    mass_balance_ok=not trouble,
                    mass_balance_problems=trouble,
                )
            )
    return result
