"""A throw-away PostgreSQL server for the test session, started from the Debian binaries.

The server lives in a fresh temporary folder, listens only on a unix socket
there (no TCP port to collide with), trusts local connections and skips
fsync: it holds nothing worth keeping. ``initdb`` refuses to run as root, so
as root the server runs as the ``postgres`` system user that Debian's
package creates. Each test gets its own database, dropped afterwards.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

BINDIRS = "/usr/lib/postgresql/*/bin"


def find_bindir() -> Path | None:
    """The newest Debian PostgreSQL bin folder holding initdb (or $EVIDENCE_PG_BINDIR)."""
    if os.environ.get("EVIDENCE_PG_BINDIR"):
        return Path(os.environ["EVIDENCE_PG_BINDIR"])
    found = sorted(Path("/").glob(BINDIRS.lstrip("/")), key=lambda p: int(p.parent.name)
                   if p.parent.name.isdigit() else 0)
    return next((p for p in reversed(found) if (p / "initdb").exists()), None)


class PostgresServer:
    """One server: ``start()``, ``new_database()`` per test, ``stop()`` at the end of the session."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="evidence-pg-"))
        self.data = self.root / "data"
        self._names = itertools.count(1)
        self._as: list[str] = []
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError("running as root and there is no `postgres` user to run the server as") from None
            os.chown(self.root, user.pw_uid, user.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        result = subprocess.run([*self._as, *args], capture_output=True, text=True, timeout=120)
        if result.returncode:
            raise RuntimeError(f"{' '.join(args[:2])} failed: {result.stderr.strip() or result.stdout.strip()}")

    def start(self) -> "PostgresServer":
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        options = (f"-k {self.root} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off -c max_connections=200")
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"),
                  "-o", options, "-w", "-t", "60", "start")
        return self

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, dbname: str, driver: str = "postgresql+psycopg") -> str:
        return f"{driver}://postgres@/{dbname}?host={self.root}"

    def _admin(self, sql: str) -> None:
        with psycopg.connect(host=str(self.root), user="postgres", dbname="postgres", autocommit=True) as conn:
            conn.execute(sql)

    def new_database(self, create: bool = True) -> str:
        """A new, empty database (only its name with ``create=False``); returns its SQLAlchemy URL."""
        name = f"test_{os.getpid()}_{next(self._names)}"
        if create:
            self._admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def clone_into(self, url: str, template_url: str) -> None:
        """Replace the database of ``url`` by a copy of the one at ``template_url`` (no one may be connected)."""
        self.drop_database(url)
        self._admin(f'CREATE DATABASE "{make_url(url).database}" TEMPLATE "{make_url(template_url).database}"')
