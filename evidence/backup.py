"""Backups of the store that can be taken while the app serves and an update writes.

SQLite: the online backup API copies a consistent snapshot page by page into
a new file. PostgreSQL: ``pg_dump`` in its custom format (a consistent
snapshot by design), restored with ``pg_restore`` in a single transaction.
A backup is written to a temporary name first and renamed, so a failed or
interrupted backup never leaves a half-written file under the name asked
for. Passwords reach ``pg_dump`` through the environment, never the command
line (where ``ps`` would show them).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from evidence.db import init_db, sqlite_path

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class BackupError(RuntimeError):
    """A backup or restore that cannot be done as asked (not a backup file, wrong kind, missing tool)."""


class BackupFailed(BackupError):
    """pg_dump or pg_restore ran and failed (a failed run, not a usage error)."""


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    if not candidates:
        raise BackupError(f"{name} not found: install the PostgreSQL client (apt-get install postgresql-client)")
    return str(candidates[-1])


def _libpq(engine: Engine) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and the environment that carries it."""
    url = make_url(engine.url)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode:
        raise BackupFailed(f"{Path(args[0]).name} failed: {result.stderr.strip()}")


def backup(engine: Engine, dest: Path) -> str:
    """Write a consistent snapshot of the store to ``dest``; return its format ("sqlite" or "pg_dump")."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    try:
        if engine.dialect.name == "postgresql":
            uri, env = _libpq(engine)
            _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={partial}", f"--dbname={uri}"],
                 env)
            kind = "pg_dump"
        else:
            with closing(_sqlite_ro(_sqlite_file(engine))) as src, closing(sqlite3.connect(partial)) as dst:
                src.backup(dst)
            kind = "sqlite"
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)
    return kind


def _sqlite_file(engine: Engine) -> Path:
    path = sqlite_path(engine.url)
    if path is None:
        raise BackupError("an in-memory database cannot be backed up")
    return path.resolve()


def _sqlite_ro(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)


def backup_format(path: Path) -> str:
    """"sqlite" or "pg_dump" from the file's first bytes; BackupError for anything else."""
    with path.open("rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "pg_dump"
    raise BackupError(f"{path} is not a backup made by `evidence backup` (neither SQLite nor pg_dump format)")


def restore(engine: Engine, source: Path) -> str:
    """Replace the store's content with the backup in ``source``, then upgrade it to the current schema.

    The caller checks that replacing is wanted (the CLI asks for --force when
    the store holds data). Returns the schema revision after the restore.
    """
    kind = backup_format(source)
    backend = "pg_dump" if engine.dialect.name == "postgresql" else "sqlite"
    if kind != backend:
        raise BackupError(f"{source} is a {kind} backup but the store is "
                          f"{'PostgreSQL' if backend == 'pg_dump' else 'SQLite'}: restore it into a store of its "
                          "kind, then move it with `evidence db copy --to URL`")
    if kind == "pg_dump":
        uri, env = _libpq(engine)
        _run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
              "--exit-on-error", f"--dbname={uri}", str(source)], env)
    else:
        with closing(_sqlite_ro(source.resolve())) as src:
            if src.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError(f"{source} is a damaged SQLite file (quick_check failed)")
            engine.dispose()
            with closing(sqlite3.connect(_sqlite_file(engine), timeout=30)) as dst:
                src.backup(dst)
    engine.dispose()
    return init_db(engine)
