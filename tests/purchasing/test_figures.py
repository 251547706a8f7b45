"""The purchasing group in `report --json` (issue 18): households served, orders, jars, average basket, priority-area
share, by the day of the pick-up; small groups masked (docs/architecture.md §4.7); another territory's group apart."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from conserverie.impact.group import group_report
from conserverie.purchasing.services import order_set, pickup_hand_over, round_close

from .world import add_member, group


def report(*args) -> dict:
    out = StringIO()
    call_command("report", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def collect(chain, g, members, jars):
    orders = [
        order_set(actor=None, the_round=g.round, member=m, quantities={g.item.pk: n})
        for m, n in zip(members, jars, strict=True)
    ]
    round_close(actor=chain.actor, the_round=g.round)
    for order in orders:
        line = order.lines.get()
        pickup_hand_over(actor=chain.actor, order=order, handed={line.pk: line.quantity})


@pytest.fixture
def g(chain):
    return group(chain, jars=20, offered=12)


def test_a_small_group_is_counted_and_its_basket_and_share_masked(chain, g, other_chain):
    collect(chain, g, [g.amina, g.bruno], [2, 1])
    data = report("--territory", "romans")
    # Amina pays half (tier 50 %) of 4.00 for 2 jars, Bruno 4.00 for 1: (4 + 4) / 2 orders.
    assert (data["group_households"], data["group_orders"], data["group_jars"]) == (2, 2, 3)
    assert (data["group_average_basket_eur"], data["group_priority_share"]) == (None, None)
    assert data["jars_sold"] == 3  # the same sales as the distribution figures
    assert report("--territory", "vercors")["group_households"] == 0


def test_five_households_give_the_basket_and_the_priority_share(chain, g):
    members = [g.amina, g.bruno] + [
        add_member(chain, name, f"06 50 00 00 0{i}", priority_area=(i < 2))
        for i, name in enumerate(["Chloé", "David", "Eva"])
    ]
    collect(chain, g, members, [1, 1, 1, 1, 2])
    data = report("--territory", "romans")
    assert (data["group_households"], data["group_orders"], data["group_jars"]) == (5, 5, 6)
    # 2.00 (Amina's tier) + 4 × 4.00 + one more 4.00 for Eva's second jar = 22.00 over 5 orders.
    assert data["group_average_basket_eur"] == 4.4
    assert data["group_priority_share"] == 0.4
    today = timezone.localdate().isoformat()
    assert report("--territory", "romans", "--to", "2000-01-01")["group_orders"] == 0
    assert report("--territory", "romans", "--from", today, "--to", today)["group_orders"] == 5
    assert group_report(chain.territory, structure=chain.structure)["group_jars"] == 6
    out = StringIO()
    call_command("report", "--territory", "romans", stdout=out)
    assert "Foyers servis par le groupement d'achat" in out.getvalue()
    assert Decimal("4.4") == Decimal(str(data["group_average_basket_eur"]))
