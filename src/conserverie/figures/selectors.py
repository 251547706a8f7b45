"""The territory's dashboard figures: one set of numbers for the staff page, the CLI report and funders.

Each figure is a fixed number of aggregate queries, whatever the size of the season.
"""

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from itertools import chain

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from conserverie.core.months import in_edges, in_months, split_period
from conserverie.core.periods import in_days, in_period, span
from conserverie.distribution.models import DistributionLine, HouseholdReach
from conserverie.distribution.reach import reach_problems
from conserverie.people.models import Household, Participant, RegistrationStatus
from conserverie.sourcing.models import FarmJarReturn, RawLot, RawLotMovement, RawMonth
from conserverie.sourcing.months import raw_month_problems
from conserverie.stock.models import JarMonth, MovementKind, StockMovement
from conserverie.stock.months import jar_month_problems
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
    Also the recounts of the derived tables (`recount_problems`): the pages' grouped check
    (`mass_balance_by_territory`) leaves them out and this full check (the invariant tests, `conserverie report`)
    does them."""
    ids = [territory.pk]
    return mass_balance_by_territory(ids).get(territory.pk, []) + recount_problems(ids).get(territory.pk, [])


def recount_problems(ids: list[int]) -> dict[int, list[str]]:
    """{territory id: problems} of the tables the figures read instead of the facts, recounted from the facts: the
    households reached per day (`distribution.reach`, §4.12) and the ledgers' monthly sums (`stock.months`,
    `sourcing.months`, §4.13). Each reads every registration, gift, movement and raw lot of the territories."""
    problems: dict[int, list[str]] = {}
    for found in (jar_month_problems(ids), raw_month_problems(ids), reach_problems(ids)):
        for tid, lines in found.items():
            problems.setdefault(tid, []).extend(lines)
    return problems


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


def _add(table: dict, key, value) -> None:
    if value:
        table[key] = table.get(key, 0) + value


def _ledger_sums(table, ledger, periods, keys: dict, amount: str, ledger_keys: dict, ledger_amount: str, day: str):
    """{(territory id, *key values): [(sum during, sum until the end) of each period]} of a ledger in ONE query: the
    whole months of each period from `table` (its monthly sums, `month` the first day) and the edge days from
    `ledger` (its rows, dated by `day`), as a UNION ALL of the table's grouped sums and one grouped arm per range of
    edge days, added up here. `keys` and
    `ledger_keys` name the same grouping in both (`tid` first); "until the end" is the period opened on the left.
    Exact for any period (core/months.py `split_period`), whatever days it starts and ends on."""
    table_sums, edges_of = {}, {}
    for i, (start, end) in enumerate(periods):
        for name, (months, edges) in (("d", split_period(start, end)), ("u", split_period(None, end))):
            table_sums[f"{name}_{i}"] = Sum(amount, filter=in_months("month", months))
            edges_of[f"{name}_{i}"] = edges
    arms = []
    # One arm per distinct range of edge days, each a range on the ledger's (territory, day) index: an OR of the
    # ranges in one arm made SQLite read every row of the territories.
    for edge in sorted(set(chain.from_iterable(edges_of.values())), key=str):
        sums = {
            name: Sum(ledger_amount, filter=in_edges(day, [edge] if edge in edges else []))
            for name, edges in edges_of.items()
        }
        arm = ledger.filter(in_period(day, *edge)).values(**ledger_keys).annotate(**sums).order_by()
        arms.append(arm)
    query = table.values(**keys).annotate(**table_sums).order_by().union(*arms, all=True)
    result: dict[tuple, list] = {}
    width = len(keys)
    for row in query.values_list(*keys, *table_sums):
        key = tuple(row[:width])
        if width > 2:  # booleans from a LEFT JOIN may be NULL: no deposit
            key = key[:2] + tuple(bool(v) for v in key[2:])
        sums = result.setdefault(key, [[None, None] for _ in periods])
        for i in range(len(periods)):
            for j, value in enumerate(row[width + 2 * i : width + 2 * i + 2]):
                if value is not None:
                    sums[i][j] = value if sums[i][j] is None else sums[i][j] + value
    return {key: [tuple(pair) for pair in sums] for key, sums in result.items()}


def figures_by_period(territories, periods, *, mass_balance: bool = True) -> dict[int, list[Figures]]:
    """{territory id: [Figures of each period]} for several territories and periods ((start, end), None leaves a
    side open) in 5 queries whatever their number (4 more for the mass balance): each query is grouped by territory
    and has one filtered sum per period (issue 20: the flower reads a period and the previous one, the network
    view every territory)."""
    territories = list(territories)
    ids = [t.pk for t in territories]
    periods = list(periods)

    # The raw produce and the jar ledger: whole months from the monthly sums kept by the ledgers' writers
    # (`sourcing.RawMonth`, `stock.JarMonth`), edge days from the ledgers themselves, in ONE query each (a UNION ALL
    # of the two halves), so the "until the end of the period" sums no longer read every row of every season (issue
    # 20: the jar ledger was 4 s of the network view at 100 × 10; docs/performance.md "Monthly sums of the ledgers").
    # Stock is a snapshot at the end of the period: everything collected and moved up to then.
    raw_rows = _ledger_sums(
        RawMonth.objects.filter(territory__in=ids, kind=RawMonth.COLLECTED),
        RawLot.objects.filter(territory__in=ids),
        periods,
        {"tid": F("territory_id")},
        "kg",
        {"tid": F("territory_id")},
        "kg",
        "collected_on",
    )
    move_rows = _ledger_sums(
        RawMonth.objects.filter(territory__in=ids).exclude(kind=RawMonth.COLLECTED),
        RawLotMovement.objects.filter(raw_lot__territory__in=ids),
        periods,
        {"tid": F("territory_id"), "k_kind": F("kind")},
        "kg",
        {"tid": F("raw_lot__territory_id"), "k_kind": F("kind")},
        "kg",
        "day",
    )
    # The jar ledger grouped by (territory, kind, full, with a deposit): the full jars moved during the period and up
    # to its end, the empty jars returned (their kind's rows) and the full jars that left with a deposit (read from
    # the ledger's rows, so that a reversed gift no longer counts).
    jar_rows = _ledger_sums(
        JarMonth.objects.filter(territory__in=ids),
        StockMovement.objects.filter(territory__in=ids),
        periods,
        {"tid": F("territory_id"), "k_kind": F("kind"), "k_full": F("full"), "k_deposit": F("deposit")},
        "quantity",
        {
            "tid": F("territory_id"),
            "k_kind": F("kind"),
            "k_full": ExpressionWrapper(Q(lot__isnull=False), BooleanField()),
            "k_deposit": ExpressionWrapper(Q(distribution_line__deposit_eur__gt=0), BooleanField()),
        },
        "quantity",
        "day",
    )
    raw = {"collected": {}, "until": {}}
    for (tid,), sums in raw_rows.items():
        for i, (during, until) in enumerate(sums):
            raw["collected"][(tid, i)], raw["until"][(tid, i)] = during, until
    moves = {"during": {}, "until": {}}
    for (tid, kind), sums in move_rows.items():
        for i, (during, until) in enumerate(sums):
            moves["during"][(tid, kind, i)], moves["until"][(tid, kind, i)] = during, until
    jars = {"during": {}, "until": {}, "empties": {}, "deposit": {}}
    for (tid, kind, is_full, deposit), sums in jar_rows.items():
        for i, (during, until) in enumerate(sums):
            if kind == MovementKind.EMPTY_RETURNED:
                _add(jars["empties"], (tid, kind, i), during)
            if is_full:
                _add(jars["during"], (tid, kind, i), during)
                _add(jars["until"], (tid, kind, i), until)
                if deposit:
                    _add(jars["deposit"], (tid, kind, i), during)

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

    # Each table keyed (territory, kind, period) regrouped once by (territory, period): `total` then reads its own
    # cell, not the whole table (a loop over every territory's rows for each figure of each territory, n21).
    cells: dict[int, dict] = {}
    for table in (*moves.values(), *jars.values()):
        own = cells[id(table)] = {}
        for (t, kind, j), v in table.items():
            own.setdefault((t, j), {})[kind] = v

    def total(table, tid, i, names=None):
        """Sum over the kinds (`names`, or every kind) of a table keyed (territory, kind, period)."""
        cell = cells[id(table)].get((tid, i), {})
        return sum((v or 0 for kind, v in cell.items() if names is None or kind in names), 0)

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
