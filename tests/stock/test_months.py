"""The monthly sums of the two ledgers (issue 20, docs/performance.md "Monthly sums of the ledgers").

`stock.JarMonth` and `sourcing.RawMonth` are kept by the ledgers' writers in the same transaction; the figures read
whole months there and the edge days from the ledgers. The figures must equal what the ledgers alone give (the
grouped queries the figures ran before, kept here as the reference) for any period, and the full mass balance must
report a month whose sum differs from the ledger.
"""

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.admin.sites import AdminSite
from django.core.management import call_command
from django.db.models import Q, Sum

from conserverie.core.months import split_period
from conserverie.core.periods import in_period
from conserverie.core.scoping import territory_scope
from conserverie.distribution.models import Distribution
from conserverie.distribution.services import LineSpec, distribution_record
from conserverie.figures.selectors import figures_by_period, mass_balance_problems
from conserverie.sourcing.admin import RawLotAdmin
from conserverie.sourcing.models import RawLot, RawLotMovement, RawMonth
from conserverie.sourcing.months import raw_month_problems, raw_months_rebuild
from conserverie.sourcing.services import collection_record, raw_lot_give, raw_lot_lose
from conserverie.stock.models import JarMonth, MovementKind, StockMovement
from conserverie.stock.months import jar_month_problems, jar_months_rebuild
from conserverie.stock.services import deposit_return, jars_discard, movement_reverse
from conserverie.workshops.services import participant_create

from ..helpers import released_lot

D = Decimal

PERIODS = [
    (date(2026, 1, 1), date(2026, 12, 31)),  # a year
    (date(2026, 6, 1), date(2026, 8, 31)),  # a season of whole months
    (date(2026, 6, 15), date(2026, 8, 14)),  # odd edges on both sides
    (date(2026, 7, 1), date(2026, 7, 31)),  # one month
    (date(2026, 7, 31), date(2026, 8, 1)),  # two days across a month's end
    (date(2026, 7, 2), date(2026, 7, 30)),  # inside one month
    (None, date(2026, 7, 15)),  # open on the left
    (date(2026, 8, 2), None),  # open on the right
    (None, None),
    (date(2025, 1, 1), date(2025, 12, 31)),  # before any data
    (date(2026, 9, 1), date(2026, 8, 1)),  # empty: starts after it ends
]

FIELDS = [
    "kg_collected",
    "kg_processed",
    "kg_given_raw",
    "kg_lost",
    "kg_in_stock",
    "jars_produced",
    "jars_given",
    "jars_sold",
    "jars_internal",
    "jars_returned_to_farms",
    "jars_discarded",
    "jars_in_stock",
    "empty_jars_returned",
    "deposit_return_rate",
]


def _reference(territory, start, end) -> dict:
    """The ledgers' figures of a period from the ledgers alone: the queries `figures_by_period` ran before the
    monthly sums (every row of every season)."""
    tid = territory.pk
    raw = RawLot.objects.filter(territory=tid)
    moves = RawLotMovement.objects.filter(raw_lot__territory=tid)
    jars = StockMovement.objects.filter(territory=tid, lot__isnull=False)

    def kg(queryset, field, start, end, **kinds):
        return queryset.filter(in_period(field, start, end), **kinds).aggregate(n=Sum("kg"))["n"] or D(0)

    def n(queryset, start, end, *kinds):
        queryset = queryset.filter(in_period("day", start, end))
        if kinds:
            queryset = queryset.filter(kind__in=kinds)
        return queryset.aggregate(n=Sum("quantity"))["n"] or 0

    returned = (
        StockMovement.objects.filter(territory=tid, kind=MovementKind.EMPTY_RETURNED)
        .filter(in_period("day", start, end))
        .aggregate(n=Sum("quantity"))["n"]
        or 0
    )
    deposited = -(
        jars.filter(Q(distribution_line__deposit_eur__gt=0) & in_period("day", start, end)).aggregate(
            n=Sum("quantity")
        )["n"]
        or 0
    )
    return {
        "kg_collected": kg(raw, "collected_on", start, end),
        "kg_processed": kg(moves, "day", start, end, kind=RawLotMovement.Kind.USED),
        "kg_given_raw": kg(moves, "day", start, end, kind=RawLotMovement.Kind.GIVEN),
        "kg_lost": kg(moves, "day", start, end, kind=RawLotMovement.Kind.LOST),
        "kg_in_stock": kg(raw, "collected_on", None, end) - kg(moves, "day", None, end),
        "jars_produced": n(jars, start, end, MovementKind.PRODUCED),
        "jars_given": -n(jars, start, end, MovementKind.GIVEN),
        "jars_sold": -n(jars, start, end, MovementKind.SOLD),
        "jars_internal": -n(jars, start, end, MovementKind.INTERNAL),
        "jars_returned_to_farms": -n(jars, start, end, MovementKind.RETURNED_TO_FARM),
        "jars_discarded": -n(jars, start, end, MovementKind.DISCARDED, MovementKind.BROKEN),
        "jars_in_stock": n(jars, None, end),
        "empty_jars_returned": returned,
        "deposit_return_rate": round(returned / deposited, 3) if deposited else 0.0,
    }


