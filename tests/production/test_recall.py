"""Recall: the service, the page (form, then the recall sheet), the CLI and the public banner."""

import csv
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from conserverie.distribution.models import Distribution
from conserverie.distribution.services import LineSpec, distribution_record
from conserverie.production.models import LotStatus, ProductionLot, Recall
from conserverie.production.services import lot_recall, lot_release, recall_withdraw
from conserverie.production.trace import recall_recovered
from conserverie.stock.models import MovementKind
from conserverie.stock.services import jars_take
from conserverie.territories.models import Role
from conserverie.workshops.services import participant_create

from ..conftest import DAY, make_user
from ..helpers import forbidden, history_user, refused
from ..pages import queries_on, text
from .scenario import KINDS, distribute, released, web


@pytest.fixture
def lot(chain):
    return released(chain, [(chain.raw, "10")])


def test_a_coordinator_recalls_a_lot_with_history_and_a_recall_record(chain, lot, coordinator):
    recall = lot_recall(actor=coordinator, lot=lot, reason="Botulisme suspecté après analyse")
    lot.refresh_from_db()
    assert lot.status == LotStatus.RECALLED
    assert "Botulisme" in lot.status_reason
    assert history_user(lot) == coordinator
    assert lot.history.first().status == LotStatus.RECALLED
    assert list(recall.lots.all()) == [lot]
    assert recall.recalled_by == coordinator
    assert recall.lot == lot
    assert recall.history.first().history_user == coordinator


def test_only_a_coordinator_recalls_and_a_refusal_writes_nothing(chain, lot, animator, other_coordinator):
    with forbidden():
        lot_recall(actor=animator, lot=lot, reason="x")
    with forbidden():
        lot_recall(actor=other_coordinator, lot=lot, reason="x")
    with refused("reason", "motif"):
        lot_recall(actor=chain.actor, lot=lot, reason="   ")
    with refused("reason", "250"):
        lot_recall(actor=chain.actor, lot=lot, reason="x" * 251)
    lot_recall(actor=chain.actor, lot=lot, reason="Couvercles bombés")
    with refused("lot", "déjà rappelé"):
        lot_recall(actor=chain.actor, lot=lot, reason="encore")


def test_include_shared_recalls_every_lot_made_with_one_of_its_raw_lots(chain):
    scene = web(chain, 5, lots=6, distributions=0)
    first_a = next(m for m in scene.made if scene.a.pk in m.raws)
    recall = lot_recall(actor=chain.actor, lot=first_a.lot, reason="Lot brut contaminé", include_sharing_raw_lots=True)
    sharing = {m.lot.pk for m in scene.made if m.raws & first_a.raws}
    assert set(recall.lots.values_list("pk", flat=True)) == sharing
    statuses = dict(ProductionLot.objects.filter(pk__in=[m.lot.pk for m in scene.made]).values_list("pk", "status"))
    assert all((status == LotStatus.RECALLED) == (pk in sharing) for pk, status in statuses.items())


def test_a_recalled_lot_can_never_be_given_sold_used_or_released_again(chain, lot):
    lot_recall(actor=chain.actor, lot=lot, reason="Analyse défavorable")
    lina = participant_create(territory=chain.territory, first_name="Lina", consent=True)
    for kind in KINDS:
        with refused("lot", "il ne peut être ni cédé, ni vendu, ni utilisé"):
            distribution_record(
                actor=chain.actor,
                territory=chain.territory,
                kind=kind,
                location=chain.truck,
                day=DAY,
                structure=chain.structure,
                partner="Épicerie solidaire",
                participant=lina if kind == Distribution.Kind.PARTICIPANT else None,
                lines=[LineSpec(lot, chain.jar, 1)],
            )
    with refused("lot"):
        jars_take(
            actor=chain.actor, location=chain.truck, lot=lot, jar_format=chain.jar, quantity=1, kind=MovementKind.SOLD
        )
    with refused(None, "ne peut pas être libéré"):
        lot_release(actor=chain.actor, lot=lot, reason="oups")


