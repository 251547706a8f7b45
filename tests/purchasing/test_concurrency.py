"""Two members can never get the same last jar (docs/architecture.md §5): real transactions in real threads.

On SQLite the IMMEDIATE transactions serialise the orders; on PostgreSQL the row lock of the round's item does
(`select_for_update(of=("self",))`, taken in id order). Exactly as many orders succeed as jars are left.
"""

import pytest
from django.core.exceptions import ValidationError

from conserverie.purchasing.models import OrderLine, RoundItem
from conserverie.purchasing.services import order_set

from ..stock.test_concurrency import _race
from .world import add_member, group

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
