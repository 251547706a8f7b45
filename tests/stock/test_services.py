from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from conserverie.production.models import LotStatus
from conserverie.stock.models import MovementKind, StockMovement
from conserverie.stock.services import (
    deposit_return,
    inventory_adjust,
    jars_at,
    jars_discard,
    jars_move,
    jars_take,
    movement_reverse,
)
from conserverie.workshops.services import participant_create

from ..conftest import DAY
from ..helpers import forbidden, make_lot, refused, released_lot, table_counts


@pytest.fixture
def lot(chain):
    return released_lot(chain, jars=10)


def _stock(chain, lot, location=None):
    return jars_at(location=location or chain.truck, lot=lot, jar_format=chain.jar)


def _move(chain, lot, quantity, **over):
    kwargs = {
        "actor": chain.actor,
        "lot": lot,
        "jar_format": chain.jar,
        "source": chain.truck,
        "destination": chain.shop,
        "quantity": quantity,
        "day": DAY,
    }
    kwargs.update(over)
    return jars_move(**kwargs)


def _discard(chain, lot, quantity, **over):
    kwargs = {
        "actor": chain.actor,
        "lot": lot,
        "jar_format": chain.jar,
        "location": chain.truck,
        "quantity": quantity,
        "reason": "Couvercle non scellé",
        "day": DAY,
    }
    kwargs.update(over)
    return jars_discard(**kwargs)


# jars_move


def test_a_move_writes_two_rows_of_one_transfer(chain, lot, animator):
    transfer = _move(chain, lot, 4, actor=animator, reason="Pour la boutique")
    rows = StockMovement.objects.filter(transfer=transfer).order_by("quantity")
    assert [(r.location, r.quantity, r.kind, r.created_by) for r in rows] == [
        (chain.truck, -4, MovementKind.MOVED, animator),
        (chain.shop, 4, MovementKind.MOVED, animator),
    ]
    assert (_stock(chain, lot), _stock(chain, lot, chain.shop)) == (6, 4)
    assert [(r["location__name"], r["jars"]) for r in StockMovement.objects.stock_by_location_and_lot()] == [
        ("Boutique Romans", 4),
        ("Camion Romans", 6),
    ]


def test_jars_of_a_lot_not_released_may_still_be_moved(chain):
    blocked = make_lot(chain, status=LotStatus.BLOCKED)
    _move(chain, blocked, 10)
    assert _stock(chain, blocked, chain.shop) == 10


def test_a_move_goes_somewhere_else(chain, lot):
    with refused("destination", "Choisissez un emplacement différent du départ."):
        _move(chain, lot, 1, destination=chain.truck)


@pytest.mark.parametrize("quantity", [0, -2, None])
def test_a_move_moves_at_least_one_jar(chain, lot, quantity):
    with refused("quantity", "Indiquez un nombre de bocaux supérieur à zéro."):
        _move(chain, lot, quantity)


def test_a_move_cannot_take_more_jars_than_the_shelf_holds(chain, lot):
    _move(chain, lot, 10)
    with refused(
        "quantity", "Stock insuffisant : 0 bocal(aux) Bocal 375 ml du lot ROM-260610-CTOM1 à « Camion Romans »"
    ):
        _move(chain, lot, 1)
    with refused("quantity", "Stock insuffisant : 10 bocal(aux)"):
        _move(chain, lot, 11, source=chain.shop, destination=chain.truck)


def test_a_move_stays_within_the_territory(chain, other_chain, lot, viewer, other_coordinator):
    with forbidden():
        _move(chain, lot, 1, destination=other_chain.truck)
    with forbidden():
        _move(chain, lot, 1, jar_format=other_chain.jar)
    with forbidden():
        _move(chain, lot, 1, actor=viewer)
    with forbidden():
        _move(chain, lot, 1, actor=other_coordinator)


# jars_discard / jars_take


def test_discarded_and_broken_jars_leave_the_stock(chain, lot, animator):
    discarded = _discard(chain, lot, 2, actor=animator)
    broken = _discard(chain, lot, 1, broken=True, reason="Tombé du camion")
    assert (discarded.kind, discarded.quantity, discarded.created_by) == (MovementKind.DISCARDED, -2, animator)
    assert (broken.kind, broken.quantity) == (MovementKind.BROKEN, -1)
    assert _stock(chain, lot) == 7
    totals = StockMovement.objects.filter(lot=lot).totals_by_kind()
    assert totals == {MovementKind.PRODUCED: 10, MovementKind.DISCARDED: -2, MovementKind.BROKEN: -1}