def test_jars_pulled_off_the_shelves_count_as_recovered(chain, lot):
    recall = lot_recall(actor=chain.actor, lot=lot, reason="Analyse défavorable")
    recall_withdraw(actor=chain.actor, recall=recall, lot=lot, jar_format=chain.jar, location=chain.truck, quantity=4)
    assert recall_recovered(recall) == 4
    other = released(chain, [(chain.raw, "10")])
    with refused("lot", "ne fait pas partie"):
        recall_withdraw(
            actor=chain.actor, recall=recall, lot=other, jar_format=chain.jar, location=chain.truck, quantity=1
        )


# The page.


def recall_url(lot):
    return f"/t/romans/lots/{lot.code}/rappel/"


def test_coordinator_recalls_from_the_page_and_reads_the_recall_sheet(client, chain, lot, coordinator):
    distribute(chain, lot, Distribution.Kind.PARTICIPANT, quantity=2, name="Nadia")
    distribute(chain, lot, Distribution.Kind.INTERNAL, quantity=3)
    client.force_login(coordinator)
    form = text(client.get(recall_url(lot)))
    assert "Rappeler le lot" in form
    assert "Motif du rappel" in form
    assert client.post(recall_url(lot), {"reason": ""}).status_code == 422
    response = client.post(
        recall_url(lot), {"reason": "Couvercles bombés signalés", "scope": "recall", "hazard": "microbiological"}
    )
    assert response.status_code == 302
    assert response["Location"] == recall_url(lot)
    page = text(client.get(recall_url(lot)))
    assert "Fiche de rappel du lot" in page
    assert "Couvercles bombés signalés" in page
    assert "Nadia" in page
    assert "06 12 34 56 78" in page
    assert "nadia@example.org" in page
    assert chain.structure.name in page
    assert "Camion Romans" in page
    assert "25" in page
    assert Recall.objects.get().lot == lot


def test_withdrawing_from_the_sheet_records_a_discard_and_counts_it(client, chain, lot, animator):
    recall = lot_recall(actor=chain.actor, lot=lot, reason="Analyse défavorable")
    client.force_login(animator)
    data = {"location": chain.truck.pk, "jar_format": chain.jar.pk}
    response = client.post(f"/t/romans/lots/{lot.code}/rappel/retrait/", data)
    assert response.status_code == 302
    page = text(client.get(recall_url(lot)))
    assert "Plus aucun bocal de ces lots en stock." in page
    assert recall_recovered(recall) == 30


def test_an_animator_reads_the_sheet_but_cannot_recall(client, chain, lot, animator):
    client.force_login(animator)
    assert "Seules la coordination" in text(client.get(recall_url(lot)))
    assert client.post(recall_url(lot), {"reason": "x", "scope": "recall", "hazard": "other"}).status_code == 403
    assert ProductionLot.objects.get(pk=lot.pk).status == LotStatus.RELEASED
    distribute(chain, lot, Distribution.Kind.PARTICIPANT, name="Nadia")
    lot_recall(actor=chain.actor, lot=lot, reason="Analyse défavorable")
    assert "06 12 34 56 78" in text(client.get(recall_url(lot)))


def test_a_viewer_or_another_territory_never_sees_the_contact_list(client, chain, lot, viewer, other_coordinator):
    distribute(chain, lot, Distribution.Kind.PARTICIPANT, name="Nadia")
    lot_recall(actor=chain.actor, lot=lot, reason="Analyse défavorable")
    for user in (viewer, other_coordinator, make_user("benevole", chain.territory, Role.VOLUNTEER)):
        client.force_login(user)
        response = client.get(recall_url(lot))
        assert response.status_code == 404
        assert "Nadia" not in text(response)


def test_recall_sheet_queries_do_not_grow_with_the_data(client, chain, coordinator):
    client.force_login(coordinator)
    counts = []
    for seed, lots, distributions in ((21, 2, 3), (22, 6, 18)):
        scene = web(chain, seed, lots=lots, distributions=distributions)
        target = next(m for m in scene.made if scene.a.pk in m.raws).lot
        lot_recall(actor=chain.actor, lot=target, reason="Analyse", include_sharing_raw_lots=True)
        counts.append(queries_on(client, recall_url(target)))
    assert counts[0] == counts[1], counts


