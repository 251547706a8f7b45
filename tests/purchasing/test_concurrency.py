"""Two members can never get the same last jar (docs/architecture.md §5): real transactions in real threads.

On SQLite the IMMEDIATE transactions serialise the orders; on PostgreSQL the row lock of the round's item does
(`select_for_update(of=("self",))`, taken in id order). Exactly as many orders succeed as jars are left.
"""

import pytest
from django.core.exceptions import ValidationError

from conserverie.purchasing.models import OrderLine, RoundItem
from conserverie.purchasing.services import order_set
from conserverie.stock.services import jars_at
from conserverie.stock.set_aside import set_aside_by_location_lot_format

from ..stock.test_concurrency import _race, _sell
from .world import add_member, group, open_round

pytestmark = pytest.mark.django_db(transaction=True)


def test_four_members_order_the_last_two_jars_two_get_one(chain):
    g = group(chain, jars=10, offered=2)
    members = [g.amina, g.bruno, add_member(chain, "Chloé", "0610000003"), add_member(chain, "David", "0610000004")]

    outcomes = _race(
        4, lambda i: order_set(actor=None, the_round=g.round, member=members[i], quantities={g.item.pk: 1})
    )

    assert outcomes.count("ok") == 2, outcomes
    for outcome in outcomes:
        if outcome != "ok":
            assert isinstance(outcome, ValidationError), repr(outcome)
            assert "il reste 0 bocal(aux)" in outcome.message_dict["quantities"][0]
    item = RoundItem.objects.get(pk=g.item.pk)
    assert item.reserved == 2 == sum(OrderLine.objects.values_list("quantity", flat=True))


def test_one_member_changing_an_order_twice_at_once_keeps_the_count_right(chain):
    g = group(chain, jars=10, offered=3)

    outcomes = _race(
        2, lambda i: order_set(actor=None, the_round=g.round, member=g.amina, quantities={g.item.pk: 2 + i})
    )

    assert "ok" in outcomes, outcomes
    item = RoundItem.objects.get(pk=g.item.pk)
    assert item.reserved == OrderLine.objects.get().quantity


def test_a_till_sale_and_a_new_round_want_the_last_free_jars_one_gets_them(chain):
    """The free jars are read under the location's lock by both (stock/set_aside.py): never sold and set aside."""
    g = group(chain, jars=10, offered=6)  # 4 free jars

    def work(i):
        if i == 0:
            _sell(chain, g.lot, 4)
        else:
            open_round(chain, g.lot, offered=4, title="Commande de juillet")

    outcomes = _race(2, work)

    assert outcomes.count("ok") == 1, outcomes
    refusal = next(outcome for outcome in outcomes if outcome != "ok")
    assert isinstance(refusal, ValidationError), repr(refusal)
    assert "0 bocal(aux) libre(s)" in " ".join(refusal.messages)
    on_shelf = jars_at(location=chain.truck, lot=g.lot, jar_format=chain.jar)
    aside = set_aside_by_location_lot_format(chain.territory)[(chain.truck.pk, g.lot.pk, chain.jar.pk)]
    assert on_shelf - aside == 0
