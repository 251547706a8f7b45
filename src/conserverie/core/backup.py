"""Backups that can be trusted: a consistent copy while the app writes, and a restore that proves itself.

`backup_database` writes FILE and FILE.manifest.json. The manifest holds, for every table, the number of rows and a
sha256 over its rows (ordered by primary key), computed on the very snapshot that went into FILE, and the sha256 of
FILE itself. `restore_database` refuses a FILE that does not match its manifest, restores it, then computes the
same fingerprints on the restored database and refuses to call the restore done unless they are identical.

- SQLite: the online backup API (`sqlite3.Connection.backup`) copies the database in one read transaction: in WAL
  mode writers go on, and the copy is the state at one instant.
- PostgreSQL: `pg_dump --format=custom` on a snapshot exported by the transaction that computes the fingerprints
  (`pg_export_snapshot`), so that dump and manifest see exactly the same rows; `pg_restore --clean --if-exists`.
  Connection parameters go to the tools through PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE: never on the
  command line, where any user of the machine could read them.

Messages are French: they end up in front of the person who runs the command.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

MANIFEST_SUFFIX = ".manifest.json"
MANIFEST_FORMAT = 1
ENGINES = {"sqlite", "postgresql"}
CHUNK = 2000


class BackupError(Exception):
    """A refusal with a one-line French reason."""


@dataclass(frozen=True)
class Database:
    """Where to back up from or restore into, read from Django's settings or from a DATABASE_URL."""

    engine: str  # "sqlite" or "postgresql"
    name: str
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = field(default="", repr=False)
    options: dict = field(default_factory=dict)

    @classmethod
    def from_settings(cls, config: dict) -> Database:
        engine = config["ENGINE"]
        if engine.endswith("sqlite3"):
            return cls("sqlite", str(config["NAME"]))
        if engine.endswith("postgresql"):
            return cls(
                "postgresql",
                str(config["NAME"]),
                host=str(config.get("HOST") or ""),
                port=str(config.get("PORT") or ""),
                user=str(config.get("USER") or ""),
                password=str(config.get("PASSWORD") or ""),
                options=dict(config.get("OPTIONS") or {}),
            )
        raise BackupError(f"Moteur de base de données non pris en charge : {engine}.")

    @classmethod
    def from_url(cls, url: str) -> Database:
        import dj_database_url

        try:
            return cls.from_settings(dj_database_url.parse(url))
        except ValueError as exc:
            raise BackupError(f"Adresse de base de données illisible : {exc}.") from exc

    def label(self) -> str:
        if self.engine == "sqlite":
            return f"SQLite {self.name}"
        return f"PostgreSQL {self.name} sur {self.host or 'socket local'}{':' + self.port if self.port else ''}"

    # PostgreSQL connection parameters, for psycopg and for the client tools' environment.
    def pg_params(self, dbname: str | None = None) -> dict:
        params = {"dbname": dbname or self.name, "host": self.host, "port": self.port, "user": self.user}
        params = {k: v for k, v in params.items() if v}
        if self.password:
            params["password"] = self.password
        for key in ("sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout"):
            if key in self.options:
                params[key] = str(self.options[key])
        return params

    def pg_env(self) -> dict:
        names = {
            "host": "PGHOST",
            "port": "PGPORT",
            "user": "PGUSER",
            "password": "PGPASSWORD",
            "dbname": "PGDATABASE",
            "sslmode": "PGSSLMODE",
            "sslrootcert": "PGSSLROOTCERT",
            "sslcert": "PGSSLCERT",
            "sslkey": "PGSSLKEY",
            "connect_timeout": "PGCONNECT_TIMEOUT",
        }
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update({names[k]: v for k, v in self.pg_params().items()})
        return env


# --- Fingerprints: rows and sha256 per table ------------------------------------------------------------------------


def _canonical(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return {"hex": bytes(value).hex()}
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)  # dates, times, UUIDs: their ISO text


