"""Engine, connection settings and schema migrations, for SQLite and PostgreSQL.

SQLite is the default store: every connection turns on foreign keys and a
busy timeout, and a database that can be written is put in WAL mode (the
app reads while a scheduled harvest writes; the mode is stored in the file).
A read-only engine opens the file with ``mode=ro`` and never tries to write,
so the app and the read-only commands work on a database they may not
change. PostgreSQL goes through psycopg 3; a read-only engine there makes
every transaction read-only. The schema is owned by Alembic from the first
table on; ``init_db`` upgrades any database to the head revision and is safe
to run again.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote, unquote

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.engine import make_url

from evidence.settings import mask_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class StoreError(RuntimeError):
    """The database cannot be opened as asked (missing, read-only): a configuration error."""


def _sqlite_pragmas(dbapi_conn, _record, readonly: bool) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    if not readonly and cur.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def normalise_url(url: str | URL) -> URL:
    """The URL with the driver this project uses (psycopg 3 for a plain ``postgresql://``)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def sqlite_path(url: str | URL) -> Path | None:
    """The file of a SQLite URL, read-only ``file:`` URIs included (None for other databases and memory)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    if parsed.query.get("uri"):
        return Path(unquote(parsed.database.removeprefix("file:")))
    return Path(parsed.database).expanduser()


def sqlite_writable(path: Path) -> bool:
    """Whether this process may write the database file and create its journal beside it."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _sqlite_readonly_url(path: Path) -> str:
    # A WAL database in a folder we cannot write has no -shm to share: only `immutable` can read it.
    immutable = not os.access(path.parent, os.W_OK) and not Path(f"{path}-wal").exists()
    return f"sqlite:///file:{quote(str(path.resolve()))}?mode=ro{'&immutable=1' if immutable else ''}&uri=true"


def make_engine(url: str | URL, *, create: bool = True, readonly: bool = False) -> Engine:
    """An engine on ``url``.

    ``create=False`` refuses a SQLite file that does not exist (a mistyped
    path must not leave an empty database and folder behind); ``readonly``
    opens the database without ever writing to it.
    """
    parsed = normalise_url(url)
    label = mask_url(parsed.render_as_string(hide_password=False))
    if parsed.get_backend_name() != "sqlite":
        args = {"options": "-c default_transaction_read_only=on"} if readonly else {}
        return create_engine(parsed, pool_pre_ping=True, connect_args=args)
    path = sqlite_path(parsed)
    if path is not None and not path.exists():
        if not create or readonly:
            raise StoreError(f"database {label} does not exist: run `evidence init` to create it, "
                             "or check EVIDENCE_DB / --config")
        path.parent.mkdir(parents=True, exist_ok=True)
    if path is not None and readonly:
        parsed = _sqlite_readonly_url(path)
    engine = create_engine(parsed, connect_args={"check_same_thread": False, "timeout": 10})
    event.listen(engine, "connect", lambda conn, record: _sqlite_pragmas(conn, record, readonly))
    return engine


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def init_db(engine: Engine) -> str:
    """Create or upgrade the schema to the newest revision; return that revision."""
    command.upgrade(alembic_config(engine), "head")
    return schema_version(engine) or ""


def schema_version(engine: Engine) -> str | None:
    """The Alembic revision the database is at (None for an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_version() -> str:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head() or ""
