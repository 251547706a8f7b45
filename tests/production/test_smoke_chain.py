from decimal import Decimal

from conserverie.distribution.models import Distribution
from conserverie.distribution.services import LineSpec, distribution_record
from conserverie.figures.selectors import territory_figures
from conserverie.production.services import lot_record

from ..conftest import DAY
from ..helpers import GOOD_PH, good_reading, release_ready, released_lot


def test_whole_chain_holds_its_balance(chain):
    lot = released_lot(chain, kg="30", jars=20)
    distribution_record(
        actor=chain.actor,
        territory=chain.territory,
        kind=Distribution.Kind.GROUP_SALE,
        location=chain.truck,
        day=DAY,
        lines=[LineSpec(lot, chain.jar, 5, Decimal("3.50"))],
    )
    f = territory_figures(chain.territory)
    assert (f.kg_collected, f.kg_processed, f.kg_in_stock) == (Decimal("40"), Decimal("30"), Decimal("10"))
    assert (f.jars_produced, f.jars_sold, f.jars_in_stock) == (20, 5, 15)
    assert f.mass_balance_ok, f.mass_balance_problems


def test_a_reversed_gift_no_longer_counts_in_the_deposit_return_rate(chain):
    from conserverie.stock.models import StockMovement
    from conserverie.stock.services import deposit_return, movement_reverse
    from conserverie.workshops.services import participant_create

    lot = lot_record(
        actor=chain.actor,
        territory=chain.territory,
        recipe=chain.recipe,
        produced_on=DAY,
        location=chain.truck,
        raw_inputs=[(chain.raw, Decimal("30"))],
        outputs={chain.jar: 20},
        treatments=[good_reading(chain)],
        ph_measured=GOOD_PH,
    )
    release_ready(chain, lot)
    resident = participant_create(territory=chain.territory, first_name="Awa", consent=True)
    for quantity in (4, 4):
        distribution_record(
            actor=chain.actor,
            territory=chain.territory,
            kind=Distribution.Kind.PARTICIPANT,
            location=chain.truck,
            day=DAY,
            lines=[LineSpec(lot, chain.jar, quantity)],
            participant=resident,
        )
    deposit_return(actor=chain.actor, location=chain.truck, jar_format=chain.jar, quantity=2, day=DAY)
    assert territory_figures(chain.territory).deposit_return_rate == 0.25
    last_gift = StockMovement.objects.filter(kind="given").latest("id")
    movement_reverse(actor=chain.actor, movement=last_gift, reason="Saisie en double")
    assert territory_figures(chain.territory).deposit_return_rate == 0.5
