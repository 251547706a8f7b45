"""The per-address rate limit of the public forms: sign-up, login, password reset (core/ratelimit.py)."""

import pytest
from django.core.cache import caches
from django.test import RequestFactory

from conserverie.core.ratelimit import address, hit, parse_rate, ratelimit
from conserverie.workshops.models import Registration

from ..pages import row_counts, text
from ..workshops.public_data import future_workshop


@pytest.fixture(autouse=True)
def fresh_counters(db):
    caches["ratelimit"].clear()


def signup(name="Nadia"):
    return {
        "first_name": name,
        "phone": "",
        "email": "",
        "neighbourhood": "La Monnaie",
        "household_size": "2",
        "party_size": "1",
        "consent": "on",
        "website": "",
    }


def test_parse_rate():
    assert parse_rate("20/600") == (20, 600)
    for bad in ("", "20", "0/60", "5/0", "x/60", "-1/60"):
        with pytest.raises(ValueError):  # noqa: PT011 - each bad rate has its own message
            parse_rate(bad)


def test_unknown_scope_fails_at_import_time():
    with pytest.raises(KeyError):
        ratelimit("no-such-scope")


def test_fixed_window_counts_per_address_and_scope(settings):
    settings.RATELIMITS = {"signup": "3/60", "login": "1/60"}
    now = 6000.0  # the start of a window
    assert [hit("signup", "1.2.3.4", now)[0] for _ in range(4)] == [True, True, True, False]
    assert hit("signup", "5.6.7.8", now)[0]  # another address has its own counter
    assert hit("login", "1.2.3.4", now)[0]  # another scope too
    allowed, retry_after = hit("signup", "1.2.3.4", now + 10)
    assert not allowed
    assert retry_after == 50
    assert hit("signup", "1.2.3.4", now + 60)[0]  # the next window starts afresh


def test_address_behind_proxy_is_the_one_nginx_saw(settings):
    request = RequestFactory().post("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.BEHIND_PROXY = False
    assert address(request) == "127.0.0.1"
    settings.BEHIND_PROXY = True
    assert address(request) == "203.0.113.9"


def test_public_signup_is_refused_with_a_french_429_and_writes_nothing(client, chain, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "signup": "2/600"}
    workshop = future_workshop(chain, capacity=20)
    url = f"/ateliers/{workshop.pk}/"
    for name in ("Nadia", "Karim"):
        assert client.post(url, signup(name)).status_code == 302
    before = row_counts()
    refused = client.post(url, signup("Léa"))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    page = text(refused)
    assert "Trop de demandes" in page
    assert "Réessayez dans" in page
    assert row_counts() == before
    assert Registration.objects.filter(workshop=workshop).count() == 2
    # Reading the page is never limited; another address may still sign up.
    assert client.get(url).status_code == 200
    assert client.post(url, signup("Léa"), REMOTE_ADDR="198.51.100.7").status_code == 302


def test_login_is_rate_limited_per_address_and_axes_still_applies(client, coordinator, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "login": "3/600"}
    for _ in range(3):
        assert client.post("/connexion/", {"username": "coord", "password": "faux"}).status_code != 429
    assert client.post("/connexion/", {"username": "coord", "password": "pass-for-tests-only"}).status_code == 429
    assert client.get("/connexion/").status_code == 200
    assert "django.contrib.auth.backends.ModelBackend" in settings.AUTHENTICATION_BACKENDS
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_the_limit_can_be_switched_off(client, chain, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "signup": "1/600"}
    settings.RATELIMIT_ENABLED = False
    workshop = future_workshop(chain, capacity=20)
    for name in ("Nadia", "Karim", "Léa"):
        assert client.post(f"/ateliers/{workshop.pk}/", signup(name)).status_code == 302


def test_the_counters_live_in_the_database_cache_shared_by_every_process(settings):
    assert settings.RATELIMIT_CACHE == "ratelimit"
    assert settings.CACHES["ratelimit"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    # The database cache culls beyond MAX_ENTRIES (300 by default): a culled counter would count from zero again.
    assert settings.CACHES["ratelimit"]["OPTIONS"]["MAX_ENTRIES"] >= 10_000
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
