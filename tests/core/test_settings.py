import os
import secrets
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from conserverie import settings as project_settings
from conserverie.core.checks import check_site_url


def bare_env(**extra) -> dict:
    """The environment of a fresh shell: none of the variables the test suite sets (tests/environment.py)."""
    names = ("DEBUG", "SECRET_KEY", "SITE_URL", "SECURE_", "ALLOWED_HOSTS", "ADMINS", "DJANGO_SETTINGS")
    env = {k: v for k, v in os.environ.items() if not k.startswith(names)}
    env.update(extra)
    return env


def run_cli(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "conserverie", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_default_database_is_sqlite_in_immediate_wal_mode(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(project_settings, "VAR_DIR", tmp_path)
    config = project_settings.database_from_env()
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "conserverie.sqlite3")
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert config["OPTIONS"]["timeout"] >= 5
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    # The per-process test database is the test suite's business (tests/conftest.py), not production's.
    assert "TEST" not in config


def test_database_url_chooses_postgresql(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://cons:secret@127.0.0.1:5433/cons")
    config = project_settings.database_from_env()
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["PORT"], config["USER"]) == ("cons", 5433, "cons")


def test_database_password_may_come_from_a_secret_file(monkeypatch, tmp_path):
    secret = tmp_path / "db_password"
    secret.write_text("s3cret:/@\n")
    monkeypatch.setenv("DATABASE_URL", "postgres://cons@db:5432/cons")
    monkeypatch.setenv("DATABASE_PASSWORD_FILE", str(secret))
    config = project_settings.database_from_env()
    assert (config["USER"], config["PASSWORD"], config["HOST"]) == ("cons", "s3cret:/@", "db")
    monkeypatch.setenv("DATABASE_URL", "postgres://cons:other@db:5432/rehearsal")  # a password in the URL wins
    assert project_settings.database_from_env()["PASSWORD"] == "other"


def test_database_url_chooses_another_sqlite_file(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/other.db")
    assert project_settings.database_from_env()["NAME"] == f"{tmp_path}/other.db"


def test_production_refuses_to_start_without_a_real_secret(monkeypatch):
    import importlib
    import sys

    monkeypatch.setenv("DEBUG", "0")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    sys.modules.pop("conserverie._settings_probe", None)
    spec = importlib.util.spec_from_file_location("conserverie._settings_probe", project_settings.__file__)
    module = importlib.util.module_from_spec(spec)
    with pytest.raises(ImproperlyConfigured):
        spec.loader.exec_module(module)


def test_debug_is_off_unless_asked_for_so_a_bare_start_refuses_without_a_secret():
    result = run_cli("check", env=bare_env())
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set" in result.stderr
    assert "DEBUG=1" in result.stderr


def test_production_without_site_url_fails_its_checks_naming_site_url():
    env = bare_env(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="conserverie.example.org")
    for args in (["check"], ["check", "--deploy"]):
        result = run_cli(*args, env=env)
        assert result.returncode != 0, result.stdout
        assert "(conserverie.E001) SITE_URL is not set" in result.stderr
        assert "SITE_URL=https://" in result.stderr
    result = run_cli("check", env={**env, "SITE_URL": "https://conserverie.example.org"})
    assert result.returncode == 0, result.stderr


def test_development_defaults_site_url_to_the_local_server():
    code = "from conserverie import settings as s; print(s.DEBUG, s.SITE_URL)"
    result = subprocess.run([sys.executable, "-c", code], env=bare_env(DEBUG="1"), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "http://127.0.0.1:8000"]


@pytest.mark.parametrize("url", ["", "conserverie.example.org", "ftp://conserverie.example.org", "https://"])
def test_site_url_check_refuses_a_missing_or_relative_address(settings, url):
    settings.SITE_URL = url
    [error] = check_site_url()
    assert error.id == "conserverie.E001"
    assert "SITE_URL" in error.msg


def test_site_url_check_accepts_an_absolute_address(settings):
    settings.SITE_URL = "https://conserverie.example.org"
    assert check_site_url() == []


def test_admins_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("ADMINS", "Camille Martin <camille@example.org>, tech@example.org")
    assert project_settings.env_admins("ADMINS") == [
        ("Camille Martin", "camille@example.org"),
        ("", "tech@example.org"),
    ]
    monkeypatch.setenv("ADMINS", "")
    assert project_settings.env_admins("ADMINS") == []
    monkeypatch.setenv("ADMINS", "Camille Martin")
    with pytest.raises(ImproperlyConfigured, match="ADMINS"):
        project_settings.env_admins("ADMINS")


def test_french_is_the_default_language_and_argon2_the_first_hasher():
    # Read the module itself: the test suite swaps the hasher for speed (tests/conftest.py).
    assert project_settings.LANGUAGE_CODE == "fr"
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