@pytest.mark.parametrize("status", [LotStatus.OPEN, LotStatus.NON_CONFORMING, LotStatus.BLOCKED, LotStatus.RECALLED])
def test_jars_of_a_failed_lot_may_be_discarded(chain, status):
    failed = make_lot(chain, status=status)
    _discard(chain, failed, 10, reason="Lot détruit")
    assert _stock(chain, failed) == 0


def test_a_discard_says_why_and_takes_what_is_there(chain, lot):
    with refused("reason", "Indiquez pourquoi ces bocaux sortent du stock."):
        _discard(chain, lot, 1, reason=" ")
    with refused("quantity", "Indiquez un nombre de bocaux supérieur à zéro."):
        _discard(chain, lot, 0)
    with refused("quantity", "Stock insuffisant : 10 bocal(aux)"):
        _discard(chain, lot, 11)


def test_a_discard_stays_within_the_territory(chain, other_chain, lot, viewer):
    with forbidden():
        _discard(chain, lot, 1, location=other_chain.truck)
    with forbidden():
        _discard(chain, lot, 1, actor=viewer)


@pytest.mark.parametrize("kind", [MovementKind.GIVEN, MovementKind.SOLD, MovementKind.INTERNAL])
def test_jars_of_a_lot_not_released_never_reach_anybody(chain, kind):
    lot = make_lot(chain)
    message = f"Le lot {lot.code} est « En cours » : il ne peut être ni cédé, ni vendu, ni utilisé."
    with refused("lot", message), transaction.atomic():
        jars_take(actor=chain.actor, location=chain.truck, lot=lot, jar_format=chain.jar, quantity=1, kind=kind)


# inventory_adjust


def test_an_inventory_count_writes_the_difference(chain, lot):
    minus = inventory_adjust(
        actor=chain.actor, lot=lot, jar_format=chain.jar, location=chain.truck, counted=8, reason="Inventaire"
    )
    plus = inventory_adjust(
        actor=chain.actor, lot=lot, jar_format=chain.jar, location=chain.truck, counted=9, reason="Retrouvé"
    )
    assert (minus.kind, minus.quantity, plus.quantity) == (MovementKind.ADJUSTED, -2, 1)
    assert _stock(chain, lot) == 9
    before = table_counts()
    same = inventory_adjust(
        actor=chain.actor, lot=lot, jar_format=chain.jar, location=chain.truck, counted=9, reason="Juste"
    )
    assert same is None
    assert table_counts() == before


def test_an_inventory_count_is_not_negative_and_says_why(chain, lot):
    with refused("counted", "Le nombre compté ne peut pas être négatif."):
        inventory_adjust(actor=chain.actor, lot=lot, jar_format=chain.jar, location=chain.truck, counted=-1, reason="x")
    with refused("reason", "Un ajustement d'inventaire dit toujours pourquoi."):
        inventory_adjust(actor=chain.actor, lot=lot, jar_format=chain.jar, location=chain.truck, counted=3, reason="")


@pytest.mark.parametrize("persona", ["animator", "viewer", "other_coordinator"])
def test_only_a_coordinator_of_the_territory_adjusts_an_inventory(request, chain, lot, persona):
    actor = request.getfixturevalue(persona)
    with forbidden():
        inventory_adjust(actor=actor, lot=lot, jar_format=chain.jar, location=chain.truck, counted=3, reason="x")


# movement_reverse (append-only ledger, docs/architecture.md §4.5)


def test_a_correction_is_a_new_reversing_row_and_the_original_is_untouched(chain, lot):
    original = _discard(chain, lot, 3)
    before = StockMovement.objects.filter(pk=original.pk).values().get()
    correction = movement_reverse(actor=chain.actor, movement=original, reason="Erreur de saisie")
    assert StockMovement.objects.filter(pk=original.pk).values().get() == before
    assert (correction.reverses, correction.kind, correction.quantity) == (original, MovementKind.DISCARDED, 3)
    assert (correction.created_by, correction.reason, correction.day) == (chain.actor, "Erreur de saisie", DAY)
    assert original.reversed_by == correction
    assert _stock(chain, lot) == 10
    assert StockMovement.objects.filter(lot=lot).totals_by_kind()[MovementKind.DISCARDED] == 0