def _row_bytes(row) -> bytes:
    return json.dumps([_canonical(v) for v in row], ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _table_fingerprint(cursor, table: str, pk: list[str], integer_pk: bool) -> dict:
    """Rows and sha256 of one table. Integer keys are ordered by the database; other keys (or none) in Python,
    over each row's own digest, so that a collation that differs between two servers cannot change the result."""
    digest = hashlib.sha256()
    rows = 0
    if integer_pk:
        cursor.execute(f"SELECT * FROM {_quote(table)} ORDER BY {', '.join(_quote(c) for c in pk)}")
        while batch := cursor.fetchmany(CHUNK):
            rows += len(batch)
            for row in batch:
                digest.update(_row_bytes(row))
    else:
        cursor.execute(f"SELECT * FROM {_quote(table)}")
        row_digests = []
        while batch := cursor.fetchmany(CHUNK):
            rows += len(batch)
            row_digests.extend(hashlib.sha256(_row_bytes(row)).digest() for row in batch)
        for row_digest in sorted(row_digests):
            digest.update(row_digest)
    return {"rows": rows, "sha256": digest.hexdigest()}


def sqlite_fingerprints(conn: sqlite3.Connection) -> dict:
    tables = [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
            "ORDER BY name"
        )
    ]
    result = {}
    for table in tables:
        columns = conn.execute(f"PRAGMA table_info({_quote(table)})").fetchall()
        pk_columns = sorted((c for c in columns if c[5]), key=lambda c: c[5])
        pk = [c[1] for c in pk_columns]
        integer_pk = len(pk_columns) == 1 and "INT" in (pk_columns[0][2] or "").upper()
        result[table] = _table_fingerprint(conn.cursor(), table, pk, integer_pk)
    return result


PG_PRIMARY_KEY = """
SELECT a.attname, format_type(a.atttypid, a.atttypmod)
FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
WHERE i.indrelid = %s::regclass AND i.indisprimary
ORDER BY array_position(i.indkey::int2[], a.attnum)
"""


def postgres_fingerprints(conn) -> dict:
    """Fingerprints of the tables of the current schema, inside `conn`'s current transaction."""
    conn.execute("SET LOCAL TIME ZONE 'UTC'")
    tables = [
        name
        for (name,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        ).fetchall()
    ]
    result = {}
    for table in tables:
        keys = conn.execute(PG_PRIMARY_KEY, [_quote(table)]).fetchall()
        pk = [name for name, _type in keys]
        integer_pk = len(keys) == 1 and keys[0][1] in {"integer", "bigint", "smallint"}
        # A named (server-side) cursor streams the rows instead of loading the whole table in memory.
        with conn.cursor(name=f"fingerprint_{len(result)}") as cursor:
            result[table] = _table_fingerprint(cursor, table, pk, integer_pk)
    return result


# --- Manifest -------------------------------------------------------------------------------------------------------


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + MANIFEST_SUFFIX)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def read_manifest(path: Path) -> dict:
    """The manifest of backup `path`, after checking that `path` is the very file it describes."""
    if not path.exists():
        raise BackupError(f"Fichier de sauvegarde introuvable : {path}.")
    if not path.is_file():
        raise BackupError(f"Ce n'est pas un fichier : {path}.")
    sidecar = manifest_path(path)
    if not sidecar.is_file():
        raise BackupError(f"Manifeste introuvable : {sidecar} (il est écrit à côté de chaque sauvegarde).")
    try:
        manifest = json.loads(sidecar.read_text(encoding="utf-8"))
        tables, engine, expected = manifest["tables"], manifest["engine"], manifest["sha256"]
        if manifest.get("format") != MANIFEST_FORMAT or not isinstance(tables, dict) or engine not in ENGINES:
            raise ValueError
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"Manifeste illisible : {sidecar}.") from exc
    try:
        actual = file_sha256(path)
    except OSError as exc:
        raise BackupError(f"Fichier de sauvegarde illisible : {path} ({exc.strerror}).") from exc
    if actual != expected:
        raise BackupError(f"La sauvegarde ne correspond pas à son manifeste (fichier modifié ou abîmé) : {path}.")
    return manifest


