"""`conserverie backup` / `restore`: a consistent copy while the app writes, a restore that proves itself, and
clear refusals. The PostgreSQL half runs when DATABASE_URL points to PostgreSQL (as in CI), else it is skipped."""

import dataclasses
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from conserverie.core.backup import (
    BackupError,
    Database,
    backup_database,
    manifest_path,
    read_manifest,
    restore_database,
    sqlite_fingerprints,
)

SCHEMA = [
    "CREATE TABLE jar (id INTEGER PRIMARY KEY, label TEXT NOT NULL, kg REAL, blob BLOB, made_on TEXT)",
    "CREATE TABLE session (key TEXT PRIMARY KEY, data TEXT)",  # a text key: ordered in Python, not by collation
    "CREATE TABLE log (line TEXT)",  # no key at all
]


class Writer(threading.Thread):
    """Another connection that inserts and updates rows, one small transaction at a time, until stopped."""

    def __init__(self, path: Path):
        super().__init__(daemon=True)
        self.path, self.stop, self.written, self.error = path, threading.Event(), 0, None

    def run(self):
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            while not self.stop.is_set():
                n = self.written
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(
                    "INSERT INTO jar (label, kg, blob, made_on) VALUES (?, ?, ?, ?)",
                    (f"Coulis n°{n}", n * 0.375, bytes([n % 256]) * 8, "2026-06-10"),
                )
                conn.execute("INSERT INTO session (key, data) VALUES (?, ?)", (uuid.uuid4().hex, "é" * (n % 7)))
                conn.execute("INSERT INTO log (line) VALUES (?)", (f"ligne {n}",))
                conn.execute("UPDATE jar SET kg = kg + 1 WHERE id = ?", (max(1, n // 2),))
                conn.execute("COMMIT")
                self.written += 1
        except Exception as exc:  # reported by the test
            self.error = exc
        finally:
            conn.close()


@pytest.fixture
def live_sqlite(tmp_path):
    path = tmp_path / "live.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    for statement in SCHEMA:
        conn.execute(statement)
    conn.commit()
    conn.close()
    return path


def count_rows(path: Path) -> dict:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("jar", "session", "log")}
    finally:
        conn.close()


def test_sqlite_backup_while_another_thread_writes_restores_exactly(live_sqlite, tmp_path):
    writer = Writer(live_sqlite)
    writer.start()
    try:
        while writer.written < 200 and writer.error is None:
            time.sleep(0.01)
        manifests = []
        for i in range(3):
            before = writer.written
            manifests.append(backup_database(Database("sqlite", str(live_sqlite)), tmp_path / f"b{i}.sqlite3"))
            time.sleep(0.05)
            assert writer.written > before or writer.error  # the writer was never blocked for long
    finally:
        writer.stop.set()
        writer.join(10)
    assert writer.error is None

    for i, manifest in enumerate(manifests):
        backup = tmp_path / f"b{i}.sqlite3"
        tables = manifest["tables"]
        # One instant: each transaction wrote one row in each of the three tables.
        assert tables["jar"]["rows"] == tables["session"]["rows"] == tables["log"]["rows"] >= 200
        assert not Path(f"{backup}-wal").exists()  # one self-contained file

        target = tmp_path / "restored" / f"r{i}.sqlite3"  # the directory and the file are created
        result = restore_database(backup, Database("sqlite", str(target)))
        assert result.created
        assert count_rows(target) == {name: tables[name]["rows"] for name in ("jar", "session", "log")}
        conn = sqlite3.connect(target)
        assert sqlite_fingerprints(conn) == tables
        conn.close()
    assert manifests[0]["tables"]["jar"]["rows"] < manifests[2]["tables"]["jar"]["rows"]


def test_manifest_records_rows_and_checksums_per_table(live_sqlite, tmp_path):
    conn = sqlite3.connect(live_sqlite)
    conn.execute("INSERT INTO jar (label, kg) VALUES ('Confiture', 0.25)")
    conn.commit()
    conn.close()
    backup = tmp_path / "b.sqlite3"
    manifest = backup_database(Database("sqlite", str(live_sqlite)), backup)
    on_disk = json.loads(manifest_path(backup).read_text())
    assert on_disk == manifest
    assert manifest["engine"] == "sqlite"
    assert len(manifest["sha256"]) == 64
    assert manifest["tables"]["jar"]["rows"] == 1
    assert manifest["tables"]["log"]["rows"] == 0
    assert set(manifest["tables"]) == {"jar", "session", "log"}
    assert read_manifest(backup) == manifest


# --- The commands, end to end on the project's schema ---------------------------------------------------------------


def run_cli(*args, database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "conserverie", *args], env=env, capture_output=True, text=True, timeout=300
    )


# The project's tables made from today's models, as Django's test runner does without migrations (`syncdb`).
CREATE_TABLES = """
import django
django.setup()
from django.apps import apps
from django.db import connection
with connection.schema_editor() as editor:
    for model in apps.get_models():
        if model._meta.managed and not model._meta.proxy:
            editor.create_model(model)
"""


@pytest.fixture
def project_database(tmp_path, db) -> str:
    """A SQLite database of this version's schema. On SQLite, a copy of the test database (made from today's models,
    completed with the ledgers' triggers and the reference rows, every migration recorded as applied:
    tests/database.py); on PostgreSQL, a new file with the tables of today's models, made in a second (`conserverie
    migrate` would take a minute of CPU: the migrations are tested elsewhere, tests/core/test_migrations.py, and this
    test is about the copy)."""
    from django.db import connection

    path = tmp_path / "app.sqlite3"
    if connection.vendor != "sqlite":
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "DJANGO_SETTINGS_MODULE": "conserverie.settings"}
        made = subprocess.run(
            [sys.executable, "-c", CREATE_TABLES], env=env, capture_output=True, text=True, timeout=300
        )
        assert made.returncode == 0, made.stderr
        return f"sqlite:///{path}"
    source, copy = sqlite3.connect(connection.settings_dict["NAME"]), sqlite3.connect(path)
    source.backup(copy)
    source.close()
    copy.close()
    assert run_cli("migrate", "--check", database_url=f"sqlite:///{path}").returncode == 0  # nothing left to apply
    return f"sqlite:///{path}"


