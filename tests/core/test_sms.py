"""Messages that are really sent (issue 17, item 7): the Brevo SMS adapter (its transport mocked, never called for
real), the console backend refused when DEBUG is off, reminders marked sent only on the provider's acceptance,
failures retried with backoff then listed for the coordinator, and no phone number or personal link in the log."""

import json
import logging
import smtplib
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from conserverie.core import sms
from conserverie.core.checks import check_sms_backend
from conserverie.gleaning.services import outing_registration_remind
from conserverie.people.models import REMINDER_ATTEMPTS
from conserverie.workshops.models import Registration
from conserverie.workshops.services import registration_create, registration_remind

from ..pages import assert_flat_queries, text
from ..sourcing.gleaning_data import make_outing, sign_up
from ..workshops.public_data import future_workshop, person

BREVO = "conserverie.core.sms.BrevoBackend"
PHONE, PHONE_E164 = "06 11 22 33 44", "+33611223344"


@pytest.fixture
def brevo(settings):
    """The Brevo backend with a key; `post_json` replaced: the test says what the provider answers."""
    settings.SMS_BACKEND = BREVO
    settings.SMS_API_KEY = "test-key-not-a-secret"
    settings.SMS_SENDER = "Conserverie"
    settings.SMS_API_URL = "https://api.brevo.com/v3/transactionalSMS/sms"
    with mock.patch("conserverie.core.sms.post_json") as post:
        post.return_value = (201, json.dumps({"reference": "ab1", "messageId": 1511882900176220}).encode())
        yield post


def answer(post, status=201, body=None, error=None):
    post.side_effect = error
    post.return_value = (status, json.dumps(body if body is not None else {"messageId": 42}).encode())


# --- The adapter -----------------------------------------------------------------------------------------------


def test_brevo_gets_the_documented_request_and_a_message_id_is_an_acceptance(brevo):
    assert sms.send_sms(PHONE_E164, "Demain 14h, atelier confitures.") == 1
    (url, headers, payload, timeout), _kw = brevo.call_args
    assert url == "https://api.brevo.com/v3/transactionalSMS/sms"
    assert headers["api-key"] == "test-key-not-a-secret"
    assert payload == {
        "sender": "Conserverie",
        "recipient": "33611223344",  # international, without "+"
        "content": "Demain 14h, atelier confitures.",
        "type": "transactional",
        "unicodeEnabled": False,
    }
    assert 0 < timeout <= 30
    sms.send_sms(PHONE_E164, "Rappel : demain à 9h30, glanage à la ferme.")
    assert brevo.call_args[0][2]["unicodeEnabled"] is True  # accents


@pytest.mark.parametrize(
    ("status", "body", "error", "reason"),
    [
        (500, {}, None, "http-500"),
        (400, {"code": "invalid_parameter", "message": "recipient +33611223344 invalid"}, None, "http-400"),
        (201, {"reference": "x"}, None, "no-message-id"),
        (201, None, None, "no-message-id"),
        (0, None, OSError("timed out"), "network"),
    ],
)
def test_anything_but_an_acceptance_is_a_failure(brevo, status, body, error, reason):
    answer(brevo, status, body if body is not None else [], error)
    with pytest.raises(sms.SmsError) as failure:
        sms.send_sms(PHONE_E164, "x")
    assert failure.value.reason == reason
    assert sms.send_sms(PHONE_E164, "x", fail_silently=True) == 0


def test_no_key_sends_nothing(brevo, settings):
    settings.SMS_API_KEY = ""
    with pytest.raises(sms.SmsError, match="not-configured"):
        sms.send_sms(PHONE_E164, "x")
    brevo.assert_not_called()


# --- The system check -----------------------------------------------------------------------------------------


def test_the_console_backend_is_refused_when_debug_is_off(settings):
    settings.SMS_BACKEND = "conserverie.core.sms.ConsoleBackend"
    settings.DEBUG = False
    (error,) = check_sms_backend()
    assert error.id == "conserverie.E002"
    assert error.is_serious()
    settings.DEBUG = True
    assert check_sms_backend() == []


