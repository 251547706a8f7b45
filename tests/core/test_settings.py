import pytest
from django.core.exceptions import ImproperlyConfigured

from conserverie import settings as project_settings


def test_default_database_is_sqlite_in_immediate_wal_mode(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(project_settings, "VAR_DIR", tmp_path)
    config = project_settings.database_from_env()
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "conserverie.sqlite3")
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert config["OPTIONS"]["timeout"] >= 5
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_database_url_chooses_postgresql(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://cons:secret@127.0.0.1:5433/cons")
    config = project_settings.database_from_env()
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["PORT"], config["USER"]) == ("cons", 5433, "cons")


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


def test_french_is_the_default_language_and_argon2_the_first_hasher():
    # Read the module itself: the test suite swaps the hasher for speed (tests/conftest.py).
    assert project_settings.LANGUAGE_CODE == "fr"
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