def _write_manifest(path: Path, database: Database, tables: dict) -> dict:
    manifest = {
        "format": MANIFEST_FORMAT,
        "engine": database.engine,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "file": path.name,
        "bytes": path.stat().st_size,
        "sha256": file_sha256(path),
        "tables": tables,
    }
    sidecar = manifest_path(path)
    tmp = sidecar.with_name(sidecar.name + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, sidecar)
    return manifest


def compare(expected: dict, actual: dict) -> list[str]:
    """The differences between two sets of fingerprints, in French (empty when identical)."""
    problems = []
    for table in sorted(set(expected) | set(actual)):
        if table not in actual:
            problems.append(f"table {table} absente de la base restaurée")
        elif table not in expected:
            problems.append(f"table {table} en trop dans la base restaurée (absente de la sauvegarde)")
        elif expected[table]["rows"] != actual[table]["rows"]:
            problems.append(f"table {table} : {actual[table]['rows']} lignes au lieu de {expected[table]['rows']}")
        elif expected[table]["sha256"] != actual[table]["sha256"]:
            problems.append(f"table {table} : contenu différent (somme de contrôle)")
    return problems


# --- Backup ---------------------------------------------------------------------------------------------------------


def _prepare_destination(path: Path) -> Path:
    """A temporary file next to `path` (renamed at the end, so that a failed backup never leaves half a file)."""
    if path.is_dir():
        raise BackupError(f"C'est un dossier, pas un fichier : {path}.")
    if not path.parent.is_dir():
        raise BackupError(f"Dossier introuvable : {path.parent}.")
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    return Path(name)


def backup_database(database: Database, path: Path) -> dict:
    """Back up `database` into `path` (and `path`.manifest.json); returns the manifest."""
    path = Path(path)
    tmp = _prepare_destination(path)
    try:
        copy = _sqlite_backup if database.engine == "sqlite" else _postgres_backup
        tables = copy(database, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return _write_manifest(path, database, tables)


def _sqlite_backup(database: Database, tmp: Path) -> dict:
    source_path = Path(database.name)
    if not source_path.is_file():
        raise BackupError(f"Base SQLite introuvable : {source_path}.")
    try:
        source = sqlite3.connect(f"{source_path.as_uri()}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error as exc:
        raise BackupError(f"Base SQLite illisible : {source_path} ({exc}).") from exc
    target = sqlite3.connect(tmp)
    try:
        # pages=-1 (the default): the whole database in one step, one read transaction, one instant.
        source.backup(target)
        # A backup is one self-contained file: no -wal/-shm next to it.
        target.execute("PRAGMA journal_mode=DELETE")
        return sqlite_fingerprints(target)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"Base SQLite illisible : {source_path} ({exc}).") from exc
    finally:
        target.close()
        source.close()


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} introuvable : installez postgresql-client (même version majeure que le serveur).")
    return found


def _run_tool(args: list[str], database: Database, what: str) -> None:
    result = subprocess.run(args, env=database.pg_env(), capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or ["sans message"])[-1]
        raise BackupError(f"{what} a échoué : {detail}")


def _pg_connect(database: Database, dbname: str | None = None, **kwargs):
    import psycopg

    try:
        return psycopg.connect(**database.pg_params(dbname), **kwargs)
    except psycopg.OperationalError as exc:
        detail = str(exc).strip().splitlines()[-1] if str(exc).strip() else exc.__class__.__name__
        raise BackupError(f"Connexion impossible à {database.label()} : {detail}") from exc


def _postgres_backup(database: Database, tmp: Path) -> dict:
    import psycopg

    pg_dump = _tool("pg_dump")
    with _pg_connect(database) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        # The dump reads the snapshot this transaction holds: dump and fingerprints see the same rows.
        _run_tool(
            [pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}", f"--file={tmp}"],
            database,
            "pg_dump",
        )
        tables = postgres_fingerprints(conn)
        conn.rollback()
    return tables