def test_the_check_stops_the_commands(settings):
    settings.SMS_BACKEND = "conserverie.core.sms.ConsoleBackend"
    settings.DEBUG = False
    from django.core.management.base import SystemCheckError

    with pytest.raises(SystemCheckError, match="conserverie.E002"):
        call_command("check")


def test_the_provider_without_a_key_is_a_warning_and_a_typo_an_error(settings):
    settings.DEBUG = False
    settings.SMS_BACKEND, settings.SMS_API_KEY = BREVO, ""
    (warning,) = check_sms_backend()
    assert (warning.id, warning.is_serious()) == ("conserverie.W002", False)
    settings.SMS_API_KEY = "k"
    assert check_sms_backend() == []
    settings.SMS_BACKEND = "conserverie.core.sms.NoSuchBackend"
    assert [e.id for e in check_sms_backend()] == ["conserverie.E003"]


# --- Reminders: sent only on acceptance, retried with backoff, then listed -------------------------------------


@pytest.fixture
def booked(chain):
    workshop = future_workshop(chain, days=1)
    return registration_create(workshop=workshop, participant=person(chain, "Aïcha", phone=PHONE, reminders=True))


def test_a_refused_reminder_is_not_marked_sent_and_is_retried_later_then_given_up(brevo, booked, time_machine):
    answer(brevo, 503, {})
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    assert registration_remind(registration=booked) == []
    booked.refresh_from_db()
    assert booked.reminded_at is None
    assert (booked.reminder_attempts, booked.reminder_error) == (1, "sms-http-503")
    assert booked.reminder_retry_at == start + timedelta(minutes=30)
    assert not Registration.objects.to_remind().filter(pk=booked.pk).exists()  # not before its time
    waits = [30]
    for attempt in range(2, REMINDER_ATTEMPTS + 1):
        time_machine.move_to(booked.reminder_retry_at, tick=False)
        assert Registration.objects.to_remind().filter(pk=booked.pk).exists()
        registration_remind(registration=booked)
        previous = booked.reminder_retry_at
        booked.refresh_from_db()
        assert booked.reminder_attempts == attempt
        if booked.reminder_retry_at:
            waits.append((booked.reminder_retry_at - previous).total_seconds() / 60)
    assert waits == sorted(waits)
    assert len(set(waits)) == len(waits)
    assert booked.reminder_retry_at is None  # given up
    assert brevo.call_count == REMINDER_ATTEMPTS
    time_machine.move_to(start + timedelta(days=1), tick=False)
    assert not Registration.objects.to_remind().filter(pk=booked.pk).exists()
    assert registration_remind(registration=booked) == []
    assert brevo.call_count == REMINDER_ATTEMPTS  # bounded


def test_an_accepted_retry_marks_it_sent_once(brevo, booked, time_machine):
    answer(brevo, 0, None, OSError("unreachable"))
    registration_remind(registration=booked)
    booked.refresh_from_db()
    time_machine.move_to(booked.reminder_retry_at, tick=False)
    answer(brevo)
    assert registration_remind(registration=booked) == ["sms"]
    booked.refresh_from_db()
    assert booked.reminded_at is not None
    assert registration_remind(registration=booked) == []
    assert brevo.call_count == 2
    assert not Registration.objects.reminder_failed().filter(pk=booked.pk).exists()


def test_the_reminders_command_says_how_many_failed(brevo, booked):
    answer(brevo, 502, {})
    out = StringIO()
    day = timezone.localtime(booked.workshop.starts_at).date()
    call_command("reminders", "--date", day.isoformat(), stdout=out)
    assert "0 rappel(s) envoyés" in out.getvalue()
    assert "1 rappel(s) non acceptés par le fournisseur" in out.getvalue()


# --- No phone number, no personal link in the log -------------------------------------------------------------