def _give(chain, lot, person, day, jars):
    return distribution_record(
        actor=chain.actor,
        territory=chain.territory,
        kind=Distribution.Kind.PARTICIPANT,
        location=chain.truck,
        day=day,
        lines=[LineSpec(lot, chain.jar, jars)],
        participant=person,
    )


@pytest.fixture
def ledgers(chain, other_chain, clock):
    """Four months of both ledgers in Romans (collections, raw kilos given and lost, two lots, gifts with a deposit,
    a sale, jars broken, empties returned, a gift reversed), a lot and a gift in Vercors."""
    clock(date(2026, 6, 20))
    lot = released_lot(chain, jars=30)  # 10 kg of the chain's raw lot used on 10 June
    other_lot = released_lot(other_chain, jars=5)
    clock(date(2026, 10, 15))
    raw2 = collection_record(
        actor=chain.actor,
        territory=chain.territory,
        producer=chain.farm,
        product=chain.tomato,
        kg=D("12.35"),
        collected_on=date(2026, 7, 31),
    )
    raw_lot_give(actor=chain.actor, raw_lot=chain.raw, kg=D("2.50"), day=date(2026, 7, 1))
    raw_lot_lose(actor=chain.actor, raw_lot=raw2, kg=D("1.15"), reason="Moisi", day=date(2026, 8, 1))
    lot2 = released_lot(chain, jars=12, raw=raw2, kg="6", day=date(2026, 8, 3))
    awa = participant_create(territory=chain.territory, first_name="Awa", consent=True)
    _give(chain, lot, awa, date(2026, 6, 30), 3)
    reversed_gift = _give(chain, lot, awa, date(2026, 7, 1), 2)
    _give(chain, lot, awa, date(2026, 7, 31), 1)
    _give(chain, lot2, awa, date(2026, 8, 15), 2)
    distribution_record(
        actor=chain.actor,
        territory=chain.territory,
        kind=Distribution.Kind.GROUP_SALE,
        location=chain.truck,
        day=date(2026, 9, 1),
        lines=[LineSpec(lot, chain.jar, 4, D("3.50"))],
    )
    jars_discard(
        actor=chain.actor,
        lot=lot,
        jar_format=chain.jar,
        location=chain.truck,
        quantity=1,
        reason="Couvercle bombé",
        broken=True,
        day=date(2026, 9, 30),
    )
    deposit_return(
        actor=chain.actor,
        location=chain.truck,
        jar_format=chain.jar,
        quantity=2,
        participant=awa,
        day=date(2026, 8, 20),
    )
    gift_row = StockMovement.objects.get(distribution_line__distribution=reversed_gift)
    movement_reverse(actor=chain.actor, movement=gift_row, reason="Saisie en double")
    eli = participant_create(territory=other_chain.territory, first_name="Eli", consent=True)
    _give(other_chain, other_lot, eli, date(2026, 7, 20), 2)
    return {"chain": chain, "other": other_chain, "raw2": raw2}


def test_split_period_covers_every_day_once():
    """Whole months and edge days together are exactly the period's days (every period of the list, day by day)."""
    for start, end in PERIODS[:-2]:
        months, edges = split_period(start, end)
        lo, hi = start or date(2025, 12, 1), end or date(2027, 1, 31)
        day = lo
        while day <= hi:
            in_months = months is not None and (months[0] is None or day.replace(day=1) >= months[0])
            in_months = in_months and (months[1] is None or day.replace(day=1) <= months[1])
            in_edges = [a <= day <= b for a, b in edges if a and b]
            assert in_months + sum(in_edges) == 1, (start, end, day)
            day = date.fromordinal(day.toordinal() + 1)
    assert split_period(date(2026, 9, 1), date(2026, 8, 1)) == (None, [(date(2026, 9, 1), date(2026, 8, 1))])


def test_the_figures_from_the_monthly_sums_equal_the_ledgers(ledgers):
    chain, other = ledgers["chain"], ledgers["other"]
    territories = [chain.territory, other.territory]
    figures = figures_by_period(territories, PERIODS, mass_balance=False)
    for territory in territories:
        for i, (start, end) in enumerate(PERIODS):
            got = {name: getattr(figures[territory.pk][i], name) for name in FIELDS}
            assert got == _reference(territory, start, end), (territory.slug, start, end)
    # The data is not trivial: the periods see different things.
    mine = figures[chain.territory.pk]
    assert mine[0].jars_produced == 42
    assert mine[0].jars_given == 6
    assert mine[0].jars_sold == 4
    assert mine[0].kg_collected == D("52.35")
    assert mine[0].kg_lost == D("1.15")
    assert mine[3].jars_given == 1  # July: the gift of the 1st reversed, the one of the 31st
    assert mine[4].kg_collected == D("12.35")
    assert mine[4].kg_lost == D("1.15")
    assert mine[2].jars_in_stock == 42 - 3 - 2 + 2 - 1  # up to 14 August: the reversed gift is back
    assert mine[9].jars_produced == 0
    assert mine[9].kg_in_stock == 0
    assert mine[10].jars_given == 0
    assert mine[10].kg_collected == 0
    assert mine[0].empty_jars_returned == 2
    assert mine[0].deposit_return_rate > 0
    assert figures[other.territory.pk][0].jars_given == 2
    assert mass_balance_problems(chain.territory) == []
    assert mass_balance_problems(other.territory) == []