def test_commands_back_up_and_restore_the_project_database(project_database, tmp_path):
    source = project_database
    backup = tmp_path / "sauvegarde.sqlite3"
    done = run_cli("backup", str(backup), database_url=source)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Sauvegarde écrite")

    target = f"sqlite:///{tmp_path / 'neuve.sqlite3'}"
    restored = run_cli("restore", str(backup), "--json", database_url=target)
    assert restored.returncode == 0, restored.stderr
    report = json.loads(restored.stdout)
    assert report["verified"]
    assert report["created"]
    assert report["tables"] > 40
    assert report["rows"] == sum(t["rows"] for t in read_manifest(backup)["tables"].values())

    again = run_cli("restore", str(backup), database_url=target)
    assert again.returncode != 0
    assert again.stderr.strip().count("\n") == 0  # a one-line reason
    assert "--remplacer" in again.stderr
    assert run_cli("restore", str(backup), "--remplacer", database_url=target).returncode == 0


# --- Refusals -------------------------------------------------------------------------------------------------------


@pytest.fixture
def backup_file(live_sqlite, tmp_path):
    conn = sqlite3.connect(live_sqlite)
    conn.executemany("INSERT INTO jar (label) VALUES (?)", [("a",), ("b",), ("c",)])
    conn.commit()
    conn.close()
    path = tmp_path / "b.sqlite3"
    backup_database(Database("sqlite", str(live_sqlite)), path)
    return path


