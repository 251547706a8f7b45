"""Invariants docs/architecture.md §4.1, docs/architecture.md §4.2 and docs/architecture.md §4.5 over random
sequences of chain operations, valid and invalid.

A Hypothesis state machine drives the services (collect, draw kilos into a production lot, release, block,
move, give / sell / use, discard, reverse, return empty jars, inventory count) and keeps its own simple model
of what each operation should do. After every step it checks that the service agreed with the model (a valid
operation succeeds, an invalid one is refused and writes nothing) and that the books hold.

Each example runs inside a savepoint that is rolled back at its end, so examples never see each other.
"""

import os
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from conserverie.distribution.models import Distribution
from conserverie.distribution.services import LineSpec, distribution_record
from conserverie.figures.selectors import mass_balance_problems
from conserverie.producers.models import Terms
from conserverie.producers.services import producer_create
from conserverie.production.models import LotStatus, ProductionLot
from conserverie.production.services import TreatmentReading, lot_block, lot_record, lot_release, lot_seal_check
from conserverie.recipes.models import HeatTreatment
from conserverie.recipes.services import FormatSpec, recipe_create
from conserverie.sourcing.models import RawLot, RawLotMovement
from conserverie.sourcing.services import collection_record, raw_lot_give, raw_lot_lose
from conserverie.stock.models import MovementKind, StockMovement
from conserverie.stock.services import (
    deposit_return,
    empties_break,
    empties_buy,
    empties_count,
    empties_move,
    farm_jars_return,
    inventory_adjust,
    jars_discard,
    jars_move,
    movement_reverse,
)
from conserverie.territories.models import JarFormat, Location, Role
from conserverie.workshops.services import participant_create

from .conftest import DAY, make_territory, make_user
from .helpers import GOOD_CORE, signed_off, table_counts

REFUSALS = (ValidationError, PermissionDenied)


def mostly_positive(high):
    """Mostly valid quantities (1..high), sometimes zero or negative (refused)."""
    valid = st.integers(min_value=1, max_value=high)
    return st.one_of(valid, valid, valid, st.integers(min_value=-1, max_value=0))


def tenths(high):
    """Weighed kilos to 100 g (decimals, as the scale gives them: SQLite's floats must not leak in)."""
    return mostly_positive(high * 10).map(lambda n: Decimal(n) / 10)


QUANTITY = mostly_positive(14)
KILOS = tenths(25)
INDEX = st.integers(min_value=0, max_value=50)
DISTRIBUTION_KINDS = st.sampled_from(list(Distribution.Kind.values))
STOCKED = st.sampled_from([True, True, True, False])


@pytest.fixture
def base(db, tomato):
    """What every example shares: a territory with three places, two jar formats and a validated recipe."""
    place = make_territory("romans", "ROM", "Romans")
    actor = make_user("coord", place.territory, Role.COORDINATOR)
    big = JarFormat.objects.create(
        territory=place.territory, name="Bocal 750 ml", volume_ml=750, deposit_eur=Decimal("1.50")
    )
    store = Location.objects.create(
        territory=place.territory, name="Réserve MQ", kind=Location.Kind.STRUCTURE, structure=place.structure
    )
    washer = Location.objects.create(territory=place.territory, name="Laverie ESAT", kind=Location.Kind.WASHING)
    farm = producer_create(
        actor=actor,
        territory=place.territory,
        name="Ferme des Tests",
        commune="Peyrins",
        lat=Decimal("45.09"),
        lon=Decimal("5.04"),
        distance_km=Decimal("6"),
    )
    sterilised = (HeatTreatment.STERILISATION, Decimal("110"), 45)
    recipe = recipe_create(
        actor=actor,
        territory=place.territory,
        code="CTOM",
        name="Coulis de tomate",
        ingredients=[(tomato, Decimal("10"))],
        formats=[FormatSpec(place.jar, 20, 350, *sterilised), FormatSpec(big, 10, 700, *sterilised)],
        ph_limit=Decimal("4.4"),
    )
    recipe = signed_off(actor=actor, recipe=recipe)
    person = participant_create(territory=place.territory, first_name="Awa", consent=True)
    return {
        "territory": place.territory,
        "actor": actor,
        "farm": farm,
        "tomato": tomato,
        "recipe": recipe,
        "structure": place.structure,
        "person": person,
        "formats": [place.jar, big],
        "locations": [place.truck, place.shop, store, washer],
    }


