"""The truck offline, on the server's side: the tablet's queue sent in order, once whatever the number of sendings,
a refused act kept with its reason and shown on the page (docs/architecture.md §7, "The truck offline")."""

import json
import uuid
from decimal import Decimal

import pytest

from conserverie.distribution.models import Distribution, TruckAction
from conserverie.people.models import Participant
from conserverie.production.models import HeatTreatmentRecord
from conserverie.production.services import TreatmentReading, lot_record
from conserverie.stock.models import MovementKind, StockMovement
from conserverie.workshops.models import Registration
from conserverie.workshops.services import registration_create

from ..conftest import DAY
from ..pages import add_lots, row_counts, text
from ..workshops.public_data import future_workshop, person


@pytest.fixture
def staff_client(client, animator):
    client.force_login(animator)
    return client


@pytest.fixture
def workshop(chain):
    return future_workshop(chain, capacity=6)


def sync_url(workshop, slug="romans"):
    return f"/t/{slug}/ateliers/{workshop.pk}/camion/envoi/"


def send(client, workshop, actions, slug="romans"):
    return client.post(sync_url(workshop, slug), json.dumps({"actions": actions}), content_type="application/json")


def act(kind, at="2026-06-10T14:05:00+02:00", **data):
    return {"id": str(uuid.uuid4()), "kind": kind, "at": at, "data": data}


def released_lot(chain, jars):
    (lot,) = add_lots(chain, 1, jars=jars, release=True)
    return lot


def test_a_day_of_acts_sent_twice_is_recorded_once(staff_client, chain, workshop):
    amina = registration_create(workshop=workshop, participant=person(chain, "Amina"))
    lot = released_lot(chain, jars=5)
    walk_in = act("walk_in", first_name="Karim", household_size="3", neighbourhood="Les Ors")
    queue = [
        act("checkin", registration=amina.pk, attended=True),
        walk_in,
        # Karim was noted on the tablet a minute ago: his jars name the walk-in's act, in the same sending.
        act("give", who=f"w:{walk_in['id']}", line=f"{lot.pk}-{chain.jar.pk}", quantity="2", location=chain.truck.pk),
        act("give", who=f"p:{amina.participant_id}", lot=lot.pk, jar_format=chain.jar.pk, quantity=1),
        act("empties", who=f"p:{amina.participant_id}", jar_format=chain.jar.pk, quantity="3", keep_as_credit=True),
    ]
    response = send(staff_client, workshop, queue)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["done"] * 5, results
    assert [r["id"] for r in results] == [a["id"] for a in queue]

    after_first = row_counts()
    # The answer was lost on the way back: the tablet sends the same queue again. Nothing is done twice.
    again = send(staff_client, workshop, queue).json()["results"]
    assert [(r["status"], r["replayed"]) for r in again] == [("done", True)] * 5
    assert row_counts() == after_first

    amina.refresh_from_db()
    assert amina.attended
    karim = Registration.objects.get(participant__first_name="Karim")
    assert (karim.walk_in, karim.attended, karim.participant.household_size) == (True, True, 3)
    gifts = Distribution.objects.filter(workshop=workshop).order_by("id")
    assert [(d.participant.first_name, d.lines.get().quantity) for d in gifts] == [("Karim", 2), ("Amina", 1)]
    given = StockMovement.objects.filter(lot=lot, kind=MovementKind.GIVEN)
    assert sorted(m.quantity for m in given) == [-2, -1]
    returned = StockMovement.objects.get(kind=MovementKind.EMPTY_RETURNED)
    assert (returned.quantity, returned.participant.first_name, returned.amount_eur) == (3, "Amina", Decimal("0"))
    # The tablet's clock dates the acts, not the moment of sending.
    assert {d.date.isoformat() for d in gifts} == {"2026-06-10"}
    # No first name in the stored request: it lives on the participant, whom erasure reaches.
    stored = TruckAction.objects.get(client_id=walk_in["id"])
    assert stored.payload == {"household_size": 3}
    assert "Karim" not in json.dumps(list(TruckAction.objects.values_list("payload", flat=True)))


