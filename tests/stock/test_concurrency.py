"""docs/architecture.md §4.2 under concurrent requests: people selling the last jars of a lot at the same moment.

Real transactions in real threads (each with its own connection): on PostgreSQL the location row lock
serialises them, on SQLite the IMMEDIATE transactions do. Exactly as many sales succeed as the shelf allows.
"""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from conserverie.core.scoping import scopes_disabled
from conserverie.distribution.models import Distribution, DistributionLine
from conserverie.distribution.services import LineSpec, distribution_record
from conserverie.figures.selectors import mass_balance_problems
from conserverie.stock.models import StockMovement
from conserverie.stock.services import jars_at, jars_move

from ..helpers import released_lot

pytestmark = pytest.mark.django_db(transaction=True)


def _race(n_threads, work):
    """Start `work(i)` in `n_threads` threads at the same instant; return "ok" or the exception of each.

    A new thread starts outside any scope (docs/architecture.md §8): each works in every territory, as the test."""
    barrier = threading.Barrier(n_threads)
    outcomes = [None] * n_threads

    def run(i):
        try:
            barrier.wait(timeout=10)
            with scopes_disabled():
                work(i)
            outcomes[i] = "ok"
        except Exception as exc:  # reported by the caller's assertions
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n_threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a seller is still waiting: deadlock?"
    return outcomes


def _sell(chain, lot, quantity):
    return distribution_record(
        actor=chain.actor,
        territory=chain.territory,
        kind=Distribution.Kind.GROUP_SALE,
        location=chain.truck,
        day=lot.produced_on,
        lines=[LineSpec(lot, chain.jar, quantity, Decimal("3.50"))],
    )


def _assert_refused_for_stock(outcomes):
    for outcome in outcomes:
        if outcome != "ok":
            assert isinstance(outcome, ValidationError), repr(outcome)
            assert "Stock insuffisant" in " ".join(outcome.message_dict["quantity"])


def test_two_sellers_of_the_last_jars_one_wins(chain):
    lot = released_lot(chain, jars=3)

    outcomes = _race(2, lambda i: _sell(chain, lot, 2))

    assert sorted(outcome == "ok" for outcome in outcomes) == [False, True], outcomes
    _assert_refused_for_stock(outcomes)
    assert jars_at(location=chain.truck, lot=lot, jar_format=chain.jar) == 1
    assert Distribution.objects.count() == DistributionLine.objects.count() == 1
    assert not StockMovement.objects.negative_balances().exists()
    assert mass_balance_problems(chain.territory) == []


def test_four_sellers_two_jars_two_win(chain):
    lot = released_lot(chain, jars=2)

    outcomes = _race(4, lambda i: _sell(chain, lot, 1))

    assert outcomes.count("ok") == 2, outcomes
    _assert_refused_for_stock(outcomes)
    assert jars_at(location=chain.truck, lot=lot, jar_format=chain.jar) == 0
    assert not StockMovement.objects.negative_balances().exists()
    assert mass_balance_problems(chain.territory) == []


def test_a_sale_and_a_transfer_of_the_same_jars_do_not_both_happen(chain):
    lot = released_lot(chain, jars=4)

    def work(i):
        if i == 0:
            _sell(chain, lot, 3)
        else:
            jars_move(
                actor=chain.actor,
                lot=lot,
                jar_format=chain.jar,
                source=chain.truck,
                destination=chain.shop,
                quantity=3,
            )

    outcomes = _race(2, work)

    assert outcomes.count("ok") == 1, outcomes
    _assert_refused_for_stock(outcomes)
    total = sum(jars_at(location=place, lot=lot, jar_format=chain.jar) for place in (chain.truck, chain.shop))
    assert total == 4 - 3 * Distribution.objects.count()
    assert not StockMovement.objects.negative_balances().exists()
    assert mass_balance_problems(chain.territory) == []
