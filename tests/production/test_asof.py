"""The recall sheet shows the lot's food-safety file as of production, from the history rows, beside today's."""

import json
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.db.models import F

from conserverie.core.history import save_as
from conserverie.production.asof import production_moment, records_as_of, then_and_now
from conserverie.production.models import CorrectiveAction, HeatTreatmentRecord, LotStatus, ProductionLot, SealCheck
from conserverie.production.services import lot_correct, lot_recall, lot_seal_check

from ..conftest import DAY, aware
from ..helpers import cold_reading, make_lot, released_lot
from ..pages import assert_flat_queries, text

HISTORIES = (ProductionLot, HeatTreatmentRecord, SealCheck, CorrectiveAction)


def _made_days_ago(lot, days=3):
    """The tests cannot wait: the lot and every history row written so far are moved `days` back."""
    for model in HISTORIES:
        model.history.update(history_date=F("history_date") - timedelta(days=days))
    ProductionLot.objects.filter(pk=lot.pk).update(created_at=F("created_at") - timedelta(days=days))
    lot.refresh_from_db()
    return lot


def _later(chain):
    """A lot made and released days ago, then, today, a failed seal check and a corrective action."""
    lot = _made_days_ago(released_lot(chain))
    lot_seal_check(actor=chain.actor, lot=lot, jars_checked=10, jars_failed=2, at=aware(DAY, 30))
    lot_correct(actor=chain.actor, lot=lot, action="other", note="Capsules revérifiées une à une")
    lot.refresh_from_db()
    return lot


def test_as_of_production_ignores_what_came_later(chain):
    lot = _later(chain)
    then, now = then_and_now(lot)
    assert then.status == "Libéré"
    assert now.status == "Non conforme"
    assert "mal fermé" in now.status_reason
    assert "mal fermé" not in then.status_reason
    assert [t.temperature_c for t in then.treatments] == [t.temperature_c for t in now.treatments]
    assert [c.jars_failed for c in then.seal_checks] == [0]  # the check its release needed
    assert sorted(c.jars_failed for c in now.seal_checks) == [0, 2]
    assert then.corrective_actions == []
    assert len(now.corrective_actions) == 1


def test_as_of_keeps_a_non_conformity_of_the_day(chain):
    lot = make_lot(chain, treatments=[cold_reading(chain)])
    state = records_as_of(lot, production_moment(lot))
    assert state.status == "Non conforme"
    assert not state.treatments[0].within_limits


def test_before_the_lot_existed_there_is_nothing(chain):
    lot = make_lot(chain)
    state = records_as_of(lot, lot.created_at - timedelta(days=400))
    assert state.treatments == []
    assert state.seal_checks == []


def test_recall_sheet_shows_then_and_now(client, chain):
    lot = _later(chain)
    lot_recall(actor=chain.actor, lot=lot, reason="Bombement constaté")
    client.force_login(chain.actor)
    page = text(client.get(f"/t/romans/lots/{lot.code}/rappel/"))
    assert "À la production" in page
    assert "Aujourd'hui" in page
    assert "Libéré" in page
    assert "Rappelé" in page
    assert "Capsules revérifiées" in page


def test_recall_sheet_query_count_does_not_grow_with_history(client, chain, django_assert_num_queries):
    lot = _made_days_ago(released_lot(chain, jars=40))
    lot_recall(actor=chain.actor, lot=lot, reason="Test")
    client.force_login(chain.actor)

    def grow(n):  # more history on both sides of the production moment (rows written as a fix would be)
        for i in range(n):
            check = SealCheck(lot=lot, jars_checked=5, jars_failed=0, checked_by=chain.actor, checked_at=aware(DAY, 20))
            save_as(check, chain.actor)
            if i % 2:
                SealCheck.history.filter(id=check.pk).update(history_date=F("history_date") - timedelta(days=3))

    assert_flat_queries(client, f"/t/romans/lots/{lot.code}/rappel/", grow, django_assert_num_queries)


def test_recall_command_prints_the_state_at_production(chain):
    lot = _later(chain)
    out = StringIO()
    call_command("recall", lot.code, "--reason", "Test", stdout=out)
    assert "À la production" in out.getvalue()
    assert "statut « Libéré »" in out.getvalue()
    other = _made_days_ago(released_lot(chain))
    out = StringIO()
    call_command("recall", other.code, "--reason", "Test", "--json", stdout=out)
    data = json.loads(out.getvalue())["at_production"]
    assert data["status"] == "Libéré"
    assert data["treatments"][0]["within_limits"] is True
    assert other.__class__.objects.get(pk=other.pk).status == LotStatus.RECALLED