def test_the_last_jar_given_by_two_tablets_one_kept_one_refused_both_shown(staff_client, chain, workshop):
    amina = registration_create(workshop=workshop, participant=person(chain, "Amina"))
    bernard = registration_create(workshop=workshop, participant=person(chain, "Bernard"))
    lot = released_lot(chain, jars=1)
    line = f"{lot.pk}-{chain.jar.pk}"
    first = act("give", who=f"p:{amina.participant_id}", line=line, quantity=1)
    second = act("give", who=f"p:{bernard.participant_id}", line=line, quantity=1)
    assert send(staff_client, workshop, [first]).json()["results"][0]["status"] == "done"
    refused = send(staff_client, workshop, [second]).json()["results"][0]
    assert refused["status"] == "refused"
    assert "Stock insuffisant" in refused["message"] or "bocal" in refused["message"], refused
    assert Distribution.objects.get().participant == amina.participant
    assert StockMovement.objects.filter(kind=MovementKind.GIVEN).count() == 1

    kept, lost = TruckAction.objects.get(client_id=first["id"]), TruckAction.objects.get(client_id=second["id"])
    assert (kept.status, lost.status, lost.participant) == ("done", "refused", bernard.participant)
    page = text(staff_client.get(f"/t/romans/ateliers/{workshop.pk}/camion/"))
    assert 'data-testid="truck-refused"' in page
    assert page.count('data-testid="truck-act"') == 2
    assert 'data-status="refused"' in page
    assert 'data-status="done"' in page
    assert refused["message"] in page
    # Sent again, the refused act stays refused: it is not tried a second time behind the animator's back.
    assert send(staff_client, workshop, [second]).json()["results"][0] == {**refused, "replayed": True}


def test_the_lot_readings_of_the_workshop(staff_client, chain, workshop):
    lot = lot_record(
        actor=chain.actor,
        territory=chain.territory,
        recipe=chain.recipe,
        produced_on=DAY,
        location=chain.truck,
        raw_inputs=[(chain.raw, Decimal("10"))],
        outputs={chain.jar: 10},
        workshop=workshop,
        batches=2,
        treatments=[TreatmentReading(chain.jar, Decimal("110"), 45, batch=1)],
    )
    other_lot = released_lot(chain, jars=2)  # not made at this workshop
    results = send(
        staff_client,
        workshop,
        [
            act("reading", lot=lot.pk, jar_format=chain.jar.pk, temperature_c="108,5", minutes="45", ph="4.1"),
            act("reading", lot=other_lot.pk, jar_format=chain.jar.pk, temperature_c="110", minutes="45"),
        ],
    ).json()["results"]
    assert [r["status"] for r in results] == ["done", "refused"]
    assert results[1]["message"] == "Ce lot n'est pas un lot de cet atelier."
    reading = HeatTreatmentRecord.objects.filter(lot=lot).order_by("-id").first()
    assert (reading.temperature_c, reading.minutes, reading.within_limits) == (Decimal("108.5"), 45, False)
    lot.refresh_from_db()
    assert (lot.ph_measured, lot.status) == (Decimal("4.1"), "non_conforming")


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (act("checkin", registration=999999), "Inscription introuvable pour cet atelier."),
        (act("walk_in", first_name="  ", household_size="2"), "Indiquez le prénom de la personne."),
        (act("walk_in", first_name="Léa", household_size="0"), "Le foyer compte de 1 à 20 personnes."),
        (act("give", who="", lot=1, jar_format=1, quantity=1), "Choisissez la personne qui emporte les bocaux."),
        (act("give", who="w:" + str(uuid.uuid4()), quantity=1), "n'a pas été enregistrée"),
        (act("empties", jar_format="abc", quantity=1), "Format manquant ou illisible."),
        (act("teleport"), "Acte inconnu : ignoré."),
        ({"id": "not-a-uuid", "kind": "checkin", "data": {}}, "Acte sans identifiant lisible : ignoré."),
    ],
)
def test_a_bad_act_is_refused_with_its_reason_and_writes_nothing_else(staff_client, chain, workshop, action, message):
    before = row_counts()
    (result,) = send(staff_client, workshop, [action]).json()["results"]
    assert result["status"] == "refused"
    assert message in result["message"]
    after = row_counts()
    stored = after.pop("distribution.TruckAction") - before.pop("distribution.TruckAction")
    assert stored <= 1  # the refusal itself, when the act had a readable id and kind
    assert after == before