def _pick(items, index):
    return items[index % len(items)]


def _state():
    """What a refused operation must leave as it was: every row count, and every lot's status."""
    return table_counts(), list(ProductionLot.objects.order_by("pk").values_list("pk", "status"))


class ChainBooks(RuleBasedStateMachine):
    base: dict = {}

    def __init__(self):
        super().__init__()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        b = self.base
        self.territory, self.actor, self.recipe = b["territory"], b["actor"], b["recipe"]
        self.formats, self.locations = b["formats"], b["locations"]
        self.raw_lots = []  # RawLot objects
        self.lots = []  # ProductionLot objects
        # The model: kilos left per raw lot, jars per (location, lot or None for empties, format), lot statuses.
        self.kg_left = {}
        self.jars = defaultdict(int)
        self.status = {}
        self.processing = set()  # raw lots collected à façon: their jars may go back to the farm
        self.made_with = {}  # production lot pk → the raw lot it was made with
        self.conforming = {}  # lot pk -> its heat treatment reached the schedule
        # Start from a living season: two raw lots, a released lot and a non-conforming one.
        self.collect(Decimal("30.2"))
        self.collect(Decimal("15.1"))
        self.produce(0, Decimal("10.1"), 12, 6, conforming=True, late=False, location=0)
        self.release(0, "")
        self.produce(1, Decimal("15"), 8, 0, conforming=False, late=False, location=1)

    def teardown(self):
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    def _attempt(self, expected_ok, operation):
        """Run `operation`; it must succeed exactly when the model says so, and write nothing when refused."""
        before = _state()
        try:
            result = operation()
        except REFUSALS as exc:
            refusal = exc
        else:
            refusal = None
        if refusal is not None:
            assert not expected_ok, f"refused a valid operation: {refusal!r}"
            assert _state() == before, "a refused operation wrote to the database"
            return False, None
        assert expected_ok, "accepted an invalid operation"
        return True, result

    def _where(self, stocked, index, fmt, location):
        """Mostly a shelf that holds jars of a lot (so takes can succeed), sometimes any (lot, format, place)."""
        shelves = sorted(key for key, n in self.jars.items() if n > 0 and key[1] is not None)
        if stocked and shelves:
            location_pk, lot_pk, format_pk = _pick(shelves, index)
            return (
                next(lot for lot in self.lots if lot.pk == lot_pk),
                next(f for f in self.formats if f.pk == format_pk),
                next(loc for loc in self.locations if loc.pk == location_pk),
            )
        return _pick(self.lots, index), _pick(self.formats, fmt), _pick(self.locations, location)

    # Produce

    @rule(kg=tenths(40))
    def collect(self, kg):
        ok, raw = self._attempt(
            kg > 0,
            lambda: collection_record(
                actor=self.actor,
                territory=self.territory,
                producer=self.base["farm"],
                product=self.base["tomato"],
                kg=kg,
                collected_on=DAY,
            ),
        )
        if ok:
            self.raw_lots.append(raw)
            self.kg_left[raw.pk] = kg

    @rule(kg=tenths(40))
    def collect_for_farm(self, kg):
        ok, raw = self._attempt(
            kg > 0,
            lambda: collection_record(
                actor=self.actor,
                territory=self.territory,
                producer=self.base["farm"],
                product=self.base["tomato"],
                kg=kg,
                collected_on=DAY,
                terms=Terms.PROCESSING,
            ),
        )
        if ok:
            self.raw_lots.append(raw)
            self.kg_left[raw.pk] = kg
            self.processing.add(raw.pk)

    @precondition(lambda self: self.raw_lots)
    @rule(index=INDEX, kg=KILOS, lose=st.booleans())
    def raw_out(self, index, kg, lose):
        raw = _pick(self.raw_lots, index)
        if lose:
            operation = lambda: raw_lot_lose(actor=self.actor, raw_lot=raw, kg=kg, reason="Pourri", day=DAY)  # noqa: E731
        else:
            operation = lambda: raw_lot_give(actor=self.actor, raw_lot=raw, kg=kg, day=DAY)  # noqa: E731
        ok, _movement = self._attempt(0 < kg <= self.kg_left[raw.pk], operation)
        if ok:
            self.kg_left[raw.pk] -= kg

    @precondition(lambda self: self.raw_lots)
    @rule(
        index=INDEX,
        kg=KILOS,
        small=QUANTITY,
        large=st.integers(min_value=-1, max_value=8),
        conforming=st.booleans(),
        late=st.sampled_from([False, False, False, True]),
        location=INDEX,
    )
    def produce(self, index, kg, small, large, conforming, late, location):
        raw = _pick(self.raw_lots, index)
        small_jar, large_jar = self.formats
        outputs = {small_jar: small}
        if large:
            outputs[large_jar] = large
        where = _pick(self.locations, location)
        # A conforming pass has its core curve (the plan's sterilisation point); a cold one never reaches the
        # schedule, so the lot is never released (only a new treatment's reading would let it go).
        readings = [
            TreatmentReading(jar_format, Decimal("111"), 45, core_readings=GOOD_CORE)
            if conforming
            else TreatmentReading(jar_format, Decimal("98"), 45)
            for jar_format in outputs
        ]
        # The kilos cover the recipe (10 kg for 20 small or 10 large jars, one batch at most) within 10 %.
        share = min(Decimal(small) / 20 + Decimal(max(large, 0)) / 10, Decimal(1))
        covered = kg >= Decimal("10") * share * Decimal("0.9")
        expected = 0 < kg <= self.kg_left[raw.pk] and not late and all(n > 0 for n in outputs.values()) and covered
        ok, lot = self._attempt(
            expected,
            lambda: lot_record(
                actor=self.actor,
                territory=self.territory,
                recipe=self.recipe,
                produced_on=raw.use_before + timedelta(days=1) if late else DAY,
                location=where,
                raw_inputs=[(raw, kg)],
                outputs=outputs,
                treatments=readings,
                ph_measured=Decimal("4.2"),
            ),
        )
        if ok:
            assert lot.status == (LotStatus.OPEN if conforming else LotStatus.NON_CONFORMING)
            # Every jar's seal checked the next day (the plan's seal point), none failed.
            lot_seal_check(actor=self.actor, lot=lot, jars_checked=sum(outputs.values()), jars_failed=0)
            self.conforming[lot.pk] = conforming
            self.lots.append(lot)
            self.made_with[lot.pk] = raw
            self.kg_left[raw.pk] -= kg
            self.status[lot.pk] = lot.status
            for jar_format, n in outputs.items():
                self.jars[(where.pk, lot.pk, jar_format.pk)] += n
                # Filling takes the empties of the place; jars it did not know of are adjusted in first.
                empties = (where.pk, None, jar_format.pk)
                self.jars[empties] = max(self.jars[empties] - n, 0)

    # Lot status

    @precondition(lambda self: self.lots)
    @rule(index=INDEX, reason=st.sampled_from(["", "Retraité à 115 °C"]))
    def release(self, index, reason):
        lot = _pick(self.lots, index)
        status = self.status[lot.pk]
        expected = (
            status not in (LotStatus.RELEASED, LotStatus.RECALLED)
            and self.conforming[lot.pk]
            and (status == LotStatus.OPEN or bool(reason))
        )
        ok, _lot = self._attempt(expected, lambda: lot_release(actor=self.actor, lot=lot, reason=reason))
        if ok:
            self.status[lot.pk] = LotStatus.RELEASED

    @precondition(lambda self: self.lots)
    @rule(index=INDEX, reason=st.sampled_from(["", "Couvercle bombé"]))
    def block(self, index, reason):
        lot = _pick(self.lots, index)
        ok, _lot = self._attempt(bool(reason), lambda: lot_block(actor=self.actor, lot=lot, reason=reason))
        if ok:
            self.status[lot.pk] = LotStatus.BLOCKED

    # Jars

    @precondition(lambda self: self.lots)
    @rule(stocked=STOCKED, index=INDEX, fmt=INDEX, source=INDEX, destination=INDEX, quantity=QUANTITY)
    def move(self, stocked, index, fmt, source, destination, quantity):
        lot, jar_format, src = self._where(stocked, index, fmt, source)
        dst = _pick(self.locations, destination)
        key = (src.pk, lot.pk, jar_format.pk)
        expected = src != dst and 0 < quantity <= self.jars[key]
        ok, _transfer = self._attempt(
            expected,
            lambda: jars_move(
                actor=self.actor,
                lot=lot,
                jar_format=jar_format,
                source=src,
                destination=dst,
                quantity=quantity,
                day=DAY,
            ),
        )
        if ok:
            self.jars[key] -= quantity
            self.jars[(dst.pk, lot.pk, jar_format.pk)] += quantity

    @precondition(lambda self: self.lots)
    @rule(stocked=STOCKED, index=INDEX, fmt=INDEX, location=INDEX, quantity=QUANTITY, kind=DISTRIBUTION_KINDS)
    def distribute(self, stocked, index, fmt, location, quantity, kind):
        lot, jar_format, where = self._where(stocked, index, fmt, location)
        key = (where.pk, lot.pk, jar_format.pk)
        expected = self.status[lot.pk] == LotStatus.RELEASED and 0 < quantity <= self.jars[key]
        ok, _distribution = self._attempt(
            expected,
            lambda: distribution_record(
                actor=self.actor,
                territory=self.territory,
                kind=kind,
                location=where,
                day=DAY,
                lines=[LineSpec(lot, jar_format, quantity, Decimal("3.50"))],
                participant=self.base["person"],
                structure=self.base["structure"],
                partner="Épicerie solidaire",
            ),
        )
        if ok:
            self.jars[key] -= quantity

    @precondition(lambda self: self.lots)
    @rule(stocked=STOCKED, index=INDEX, fmt=INDEX, location=INDEX, quantity=QUANTITY, other=st.booleans())
    def return_to_farm(self, stocked, index, fmt, location, quantity, other):
        """Jars processed for a farm (à façon) go back to it: only from a released lot made with that farm's raw
        lot collected à façon, never more than the shelf holds (issue 16)."""
        lot, jar_format, where = self._where(stocked, index, fmt, location)
        key = (where.pk, lot.pk, jar_format.pk)
        raw = self.made_with[lot.pk]
        if other:  # a raw lot the lot was not made with: refused
            raw = next(r for r in self.raw_lots if r.pk != raw.pk)
        expected = (
            not other
            and raw.pk in self.processing
            and self.status[lot.pk] == LotStatus.RELEASED
            and 0 < quantity <= self.jars[key]
        )
        ok, _return = self._attempt(
            expected,
            lambda: farm_jars_return(
                actor=self.actor,
                raw_lot=raw,
                lot=lot,
                location=where,
                jar_format=jar_format,
                jars=quantity,
                day=DAY,
                fee_eur_per_jar=Decimal("0.50"),
            ),
        )
        if ok:
            self.jars[key] -= quantity

    @precondition(lambda self: self.lots)
    @rule(stocked=STOCKED, index=INDEX, fmt=INDEX, location=INDEX, quantity=QUANTITY, broken=st.booleans())
    def discard(self, stocked, index, fmt, location, quantity, broken):
        lot, jar_format, where = self._where(stocked, index, fmt, location)
        key = (where.pk, lot.pk, jar_format.pk)
        ok, _movement = self._attempt(
            0 < quantity <= self.jars[key],
            lambda: jars_discard(
                actor=self.actor,
                lot=lot,
                jar_format=jar_format,
                location=where,
                quantity=quantity,
                reason="Tombé",
                broken=broken,
                day=DAY,
            ),
        )
        if ok:
            self.jars[key] -= quantity

    @precondition(lambda self: self.lots)
    @rule(stocked=STOCKED, index=INDEX, fmt=INDEX, location=INDEX, counted=QUANTITY)
    def count(self, stocked, index, fmt, location, counted):
        lot, jar_format, where = self._where(stocked, index, fmt, location)
        ok, _movement = self._attempt(
            counted >= 0,
            lambda: inventory_adjust(
                actor=self.actor,
                lot=lot,
                jar_format=jar_format,
                location=where,
                counted=counted,
                reason="Inventaire",
                day=DAY,
            ),
        )
        if ok:
            self.jars[(where.pk, lot.pk, jar_format.pk)] = counted

    @rule(fmt=INDEX, location=INDEX, quantity=QUANTITY)
    def deposit(self, fmt, location, quantity):
        jar_format, where = _pick(self.formats, fmt), _pick(self.locations, location)
        ok, _movement = self._attempt(
            quantity > 0,
            lambda: deposit_return(actor=self.actor, location=where, jar_format=jar_format, quantity=quantity, day=DAY),
        )
        if ok:
            self.jars[(where.pk, None, jar_format.pk)] += quantity

    # Empty jars, their own stock

    @rule(fmt=INDEX, location=INDEX, quantity=QUANTITY)
    def buy_empties(self, fmt, location, quantity):
        jar_format, where = _pick(self.formats, fmt), _pick(self.locations, location)
        ok, _movement = self._attempt(
            quantity > 0,
            lambda: empties_buy(actor=self.actor, location=where, jar_format=jar_format, quantity=quantity, day=DAY),
        )
        if ok:
            self.jars[(where.pk, None, jar_format.pk)] += quantity

    @rule(fmt=INDEX, source=INDEX, destination=INDEX, quantity=QUANTITY, washed=st.booleans())
    def move_empties(self, fmt, source, destination, quantity, washed):
        jar_format = _pick(self.formats, fmt)
        src, dst = _pick(self.locations, source), _pick(self.locations, destination)
        have = self.jars[(src.pk, None, jar_format.pk)]
        expected = src != dst and 0 < quantity <= have and (not washed or src.kind == Location.Kind.WASHING)
        ok, _transfer = self._attempt(
            expected,
            lambda: empties_move(
                actor=self.actor,
                jar_format=jar_format,
                source=src,
                destination=dst,
                quantity=quantity,
                washed=washed,
                day=DAY,
            ),
        )
        if ok:
            self.jars[(src.pk, None, jar_format.pk)] -= quantity
            self.jars[(dst.pk, None, jar_format.pk)] += quantity

    @rule(fmt=INDEX, location=INDEX, quantity=QUANTITY, count=st.booleans())
    def break_or_count_empties(self, fmt, location, quantity, count):
        jar_format, where = _pick(self.formats, fmt), _pick(self.locations, location)
        key = (where.pk, None, jar_format.pk)
        if count:
            ok, _m = self._attempt(
                quantity >= 0,
                lambda: empties_count(
                    actor=self.actor, location=where, jar_format=jar_format, counted=quantity, reason="Comptage"
                ),
            )
            if ok:
                self.jars[key] = quantity
            return
        ok, _m = self._attempt(
            0 < quantity <= self.jars[key],
            lambda: empties_break(
                actor=self.actor, location=where, jar_format=jar_format, quantity=quantity, reason="Tombés"
            ),
        )
        if ok:
            self.jars[key] -= quantity

    @precondition(lambda self: self.lots)
    @rule(index=INDEX, reason=st.sampled_from(["", "Erreur de saisie"]))
    def reverse(self, index, reason):
        movement = _pick(list(StockMovement.objects.order_by("pk")), index)
        key = (movement.location_id, movement.lot_id, movement.jar_format_id)
        already = movement.reverses_id is not None or StockMovement.objects.filter(reverses=movement).exists()
        expected = (
            bool(reason)
            and movement.kind != MovementKind.MOVED
            and movement.transfer is None
            and movement.farm_return_id is None  # a return to the farm is not corrected alone (its fee stays)
            and not already
            and (movement.quantity < 0 or movement.quantity <= self.jars[key])
        )
        ok, correction = self._attempt(
            expected, lambda: movement_reverse(actor=self.actor, movement=movement, reason=reason)
        )
        if ok:
            assert correction.reverses_id == movement.pk
            assert correction.quantity == -movement.quantity
            self.jars[key] -= movement.quantity

    # The books

    @invariant()
    def raw_lots_balance(self):
        """docs/architecture.md §4.1: kg collected = used + given + lost + left, and left is never negative."""
        by_kind = {
            kind: Sum("movements__kg", filter=Q(movements__kind=kind), default=Decimal("0"))
            for kind in RawLotMovement.Kind.values
        }
        for raw in RawLot.objects.filter(territory=self.territory).annotate(**by_kind).order_by("pk"):
            left = self.kg_left[raw.pk]
            assert left >= 0
            assert raw.kg == raw.used + raw.given + raw.lost + left, raw.code
        for raw in RawLot.objects.filter(territory=self.territory).with_balance():
            assert raw.kg_left == self.kg_left[raw.pk]

    @invariant()
    def jars_balance(self):
        """docs/architecture.md §4.2: per lot and format, produced = given + sold + internal + discarded + broken −
        adjusted + stock."""
        ledger = StockMovement.objects.filter(territory=self.territory)
        balances = {
            (row["location_id"], row["lot_id"], row["jar_format_id"]): row["n"]
            for row in ledger.values("location_id", "lot_id", "jar_format_id").annotate(n=Sum("quantity"))
        }
        assert all(n >= 0 for n in balances.values()), balances
        assert {k: n for k, n in balances.items() if n} == {k: n for k, n in self.jars.items() if n}
        per_kind = defaultdict(int)
        for row in ledger.full().values("lot_id", "jar_format_id", "kind").annotate(n=Sum("quantity")):
            per_kind[(row["lot_id"], row["jar_format_id"], row["kind"])] = row["n"]
        for lot in self.lots:
            for jar_format in self.formats:

                def out(kind, lot=lot, jar_format=jar_format):
                    return -per_kind[(lot.pk, jar_format.pk, kind)]

                stock = sum(
                    n for (_loc, lot_pk, fmt_pk), n in balances.items() if (lot_pk, fmt_pk) == (lot.pk, jar_format.pk)
                )
                produced = per_kind[(lot.pk, jar_format.pk, MovementKind.PRODUCED)]
                adjusted = per_kind[(lot.pk, jar_format.pk, MovementKind.ADJUSTED)]
                gone = sum(
                    out(kind)
                    for kind in (
                        MovementKind.GIVEN,
                        MovementKind.SOLD,
                        MovementKind.INTERNAL,
                        MovementKind.RETURNED_TO_FARM,
                    )
                )
                lost = out(MovementKind.DISCARDED) + out(MovementKind.BROKEN)
                assert produced == gone + lost - adjusted + stock, lot.code

    @invariant()
    def lot_statuses_match(self):
        assert dict(ProductionLot.objects.filter(territory=self.territory).values_list("pk", "status")) == self.status

    @invariant()
    def figures_see_no_problem(self):
        assert mass_balance_problems(self.territory) == []