# --- Restore --------------------------------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    manifest: dict
    database: Database
    created: bool

    @property
    def tables(self) -> int:
        return len(self.manifest["tables"])

    @property
    def rows(self) -> int:
        return sum(t["rows"] for t in self.manifest["tables"].values())


def restore_database(path: Path, database: Database, *, replace: bool = False) -> RestoreResult:
    """Restore backup `path` into `database`, then prove it: the fingerprints must equal the manifest's.

    A database that already holds tables is replaced only with `replace=True`.
    """
    path = Path(path)
    manifest = read_manifest(path)
    if manifest["engine"] != database.engine:
        raise BackupError(
            f"Cette sauvegarde vient de {manifest['engine']} et la base cible est {database.engine} : "
            "restaurez-la dans une base du même moteur."
        )
    if database.engine == "sqlite":
        created, tables = _sqlite_restore(path, database, replace)
    else:
        created, tables = _postgres_restore(path, database, replace)
    problems = compare(manifest["tables"], tables)
    if problems:
        shown = "; ".join(problems[:3]) + (f" (et {len(problems) - 3} autres)" if len(problems) > 3 else "")
        raise BackupError(f"La base restaurée ne correspond pas au manifeste : {shown}.")
    return RestoreResult(manifest=manifest, database=database, created=created)


def _refuse_to_overwrite(database: Database) -> None:
    raise BackupError(
        f"La base cible contient déjà des tables ({database.label()}) : ajoutez --remplacer pour l'écraser."
    )


def _sqlite_restore(path: Path, database: Database, replace: bool) -> tuple[bool, dict]:
    target_path = Path(database.name)
    created = not target_path.exists()
    if target_path.is_dir():
        raise BackupError(f"C'est un dossier, pas un fichier : {target_path}.")
    target_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"Ce fichier n'est pas une sauvegarde SQLite lisible : {path} ({exc}).") from exc
    target = sqlite3.connect(target_path, timeout=30)
    try:
        existing = target.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        if existing and not replace:
            _refuse_to_overwrite(database)
        source.backup(target)
        target.execute("PRAGMA journal_mode=WAL")  # the mode the application runs in (settings.py)
        return created, sqlite_fingerprints(target)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"Restauration SQLite impossible dans {target_path} : {exc}.") from exc
    finally:
        target.close()
        source.close()


def _postgres_database_exists(database: Database) -> bool | None:
    """True/False, or None when no maintenance database lets us ask."""
    for maintenance in ("postgres", "template1"):
        try:
            with _pg_connect(database, dbname=maintenance, autocommit=True) as conn:
                row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database.name]).fetchone()
                return row is not None
        except BackupError:
            continue
    return None


def _postgres_create_database(database: Database) -> None:
    from psycopg import sql

    with _pg_connect(database, dbname="postgres", autocommit=True) as conn:
        try:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database.name)))
        except Exception as exc:  # psycopg.Error: no right to create a database, for instance
            raise BackupError(f"Création de la base {database.name} impossible : {exc}".strip()) from exc


def _postgres_restore(path: Path, database: Database, replace: bool) -> tuple[bool, dict]:
    pg_restore = _tool("pg_restore")
    # A quick look at the archive's table of contents: a file that is not a pg_dump archive stops here.
    listing = subprocess.run([pg_restore, "--list", str(path)], capture_output=True, text=True)
    if listing.returncode != 0:
        raise BackupError(f"Ce fichier n'est pas une sauvegarde PostgreSQL lisible : {path}.")
    created = False
    if _postgres_database_exists(database) is False:
        _postgres_create_database(database)
        created = True
    with _pg_connect(database) as conn:
        existing = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").fetchone()[0]
    if existing and not replace:
        _refuse_to_overwrite(database)
    # --dbname= (empty) makes pg_restore connect, and libpq then takes the database name from PGDATABASE.
    _run_tool(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            "--dbname=",
            str(path),
        ],
        database,
        "pg_restore",
    )
    with _pg_connect(database) as conn:
        tables = postgres_fingerprints(conn)
        conn.rollback()
    return created, tables