def refused(path, target, **kwargs) -> str:
    with pytest.raises(BackupError) as info:
        restore_database(path, target, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_restore_refuses_a_missing_file(tmp_path):
    assert "introuvable" in refused(tmp_path / "absent.sqlite3", Database("sqlite", str(tmp_path / "t.db")))


def test_restore_refuses_a_directory(tmp_path):
    assert "pas un fichier" in refused(tmp_path, Database("sqlite", str(tmp_path / "t.db")))


def test_restore_refuses_a_file_without_manifest(backup_file, tmp_path):
    manifest_path(backup_file).unlink()
    assert "Manifeste introuvable" in refused(backup_file, Database("sqlite", str(tmp_path / "t.db")))


def test_restore_refuses_an_unreadable_manifest(backup_file, tmp_path):
    manifest_path(backup_file).write_text("{pas du json")
    assert "Manifeste illisible" in refused(backup_file, Database("sqlite", str(tmp_path / "t.db")))


def test_restore_refuses_a_modified_backup(backup_file, tmp_path):
    with backup_file.open("ab") as handle:
        handle.write(b"\0")
    target = tmp_path / "t.db"
    assert "ne correspond pas à son manifeste" in refused(backup_file, Database("sqlite", str(target)))
    assert not target.exists()  # refused before touching anything


def test_restore_refuses_an_unreadable_file(tmp_path):
    fake = tmp_path / "faux.sqlite3"
    fake.write_bytes(b"ceci n'est pas une base" * 100)
    database = Database("sqlite", str(tmp_path / "t.db"))
    # A manifest that matches the file, so that the file itself is what is refused.
    from conserverie.core.backup import _write_manifest

    _write_manifest(fake, database, {})
    assert "pas une sauvegarde SQLite lisible" in refused(fake, database)


def test_restore_fails_when_the_restored_rows_differ_from_the_manifest(backup_file, tmp_path):
    manifest = json.loads(manifest_path(backup_file).read_text())
    manifest["tables"]["jar"]["rows"] = 4
    manifest["tables"]["log"]["sha256"] = "0" * 64
    manifest_path(backup_file).write_text(json.dumps(manifest))
    message = refused(backup_file, Database("sqlite", str(tmp_path / "t.db")))
    assert "ne correspond pas au manifeste" in message
    assert "jar : 3 lignes au lieu de 4" in message
    assert "log : contenu différent" in message


def test_restore_refuses_to_overwrite_without_the_flag(backup_file, live_sqlite):
    assert "--remplacer" in refused(backup_file, Database("sqlite", str(live_sqlite)))
    assert restore_database(backup_file, Database("sqlite", str(live_sqlite)), replace=True).tables == 3


def test_restore_refuses_another_engine(backup_file):
    message = refused(backup_file, Database("postgresql", "conserverie"))
    assert "vient de sqlite" in message


def test_backup_refuses_a_missing_database_or_folder(tmp_path, live_sqlite):
    with pytest.raises(BackupError, match="Base SQLite introuvable"):
        backup_database(Database("sqlite", str(tmp_path / "absente.sqlite3")), tmp_path / "b.sqlite3")
    with pytest.raises(BackupError, match="Dossier introuvable"):
        backup_database(Database("sqlite", str(live_sqlite)), tmp_path / "pas-la" / "b.sqlite3")
    assert list(tmp_path.glob(".*.tmp")) == []


def test_backup_refuses_a_file_that_is_not_a_database(tmp_path):
    garbage = tmp_path / "abime.sqlite3"
    garbage.write_text("ceci n'est pas une base")
    with pytest.raises(BackupError, match="Base SQLite illisible"):
        backup_database(Database("sqlite", str(garbage)), tmp_path / "b.sqlite3")
    assert not (tmp_path / "b.sqlite3").exists()
    assert list(tmp_path.glob(".*.tmp")) == []


def test_commands_give_a_one_line_french_reason(tmp_path):
    with pytest.raises(CommandError, match="Fichier de sauvegarde introuvable"):
        call_command("restore", str(tmp_path / "absent.sqlite3"))
    with pytest.raises(CommandError, match="Dossier introuvable"):
        call_command("backup", str(tmp_path / "pas-la" / "b.sqlite3"))


# --- PostgreSQL -----------------------------------------------------------------------------------------------------

DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql://", "pgsql://"))
needs_postgres = pytest.mark.skipif(
    not ON_POSTGRES, reason="DATABASE_URL ne pointe pas vers PostgreSQL : sauvegarde PostgreSQL non testée ici"
)


@pytest.fixture
def scratch_postgres():
    """Two throwaway databases next to the one DATABASE_URL names (its role needs CREATEDB, as in CI)."""
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.fail("pg_dump/pg_restore introuvables alors que DATABASE_URL pointe vers PostgreSQL")
    import psycopg
    from psycopg import sql

    base = Database.from_url(DATABASE_URL)
    suffix = uuid.uuid4().hex[:10]
    source = dataclasses.replace(base, name=f"cons_bk_src_{suffix}")
    target = dataclasses.replace(base, name=f"cons_bk_dst_{suffix}")
    admin = psycopg.connect(**base.pg_params(), autocommit=True)
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(source.name)))
    with psycopg.connect(**source.pg_params(), autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE jar (id bigserial PRIMARY KEY, label text NOT NULL, kg numeric(8, 3), blob bytea,"
            " made_at timestamptz DEFAULT now(), extra jsonb)"
        )
        conn.execute("CREATE TABLE session (key text PRIMARY KEY, data text)")
        conn.execute("CREATE TABLE log (line text)")
    yield source, target
    for name in (source.name, target.name):
        _drop_database(admin, name)
    admin.close()


def _drop_database(admin, name: str, attempts: int = 20) -> None:
    """Drop a scratch database. An autovacuum worker may still be in it, and FORCE may not end a process of
    another role (seen in CI right after a restore's ANALYZE): wait for it to leave, then try again."""
    import psycopg
    from psycopg import sql

    for attempt in range(attempts):
        try:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            return
        except (psycopg.errors.InsufficientPrivilege, psycopg.errors.ObjectInUse):
            if attempt == attempts - 1:
                raise
            time.sleep(0.5)


@needs_postgres
def test_postgres_backup_while_another_connection_writes_restores_exactly(scratch_postgres, tmp_path):
    import psycopg

    source, target = scratch_postgres
    stop, written, errors = threading.Event(), [0], []

    def write():
        try:
            with psycopg.connect(**source.pg_params(), autocommit=True) as conn:
                while not stop.is_set():
                    n = written[0]
                    with conn.transaction():
                        conn.execute(
                            "INSERT INTO jar (label, kg, blob, extra) VALUES (%s, %s, %s, %s)",
                            (f"Coulis n°{n}", n * 0.375, bytes([n % 256]) * 4, json.dumps({"n": n, "é": [1, 2]})),
                        )
                        conn.execute("INSERT INTO session VALUES (%s, %s)", (uuid.uuid4().hex, "Été"))
                        conn.execute("INSERT INTO log VALUES (%s)", (f"ligne {n}",))
                    written[0] += 1
        except Exception as exc:
            errors.append(exc)

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    try:
        while written[0] < 100 and not errors:
            time.sleep(0.01)
        backup = tmp_path / "pg.dump"
        manifest = backup_database(source, backup)
        after = written[0]
    finally:
        stop.set()
        thread.join(10)
    assert not errors
    tables = manifest["tables"]
    assert manifest["engine"] == "postgresql"
    assert tables["jar"]["rows"] == tables["session"]["rows"] == tables["log"]["rows"] >= 100
    assert after >= tables["jar"]["rows"]

    result = restore_database(backup, target)  # the target database does not exist yet: created
    assert result.created
    assert result.tables == 3
    with psycopg.connect(**target.pg_params()) as conn:
        assert conn.execute("SELECT count(*) FROM jar").fetchone()[0] == tables["jar"]["rows"]

    assert "--remplacer" in refused(backup, target)
    assert restore_database(backup, target, replace=True).rows == sum(t["rows"] for t in tables.values())


@needs_postgres
def test_postgres_restore_refuses_a_file_that_is_not_a_dump(scratch_postgres, tmp_path):
    source, target = scratch_postgres
    fake = tmp_path / "faux.dump"
    fake.write_bytes(b"pas une archive")
    from conserverie.core.backup import _write_manifest

    _write_manifest(fake, source, {})
    assert "pas une sauvegarde PostgreSQL lisible" in refused(fake, target)


@needs_postgres
def test_postgres_passwords_stay_out_of_the_command_line():
    database = Database.from_url(DATABASE_URL)
    env = database.pg_env()
    assert env["PGDATABASE"] == database.name
    assert env.get("PGPASSWORD", "") == database.password
