"""Production settings pass Django's deployment checks; every page carries the CSP; error pages are French and mute."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.urls import include, path

import conserverie
from conserverie.core.security import ContentSecurityPolicyMiddleware, client_ip, content_security_policy, tile_source

SECRET_DETAIL = "détail-interne-qui-ne-doit-pas-sortir"


def _boom(request):
    raise RuntimeError(SECRET_DETAIL)


def _forbidden(request):
    raise PermissionDenied(SECRET_DETAIL)


def _bad(request):
    raise SuspiciousOperation(SECRET_DETAIL)


# This module is also the URLconf of the error-page tests: three views that fail, then the whole project.
urlpatterns = [
    path("__test__/boom/", _boom),
    path("__test__/forbidden/", _forbidden),
    path("__test__/bad/", _bad),
    path("", include("conserverie.urls")),
]


def production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECRET_KEY", "SECURE_", "DJANGO_SETTINGS"))}
    env.update(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="conserverie.example.org")
    env.update(SITE_URL="https://conserverie.example.org")
    env.update(extra)
    return env


def run_cli(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "conserverie", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_deploy_checks_pass_with_production_settings():
    result = run_cli("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stderr + result.stdout


def test_deploy_checks_pass_behind_a_proxy_with_the_secret_in_a_file(tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text(secrets.token_urlsafe(50) + "\n")
    env = production_env(SECRET_KEY_FILE=str(secret), BEHIND_PROXY="1")
    del env["SECRET_KEY"]
    result = run_cli("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_settings_values():
    code = (
        "import json; from conserverie import settings as s; print(json.dumps([s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT,"
        " s.X_FRAME_OPTIONS, s.SECURE_REFERRER_POLICY, list(getattr(s, 'SECURE_PROXY_SSL_HEADER', None) or [])]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=production_env(BEHIND_PROXY="1"), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        '[true, true, 31536000, true, true, "DENY", "same-origin", ["HTTP_X_FORWARDED_PROTO", "https"]]'
    )


def test_an_unreadable_secret_file_stops_the_start(tmp_path):
    env = production_env(SECRET_KEY_FILE=str(tmp_path / "missing"))
    del env["SECRET_KEY"]
    result = run_cli("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY_FILE" in result.stderr


def test_a_short_secret_stops_the_start():
    result = run_cli("check", env=production_env(SECRET_KEY="court"))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


# --- Content-Security-Policy ---------------------------------------------------------------------------------------

EXPECTED_CSP = (
    "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; object-src 'none'; "
    "base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)


def test_policy_text():
    assert content_security_policy("") == EXPECTED_CSP


def test_map_tile_host_is_allowed_for_images_only():
    policy = content_security_policy("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png")
    assert "img-src 'self' data: https://*.tile.openstreetmap.org;" in policy
    assert policy.count("openstreetmap") == 1
    assert tile_source("https://tiles.example.org:8443/{z}/{x}/{y}.png") == "https://tiles.example.org:8443"
    assert tile_source("not a url") == ""


@pytest.mark.parametrize("url", ["/", "/ateliers/", "/connexion/", "/healthz", "/page-qui-n-existe-pas/"])
def test_public_pages_carry_the_policy(client, db, url):
    response = client.get(url)
    assert response.status_code in {200, 404}
    assert response.headers["Content-Security-Policy"] == EXPECTED_CSP
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_staff_pages_carry_the_policy(client, coordinator):
    client.force_login(coordinator)
    response = client.get("/t/romans/")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == EXPECTED_CSP


def test_debug_error_pages_keep_their_inline_styles(rf, settings):
    from django.http import HttpResponse, HttpResponseServerError

    middleware = ContentSecurityPolicyMiddleware(lambda request: HttpResponseServerError())
    settings.DEBUG = True
    assert "Content-Security-Policy" not in middleware(rf.get("/")).headers
    assert "Content-Security-Policy" in ContentSecurityPolicyMiddleware(lambda r: HttpResponse())(rf.get("/")).headers
    settings.DEBUG = False
    assert "Content-Security-Policy" in middleware(rf.get("/")).headers


def test_healthz_is_reachable_over_http_in_production(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301


def test_middleware_reads_the_tile_setting(rf, settings):
    settings.MAP_TILE_URL = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
    from django.http import HttpResponse

    middleware = ContentSecurityPolicyMiddleware(lambda request: HttpResponse())
    response = middleware(rf.get("/"))
    assert "https://*.tile.openstreetmap.org" in response.headers["Content-Security-Policy"]


TEMPLATE_ROOT = Path(conserverie.__file__).resolve().parent
INLINE = [
    (re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on…= event handler"),
    (re.compile(r"\bhx-on\b|javascript:", re.I), "inline code"),
]


COMMENTS = re.compile(r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|<!--.*?-->", re.S)


def _without_comments(text: str) -> str:
    """Comments blanked out (their line breaks kept, so that line numbers stay right)."""
    return COMMENTS.sub(lambda m: "\n" * m.group().count("\n"), text)


def test_no_template_needs_inline_script_or_style():
    """The policy blocks inline code and inline styles: a template that used them would silently break."""
    found = []
    for template in sorted(TEMPLATE_ROOT.glob("**/templates/**/*.html")):
        text = _without_comments(template.read_text(encoding="utf-8"))
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{template.relative_to(TEMPLATE_ROOT)}:{line}: {what}")
    assert not found, "\n".join(found)


# --- Client address behind the proxy -------------------------------------------------------------------------------


def test_client_ip_is_the_address_nginx_appended(rf):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="127.0.0.1")
    assert client_ip(request) == "203.0.113.7"
    assert client_ip(rf.get("/", REMOTE_ADDR="198.51.100.2")) == "198.51.100.2"


# --- Error pages ---------------------------------------------------------------------------------------------------


@pytest.fixture
def quiet_client():
    return Client(raise_request_exception=False)


def assert_mute_french_page(response, status: int, words: str):
    page = response.content.decode()
    assert response.status_code == status
    assert '<html lang="fr">' in page
    assert words in page
    for leak in (SECRET_DETAIL, "Traceback", "RuntimeError", "PermissionDenied", "SuspiciousOperation", "settings"):
        assert leak not in page
    assert response.headers["Content-Security-Policy"] == EXPECTED_CSP


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_server_error_page_is_french_and_mute(quiet_client, db):
    assert_mute_french_page(quiet_client.get("/__test__/boom/"), 500, "Une erreur est survenue")


@override_settings(DEBUG=False, ROOT_URLCONF=__name__, ADMINS=[("Tech", "tech@example.org")])
def test_a_server_error_is_mailed_to_the_admins_once(quiet_client, db, mailoutbox):
    quiet_client.get("/__test__/boom/")
    [message] = mailoutbox
    assert message.to == ["tech@example.org"]
    assert message.subject.startswith("[Conserverie] ERROR")
    assert "/__test__/boom/" in message.subject
    assert SECRET_DETAIL in message.body  # the traceback goes to the administrators, never to the page


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_forbidden_page_is_french_and_mute(quiet_client, db):
    assert_mute_french_page(quiet_client.get("/__test__/forbidden/"), 403, "Accès refusé")


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_bad_request_page_is_french_and_mute(quiet_client, db):
    assert_mute_french_page(quiet_client.get("/__test__/bad/"), 400, "Requête invalide")


@override_settings(DEBUG=False)
def test_not_found_page_is_french_and_mute(quiet_client, db):
    assert_mute_french_page(quiet_client.get("/l/LOT-INCONNU/"), 404, "Page introuvable")


@override_settings(DEBUG=False)
def test_another_territory_is_a_french_404(quiet_client, coordinator):
    quiet_client.force_login(coordinator)
    assert_mute_french_page(quiet_client.get("/t/vercors/"), 404, "Page introuvable")


@override_settings(DEBUG=False)
def test_csrf_failure_page_is_french(db):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    response = client.post("/connexion/", {"username": "x", "password": "y"})
    assert_mute_french_page(response, 403, "Formulaire expiré")


def test_server_error_page_needs_no_database_and_no_context(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        page = render_to_string("500.html")
    assert "Une erreur est survenue" in page