def test_no_phone_nor_link_in_the_log_whatever_fails(brevo, chain, caplog, settings, mailoutbox):
    caplog.set_level(logging.DEBUG)
    workshop = future_workshop(chain, days=1)
    outing = make_outing(chain, days=1)
    rows = [
        registration_create(
            workshop=workshop,
            participant=person(chain, "Aïcha", phone=PHONE, email="aicha@example.org", reminders=True),
        ),
        sign_up(outing, chain, "Karim", phone="07 55 44 33 22", reminders=True),
    ]
    failures = [
        (500, {"message": f"bad recipient {PHONE_E164}"}, None),
        (201, {}, None),
        (0, None, OSError(f"connection refused for {PHONE_E164}")),
        (201, {"messageId": 7}, None),
    ]
    refused = smtplib.SMTPRecipientsRefused({"aicha@example.org": (550, b"no such user aicha@example.org")})
    with mock.patch("conserverie.workshops.notify.send_mail", side_effect=refused):
        for status, body, error in failures:
            answer(brevo, status, body if body is not None else [], error)
            for row in rows:
                type(row).objects.filter(pk=row.pk).update(reminder_retry_at=None, reminder_attempts=0)
                remind = registration_remind if isinstance(row, Registration) else outing_registration_remind
                remind(registration=row)
    assert "SMS not" in caplog.text  # the failures are logged…
    logged = caplog.text + "".join(str(r.args) + (r.exc_text or "") for r in caplog.records)
    for row in rows:
        row.refresh_from_db()
        assert row.token not in logged  # …without the personal link
    for secret in ("0611223344", "611223344", "755443322", "aicha@example.org", "/annuler/"):
        assert secret not in logged, secret


def test_the_confirmation_email_failure_logs_no_address(client, chain, caplog):
    caplog.set_level(logging.DEBUG)
    workshop = future_workshop(chain, capacity=10)
    data = {
        "first_name": "Nadia",
        "phone": PHONE,
        "email": "nadia@example.org",
        "neighbourhood": "La Monnaie",
        "household_size": "2",
        "party_size": "1",
        "consent": "on",
        "website": "",
    }
    refused = smtplib.SMTPRecipientsRefused({"nadia@example.org": (550, b"unknown nadia@example.org")})
    with mock.patch("conserverie.people.signup_views.send_mail", side_effect=refused):
        assert client.post(f"/ateliers/{workshop.pk}/", data).status_code == 302
    assert "confirmation e-mail not sent" in caplog.text
    logged = caplog.text + "".join(str(r.args) + (r.exc_text or "") for r in caplog.records)
    assert "nadia@example.org" not in logged
    assert "611223344" not in logged


# --- The coordinator's list -----------------------------------------------------------------------------------


def failed(registration, attempts=1, error="sms-http-503"):
    type(registration).objects.filter(pk=registration.pk).update(
        reminder_attempts=attempts,
        reminder_error=error,
        reminder_retry_at=None if attempts >= REMINDER_ATTEMPTS else timezone.now() + timedelta(minutes=30),
    )


def test_the_failed_messages_page_lists_this_territory_s_with_constant_queries(
    client, chain, other_chain, coordinator, django_assert_num_queries
):
    client.force_login(coordinator)
    url = "/t/romans/participants/messages-non-envoyes/"
    page = text(client.get(url))
    assert "Aucun message en échec" in page
    workshop = future_workshop(chain, days=2, capacity=50)
    outing = make_outing(chain, days=2, capacity=50)
    theirs = future_workshop(other_chain, days=2)
    failed(registration_create(workshop=theirs, participant=person(other_chain, "Zoé", phone="0622334455")))
    sent = registration_create(workshop=workshop, participant=person(chain, "Sent", phone="0612121212"))
    Registration.objects.filter(pk=sent.pk).update(reminded_at=timezone.now())
    counter = iter(range(1000))

    def grow(n):
        for _ in range(n):
            i = next(counter)
            failed(registration_create(workshop=workshop, participant=person(chain, f"W{i}", phone=f"0612345{i:03}")))
            failed(sign_up(outing, chain, f"G{i}", phone=f"0755123{i:03}"), attempts=REMINDER_ATTEMPTS)

    assert_flat_queries(client, url, grow, django_assert_num_queries, n=2)
    page = text(client.get(url))
    assert "W0" in page
    assert "G0" in page
    assert "06 12 34 50 00" in page  # the number to call
    assert "sms-http-503" in page
    assert "Abandonné : à appeler" in page
    assert "Nouvel essai après" in page
    assert "Zoé" not in page
    assert "Sent" not in page