def test_the_writers_keep_the_months_and_the_rebuild_gives_the_same_rows(ledgers):
    chain = ledgers["chain"]
    tid = chain.territory.pk
    kept_jars = sorted(JarMonth.objects.values_list("territory", "month", "kind", "full", "deposit", "quantity"))
    kept_raw = sorted(RawMonth.objects.values_list("territory", "month", "kind", "kg"))
    july_gifts = JarMonth.objects.get(territory=tid, month=date(2026, 7, 1), kind=MovementKind.GIVEN, full=True)
    assert july_gifts.deposit is True
    assert july_gifts.quantity == -1
    assert RawMonth.objects.get(territory=tid, month=date(2026, 7, 1), kind=RawMonth.COLLECTED).kg == D("12.35")
    jar_months_rebuild()
    raw_months_rebuild()
    assert (
        sorted(JarMonth.objects.values_list("territory", "month", "kind", "full", "deposit", "quantity")) == kept_jars
    )
    assert sorted(RawMonth.objects.values_list("territory", "month", "kind", "kg")) == kept_raw
    # One territory's users see their own monthly rows only.
    with territory_scope(ledgers["other"].territory):
        assert set(JarMonth.objects.values_list("territory", flat=True)) == {ledgers["other"].territory.pk}
        assert set(RawMonth.objects.values_list("territory", flat=True)) == {ledgers["other"].territory.pk}


def test_a_tampered_month_is_reported_and_a_rebuild_repairs_it(ledgers):
    chain, other = ledgers["chain"], ledgers["other"]
    territory = chain.territory
    row = JarMonth.objects.get(territory=territory, month=date(2026, 9, 1), kind=MovementKind.SOLD)
    JarMonth.objects.filter(pk=row.pk).update(quantity=row.quantity + 1)
    RawMonth.objects.filter(territory=territory, month=date(2026, 8, 1), kind=RawLotMovement.Kind.LOST).delete()
    problems = mass_balance_problems(territory)
    assert problems == [
        "Sommes mensuelles du registre des bocaux : 1 mois faux (2026-09).",
        "Sommes mensuelles des kilos bruts : 1 mois faux (2026-08).",
    ]
    # Only the territory whose rows were touched is named.
    ids = [territory.pk, other.territory.pk]
    assert list(jar_month_problems(ids)) == [territory.pk]
    assert list(raw_month_problems(ids)) == [territory.pk]
    # `conserverie report` runs the full mass balance: the problems are in its JSON.
    out = StringIO()
    call_command("report", "--territory", territory.slug, "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["mass_balance_ok"] is False
    assert data["mass_balance_problems"] == problems
    # A row of a month that has no movement is wrong too.
    JarMonth.objects.create(
        territory=territory, month=date(2025, 1, 1), kind="given", full=True, deposit=False, quantity=3
    )
    assert "2 mois faux (2025-01, 2026-09)" in mass_balance_problems(territory)[0]
    jar_months_rebuild([territory.pk])
    raw_months_rebuild([territory.pk])
    assert mass_balance_problems(territory) == []
    assert mass_balance_problems(other.territory) == []


def test_the_admins_edit_and_deletion_of_a_raw_lot_move_its_kilos(ledgers, rf):
    chain = ledgers["chain"]
    territory = chain.territory
    lot = collection_record(
        actor=chain.actor,
        territory=territory,
        producer=chain.farm,
        product=chain.tomato,
        kg=D("4.00"),
        collected_on=date(2026, 9, 12),
    )
    admin = RawLotAdmin(RawLot, AdminSite())
    request = rf.post("/")
    request.user = chain.actor
    lot.kg, lot.collected_on = D("4.40"), date(2026, 10, 2)  # a weight and a day typed wrong, corrected
    admin.save_model(request, lot, form=None, change=True)
    months = dict(RawMonth.objects.filter(territory=territory, kind=RawMonth.COLLECTED).values_list("month", "kg"))
    assert months[date(2026, 9, 1)] == 0
    assert months[date(2026, 10, 1)] == D("4.40")
    assert mass_balance_problems(territory) == []
    admin.delete_model(request, lot)
    assert RawMonth.objects.get(territory=territory, month=date(2026, 10, 1), kind=RawMonth.COLLECTED).kg == 0
    assert mass_balance_problems(territory) == []
