"""A blocked lot (and a recalled one) cannot leave: every page, service, command and admin screen that could give,
sell or use its jars refuses, says why in French, and writes nothing (docs/architecture.md §4.4).

What stays possible, by design: moving its jars between the cannery's own shelves (they do not leave), counting
them, destroying them, the corrective action « cuisine interne le jour même » (the HACCP answer itself), and its
labels while it is only blocked (a recalled lot gets no new labels).
"""

from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from conserverie.distribution.models import Distribution
from conserverie.distribution.services import LineSpec, distribution_record
from conserverie.production.models import LabellingProfile, LotStatus, ProductionLot
from conserverie.production.services import lot_block, lot_recall
from conserverie.stock.models import MovementKind
from conserverie.stock.services import jars_at, jars_move, jars_take
from conserverie.workshops.services import participant_create

from ..conftest import DAY
from ..helpers import refused, released_lot, table_counts
from ..pages import text

KINDS = {
    Distribution.Kind.PARTICIPANT: "participant",
    Distribution.Kind.GROUP_SALE: None,
    Distribution.Kind.INTERNAL: "structure",
    Distribution.Kind.PARTNER: "partner",
}


@pytest.fixture
def world(chain):
    lot = released_lot(chain, jars=10)
    jars_move(actor=chain.actor, lot=lot, jar_format=chain.jar, source=chain.truck, destination=chain.shop, quantity=3)
    person = participant_create(territory=chain.territory, first_name="Awa", consent=True)
    lot = lot_block(actor=chain.actor, lot=lot, reason="Couvercles bombés")
    return chain, lot, person


def _recipient(chain, person, kind):
    field = KINDS[kind]
    return {
        "participant": {"participant": person},
        "structure": {"structure": chain.structure},
        "partner": {"partner": "Banque alimentaire"},
        None: {},
    }[field]


def _post(chain, lot, person, kind, location):
    data = {
        "kind": kind,
        "location": location.pk,
        "day": DAY.isoformat(),
        "payment_mode": "cash",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-lot": lot.pk,
        "lines-0-jar_format": chain.jar.pk,
        "lines-0-quantity": "1",
    }
    field = KINDS[kind]
    if field == "participant":
        data["participant"] = person.pk
    elif field == "structure":
        data["structure"] = chain.structure.pk
    elif field == "partner":
        data["partner"] = "Banque alimentaire"
    return data


def _statuses(chain, lot):
    """The lot blocked, then the same lot recalled: both must hold."""
    yield lot
    yield lot_recall(actor=chain.actor, lot=lot, reason="Analyse défavorable").lot


def test_no_service_lets_a_blocked_or_recalled_lot_out(world):
    chain, lot, person = world
    for current in _statuses(chain, lot):
        for kind in KINDS:
            for location in (chain.truck, chain.shop):
                with refused("lot", "ne peut être ni cédé, ni vendu"):
                    distribution_record(
                        actor=chain.actor,
                        territory=chain.territory,
                        kind=kind,
                        location=location,
                        day=DAY,
                        lines=[LineSpec(current, chain.jar, 1, Decimal("3"))],
                        **_recipient(chain, person, kind),
                    )
        for kind in (MovementKind.GIVEN, MovementKind.SOLD, MovementKind.INTERNAL):
            with refused("lot"):
                jars_take(
                    actor=chain.actor, location=chain.truck, lot=current, jar_format=chain.jar, quantity=1, kind=kind
                )


def test_no_page_lets_a_blocked_or_recalled_lot_out(client, world, animator):
    chain, lot, person = world
    client.force_login(animator)
    for current in _statuses(chain, lot):
        for kind in KINDS:
            for location in (chain.truck, chain.shop):
                before = table_counts()
                response = client.post("/t/romans/cessions/nouvelle/", _post(chain, current, person, kind, location))
                assert response.status_code == 422, (kind, location)
                assert "ne peut être ni cédé, ni vendu" in text(response)
                assert table_counts() == before
    assert jars_at(location=chain.truck, lot=lot, jar_format=chain.jar) == 7
    assert jars_at(location=chain.shop, lot=lot, jar_format=chain.jar) == 3


def test_moving_a_blocked_lot_does_not_free_it(client, world, animator):
    chain, lot, person = world
    client.force_login(animator)
    response = client.post(
        "/t/romans/stock/transfert/",
        {
            "lot": lot.pk,
            "jar_format": chain.jar.pk,
            "source": chain.shop.pk,
            "destination": chain.truck.pk,
            "quantity": "3",
            "day": DAY.isoformat(),
        },
    )
    assert response.status_code == 302  # back to the truck, to be destroyed or re-checked: allowed
    lot.refresh_from_db()
    assert lot.status == LotStatus.BLOCKED
    before = table_counts()
    response = client.post("/t/romans/cessions/nouvelle/", _post(chain, lot, person, "group_sale", chain.truck))
    assert response.status_code == 422
    assert table_counts() == before


def test_labels_of_a_blocked_lot_print_but_not_of_a_recalled_one(client, world, tmp_path):
    chain, lot, _person = world
    # A label needs the operator's address and a nutrition declaration or its exemption (docs/labels-en.md).
    chain.territory.address = "14 place du Chapitre, 26100 Romans-sur-Isère"
    chain.territory.save()
    LabellingProfile.objects.create(territory=chain.territory, nutrition_exemption="annex_v_19")
    client.force_login(chain.actor)
    url = f"/t/romans/lots/{lot.code}/etiquettes.pdf"
    assert client.get(url)["Content-Type"] == "application/pdf"
    call_command("labels", lot.code, "--out", str(tmp_path / "blocked.pdf"), stdout=StringIO())
    lot_recall(actor=chain.actor, lot=lot, reason="Analyse défavorable")
    before = table_counts()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/t/romans/lots/{lot.code}/"
    with pytest.raises(CommandError, match="rappelé"):
        call_command("labels", lot.code, "--out", str(tmp_path / "recalled.pdf"), stdout=StringIO())
    assert not (tmp_path / "recalled.pdf").exists()
    assert table_counts() == before


def test_the_admin_cannot_release_or_distribute_a_blocked_lot(client, world):
    chain, lot, _person = world
    root = get_user_model().objects.create_superuser("root", "root@example.org", "pass-for-tests-only")
    client.force_login(root)
    before = table_counts()
    change = reverse("admin:production_productionlot_change", args=[lot.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert b'name="status"' not in page.content
    client.post(change, {"status": "released", "status_reason": "", "workshop": ""})
    assert ProductionLot.objects.get(pk=lot.pk).status == LotStatus.BLOCKED
    for name in (
        "admin:production_productionlot_add",
        "admin:distribution_distribution_add",
        "admin:distribution_distributionline_add",
        "admin:stock_stockmovement_add",
        "admin:production_heattreatmentrecord_add",
    ):
        assert client.get(reverse(name)).status_code == 403, name
        assert client.post(reverse(name), {"lot": lot.pk, "quantity": 1, "status": "released"}).status_code == 403
    assert table_counts() == before