@pytest.mark.parametrize("body", ["not json", json.dumps({"actions": "x"}), json.dumps([1, 2])])
def test_an_unreadable_sending_is_refused_whole(staff_client, workshop, body):
    before = row_counts()
    response = staff_client.post(sync_url(workshop), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]
    assert row_counts() == before


def test_territories_stay_apart(client, chain, workshop, other_chain, other_coordinator, viewer):
    ours = registration_create(workshop=workshop, participant=person(chain, "Amina"))
    theirs_workshop = future_workshop(other_chain)
    theirs = registration_create(workshop=theirs_workshop, participant=person(other_chain, "Zoé"))
    their_lot = released_lot(other_chain, jars=3)
    before = row_counts()
    # Another territory's coordinator and a viewer do not reach our sending point.
    for user in (other_coordinator, viewer):
        client.force_login(user)
        assert send(client, workshop, [act("checkin", registration=ours.pk)]).status_code == 404
        assert send(client, workshop, [act("checkin", registration=ours.pk)], slug="vercors").status_code == 404
    assert row_counts() == before
    # Their coordinator, on their own workshop, cannot name our registration; ours cannot name their lot.
    client.force_login(other_coordinator)
    results = send(client, theirs_workshop, [act("checkin", registration=ours.pk)], slug="vercors").json()["results"]
    assert results[0]["status"] == "refused"
    client.force_login(chain.actor)
    results = send(
        client,
        workshop,
        [act("give", who=f"p:{ours.participant_id}", lot=their_lot.pk, jar_format=chain.jar.pk, quantity=1)],
    ).json()["results"]
    assert (results[0]["status"], results[0]["message"]) == ("refused", "Lot introuvable.")
    # An act id already used on another workshop is not replayed here.
    used = act("checkin", registration=theirs.pk)
    client.force_login(other_coordinator)
    send(client, theirs_workshop, [used], slug="vercors")
    client.force_login(chain.actor)
    replay = send(client, workshop, [used]).json()["results"][0]
    assert (replay["status"], replay["message"]) == ("refused", "Cet identifiant appartient à un autre atelier.")
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert (ours.attended, theirs.attended) == (False, True)
    assert Participant.objects.filter(first_name="Amina").count() == 1


def test_the_forms_work_without_javascript(staff_client, chain, workshop):
    amina = registration_create(workshop=workshop, participant=person(chain, "Amina"))
    lot = released_lot(chain, jars=4)
    page = text(staff_client.get(f"/t/romans/ateliers/{workshop.pk}/camion/"))
    assert f'value="{lot.pk}-{chain.jar.pk}"' in page
    assert "Coulis de tomate" in page  # the recipe beside the lot code in the truck's stock
    form = {
        "kind": "give",
        "id": str(uuid.uuid4()),
        "who": f"p:{amina.participant_id}",
        "line": f"{lot.pk}-{chain.jar.pk}",
        "quantity": "2",
        "location": str(chain.truck.pk),
    }
    response = staff_client.post(sync_url(workshop), form)
    assert response.status_code == 302
    staff_client.post(sync_url(workshop), form)  # the button pressed twice: the page's id makes it one gift
    assert Distribution.objects.get().lines.get().quantity == 2
    follow = text(staff_client.get(f"/t/romans/ateliers/{workshop.pk}/camion/"))
    assert f'data-stock="{lot.pk}-{chain.jar.pk}" data-jars="2">2<' in follow


def test_the_worker_and_the_manifest(staff_client, workshop):
    worker = staff_client.get("/sw.js")
    assert worker.status_code == 200
    assert worker["Content-Type"].startswith("text/javascript")
    assert worker["Service-Worker-Allowed"] == "/"
    assert "/camion" in worker.content.decode() or "camion" in worker.content.decode()
    manifest = staff_client.get(f"/t/romans/ateliers/{workshop.pk}/camion/manifest.webmanifest").json()
    assert manifest["start_url"] == f"/t/romans/ateliers/{workshop.pk}/camion/"
    assert manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert staff_client.get(icon["src"]).status_code == 200
