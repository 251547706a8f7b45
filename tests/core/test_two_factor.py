"""The second factor on django-otp (issue 17, item 5): TOTP set-up with a QR code and ten recovery codes, a code at
each login, secrets encrypted at rest, a lockout after 5 failed codes within 15 minutes (audit rows, e-mail alert),
required of coordinators and, where the territory says so, of animators."""

import base64
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken

from conserverie.core import two_factor
from conserverie.core.models import EncryptedTOTPDevice, SecurityEvent

from ..pages import queries_on, text

SETUP, CODE, RECOVERY = "/compte/double-authentification/", "/connexion/code/", "/connexion/code-de-secours/"
RENEW = "/compte/double-authentification/codes-de-secours/"
PARIS = ZoneInfo("Europe/Paris")


def code_of(secret: str, when=None) -> str:
    """The 6-digit code an authenticator app shows for `secret` (base32, as on the set-up page) at `when`."""
    totp = TOTP(base64.b32decode(secret + "=" * (-len(secret) % 8)))
    totp.time = (when or timezone.now()).timestamp()
    return f"{totp.token():06d}"


def enable(client, user):
    """Set up the authenticator on the page: returns (secret shown, recovery codes shown)."""
    client.force_login(user)
    page = text(client.get(SETUP))
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page).group(1)
    response = client.post(SETUP, {"code": code_of(secret)})
    assert response.status_code == 200
    assert "C'est fait" in text(response)
    codes = re.findall(r'<li class="col py-1">([a-z0-9-]+)</li>', text(response))
    return secret, codes


def login(username="coord"):
    client = Client()
    response = client.post("/connexion/", {"username": username, "password": "pass-for-tests-only"})
    assert response.status_code == 302
    return client


def next_step():
    """A moment in the next 30-second step: the step used at set-up has served."""
    return timezone.now() + timedelta(seconds=30)


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def test_setup_shows_a_qr_code_and_ten_recovery_codes_once_then_never_the_secret_again(client, coordinator):
    client.force_login(coordinator)
    response = client.get(SETUP)
    page = text(response)
    assert response.status_code == 200
    assert 'src="data:image/svg+xml' in page
    device = EncryptedTOTPDevice.objects.get(user=coordinator)
    assert not device.confirmed
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page).group(1)
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    wrong = client.post(SETUP, {"code": "000000" if code_of(secret) != "000000" else "111111"})
    assert wrong.status_code == 422
    assert "Ce code ne correspond pas" in text(wrong)
    letters = client.post(SETUP, {"code": "12a456"})
    assert letters.status_code == 422
    assert "6 chiffres" in text(letters)
    done = client.post(SETUP, {"code": code_of(secret)})
    codes = re.findall(r'<li class="col py-1">([a-z0-9-]+)</li>', text(done))
    assert len(codes) == 10 == len(set(codes))
    assert all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", code) for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    again = text(client.get(SETUP))
    assert secret not in again
    assert "data:image/svg+xml" not in again
    assert "activée depuis le" in again
    assert "Il vous reste 10 codes de secours" in again
    assert not any(code in again for code in codes)
    assert list(SecurityEvent.objects.filter(user=coordinator).values_list("kind", flat=True)) == ["enabled"]


def test_neither_the_secret_nor_the_recovery_codes_are_in_clear_in_the_database(client, coordinator):
    secret, codes = enable(client, coordinator)
    raw = base64.b32decode(secret + "=" * (-len(secret) % 8))
    with connection.cursor() as cursor:
        cursor.execute("SELECT encrypted_key FROM core_encryptedtotpdevice")
        stored = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT token FROM otp_static_statictoken")
        tokens = [row[0] for row in cursor.fetchall()]
    for form in (secret, secret.lower(), raw.hex(), base64.b64encode(raw).decode()):
        assert form not in stored
    assert len(tokens) == 10
    for code in codes:
        assert code not in tokens
        assert code.replace("-", "") not in tokens
    # Under another key, the stored secret opens nothing: a copy of the database alone gives no code.
    device = EncryptedTOTPDevice.objects.get(user=coordinator)
    with pytest.raises(InvalidToken):
        Fernet(Fernet.generate_key()).decrypt(device.encrypted_key.encode())


