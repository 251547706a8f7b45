"""A small web of lots for the trace and recall tests: raw lots shared between production lots, jars everywhere."""

from decimal import Decimal
from random import Random
from types import SimpleNamespace

from conserverie.distribution.models import Distribution
from conserverie.distribution.services import LineSpec, distribution_record
from conserverie.production.services import lot_record
from conserverie.stock.services import jars_move
from conserverie.workshops.services import participant_create

from ..conftest import DAY
from ..helpers import GOOD_PH, good_reading, release_ready
from ..pages import add_raw_lots

KINDS = [
    Distribution.Kind.PARTICIPANT,
    Distribution.Kind.GROUP_SALE,
    Distribution.Kind.INTERNAL,
    Distribution.Kind.PARTNER,
]


def released(chain, raw_inputs, jars=30):
    lot = lot_record(
        actor=chain.actor,
        territory=chain.territory,
        recipe=chain.recipe,
        produced_on=DAY,
        location=chain.truck,
        raw_inputs=[(raw, Decimal(kg)) for raw, kg in raw_inputs],
        outputs={chain.jar: jars},
        treatments=[good_reading(chain)],
        ph_measured=GOOD_PH,
    )
    return release_ready(chain, lot)


def distribute(chain, lot, kind, quantity=1, name="Aïcha", location=None):
    """One distribution of `quantity` jars of `lot` of the given kind, with its recipient."""
    participant = None
    if kind == Distribution.Kind.PARTICIPANT:
        participant = participant_create(
            territory=chain.territory,
            first_name=name,
            phone="06 12 34 56 78",
            email=f"{name.lower()}@example.org",
            neighbourhood="La Monnaie",
            consent=True,
        )
    return distribution_record(
        actor=chain.actor,
        territory=chain.territory,
        kind=kind,
        location=location or chain.truck,
        day=DAY,
        participant=participant,
        structure=chain.structure if kind == Distribution.Kind.INTERNAL else None,
        partner="Restos du Cœur" if kind == Distribution.Kind.PARTNER else "",
        lines=[LineSpec(lot, chain.jar, quantity, Decimal("2.00"))],
    )


def web(chain, seed: int, lots: int = 5, distributions: int = 12):
    """Raw lots A and B; random lots made of A, B or both; random distributions and moves of each lot."""
    rng = Random(seed)
    a, b = add_raw_lots(chain, 2, kg="100")
    made = []
    for i in range(lots):
        inputs = rng.choice([[(a, "10")], [(b, "10")], [(a, "6"), (b, "4")]])  # a batch: 10 kg
        made.append(SimpleNamespace(lot=released(chain, inputs), raws={raw.pk for raw, _kg in inputs}, index=i))
    for i in range(distributions):
        target = rng.choice(made)
        distribute(chain, target.lot, rng.choice(KINDS), quantity=rng.randint(1, 2), name=f"P{seed}x{i}")
    for target in made:
        if rng.random() < 0.5:
            jars_move(
                actor=chain.actor,
                lot=target.lot,
                jar_format=chain.jar,
                source=chain.truck,
                destination=chain.shop,
                quantity=3,
            )
    return SimpleNamespace(a=a, b=b, made=made)
