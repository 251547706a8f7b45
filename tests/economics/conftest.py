"""A small season with hand-computable books: every figure of test_costs.py is worked out in its docstring."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from conserverie.distribution.models import Distribution
from conserverie.distribution.services import LineSpec, distribution_record
from conserverie.economics.services import cost_item_add, parameters_set
from conserverie.recipes.models import PantryItem, PantryLot
from conserverie.sourcing.rounds.models import CollectionRound
from conserverie.stock.services import deposit_return
from conserverie.workshops.services import workshop_open

from ..conftest import DAY, aware
from ..pages import add_lots, add_participant

SEASON = (date(2026, 1, 1), date(2026, 12, 31))
PARAMETERS = {
    "fuel_l_per_100km": Decimal("10"),
    "fuel_eur_per_l": Decimal("2.00"),
    "jar_eur": Decimal("1.00"),
    "lid_eur": Decimal("0.20"),
    "kwh_per_batch": Decimal("5"),
    "eur_per_kwh": Decimal("0.20"),
    "pantry_eur_per_kg": Decimal("3.00"),
    "animator_hour_eur": Decimal("20.00"),
}


def build_books(chain, coordinator, animator):
    """123.5 km; 2 lots of 10 jars (1 batch each); a 3-hour workshop with 2 animators; 2.5 kg of pantry bought;
    4 jars sold at 3.50 (+1.00 deposit), 5 given (1.00 deposit), 2 used internally; 3 empty jars refunded;
    a truck lease of 600.00 and a subsidy of 1 000.00 entered by hand."""
    t = chain.territory
    parameters_set(actor=coordinator, territory=t, **PARAMETERS)
    CollectionRound.objects.create(territory=t, date=DAY, km=Decimal("123.5"))
    lot_a, lot_b = add_lots(chain, 2, jars=10, release=True)
    workshop_open(
        actor=coordinator,
        territory=t,
        title="Atelier coulis",
        site=chain.site,
        structure=chain.structure,
        starts_at=aware(DAY, 14),
        ends_at=aware(DAY, 17),
        animators=[coordinator, animator],
    )
    item = PantryItem.objects.create(territory=t, name="Sucre")
    PantryLot.objects.create(territory=t, item=item, supplier="Épicerie", supplier_lot="S1", kg="2.5", received_on=DAY)
    common = {"actor": coordinator, "territory": t, "location": chain.truck, "day": DAY}
    distribution_record(
        **common, kind=Distribution.Kind.GROUP_SALE, lines=[LineSpec(lot_a, chain.jar, 4, Decimal("3.50"))]
    )
    distribution_record(
        **common,
        kind=Distribution.Kind.PARTICIPANT,
        participant=add_participant(chain),
        lines=[LineSpec(lot_a, chain.jar, 5)],
    )
    distribution_record(
        **common, kind=Distribution.Kind.INTERNAL, structure=chain.structure, lines=[LineSpec(lot_b, chain.jar, 2)]
    )
    deposit_return(actor=coordinator, location=chain.truck, jar_format=chain.jar, quantity=3, day=DAY)
    lease = cost_item_add(
        actor=coordinator,
        territory=t,
        category="vehicle",
        label="Location du camion",
        amount_eur=Decimal("600.00"),
        date=DAY,
    )
    subsidy = cost_item_add(
        actor=coordinator,
        territory=t,
        category="subsidies",
        label="Aide au démarrage",
        amount_eur=Decimal("1000.00"),
        date=DAY,
        funder="Fondation des Tests",
    )
    return SimpleNamespace(**vars(chain), lease=lease, subsidy=subsidy)


@pytest.fixture
def books(chain, coordinator, animator):
    return build_books(chain, coordinator, animator)
