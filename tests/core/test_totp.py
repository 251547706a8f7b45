"""Optional TOTP second factor for coordinators: setup with a QR code and a first code, then a code at each login."""

import re
from datetime import timedelta

import pyotp
import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from conserverie.core import totp
from conserverie.core.models import TOTPDevice

from ..pages import text

SETUP, CODE = "/compte/double-authentification/", "/connexion/code/"


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


def enable(client, user) -> pyotp.TOTP:
    client.force_login(user)
    page = text(client.get(SETUP))
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page).group(1)
    code = pyotp.TOTP(secret).now()
    response = client.post(SETUP, {"code": code})
    assert response.status_code == 200
    assert "C'est fait" in text(response)
    return pyotp.TOTP(secret)


def login(username="coord"):
    client = Client()
    response = client.post("/connexion/", {"username": username, "password": "pass-for-tests-only"})
    assert response.status_code == 302
    return client


def test_setup_shows_a_qr_code_then_never_the_secret_again(client, coordinator):
    client.force_login(coordinator)
    response = client.get(SETUP)
    page = text(response)
    assert response.status_code == 200
    assert 'src="data:image/svg+xml' in page
    device = TOTPDevice.objects.get(user=coordinator)
    assert device.confirmed_at is None
    assert device.secret in page
    wrong = client.post(SETUP, {"code": "000000"})
    assert wrong.status_code == 422
    assert "Ce code ne correspond pas" in text(wrong)
    response = client.post(SETUP, {"code": pyotp.TOTP(device.secret).now()})
    device.refresh_from_db()
    assert device.confirmed_at is not None
    again = text(client.get(SETUP))
    assert device.secret not in again
    assert "data:image/svg+xml" not in again
    assert "activée depuis le" in again


def test_only_coordinators_may_set_it_up(client, animator, viewer):
    for user in (animator, viewer):
        client.force_login(user)
        assert client.get(SETUP).status_code == 403
    assert not TOTPDevice.objects.exists()


def test_login_then_code_before_any_staff_page(client, coordinator, chain):
    generator = enable(client, coordinator)
    fresh = login()
    blocked = fresh.get("/t/romans/")
    assert blocked.status_code == 302
    assert blocked["Location"].startswith(CODE)
    assert fresh.get("/t/romans/audit/")["Location"].startswith(CODE)
    assert fresh.get(CODE).status_code == 200
    refused = fresh.post(CODE, {"code": "123456", "next": "/t/romans/"})
    assert refused.status_code == 422
    assert "Ce code ne correspond pas" in text(refused)
    assert fresh.get("/t/romans/").status_code == 302
    # The step used at setup is spent: take the next one.
    future = timezone.now() + timedelta(seconds=30)
    ok = fresh.post(CODE, {"code": generator.at(future), "next": "/t/romans/"})
    assert ok.status_code == 302, text(ok)
    assert fresh.get("/t/romans/").status_code == 200


def test_a_code_serves_once(coordinator):
    device = TOTPDevice.objects.create(user=coordinator, secret=totp.new_secret(), confirmed_at=timezone.now())
    code = pyotp.TOTP(device.secret).now()
    assert totp.verify(device, code)
    assert not totp.verify(device, code)
    assert not totp.verify(device, "abcdef")
    assert not totp.verify(device, "")
    assert not totp.verify(device, "1" * 40)


def test_codes_of_the_neighbouring_30_seconds_are_accepted(coordinator):
    device = TOTPDevice.objects.create(user=coordinator, secret=totp.new_secret(), confirmed_at=timezone.now())
    generator = pyotp.TOTP(device.secret)
    now = timezone.now()
    assert totp.verify(device, generator.at(now - timedelta(seconds=30)), now=now)
    assert not totp.verify(device, generator.at(now - timedelta(minutes=5)), now=now)


def test_coordinators_without_totp_and_unconfirmed_setups_log_in_as_before(client, coordinator, chain):
    client.force_login(coordinator)
    client.get(SETUP)  # started, never confirmed
    fresh = login()
    assert fresh.get("/t/romans/").status_code == 200
    assert fresh.get(CODE).status_code == 302


def test_next_cannot_send_elsewhere(client, coordinator, chain):
    generator = enable(client, coordinator)
    fresh = login()
    future = timezone.now() + timedelta(seconds=30)
    response = fresh.post(CODE, {"code": generator.at(future), "next": "https://evil.example.org/"})
    assert response.status_code == 302
    assert response["Location"] == "/espace/"