def test_keys_rotate_and_a_bad_key_stops_the_checks(settings, coordinator):
    old = Fernet.generate_key().decode()
    settings.TWO_FACTOR_KEYS = [old]
    token = two_factor.encrypt_secret(b"twenty bytes secret!")
    settings.TWO_FACTOR_KEYS = [Fernet.generate_key().decode(), old]
    assert two_factor.decrypt_secret(token) == b"twenty bytes secret!"
    settings.TWO_FACTOR_KEYS = ["not-a-key"]
    assert [error.id for error in two_factor.check_keys()] == ["conserverie.E004"]
    settings.TWO_FACTOR_KEYS = []
    assert two_factor.check_keys() == []


def test_login_then_code_before_any_staff_page(client, coordinator, chain):
    secret, _codes = enable(client, coordinator)
    fresh = login()
    blocked = fresh.get("/t/romans/")
    assert blocked.status_code == 302
    assert blocked["Location"].startswith(CODE)
    assert fresh.get("/t/romans/audit/")["Location"].startswith(CODE)
    assert fresh.get(SETUP)["Location"].startswith(CODE)
    assert fresh.get(CODE).status_code == 200
    refused = fresh.post(CODE, {"code": "12345", "next": "/t/romans/"})
    assert refused.status_code == 422
    assert fresh.get("/t/romans/").status_code == 302
    ok = fresh.post(CODE, {"code": code_of(secret, next_step()), "next": "/t/romans/"})
    assert ok.status_code == 302, text(ok)
    assert ok["Location"] == "/t/romans/"
    assert fresh.get("/t/romans/").status_code == 200


def test_a_code_serves_once(client, coordinator, time_machine):
    start = datetime(2026, 6, 10, 10, 0, tzinfo=PARIS)
    time_machine.move_to(start, tick=False)
    secret, _codes = enable(client, coordinator)
    device = EncryptedTOTPDevice.objects.get(user=coordinator)
    assert not device.verify_token(code_of(secret))  # the set-up's code has served
    time_machine.move_to(start + timedelta(seconds=30), tick=False)
    assert device.verify_token(code_of(secret))
    time_machine.move_to(start + timedelta(seconds=35), tick=False)
    assert not device.verify_token(code_of(secret))
    time_machine.move_to(start + timedelta(seconds=60), tick=False)
    assert device.verify_token(code_of(secret))


def test_the_300_guesses_attack_is_locked_out_after_5_failures_logged_and_alerted(
    client, coordinator, chain, time_machine
):
    coordinator.email = "coordination@example.org"
    coordinator.save()
    start = datetime(2026, 6, 10, 10, 0, tzinfo=PARIS)
    time_machine.move_to(start, tick=False)
    secret, _codes = enable(client, coordinator)
    attacker = login()
    right = {code_of(secret, start + timedelta(seconds=30 * k)) for k in range(-2, 3)}
    guesses = [f"{n:06d}" for n in range(400) if f"{n:06d}" not in right][:300]
    statuses = []
    for guess in guesses:
        statuses.append(attacker.post(CODE, {"code": guess, "next": "/t/romans/"}).status_code)
    assert statuses[:4] == [422] * 4
    assert set(statuses[4:]) == {429}
    assert SecurityEvent.objects.filter(user=coordinator, kind="failure").count() == 5
    assert SecurityEvent.objects.filter(user=coordinator, kind="lockout").count() == 1
    assert attacker.get("/t/romans/").status_code == 302
    # Locked: the right code is refused too, until the 15 minutes have passed.
    time_machine.move_to(start + timedelta(minutes=14, seconds=59), tick=False)
    late = code_of(secret)
    locked = attacker.post(CODE, {"code": late, "next": "/t/romans/"})
    assert locked.status_code == 429
    assert "bloquée jusqu'à 10:15" in text(locked)
    assert attacker.get("/t/romans/").status_code == 302
    time_machine.move_to(start + timedelta(minutes=15, seconds=1), tick=False)
    assert attacker.post(CODE, {"code": code_of(secret), "next": "/t/romans/"}).status_code == 302
    assert attacker.get("/t/romans/").status_code == 200
    # One alert, to the person, saying what happened and what to do.
    assert len(mail.outbox) == 1
    alert = mail.outbox[0]
    assert alert.to == ["coordination@example.org"]
    assert "bloqués" in alert.subject
    assert "jusqu'à 10:15" in alert.body
    assert "Changez-le" in alert.body
    assert SecurityEvent.objects.filter(user=coordinator, kind="failure").count() == 5


