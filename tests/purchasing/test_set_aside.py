"""Jars a round sets aside go to nobody else: not a till sale, a gift, an internal use, a move or a discard; only the
round's pick-up takes them, and its release (closing, pick-up, finishing, cancelling) frees them
(stock/set_aside.py, docs/purchasing-en.md)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from conserverie.distribution.models import Distribution
from conserverie.distribution.services import LineSpec, distribution_record
from conserverie.production.services import lot_block
from conserverie.purchasing.services import order_set, pickup_hand_over, round_cancel, round_close, rounds_finish_due
from conserverie.stock.services import jars_at, jars_discard, jars_move
from conserverie.stock.set_aside import set_aside_by_location_lot_format

from ..distribution.test_views import NEW
from ..helpers import refused, released_lot
from ..pages import add_lots, queries_on
from ..workshops.public_data import future_workshop
from .world import group, open_round

STOCK = "/t/romans/stock/"


@pytest.fixture
def g(chain):
    return group(chain)  # 10 jars on the truck, 6 offered in an open round


def _out(chain, lot, quantity, kind=Distribution.Kind.GROUP_SALE, **extra):
    return distribution_record(
        actor=chain.actor,
        territory=chain.territory,
        kind=kind,
        location=chain.truck,
        day=timezone.localdate(),
        lines=[LineSpec(lot, chain.jar, quantity, Decimal("3.00"))],
        **extra,
    )


def _move(chain, lot, quantity):
    return jars_move(
        actor=chain.actor, lot=lot, jar_format=chain.jar, source=chain.truck, destination=chain.shop, quantity=quantity
    )


def _discard(chain, lot, quantity, broken=False):
    return jars_discard(
        actor=chain.actor,
        lot=lot,
        jar_format=chain.jar,
        location=chain.truck,
        quantity=quantity,
        reason="Tombés",
        broken=broken,
    )


def test_an_open_rounds_jars_are_refused_to_every_other_take_and_the_free_ones_go(chain, g):
    label = f"la commande groupée “Commande de juin” (retrait le {g.round.pickup_day:%d/%m/%Y})"
    with refused("quantity", f"Il reste 4 bocal(aux) libre(s) {chain.jar} du lot {g.lot.code}") as error:
        _out(chain, g.lot, 5)  # at the till
    assert f"6 réservé(s) pour {label}." in error.value.message_dict["quantity"][0]
    with refused("quantity", "Il reste 4 bocal(aux) libre(s)"):
        _out(chain, g.lot, 5, kind=Distribution.Kind.PARTICIPANT, participant=g.amina.participant)  # a gift
    with refused("quantity", "Il reste 4 bocal(aux) libre(s)"):
        _out(chain, g.lot, 5, kind=Distribution.Kind.INTERNAL, structure=chain.structure)
    with refused("quantity", "Il reste 4 bocal(aux) libre(s)"):
        _move(chain, g.lot, 5)
    with refused("quantity", "Il reste 4 bocal(aux) libre(s)"):
        _discard(chain, g.lot, 5)

    _out(chain, g.lot, 3)  # the free jars still sell
    _move(chain, g.lot, 1)
    with refused("quantity", "Il reste 0 bocal(aux) libre(s)"):
        _out(chain, g.lot, 1)
    # A jar that broke is gone whatever was promised: recorded, like an inventory count.
    _discard(chain, g.lot, 1, broken=True)
    assert jars_at(location=chain.truck, lot=g.lot, jar_format=chain.jar) == 5


def test_the_pick_up_takes_its_jars_and_each_release_frees_the_rest(chain, g):
    _out(chain, g.lot, 4)  # the 4 free jars sold: 6 left, all held by the round
    amina = order_set(actor=None, the_round=g.round, member=g.amina, quantities={g.item.pk: 2})
    bruno = order_set(actor=None, the_round=g.round, member=g.bruno, quantities={g.item.pk: 3})
    with refused("quantity", "Il reste 0 bocal(aux) libre(s)"):
        _out(chain, g.lot, 1)  # open: the jar nobody ordered yet may still be ordered

    round_close(actor=chain.actor, the_round=g.round)
    _out(chain, g.lot, 1)  # closed: the jar nobody ordered is free
    with refused("quantity", "Il reste 0 bocal(aux) libre(s)"):
        _out(chain, g.lot, 1)

    pickup_hand_over(actor=chain.actor, order=bruno, handed={bruno.lines.get().pk: 2})  # takes its own jars
    _out(chain, g.lot, 1)  # the jar Bruno left is free again
    with refused("quantity", "Il reste 0 bocal(aux) libre(s)"):
        _out(chain, g.lot, 1)  # Amina's 2 wait for her

    rounds_finish_due(today=g.round.pickup_day + timedelta(days=1))  # Amina did not come: back to stock
    assert amina.lines.get().handed == 0
    _out(chain, g.lot, 2)
    assert jars_at(location=chain.truck, lot=g.lot, jar_format=chain.jar) == 0


def test_a_cancelled_round_a_blocked_lot_and_another_territory_hold_nothing(chain, other_chain, g):
    second = open_round(chain, g.lot, offered=4, title="Commande de juillet")
    with refused("quantity", "Il reste 0 bocal(aux) libre(s)") as error:
        _out(chain, g.lot, 1)
    assert "“Commande de juin”" in str(error.value)
    assert "“Commande de juillet”" in str(error.value)
    round_cancel(actor=chain.actor, the_round=second)
    _out(chain, g.lot, 4)

    theirs = released_lot(other_chain, jars=4)
    distribution_record(
        actor=other_chain.actor,
        territory=other_chain.territory,
        kind=Distribution.Kind.GROUP_SALE,
        location=other_chain.truck,
        day=timezone.localdate(),
        lines=[LineSpec(theirs, other_chain.jar, 4, Decimal("3.00"))],
    )
    assert set_aside_by_location_lot_format(other_chain.territory) == {}
    assert set_aside_by_location_lot_format(chain.territory) == {(chain.truck.pk, g.lot.pk, chain.jar.pk): 6}

    # A blocked lot's jars cannot be handed over: withdrawing them is never refused for the round.
    lot_block(actor=chain.actor, lot=g.lot, reason="Couvercle bombé")
    _discard(chain, g.lot, 6)


def test_the_forms_show_the_jars_set_aside_and_cost_the_same_queries(
    client, animator, chain, g, django_assert_num_queries
):
    client.force_login(animator)
    staff_client = client
    response = staff_client.get(NEW)
    key = f"{chain.truck.pk}|{g.lot.pk}|{chain.jar.pk}"
    assert response.context["stock_data"]["stock"][key] == 10
    assert response.context["stock_data"]["aside"] == {key: 6}
    assert "dont 6 réservés pour une commande groupée" in response.content.decode()
    assert "dont 6 réservés pour une commande groupée" in staff_client.get(STOCK).content.decode()

    # The truck's tablet offers only the free jars, so a gift noted offline is not refused at the sync.
    truck = staff_client.get(f"/t/romans/ateliers/{future_workshop(chain).pk}/camion/").content.decode()
    assert f'data-stock="{g.lot.pk}-{chain.jar.pk}" data-jars="4"' in truck
    assert "et 6 réservés pour une commande groupée" in truck

    before = (queries_on(staff_client, NEW), queries_on(staff_client, STOCK))
    for lot in add_lots(chain, 2, jars=5, release=True):
        open_round(chain, lot, offered=2, title=f"Commande {lot.code}")
    with django_assert_num_queries(before[0]):
        staff_client.get(NEW)
    with django_assert_num_queries(before[1]):
        staff_client.get(STOCK)