def test_random_operations_keep_the_books(base):
    ChainBooks.base = base
    run_state_machine_as_test(
        ChainBooks,
        settings=settings(
            max_examples=int(os.environ.get("INVARIANT_EXAMPLES", "30")),  # raise it for a long hunt
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
            database=None,
        ),
    )


def test_the_ledger_is_append_only(base):
    """docs/architecture.md §4.5: a correction is a new reversing row with who and why; the original row is never
    touched."""
    actor, truck = base["actor"], base["locations"][0]
    raw = collection_record(
        actor=actor,
        territory=base["territory"],
        producer=base["farm"],
        product=base["tomato"],
        kg=Decimal("20"),
        collected_on=DAY,
    )
    lot = lot_record(
        actor=actor,
        territory=base["territory"],
        recipe=base["recipe"],
        produced_on=DAY,
        location=truck,
        raw_inputs=[(raw, Decimal("10"))],
        outputs={base["formats"][0]: 8},
        treatments=[TreatmentReading(base["formats"][0], Decimal("111"), 45, core_readings=GOOD_CORE)],
        ph_measured=Decimal("4.2"),
    )
    lot_seal_check(actor=actor, lot=lot, jars_checked=8, jars_failed=0)
    lot = lot_release(actor=actor, lot=lot)
    sale = distribution_record(
        actor=actor,
        territory=base["territory"],
        kind=Distribution.Kind.GROUP_SALE,
        location=truck,
        day=DAY,
        lines=[LineSpec(lot, base["formats"][0], 3, Decimal("4"))],
    )
    original = StockMovement.objects.get(distribution_line__distribution=sale)
    rows_before = list(StockMovement.objects.order_by("pk").values())
    correction = movement_reverse(actor=actor, movement=original, reason="Vente saisie par erreur")
    rows_after = list(StockMovement.objects.order_by("pk").values())
    assert rows_after[: len(rows_before)] == rows_before  # every earlier row, the original included, untouched
    assert len(rows_after) == len(rows_before) + 1
    assert (correction.reverses_id, correction.quantity, correction.kind) == (original.pk, 3, MovementKind.SOLD)
    assert (correction.created_by, correction.reason) == (actor, "Vente saisie par erreur")
    assert mass_balance_problems(base["territory"]) == []
