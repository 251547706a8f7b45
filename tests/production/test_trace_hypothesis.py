"""Trace completeness on generated genealogies, in the database (issue #5, docs/architecture.md §4.3).

Hypothesis draws a small world: raw lots from two farms on three days, production lots made of any of them,
jars given, sold, used internally or given to partners, some moved to the shop. Everything is written through
the services. Then, for every raw lot and every farm × period, the forward trace holds exactly the
distribution lines and the stock of the lots made of it (no jar missing, none from elsewhere), and each lot's
backward trace names exactly its raw lots. Each example runs in a transaction rolled back at its end.
"""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conserverie.distribution.models import Distribution
from conserverie.distribution.trace import producer_forward, raw_lot_forward
from conserverie.producers.services import producer_create
from conserverie.production.trace import lot_backward
from conserverie.sourcing.services import collection_record
from conserverie.stock.services import jars_at, jars_move

from ..conftest import DAY
from .scenario import distribute, released

KINDS = list(Distribution.Kind)

worlds = st.fixed_dictionaries(
    {
        # (farm 0/1, day offset 0..2 before DAY) per raw lot
        "raws": st.lists(st.tuples(st.integers(0, 1), st.integers(0, 2)), min_size=1, max_size=4),
        # each lot: raw lot indices it uses (mod the number of raw lots), jars filled
        "lots": st.lists(
            st.tuples(st.sets(st.integers(0, 3), min_size=1, max_size=3), st.integers(3, 8)), min_size=1, max_size=4
        ),
        # each distribution: lot index, kind, jars, from the shop (after a move) or the truck
        "outs": st.lists(
            st.tuples(st.integers(0, 3), st.sampled_from(KINDS), st.integers(1, 3), st.booleans()), max_size=8
        ),
    }
)


class Rollback(Exception):
    pass


def _build(chain, second_farm, world):
    farms = [chain.farm, second_farm]
    raws = [
        collection_record(
            actor=chain.actor,
            territory=chain.territory,
            producer=farms[farm],
            product=chain.tomato,
            kg=Decimal("60"),
            collected_on=DAY - timedelta(days=offset),
        )
        for farm, offset in world["raws"]
    ]
    lots = []
    for i, (picks, jars) in enumerate(world["lots"]):
        used = sorted({p % len(raws) for p in picks})
        lot = released(chain, [(raws[u], "4") for u in used], jars=jars)  # 8 jars take 4 kg
        lots.append((lot, {raws[u].pk for u in used}))
        if i % 2:
            jars_move(
                actor=chain.actor, lot=lot, jar_format=chain.jar, source=chain.truck, destination=chain.shop, quantity=2
            )
    lines_of_lot = defaultdict(set)
    for n, (index, kind, jars, from_shop) in enumerate(world["outs"]):
        lot, _raws = lots[index % len(lots)]
        place = chain.shop if from_shop else chain.truck
        jars = min(jars, jars_at(location=place, lot=lot, jar_format=chain.jar))
        if jars:
            d = distribute(chain, lot, kind, quantity=jars, name=f"P{n}", location=place)
            lines_of_lot[lot.pk] |= set(d.lines.values_list("pk", flat=True))
    return farms, raws, lots, lines_of_lot


def _stock(lot_ids, chain):
    return {
        (lot_id, place.pk): jars_at(location=place, lot=lot_id, jar_format=chain.jar)
        for lot_id in lot_ids
        for place in (chain.truck, chain.shop)
    }


def _check(chain, farms, raws, lots, lines_of_lot):
    for raw in raws:
        made = {lot.pk for lot, used in lots if raw.pk in used}
        trace = raw_lot_forward(raw)
        assert {lot.pk for lot in trace.production_lots} == made
        assert {line.pk for line in trace.lines} == set().union(*[lines_of_lot[pk] for pk in made])
        stock = {(row["lot_id"], row["location_id"]): row["jars"] for row in trace.stock}
        assert stock == {key: n for key, n in _stock(made, chain).items() if n}
    for lot, used in lots:
        assert {m.raw_lot_id for m in lot_backward(lot).raw_inputs} == used
    for farm in farms:
        for start, end in ((DAY - timedelta(days=2), DAY), (DAY - timedelta(days=1), DAY - timedelta(days=1))):
            every = [chain.raw, *raws]  # the fixture's raw lot too: the farm's, collected on DAY, never used
            mine = {r.pk for r in every if r.producer_id == farm.pk and start <= r.collected_on <= end}
            made = {lot.pk for lot, used in lots if used & mine}
            trace = producer_forward(farm, start, end)
            assert {r.pk for r in trace.raw_lots} == mine
            assert {lot.pk for lot in trace.lots} == made
            assert {line.pk for line in trace.lines} == set().union(*[lines_of_lot[pk] for pk in made])


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(world=worlds)
def test_forward_and_backward_traces_are_exact_on_generated_genealogies(chain, world):
    try:
        with transaction.atomic():
            second = producer_create(
                actor=chain.actor,
                territory=chain.territory,
                name="Ferme du Second Essai",
                commune="Génissieux",
                lat=Decimal("45.08"),
                lon=Decimal("5.08"),
                distance_km=Decimal("4.1"),
            )
            _check(chain, *_build(chain, second, world))
            raise Rollback
    except Rollback:
        pass