def test_failures_of_recovery_codes_and_app_codes_count_together(client, coordinator, time_machine):
    start = datetime(2026, 6, 10, 10, 0, tzinfo=PARIS)
    time_machine.move_to(start, tick=False)
    secret, codes = enable(client, coordinator)
    visitor = login()
    for minute in range(3):  # spread over 12 minutes
        time_machine.move_to(start + timedelta(minutes=4 * minute), tick=False)
        assert visitor.post(CODE, {"code": "000001"}).status_code == 422
    assert visitor.post(RECOVERY, {"code": "aaaaa-aaaaa"}).status_code == 422
    time_machine.move_to(start + timedelta(minutes=13), tick=False)
    assert visitor.post(RECOVERY, {"code": "bbbbb-bbbbb"}).status_code == 429
    assert visitor.post(RECOVERY, {"code": codes[0]}).status_code == 429
    assert StaticToken.objects.count() == 10
    # A failure older than 15 minutes no longer counts (here: no lockout after 4 spread over 16 minutes).
    SecurityEvent.objects.all().delete()
    other = login()
    for minute in (0, 16, 32, 48):
        time_machine.move_to(start + timedelta(hours=1, minutes=minute), tick=False)
        assert other.post(CODE, {"code": "000001"}).status_code == 422
    time_machine.move_to(start + timedelta(hours=1, minutes=49), tick=False)
    assert other.post(CODE, {"code": code_of(secret)}).status_code == 302


def test_a_recovery_code_works_once(client, coordinator, chain):
    _secret, codes = enable(client, coordinator)
    first = login()
    assert first.get(RECOVERY).status_code == 200
    ok = first.post(RECOVERY, {"code": codes[0].upper().replace("-", " "), "next": "/t/romans/"})
    assert ok.status_code == 302
    page = first.get("/t/romans/")
    assert page.status_code == 200
    assert "il vous en reste 9" in text(page)
    assert StaticToken.objects.count() == 9
    second = login()
    again = second.post(RECOVERY, {"code": codes[0], "next": "/t/romans/"})
    assert again.status_code == 422
    assert "Ce code ne correspond pas" in text(again)
    assert second.get("/t/romans/").status_code == 302
    assert second.post(RECOVERY, {"code": "short"}).status_code == 422
    assert list(SecurityEvent.objects.filter(user=coordinator).order_by("id").values_list("kind", flat=True)) == [
        "enabled",
        "recovery_used",
        "failure",
    ]


def test_new_recovery_codes_replace_the_old_ones(client, coordinator):
    _secret, codes = enable(client, coordinator)
    assert client.get(RENEW).status_code == 200
    page = text(client.post(RENEW))
    fresh = re.findall(r'<li class="col py-1">([a-z0-9-]+)</li>', page)
    assert len(fresh) == 10
    assert not set(fresh) & set(codes)
    device = two_factor.recovery_device_of(coordinator)
    assert not device.verify_token(codes[1])
    device.throttle_reset()
    assert device.verify_token(fresh[1])
    assert SecurityEvent.objects.filter(user=coordinator, kind="recovery_renewed").count() == 1


