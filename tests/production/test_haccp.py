"""Seal checks the day after, corrective actions on non-conforming lots, and the release that needs one."""

from datetime import timedelta

import pytest

from conserverie.production.models import CorrectiveAction, CorrectiveActionKind, LotStatus, SealCheck
from conserverie.production.services import lot_correct, lot_release, lot_seal_check
from conserverie.stock.models import MovementKind, StockMovement

from ..conftest import DAY, aware
from ..helpers import forbidden, history_user, make_lot, refused, seal_checked

NEXT_DAY = aware(DAY + timedelta(days=1), 9)


def test_a_good_seal_check_leaves_the_lot_as_it_was(chain, animator):
    lot = make_lot(chain)
    check = lot_seal_check(actor=animator, lot=lot, jars_checked=10, jars_failed=0, note="", at=NEXT_DAY)
    lot.refresh_from_db()
    assert check.passed
    assert lot.status == LotStatus.OPEN
    assert history_user(check) == animator


def test_a_failed_seal_makes_the_lot_non_conforming(chain, animator):
    lot = make_lot(chain)
    lot_seal_check(actor=animator, lot=lot, jars_checked=10, jars_failed=2, note="couvercles qui bougent", at=NEXT_DAY)
    lot.refresh_from_db()
    assert lot.status == LotStatus.NON_CONFORMING
    assert "2 bocal(aux) mal fermé(s)" in lot.status_reason


@pytest.mark.parametrize(
    ("checked", "failed", "field", "match"),
    [
        (0, 0, "jars_checked", "au moins un"),
        (5, 6, "jars_failed", "Plus de bocaux mal fermés"),
        (5, -1, "jars_failed", "négatif"),
    ],
)
def test_a_seal_check_is_validated_and_writes_nothing_when_refused(chain, checked, failed, field, match):
    lot = make_lot(chain)
    with refused(field, match):
        lot_seal_check(actor=chain.actor, lot=lot, jars_checked=checked, jars_failed=failed, note="")


def test_a_seal_check_cannot_come_before_production(chain):
    lot = make_lot(chain)
    with refused("jars_checked", "suit la production"):
        lot_seal_check(actor=chain.actor, lot=lot, jars_checked=3, jars_failed=0, at=aware(DAY - timedelta(days=1), 9))


def test_another_territory_cannot_check_or_correct(chain, other_coordinator):
    lot = make_lot(chain, status=LotStatus.NON_CONFORMING)
    with forbidden():
        lot_seal_check(actor=other_coordinator, lot=lot, jars_checked=3, jars_failed=0)
    with forbidden():
        lot_correct(actor=other_coordinator, lot=lot, action=CorrectiveActionKind.RETREAT)


def test_a_corrective_action_is_only_for_a_non_conforming_or_blocked_lot(chain):
    lot = make_lot(chain)
    with refused("action", "Seul un lot non conforme"):
        lot_correct(actor=chain.actor, lot=lot, action=CorrectiveActionKind.RETREAT)
    failed = make_lot(chain, status=LotStatus.NON_CONFORMING)
    with refused("action", "Choisissez"):
        lot_correct(actor=chain.actor, lot=failed, action="burn")


def test_other_action_needs_a_description(chain):
    lot = make_lot(chain, status=LotStatus.NON_CONFORMING)
    with refused("note", "Décrivez"):
        lot_correct(actor=chain.actor, lot=lot, action=CorrectiveActionKind.OTHER, note=" ")


def test_retreat_then_release_without_typing_again(chain, animator):
    lot = make_lot(chain, status=LotStatus.NON_CONFORMING)
    seal_checked(chain, lot)
    action = lot_correct(actor=animator, lot=lot, action=CorrectiveActionKind.RETREAT, note="115 °C, 50 min")
    assert history_user(action) == animator
    assert action.done_by == animator
    lot = lot_release(actor=chain.actor, lot=lot)
    assert lot.status == LotStatus.RELEASED
    assert "115 °C, 50 min" in lot.status_reason


def test_release_with_a_reason_records_it_as_the_corrective_action(chain):
    lot = make_lot(chain, status=LotStatus.NON_CONFORMING)
    seal_checked(chain, lot)
    lot_release(actor=chain.actor, lot=lot, reason="Retraité 20 min à 115 °C")
    action = CorrectiveAction.objects.get(lot=lot)
    assert (action.action, action.note) == (CorrectiveActionKind.OTHER, "Retraité 20 min à 115 °C")


def test_discard_takes_every_jar_out_and_the_lot_is_never_released(chain):
    lot = make_lot(chain, jars=10, status=LotStatus.NON_CONFORMING)
    lot_correct(actor=chain.actor, lot=lot, action=CorrectiveActionKind.DISCARD, note="couvercles")
    ledger = StockMovement.objects.filter(lot=lot)
    assert ledger.filter(kind=MovementKind.DISCARDED).count() == 1
    assert sum(m.quantity for m in ledger) == 0
    with refused("reason", "ne peut pas être libéré"):
        lot_release(actor=chain.actor, lot=lot, reason="quand même")


def test_internal_cooking_is_not_a_release(chain):
    lot = make_lot(chain, status=LotStatus.NON_CONFORMING)
    seal_checked(chain, lot)
    lot_correct(actor=chain.actor, lot=lot, action=CorrectiveActionKind.INTERNAL)
    # The jars went into the same day's meals: the ledger says so, and the shelves are empty.
    ledger = StockMovement.objects.filter(lot=lot)
    assert ledger.filter(kind=MovementKind.INTERNAL).count() == 1
    assert sum(m.quantity for m in ledger) == 0
    with refused("reason", "Cuisine interne"):
        lot_release(actor=chain.actor, lot=lot)
    assert SealCheck.objects.count() == 1


# the lot page


@pytest.fixture
def staff_client(client, animator):
    client.force_login(animator)
    return client


def test_the_lot_page_records_a_failed_seal_check_then_a_corrective_action(staff_client, chain):
    lot = make_lot(chain)
    url = f"/t/romans/lots/{lot.code}/"
    response = staff_client.post(
        url + "fermetures/", {"jars_checked": "10", "jars_failed": "1", "note": "un couvercle"}
    )
    assert response.status_code == 302
    lot.refresh_from_db()
    assert lot.status == LotStatus.NON_CONFORMING
    page = staff_client.get(url).content.decode()
    assert 'data-testid="correct-form"' in page
    assert "un couvercle" in page
    response = staff_client.post(url + "action-corrective/", {"action": "retreat", "note": "115 °C 50 min"})
    assert response.status_code == 302
    assert "Nouveau traitement thermique — 115 °C 50 min" in staff_client.get(url).content.decode()


def test_a_refused_seal_check_stays_on_the_page_with_the_message(staff_client, chain):
    lot = make_lot(chain)
    response = staff_client.post(f"/t/romans/lots/{lot.code}/fermetures/", {"jars_checked": "3", "jars_failed": "4"})
    assert response.status_code == 422
    assert "Plus de bocaux mal fermés que de bocaux contrôlés." in response.content.decode()
    assert not SealCheck.objects.exists()


def test_an_action_recorded_before_the_last_release_does_not_answer_a_new_non_conformity(chain):
    lot = make_lot(chain, status=LotStatus.BLOCKED)
    seal_checked(chain, lot)
    lot_release(actor=chain.actor, lot=lot, reason="Vérifié : capsules correctes")
    lot_seal_check(actor=chain.actor, lot=lot, jars_checked=10, jars_failed=1)
    with refused("reason", "Décrivez l'action corrective"):
        lot_release(actor=chain.actor, lot=lot)
