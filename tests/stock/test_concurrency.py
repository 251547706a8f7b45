"""§4.2 under concurrent requests: two people sell the last jars of a lot at the same moment."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from conserverie.core.figures import mass_balance_problems
from conserverie.distribution.models import Distribution, DistributionLine
from conserverie.distribution.services import LineSpec, distribution_record
from conserverie.production.services import lot_record, lot_release
from conserverie.stock.models import StockMovement
from conserverie.stock.services import jars_at

from ..conftest import DAY, build_chain, make_territory, make_user
from conserverie.producers.models import Product
from conserverie.territories.models import Role


def _released_lot(chain, jars):
    lot = lot_record(
        actor=chain.actor,
        territory=chain.territory,
        recipe=chain.recipe,
        produced_on=DAY,
        location=chain.truck,
        raw_inputs=[(chain.raw, Decimal("10"))],
        outputs={chain.jar: jars},
    )
    return lot_release(actor=chain.actor, lot=lot)


def _race(n_threads, work):
    barrier = threading.Barrier(n_threads)
    outcomes = [None] * n_threads

    def run(i):
        try:
            barrier.wait(timeout=10)
            work(i)
            outcomes[i] = "ok"
        except ValidationError as exc:
            outcomes[i] = exc
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_sellers_of_the_last_jars_one_wins():
    place = make_territory("romans", "ROM", "Romans")
    coordinator = make_user("coord", place.territory, Role.COORDINATOR)
    tomato = Product.objects.create(name="Tomate", category=Product.Category.VEGETABLE, shelf_life_days=5)
    chain = build_chain(place, coordinator, tomato)
    lot = _released_lot(chain, 3)

    def sell(i):
        distribution_record(
            actor=coordinator,
            territory=chain.territory,
            kind=Distribution.Kind.GROUP_SALE,
            location=chain.truck,
            day=DAY,
            lines=[LineSpec(lot, chain.jar, 2, Decimal("3.50"))],
        )

    outcomes = _race(2, sell)
    print(outcomes)
    assert sorted(o == "ok" for o in outcomes) == [False, True], outcomes
    loser = next(o for o in outcomes if o != "ok")
    assert isinstance(loser, ValidationError), repr(loser)
    assert "Stock insuffisant" in str(loser.message_dict["quantity"])
    assert jars_at(location=chain.truck, lot=lot, jar_format=chain.jar) == 1
    assert Distribution.objects.count() == DistributionLine.objects.count() == 1
    assert StockMovement.objects.negative_balances().count() == 0
    assert mass_balance_problems(chain.territory) == []