def test_the_coordinator_is_taken_to_set_it_up_before_any_territory_page(required, coordinator, chain):
    fresh = login()
    for url in ("/t/romans/", "/espace/", "/t/romans/audit/", "/compte/jetons-api/"):
        response = fresh.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == SETUP
    page = fresh.get(SETUP)
    assert page.status_code == 200
    assert "votre rôle demande une double authentification" in text(page)
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', text(page)).group(1)
    assert fresh.post(SETUP, {"code": code_of(secret)}).status_code == 200
    assert fresh.get("/t/romans/").status_code == 200
    # The next login asks the code.
    assert login().get("/t/romans/")["Location"].startswith(CODE)


def test_an_animator_must_set_it_up_only_where_the_territory_says_so(required, client, animator, viewer, chain):
    assert login("anim").get("/t/romans/").status_code == 200
    chain.territory.require_2fa_for_animators = True
    chain.territory.save()
    assert login("anim").get("/t/romans/")["Location"] == SETUP
    # Board members and funders read figures only: never asked, and the set-up page is not theirs.
    assert login("viewer").get("/t/romans/").status_code == 200
    client.force_login(viewer)
    assert client.get(SETUP).status_code == 403


def test_without_the_requirement_nobody_is_forced_and_unfinished_setups_do_not_count(client, coordinator, chain):
    client.force_login(coordinator)
    client.get(SETUP)  # started, never confirmed
    fresh = login()
    assert fresh.get("/t/romans/").status_code == 200
    assert fresh.get(CODE).status_code == 302


def test_the_audit_trail_shows_failures_and_lockouts_to_the_territory_only(
    client, coordinator, chain, other_coordinator, time_machine
):
    time_machine.move_to(datetime(2026, 6, 10, 10, 0, tzinfo=PARIS), tick=False)
    enable(client, coordinator)
    attacker = login()
    for _ in range(5):
        attacker.post(CODE, {"code": "000001"})
    time_machine.move_to(datetime(2026, 6, 10, 10, 30, tzinfo=PARIS), tick=False)
    page = text(client.get("/t/romans/audit/", {"kind": "security"}))
    assert page.count("code refusé") == 5
    assert "saisie des codes bloquée" in page
    assert "5 codes faux en 15 minutes" in page
    client.force_login(other_coordinator)
    assert client.get("/t/romans/audit/").status_code == 404
    assert "code refusé" not in text(client.get("/t/vercors/audit/"))


def test_next_cannot_send_elsewhere(client, coordinator, chain):
    secret, _codes = enable(client, coordinator)
    fresh = login()
    response = fresh.post(CODE, {"code": code_of(secret, next_step()), "next": "https://evil.example.org/"})
    assert response.status_code == 302
    assert response["Location"] == "/espace/"


def test_the_pages_cost_a_fixed_number_of_queries(client, coordinator):
    _secret, _codes = enable(client, coordinator)
    fresh = login()

    def counts():
        two_factor.record(coordinator, SecurityEvent.Kind.FAILURE)
        two_factor.replace_recovery_codes(coordinator)
        SecurityEvent.objects.filter(kind="failure").delete()
        return (
            queries_on(client, SETUP),
            queries_on(client, RENEW),
            queries_on(fresh, CODE),
            queries_on(fresh, RECOVERY),
        )

    first = counts()
    for _ in range(5):
        two_factor.record(coordinator, SecurityEvent.Kind.LOCKOUT)
        SecurityEvent.objects.filter(kind="lockout").update(at=timezone.now() - timedelta(hours=1))
    assert counts() == first
    # Set-up: session, user, staff membership, device, recovery codes left; renewal: the same without the membership;
    # code pages: session, user, device, last lockout.
    assert first == (5, 4, 4, 4)
