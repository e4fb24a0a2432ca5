"""A single-writer lock for scheduled updates, safe against killed processes and across hosts.

On SQLite (one machine) the lock is an ``fcntl.flock`` on a file beside the
database: the kernel releases it when its holder dies, however it dies
(``kill -9`` included), so a lock can never be left stale. The lock file
also records who holds it, for the message a second, concurrent update
prints. On PostgreSQL, updates may run on several hosts against one
database, so the lock is a session-level advisory lock in the database
itself: the server releases it when the holder's connection ends, and
``pg_stat_activity`` names the holder.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import socket
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError


class LockHeld(RuntimeError):
    """Another live process holds the lock."""


class LockUnavailable(RuntimeError):
    """The lock cannot be taken at all (e.g. an unwritable lock file): a configuration error."""


def _holder(path: Path) -> str:
    try:
        info = json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        return "another process"
    return f"pid {info.get('pid')} on {info.get('host')} since {info.get('since')}"


@contextmanager
def single_writer(path: Path) -> Iterator[None]:
    """Hold the lock for the block; raise LockHeld at once if someone else has it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise LockUnavailable(f"cannot open the lock file {path}: {exc.strerror}; make it writable "
                              "or set EVIDENCE_LOCK_FILE to a writable path") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockHeld(f"another update holds {path} ({_holder(path)})") from None
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                 "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}).encode())
        os.fsync(fd)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the flock


def _advisory_key(name: str) -> int:
    """A stable positive 63-bit key for ``name`` (the advisory lock namespace is shared)."""
    return int.from_bytes(hashlib.sha256(f"cart-evidence:{name}".encode()).digest()[:8], "big") >> 1


def _advisory_holder(conn: Connection, key: int) -> str:
    row = conn.execute(text(
        "SELECT a.application_name, a.client_addr, a.backend_start FROM pg_locks l "
        "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
        "AND l.objsubid = 1 AND ((l.classid::bigint << 32) | l.objid::bigint) = :k"), {"k": key}).first()
    if row is None or not row.application_name:
        return "another session"
    since = row.backend_start.isoformat(timespec="seconds") if row.backend_start else "?"
    return f"{row.application_name} from {row.client_addr or 'a local socket'} since {since}"


@contextmanager
def advisory_lock(engine: Engine, name: str = "update") -> Iterator[None]:
    """Hold a PostgreSQL session-level advisory lock for the block; raise LockHeld at once if taken.

    The lock lives on a connection of its own for the whole block, so it is
    released when the block ends, or by the server when the process dies.
    """
    key = _advisory_key(name)
    me = f"evidence {name}: pid {os.getpid()} on {socket.gethostname()}"[:63]
    with engine.connect() as conn:
        conn.execute(text("SELECT set_config('application_name', :me, false)"), {"me": me})
        taken = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
        conn.commit()
        if not taken:
            holder = _advisory_holder(conn, key)
            conn.rollback()
            raise LockHeld(f"another {name} holds the database lock ({holder})")
        try:
            yield
        finally:
            try:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.execute(text("SELECT set_config('application_name', '', false)"))
                conn.commit()
            except DBAPIError:  # the connection is gone, and the server dropped its lock with it
                conn.invalidate()


def update_lock(engine: Engine, path: Path) -> AbstractContextManager[None]:
    """The single-writer lock of `evidence update` for this store: advisory on PostgreSQL, else the file."""
    return advisory_lock(engine) if engine.dialect.name == "postgresql" else single_writer(path)
