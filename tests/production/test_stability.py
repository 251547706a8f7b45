"""Stability test of a low-acid lot (NF V08-408 practice, docs/safety-en.md): incubation for 7 days, release only
after a passing result, a failing one blocks the lot and proposes a recall when jars already left."""

from datetime import timedelta
from decimal import Decimal

import pytest

from conserverie.production.haccp import missing_records
from conserverie.production.models import LotStatus, StabilityResult
from conserverie.production.services import lot_release
from conserverie.production.stability import jars_left, stability_record, stability_start, waiting_tests

from ..conftest import DAY
from ..helpers import refused, seal_checked
from ..pages import text
from .test_lethality import GOOD, _lot, soup  # noqa: F401 (fixture)

D = Decimal


@pytest.fixture
def lot(chain, soup):  # noqa: F811
    """A low-acid lot with its core curve and its seal check: only the stability test stands before its release."""
    made = _lot(chain, soup, core=GOOD)
    seal_checked(chain, made)
    return made


def _result(chain, test, **over):
    values = dict(swelling=False, leak=False, ph_after=D("5.9"), appearance_ok=True, examined_on=test.ends_on)
    values.update(over)
    return stability_record(actor=chain.actor, test=test, **values)


def test_release_waits_for_the_incubation_then_a_passing_result(chain, lot):
    test = stability_start(actor=chain.actor, lot=lot, jars=2, started_on=DAY + timedelta(days=1))
    assert test.ends_on == DAY + timedelta(days=8)
    assert not test.at_55
    assert missing_records(lot) == [f"test de stabilité en incubation jusqu'au {test.ends_on:%d/%m/%Y}"]
    with refused("reason", "test de stabilité en incubation"):
        lot_release(actor=chain.actor, lot=lot)
    assert list(waiting_tests(chain.territory)) == [test]
    with refused("examined_on", "L'incubation dure jusqu'au"):
        _result(chain, test, examined_on=test.ends_on - timedelta(days=1))
    test = _result(chain, test)
    assert test.result == StabilityResult.PASSED
    assert list(waiting_tests(chain.territory)) == []
    assert lot_release(actor=chain.actor, lot=lot).status == LotStatus.RELEASED


@pytest.mark.parametrize(
    ("over", "reason"),
    [
        (dict(swelling=True), "bocal bombé"),
        (dict(leak=True), "fuite"),
        (dict(appearance_ok=False), "aspect ou odeur anormal"),
    ],
)
def test_a_failing_result_blocks_the_lot(chain, lot, over, reason):
    test = stability_start(actor=chain.actor, lot=lot, jars=2, started_on=DAY)
    test = _result(chain, test, **over)
    assert test.result == StabilityResult.FAILED
    lot.refresh_from_db()
    assert lot.status == LotStatus.BLOCKED
    assert f"Test de stabilité défavorable : {reason}" in lot.status_reason
    with refused("reason"):
        lot_release(actor=chain.actor, lot=lot, reason="On libère quand même")


def test_a_ph_drift_above_half_a_unit_fails(chain, lot):
    lot.ph_measured = D("6.0")
    lot.save()
    test = stability_start(actor=chain.actor, lot=lot, jars=2, started_on=DAY)
    assert test.ph_before == D("6.0")
    assert _result(chain, test, ph_after=D("5.5")).result == StabilityResult.PASSED  # 0.5: the limit itself
    test = stability_start(actor=chain.actor, lot=lot, jars=2, started_on=DAY + timedelta(days=10))
    test = _result(chain, test, ph_after=D("5.4"))
    assert test.result == StabilityResult.FAILED
    lot.refresh_from_db()
    assert "pH passé de 6.0 à 5.4" in lot.status_reason


def test_stability_refusals(chain, lot):
    with refused("jars"):
        stability_start(actor=chain.actor, lot=lot, jars=0)
    with refused("jars", "n'a que 12 bocaux"):
        stability_start(actor=chain.actor, lot=lot, jars=13)
    with refused("started_on", "après la fabrication"):
        stability_start(actor=chain.actor, lot=lot, jars=2, started_on=DAY - timedelta(days=1))
    test = stability_start(actor=chain.actor, lot=lot, jars=2, started_on=DAY)
    with refused("jars", "déjà en incubation"):
        stability_start(actor=chain.actor, lot=lot, jars=2, started_on=DAY)
    with refused("ph_after"):
        _result(chain, test, ph_after=None)
    _result(chain, test)
    with refused("ph_after", "déjà enregistré"):
        _result(chain, test)


def test_the_page_records_the_result_and_proposes_a_recall_when_jars_left(client, chain, lot):
    from conserverie.stock.models import MovementKind
    from conserverie.stock.services import movement_write

    client.force_login(chain.actor)
    url = f"/t/{chain.territory.slug}/lots/{lot.code}/"
    response = client.post(url + "stabilite/", {"jars": "2", "started_on": DAY.isoformat()})
    assert response.status_code == 302
    page = text(client.get(f"/t/{chain.territory.slug}/lots/"))
    assert "Lots en attente de leur test de stabilité" in page
    assert "fin d'incubation le 17/06/2026" in page
    # Jars of a lot released before this rule existed already went to people.
    movement_write(
        actor=chain.actor,
        location=chain.truck,
        lot=lot,
        jar_format=chain.jar,
        quantity=-3,
        kind=MovementKind.INTERNAL,
        day=DAY,
    )
    assert jars_left(lot)
    bad = client.post(url + "stabilite/resultat/", {"ph_after": "5.9", "examined_on": "2026-06-12"})
    assert bad.status_code == 422
    assert "L'incubation dure jusqu'au 17/06/2026" in text(bad)
    response = client.post(
        url + "stabilite/resultat/", {"swelling": "on", "ph_after": "5.9", "examined_on": "2026-06-17"}
    )
    assert response.status_code == 302
    page = text(client.get(url))
    assert "Instable" in page
    assert "rappelez le lot" in page


def test_the_lots_page_lists_waiting_tests_in_constant_queries(client, chain, soup, django_assert_num_queries):  # noqa: F811
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(chain.actor)
    url = f"/t/{chain.territory.slug}/lots/"
    first = _lot(chain, soup, core=GOOD)
    stability_start(actor=chain.actor, lot=first, jars=1, started_on=DAY)
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    for _n in range(3):
        more = _lot(chain, soup, core=GOOD)
        stability_start(actor=chain.actor, lot=more, jars=1, started_on=DAY)
    with django_assert_num_queries(len(ctx.captured_queries)):
        page = text(client.get(url))
    assert page.count("fin d'incubation le") == 4
