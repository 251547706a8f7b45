"""`conserverie reminders`: the day before, one short message per confirmed registration, never twice."""

import json
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from conserverie.core import sms
from conserverie.workshops.models import Registration
from conserverie.workshops.services import participant_create, registration_cancel, registration_create, workshop_open

from ..conftest import aware
from ..helpers import table_counts

DAY = date(2026, 6, 16)  # a Tuesday: the workshops of the 17th are "tomorrow"
TOMORROW = DAY + timedelta(days=1)


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.SMS_BACKEND = "conserverie.core.sms.MemoryBackend"
    settings.SITE_URL = "https://conserverie.example.org"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def workshop(romans, animator):
    romans.site.name = "place du Chapitre"
    romans.site.save()
    return workshop_open(
        actor=animator,
        territory=romans.territory,
        title="Atelier confitures",
        site=romans.site,
        structure=romans.structure,
        starts_at=aware(TOMORROW, 14),
        ends_at=aware(TOMORROW, 17),
        capacity=2,
    )


def person(romans, name, reminders=True, **contact):
    return participant_create(territory=romans.territory, first_name=name, consent=True, reminders=reminders, **contact)


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("reminders", *args, stdout=out)
    return out.getvalue()


def test_confirmed_registrations_get_a_short_french_reminder_by_sms_and_email(romans, workshop, sms_outbox):
    both = registration_create(
        workshop=workshop, participant=person(romans, "Aïcha", phone="0601020304", email="a@example.org")
    )
    out = run("--date", TOMORROW.isoformat())
    assert "1 rappel(s) envoyés pour les ateliers du 17/06/2026" in out
    (text,) = [m.text for m in sms_outbox]
    link = f"https://conserverie.example.org/ateliers/annuler/{both.token}/"
    assert text.startswith("Mercredi 17 juin 14h, atelier confitures, place du Chapitre, Romans.")
    assert "Apportez un tablier et vos bocaux vides." in text
    assert text.endswith(f"Pour annuler : {link}")
    (email,) = mail.outbox
    assert email.to == ["a@example.org"]
    assert "Bonjour Aïcha" in email.body
    assert link in email.body
    both.refresh_from_db()
    assert both.reminded_at is not None


def test_demain_when_run_the_day_before(romans, workshop, sms_outbox, clock):
    registration_create(workshop=workshop, participant=person(romans, "Aïcha", phone="0601020304"))
    clock(DAY)
    run()
    assert sms_outbox[0].text.startswith("Demain 14h, atelier confitures, place du Chapitre, Romans.")


def test_never_twice_for_the_same_registration(romans, workshop, sms_outbox):
    registration_create(workshop=workshop, participant=person(romans, "Aïcha", phone="0601020304"))
    run("--date", TOMORROW.isoformat())
    run("--date", TOMORROW.isoformat())
    assert len(sms_outbox) == 1


def test_dry_run_sends_and_writes_nothing(romans, workshop, sms_outbox):
    registration_create(workshop=workshop, participant=person(romans, "Aïcha", phone="0601020304"))
    before = table_counts()
    out = run("--date", TOMORROW.isoformat(), "--dry-run")
    assert "1 rappel(s) seraient envoyés" in out
    assert "Rien n'a été envoyé" in out
    assert table_counts() == before
    assert sms_outbox == []
    assert mail.outbox == []
    assert Registration.objects.get().reminded_at is None


def test_no_reminder_to_waiting_cancelled_unwilling_or_unreachable_people(romans, workshop, sms_outbox):
    registration_create(workshop=workshop, participant=person(romans, "Aïcha", phone="0601020304"), party_size=2)
    waiting = registration_create(workshop=workshop, participant=person(romans, "Bruno", phone="0602020304"))
    assert waiting.status == Registration.Status.WAITING
    gone = registration_create(workshop=workshop, participant=person(romans, "Chloé", email="c@example.org"))
    registration_cancel(registration=gone)  # frees nothing: Chloé was waiting too
    registration_create(workshop=workshop, participant=person(romans, "Driss", reminders=False, phone="0604020304"))
    registration_create(workshop=workshop, participant=person(romans, "Emma"))
    out = json.loads(run("--date", TOMORROW.isoformat(), "--json"))
    assert [m.to for m in sms_outbox] == ["+33601020304"]
    assert mail.outbox == []
    assert len(out["rows"]) == 1
    assert out["rows"][0]["channels"] == ["sms"]


def test_no_reminder_for_a_cancelled_workshop_or_another_day(romans, workshop, animator, sms_outbox):
    from conserverie.workshops.services import workshop_cancel

    registration_create(workshop=workshop, participant=person(romans, "Aïcha", phone="0601020304"))
    run("--date", DAY.isoformat())
    assert sms_outbox == []
    workshop_cancel(actor=animator, workshop=workshop, reason="Pluie")
    sms_outbox.clear()
    run("--date", TOMORROW.isoformat())
    assert sms_outbox == []


def test_a_bad_date_is_refused_in_one_line(db):
    with pytest.raises(CommandError, match="Date invalide"):
        run("--date", "17/06/2026")


def test_send_sms_with_the_console_backend_prints_and_keeps(settings, capsys):
    settings.SMS_BACKEND = "conserverie.core.sms.ConsoleBackend"
    assert sms.send_sms("0601020304", "Bonjour") == 1
    assert "SMS à 0601020304" in capsys.readouterr().out
    assert sms.outbox[-1] == sms.SmsMessage("0601020304", "Bonjour")
    assert sms.send_sms("", "Personne") == 0
