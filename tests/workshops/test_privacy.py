"""Personal data: consents, export (right of access), erasure (identity gone, statistics kept), retention, CLI."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from conserverie.figures.selectors import territory_figures
from conserverie.people.audit import log_participant_read
from conserverie.people.models import AccessLog, Consent, ErasureRecord, Participant
from conserverie.people.privacy import (
    consent_record,
    participant_erase,
    participant_retention_erase,
    participants_stale,
)
from conserverie.stock.services import deposit_return
from conserverie.workshops.models import Workshop
from conserverie.workshops.services import participant_create, registration_create

from ..helpers import refused, table_counts
from ..pages import add_workshops
from .test_registry import give_jars

KEYS = {
    "about",
    "identity",
    "merged_records",
    "consents",
    "registrations",
    "gleaning_outings",
    "distributions",
    "purchasing_group",
    "deposit_movements",
    "volunteer_hours",
    "access_log",
    "erasure",
    "distribution.TruckAction",  # exported as stored (people.relations finds every key to a participant)
}


@pytest.fixture
def person(chain, coordinator):
    """Rania took part in a workshop, took jars home, brought one back; staff read her file once."""
    rania = participant_create(
        territory=chain.territory,
        first_name="Rania",
        phone="06 00 00 00 77",
        email="rania@example.org",
        neighbourhood="La Monnaie",
        household_size=3,
        priority_area=True,
        consent=True,
    )
    consent_record(participant=rania, scopes=["photos"])
    add_workshops(chain, 1, registrations=0)
    workshop = Workshop.objects.get(territory=chain.territory)
    registration_create(workshop=workshop, participant=rania, walk_in=True)
    give_jars(chain, rania)
    deposit_return(actor=coordinator, location=chain.truck, jar_format=chain.jar, quantity=1, participant=rania)
    log_participant_read(
        actor=coordinator, territory=chain.territory, participants=[rania], fields=["household_size"], purpose="test"
    )
    # An earlier version with the same identity, so the history table holds it twice.
    rania.neighbourhood = "Les Ors"
    rania.save()
    return rania


def export(participant) -> dict:
    out = StringIO()
    call_command("person-export", str(participant.pk), "--json", stdout=out)
    return json.loads(out.getvalue())


def test_export_holds_everything_about_the_person(person):
    data = export(person)
    assert set(data) == KEYS
    assert data["identity"]["first_name"] == "Rania"
    assert data["identity"]["email"] == "rania@example.org"
    assert {c["scope"] for c in data["consents"]} == {"contact", "photos"}
    assert len(data["registrations"]) == 1
    assert data["registrations"][0]["attended"] is True
    assert data["distributions"][0]["jars"] == 2
    assert {m["kind"] for m in data["deposit_movements"]} == {"given", "empty_returned"}
    assert data["access_log"][0]["by"] == "coord"
    assert data["erasure"] is None


def _identity_in_history(participant) -> list:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT first_name, phone, email, neighbourhood FROM people_historicalparticipant WHERE id = %s",
            [participant.pk],
        )
        return cursor.fetchall()


def test_erase_removes_the_identity_everywhere_and_keeps_the_figures(person, chain, coordinator):
    before = territory_figures(chain.territory).as_json()
    assert any("Rania" in row for row in _identity_in_history(person))
    record = participant_erase(actor=coordinator, participant=person, reason="Demande de la personne")
    person.refresh_from_db()
    assert (person.first_name, person.phone, person.email, person.neighbourhood) == ("Anonyme", "", "", "")
    assert person.erased_at is not None
    rows = _identity_in_history(person)
    assert len(rows) >= 3
    assert all(row == ("Anonyme", "", "", "") for row in rows)
    assert not Consent.objects.filter(participant=person).exists()
    assert not AccessLog.objects.filter(participant=person).exists()
    assert AccessLog.objects.exists()
    assert record.erased_by == coordinator
    assert record.reason == "Demande de la personne"
    assert territory_figures(chain.territory).as_json() == before
    data = export(person)
    assert data["erasure"]["by"] == "coord"
    assert "Rania" not in json.dumps(data)


def test_erase_refuses_another_territory_an_animator_and_a_second_time(
    person, other_coordinator, animator, coordinator
):
    with refused(exc=PermissionDenied):
        participant_erase(actor=other_coordinator, participant=person)
    with refused(exc=PermissionDenied):
        participant_erase(actor=animator, participant=person)
    participant_erase(actor=coordinator, participant=person)
    with refused(match="déjà effacé"):
        participant_erase(actor=coordinator, participant=Participant.objects.get(pk=person.pk))


def test_person_erase_command_and_its_bad_inputs(person, coordinator, other_coordinator):
    for args, reason in [
        (["999999", "--as", "coord"], "Participant inconnu"),
        (["abc", "--as", "coord"], "invalide"),
        ([str(person.pk), "--as", "nobody"], "Compte inconnu"),
        ([str(person.pk), "--as", "coord-vercors"], "ne coordonne pas"),
    ]:
        before = table_counts()
        with pytest.raises(CommandError, match=reason):
            call_command("person-erase", *args)
        assert table_counts() == before
    out = StringIO()
    call_command("person-erase", str(person.pk), "--as", "coord", "--reason", "Demande orale", stdout=out)
    assert "effacé" in out.getvalue()
    with pytest.raises(CommandError, match="déjà effacé"):
        call_command("person-erase", str(person.pk), "--as", "coord")
    with pytest.raises(CommandError, match="Participant inconnu"):
        call_command("person-export", "999999", "--json")


def _age(participant, days):
    Participant.objects.filter(pk=participant.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_retention_dry_run_writes_nothing_and_the_real_run_anonymises_only_stale_people(person, chain):
    stale = participant_create(territory=chain.territory, first_name="Ancien", phone="06 00 00 00 11", consent=True)
    recent = participant_create(territory=chain.territory, first_name="Nouvelle", consent=True)
    _age(stale, 800)
    _age(person, 800)  # an old file, but her workshop, jars and return (June 2026) are recent
    before = table_counts()
    out = StringIO()
    call_command("retention", "--months", "24", "--dry-run", stdout=out)
    assert table_counts() == before
    expected = set(participants_stale(months=24).values_list("pk", flat=True))
    assert stale.pk in expected
    assert recent.pk not in expected
    assert person.pk not in expected
    assert f"{len(expected)} participant(s)" in out.getvalue()
    call_command("retention", "--months", "24", stdout=StringIO())
    stale.refresh_from_db()
    recent.refresh_from_db()
    assert stale.first_name == "Anonyme"
    assert stale.phone == ""
    assert recent.first_name == "Nouvelle"
    assert ErasureRecord.objects.get(participant=stale).retention is True
    assert not participants_stale(months=24).exists()


def test_retention_keeps_someone_who_took_part_recently(chain):
    old = participant_create(territory=chain.territory, first_name="Fidèle", consent=True)
    _age(old, 1000)
    add_workshops(chain, 1, registrations=0)
    workshop = Workshop.objects.get(territory=chain.territory)
    start = timezone.now() - timedelta(days=30)
    Workshop.objects.filter(pk=workshop.pk).update(starts_at=start, ends_at=start + timedelta(hours=3))
    registration_create(workshop=workshop, participant=old)
    assert participant_retention_erase(months=24) == []


def test_retention_refuses_a_zero_period():
    with pytest.raises(CommandError, match="au moins un mois"):
        call_command("retention", "--months", "0")


def test_public_signup_records_consent_scopes_and_how_heard(client, chain):
    add_workshops(chain, 1, registrations=0)
    workshop = Workshop.objects.get(territory=chain.territory)
    Workshop.objects.filter(pk=workshop.pk).update(
        starts_at=timezone.now() + timedelta(days=3), ends_at=timezone.now() + timedelta(days=3, hours=3)
    )
    page = client.get(f"/ateliers/{workshop.pk}/").content.decode()
    assert "photo" in page
    assert "Comment avez-vous connu" in page
    response = client.post(
        f"/ateliers/{workshop.pk}/",
        {
            "first_name": "Inès",
            "household_size": "2",
            "party_size": "1",
            "consent": "on",
            "surveys": "on",
            "how_heard": "market",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    participant = Participant.objects.get(first_name="Inès")
    assert participant.how_heard == "market"
    assert set(participant.consents.values_list("scope", flat=True)) == {"contact", "surveys"}