def test_recall_form_queries_do_not_grow_with_the_lots_sharing_a_raw_lot(client, chain, coordinator):
    client.force_login(coordinator)
    counts = []
    for seed, lots in ((31, 2), (32, 8)):
        scene = web(chain, seed, lots=lots, distributions=0)
        counts.append(queries_on(client, recall_url(scene.made[0].lot)))
    assert counts[0] == counts[1], counts


# The command line.


def test_recall_command_writes_the_contact_list(chain, lot, tmp_path):
    distribute(chain, lot, Distribution.Kind.PARTICIPANT, quantity=2, name="Nadia")
    distribute(chain, lot, Distribution.Kind.PARTNER, quantity=1)
    out, path = StringIO(), tmp_path / "contacts.csv"
    call_command("recall", lot.code, "--reason", "Analyse défavorable", "--csv", str(path), "--as", "coord", stdout=out)
    assert f"Lot {lot.code} rappelé" in out.getvalue()
    assert "Camion Romans : 27" in out.getvalue()
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig"), delimiter=";"))  # French format (issue 17)
    assert [(r["nom"], r["telephone"], r["bocaux"]) for r in rows] == [
        ("Nadia", "06 12 34 56 78", "2"),
        ("Restos du Cœur", "", "1"),
    ]
    assert ProductionLot.objects.get(pk=lot.pk).status == LotStatus.RECALLED


def test_recall_command_json_and_shared_lots(chain, lot):
    sibling = released(chain, [(chain.raw, "10")])
    out = StringIO()
    call_command("recall", lot.code, "--reason", "Lot brut contaminé", "--include-shared", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert sorted(data["lots"]) == sorted([lot.code, sibling.code])
    assert data["jars_in_stock"] == 60
    assert "Nadia" not in out.getvalue()  # no personal data on standard output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["NOPE-1", "--reason", "x"], "Lot inconnu"),
        (["{code}", "--reason", " "], "motif"),
        (["{code}", "--reason", "x", "--as", "personne"], "Utilisateur inconnu"),
        (["{code}", "--reason", "x", "--as", "anim"], "n'est pas coordinatrice"),
        (["{code}", "--reason", "x", "--csv", "/nonexistent/dir/c.csv"], "Dossier introuvable"),
    ],
)
def test_recall_command_refuses_bad_input_with_one_line(chain, lot, animator, args, message):
    with pytest.raises(CommandError, match=message) as info:
        call_command("recall", *[a.format(code=lot.code) for a in args], stdout=StringIO())
    assert "\n" not in str(info.value)
    assert ProductionLot.objects.get(pk=lot.pk).status == LotStatus.RELEASED


def test_recall_command_refuses_an_already_recalled_lot(chain, lot):
    lot_recall(actor=chain.actor, lot=lot, reason="Analyse")
    with pytest.raises(CommandError, match="déjà rappelé"):
        call_command("recall", lot.code, "--reason", "encore", stdout=StringIO())
    assert Recall.objects.count() == 1


def test_public_page_of_a_recalled_lot_says_do_not_eat(client, chain, lot):
    assert "Rappel — ne pas consommer" not in text(client.get(f"/l/{lot.code}/"))
    lot_recall(actor=chain.actor, lot=lot, reason="Analyse défavorable (interne)")
    page = text(client.get(f"/l/{lot.code}/"))
    assert "Rappel — ne pas consommer" in page
    assert "Rapportez-le fermé" in page
    assert "interne" not in page  # the internal reason stays inside


def test_contact_list_downloads_as_csv_for_staff_only(client, chain, lot, animator, viewer):
    distribute(chain, lot, Distribution.Kind.PARTICIPANT, quantity=2, name="Nadia")
    url = f"/t/romans/lots/{lot.code}/rappel/contacts.csv"
    client.force_login(animator)
    assert client.get(url).status_code == 404  # no recall yet
    lot_recall(actor=chain.actor, lot=lot, reason="Analyse défavorable")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())  # a BOM: French Excel reads the accents
    rows = list(csv.DictReader(StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [(r["nom"], r["telephone"], r["bocaux"]) for r in rows] == [("Nadia", "06 12 34 56 78", "2")]
    client.force_login(viewer)
    assert client.get(url).status_code == 404