def test_a_reversal_cannot_be_applied_twice_nor_reversed(chain, lot):
    original = _discard(chain, lot, 3)
    correction = movement_reverse(actor=chain.actor, movement=original, reason="Erreur")
    with refused(match="Ce mouvement est déjà une correction ou a déjà été corrigé."):
        movement_reverse(actor=chain.actor, movement=original, reason="Encore")
    with refused(match="Ce mouvement est déjà une correction ou a déjà été corrigé."):
        movement_reverse(actor=chain.actor, movement=correction, reason="Annuler la correction")


def test_a_transfer_is_corrected_by_the_opposite_transfer(chain, lot):
    transfer = _move(chain, lot, 2)
    with refused(match="Pour corriger un transfert, faites le transfert inverse."):
        movement_reverse(
            actor=chain.actor, movement=StockMovement.objects.filter(transfer=transfer).first(), reason="x"
        )


def test_a_correction_says_why(chain, lot):
    original = _discard(chain, lot, 1)
    with refused("reason", "Une correction dit toujours pourquoi."):
        movement_reverse(actor=chain.actor, movement=original, reason="  ")


def test_reversing_a_production_cannot_drive_the_stock_negative(chain, lot):
    produced = StockMovement.objects.get(lot=lot, kind=MovementKind.PRODUCED)
    _discard(chain, lot, 1)
    with refused("quantity", "Stock insuffisant : 9 bocal(aux)"):
        movement_reverse(actor=chain.actor, movement=produced, reason="Lot saisi deux fois")


@pytest.mark.parametrize("persona", ["animator", "viewer", "other_coordinator"])
def test_only_a_coordinator_of_the_territory_corrects_the_ledger(request, chain, lot, persona):
    original = _discard(chain, lot, 1)
    actor = request.getfixturevalue(persona)
    with forbidden():
        movement_reverse(actor=actor, movement=original, reason="x")


def test_the_database_refuses_a_zero_row_and_a_full_jar_row_without_lot(chain, lot):
    common = {"territory": chain.territory, "location": chain.truck, "jar_format": chain.jar, "day": DAY}
    with pytest.raises(IntegrityError), transaction.atomic():
        StockMovement.objects.create(kind=MovementKind.SOLD, lot=lot, quantity=0, created_by=chain.actor, **common)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockMovement.objects.create(kind=MovementKind.SOLD, lot=None, quantity=-1, created_by=chain.actor, **common)


# deposit_return


def test_empty_jars_come_back_and_the_deposit_is_refunded(chain, animator):
    person = participant_create(territory=chain.territory, first_name="Awa", consent=True)
    back = deposit_return(
        actor=animator, location=chain.shop, jar_format=chain.jar, quantity=3, participant=person, day=DAY
    )
    kept = deposit_return(actor=animator, location=chain.shop, jar_format=chain.jar, quantity=2, refunded_eur=0)
    assert (back.kind, back.lot, back.quantity, back.amount_eur) == (MovementKind.EMPTY_RETURNED, None, 3, Decimal("3"))
    assert back.participant == person
    assert back.created_by == animator
    assert kept.amount_eur == 0
    assert StockMovement.objects.empty().count() == 2
    assert not StockMovement.objects.full().exists()


def test_a_deposit_return_counts_jars_and_refunds_nothing_negative(chain):
    with refused("quantity", "Indiquez un nombre de bocaux supérieur à zéro."):
        deposit_return(actor=chain.actor, location=chain.shop, jar_format=chain.jar, quantity=0)
    with refused("refunded_eur", "Le remboursement ne peut pas être négatif."):
        deposit_return(actor=chain.actor, location=chain.shop, jar_format=chain.jar, quantity=1, refunded_eur=-1)


def test_a_deposit_return_stays_within_the_territory(chain, other_chain, viewer):
    stranger = participant_create(territory=other_chain.territory, first_name="Eve", consent=True)
    with forbidden():
        deposit_return(actor=chain.actor, location=chain.shop, jar_format=chain.jar, quantity=1, participant=stranger)
    with forbidden():
        deposit_return(actor=chain.actor, location=chain.shop, jar_format=other_chain.jar, quantity=1)
    with forbidden():
        deposit_return(actor=viewer, location=chain.shop, jar_format=chain.jar, quantity=1)
