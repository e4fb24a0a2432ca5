"""The commands on PostgreSQL, as a team's server runs them: update, import, digest, one writer across hosts.

Real processes against the throw-away server and the local fake registries.
The database URL carries a password (the test server trusts local
connections and ignores it) so every output can be checked for leaks.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from evidence.cli import app
from evidence.db import make_engine
from fixtures.ctgov.fake_ctgov import FakeCtgov
from fixtures.ctgov.fake_ctgov import Server as CtgovServer
from fixtures.pubmed.fake_eutils import FakeEutils
from fixtures.pubmed.fake_eutils import Server as EutilsServer

pytestmark = pytest.mark.slow
EVIDENCE = [sys.executable, "-m", "evidence"]
FIXTURES = Path(__file__).parent / "fixtures"
PASSWORD = "s3cret-Pw"
TODAY = date.today()

HOLDER = """
import sys, time
from sqlalchemy import text
from evidence.db import make_engine
from evidence.lock import advisory_lock
engine = make_engine(sys.argv[1])
with advisory_lock(engine):
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO harvestrun (source, started_at, status, fetched, new, updated, deleted, "
                          "changed, params, pid, hostname) VALUES ('update', now(), 'running', 0, 0, 0, 0, 0, "
                          "'{}', 4242, 'other-host')"))
    print("held", flush=True)
    time.sleep(120)
"""


@pytest.fixture
def registries():
    pubmed, ctgov = FakeEutils(), FakeCtgov(page_size=10)
    pubmed.add_many(40, 41_000_000, TODAY - timedelta(days=60), TODAY - timedelta(days=5))
    ctgov.add_many(15, updated=TODAY - timedelta(days=5))
    with EutilsServer(pubmed) as eutils_url, CtgovServer(ctgov) as ctgov_url:
        yield eutils_url, ctgov_url


@pytest.fixture
def pg_env(postgres_server, tmp_path, registries):
    url = postgres_server.new_database().replace("postgres@", f"postgres:{PASSWORD}@")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EVIDENCE_", "NCBI_"))}
    env.update({
        "EVIDENCE_DB": url, "EVIDENCE_DATA_DIR": str(FIXTURES / "curated"),
        "EVIDENCE_CONFIG": str(tmp_path / "absent.toml"), "EVIDENCE_LOCK_FILE": str(tmp_path / "host-a.lock"),
        "EVIDENCE_EUTILS_URL": registries[0], "EVIDENCE_CTGOV_URL": registries[1],
        "EVIDENCE_NCBI_RATE": "1000", "EVIDENCE_CTGOV_RATE": "60000", "EVIDENCE_HTTP_MAX_TRIES": "2",
        "EVIDENCE_HTTP_TIMEOUT": "10", "NCBI_EMAIL": "tests@example.org",
    })
    yield env
    postgres_server.drop_database(url)


class Result:
    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def _run(env: dict, *args: str) -> Result:
    """The command in this process (starting Python for each is slow); a real process for --process."""
    if args[0] == "--process":
        done = subprocess.run([*EVIDENCE, *args[1:]], env=env, capture_output=True, text=True, timeout=120)
        result = Result(done.returncode, done.stdout, done.stderr)
    else:
        ran = CliRunner().invoke(app, list(args), env=env)
        result = Result(ran.exit_code, ran.stdout, ran.stderr)
        assert ran.exception is None or isinstance(ran.exception, SystemExit), ran.exception
    assert PASSWORD not in result.stdout + result.stderr, "the database password was printed or logged"
    assert "Traceback" not in result.stderr, result.stderr
    return result


def _scalar(env: dict, sql: str):
    engine = make_engine(env["EVIDENCE_DB"])
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar()
    finally:
        engine.dispose()


def test_commands_work_on_postgresql_and_never_show_the_password(pg_env, tmp_path):
    init = _run(pg_env, "--verbose", "init")
    assert init.returncode == 0, init.stderr
    assert "postgres:***@" in init.stderr  # the INFO line names the database, masked
    update = _run(pg_env, "--verbose", "update")
    assert update.returncode == 0, update.stderr
    assert [s["ok"] for s in json.loads(update.stdout)["sources"]] == [True, True]
    assert _scalar(pg_env, "SELECT count(*) FROM publication WHERE origin != 'curated'") == 40
    assert _scalar(pg_env, "SELECT count(*) FROM trial WHERE origin = 'ctgov'") == 15

    assert _run(pg_env, "import", "pubmed", str(FIXTURES / "pubmed" / "efetch_batch.xml")).returncode == 0
    assert _run(pg_env, "import", "ctgov", str(FIXTURES / "ctgov" / "studies_page1.json")).returncode == 0
    digest = _run(pg_env, "whats-new", "--format", "json")
    assert digest.returncode == 0 and json.loads(digest.stdout)
    info = _run(pg_env, "info", "--json")
    assert info.returncode == 0 and "postgres:***@" in json.loads(info.stdout)["database"]
    assert "postgres:***@" in _run(pg_env, "info").stdout
    exported = _run(pg_env, "export-data", str(tmp_path / "out"))
    assert exported.returncode == 0 and (tmp_path / "out" / "reports.csv").exists()


def test_two_hosts_give_one_run_and_one_exit_75(pg_env, tmp_path):
    assert _run(pg_env, "init").returncode == 0
    other_host = dict(pg_env, EVIDENCE_LOCK_FILE=str(tmp_path / "host-b.lock"))  # its own disk, its own file
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, pg_env["EVIDENCE_DB"]], env=other_host,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        second = _run(pg_env, "--process", "update")
        assert second.returncode == 75, second.stderr
        assert "another update holds the database lock" in second.stderr and f"pid {holder.pid}" in second.stderr
        assert _scalar(pg_env, "SELECT count(*) FROM harvestrun") == 1
        assert _scalar(pg_env, "SELECT status FROM harvestrun WHERE hostname = 'other-host'") == "running"
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=30)
    after = _run(pg_env, "update")  # the server freed the dead holder's lock with its connection
    assert after.returncode == 0, after.stderr
    assert _scalar(pg_env, "SELECT status FROM harvestrun WHERE hostname = 'other-host'") == "abandoned"
