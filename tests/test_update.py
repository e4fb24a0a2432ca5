"""`evidence update` end to end: real processes against local registries that inject faults.

The update runs as a separate process (as cron runs it) against a local
E-utilities and a local ClinicalTrials.gov. Faults are injected by the
servers, never by mocking our own functions: a registry down, a second
update started while one runs, `kill -9` in the middle of a run, no network.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from fixtures.ctgov.fake_ctgov import EMPTY_PAGE, FakeCtgov
from fixtures.ctgov.fake_ctgov import HTML_200 as CTGOV_HTML
from fixtures.ctgov.fake_ctgov import Fault as CtgovFault
from fixtures.ctgov.fake_ctgov import Server as CtgovServer
from fixtures.pubmed.fake_eutils import EMPTY_FETCH, EMPTY_SEARCH, ERROR_200, HTML_200, FakeEutils
from fixtures.pubmed.fake_eutils import Fault as EutilsFault
from fixtures.pubmed.fake_eutils import Server as EutilsServer

pytestmark = pytest.mark.slow
EVIDENCE = [sys.executable, "-m", "evidence"]
# Registry dates relative to today: an incremental run only looks back a few days.
TODAY = date.today()


class GatedEutils(FakeEutils):
    """E-utilities that holds the n-th efetch open until released (a point to kill the client at)."""

    def __init__(self, gate_at: int | None = None) -> None:
        super().__init__()
        self.gate_at, self.reached, self.release = gate_at, threading.Event(), threading.Event()

    def answer(self, path, params):
        if path.endswith("efetch.fcgi") and self.gate_at and self.count("efetch") + 1 == self.gate_at:
            self.reached.set()
            self.release.wait(timeout=60)
        return super().answer(path, params)


@pytest.fixture
def registries():
    pubmed, ctgov = GatedEutils(), FakeCtgov(page_size=10)
    pubmed.add_many(450, 41_000_000, TODAY - timedelta(days=330), TODAY - timedelta(days=20))
    ctgov.add_many(45, updated=TODAY - timedelta(days=20))
    with EutilsServer(pubmed) as eutils_url, CtgovServer(ctgov) as ctgov_url:
        yield {"pubmed": pubmed, "ctgov": ctgov, "eutils_url": eutils_url, "ctgov_url": ctgov_url}
        pubmed.release.set()


def _env(tmp_path: Path, eutils_url: str, ctgov_url: str, db: str = "evidence.db") -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EVIDENCE_", "NCBI_"))}
    env.update({
        "EVIDENCE_DB": str(tmp_path / db),
        "EVIDENCE_DATA_DIR": str(Path(__file__).parent / "fixtures" / "curated"),
        "EVIDENCE_CONFIG": str(tmp_path / "absent.toml"),
        "EVIDENCE_EUTILS_URL": eutils_url, "EVIDENCE_CTGOV_URL": ctgov_url,
        "EVIDENCE_NCBI_RATE": "1000", "EVIDENCE_CTGOV_RATE": "60000",
        "EVIDENCE_HTTP_MAX_TRIES": "2", "EVIDENCE_HTTP_TIMEOUT": "10", "NCBI_EMAIL": "tests@example.org",
    })
    return env


def _run(env: dict, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([*EVIDENCE, *args], env=env, capture_output=True, text=True, timeout=timeout)


def _init(env: dict) -> None:
    assert _run(env, "init").returncode == 0


def _query(env: dict, sql: str) -> list[tuple]:
    with sqlite3.connect(env["EVIDENCE_DB"]) as conn:
        return conn.execute(sql).fetchall()


def _snapshot(env: dict) -> dict:
    """What the database holds, without timestamps and run bookkeeping."""
    return {
        "publications": _query(env, "SELECT pmid, title, abstract, pub_date, kind, deleted, registry_ids "
                                    "FROM publication ORDER BY pmid"),
        "trials": _query(env, "SELECT registry_id, brief_title, status, enrollment, phases, origin "
                              "FROM trial ORDER BY registry_id"),
        "links": _query(env, "SELECT pmid, registry_id, method FROM publicationtriallink "
                             "ORDER BY pmid, registry_id, method"),
        "changes": _query(env, "SELECT registry_id, field, old, new FROM trialchange ORDER BY id"),
    }


def test_full_then_incremental_run(registries, tmp_path):
    env = _env(tmp_path, registries["eutils_url"], registries["ctgov_url"])
    _init(env)
    first = _run(env, "update")
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert [s["ok"] for s in summary["sources"]] == [True, True]
    assert _query(env, "SELECT count(*) FROM publication WHERE origin != 'curated'") == [(450,)]
    assert _query(env, "SELECT count(*) FROM trial WHERE origin = 'ctgov'") == [(45,)]
    assert _query(env, "SELECT source, status FROM harvestrun ORDER BY id") == [
        ("update", "succeeded"), ("pubmed", "succeeded"), ("ctgov", "succeeded")]
    log_lines = first.stderr.splitlines()
    assert sum("batch retstart=" in line for line in log_lines) == 3  # one line per efetch batch of 200
    assert sum(" page " in line for line in log_lines) == 5  # one line per page of 10 studies
    assert "update finished: 2 of 2 sources succeeded" in log_lines[-1]

    pubmed, ctgov = registries["pubmed"], registries["ctgov"]
    before = (len(pubmed.requests), len(ctgov.requests))
    second = _run(env, "update")
    assert second.returncode == 0, second.stderr
    new_esearch = [p for e, p in pubmed.requests[before[0]:] if e == "esearch" and p.get("rettype") != "count"]
    assert new_esearch and all("mindate" in p for p in new_esearch if not p["term"].startswith("#"))
    assert {p.get("datetype") for p in new_esearch} >= {"edat", "mdat"}
    counted = [p for e, p in pubmed.requests[before[0]:] if p.get("rettype") == "count"]
    assert len(counted) == 1  # a quiet window: the query as a whole still finds records
    windowed = [p for p in ctgov.requests[before[1]:] if p.get("pageSize") != "1"]
    assert windowed and all("LastUpdatePostDate" in p["filter.advanced"] for p in windowed)
    assert [p for p in ctgov.requests[before[1]:] if p.get("pageSize") == "1"]  # the query still has studies
    assert _snapshot(env)["trials"] == _snapshot(env)["trials"]  # stable
    assert _query(env, "SELECT count(*) FROM trialchange") == [(0,)]

    study = ctgov.studies[0]["protocolSection"]
    study["statusModule"]["overallStatus"] = "ACTIVE_NOT_RECRUITING"
    yesterday = TODAY - timedelta(days=1)
    study["statusModule"]["lastUpdatePostDateStruct"]["date"] = yesterday.isoformat()
    pubmed.add(41_999_999, yesterday)
    assert _run(env, "update").returncode == 0
    digest = json.loads(_run(env, "whats-new", "--last-run", "--format", "json").stdout)
    assert [p["pmid"] for p in digest["new_publications"]] == ["41999999"]
    assert digest["new_trials"] == []
    assert [(c["registry_id"], c["field"], c["old"], c["new"]) for c in digest["trial_changes"]] == [
        (study["identificationModule"]["nctId"], "status", "COMPLETED", "ACTIVE_NOT_RECRUITING")]


def test_one_source_down_does_not_undo_the_other(registries, tmp_path):
    registries["ctgov"].faults.append(CtgovFault(500, "Internal Server Error", times=-1))
    env = _env(tmp_path, registries["eutils_url"], registries["ctgov_url"])
    _init(env)
    result = _run(env, "update")
    assert result.returncode == 1
    runs = _query(env, "SELECT source, status, error FROM harvestrun WHERE source != 'update' ORDER BY id")
    assert runs[0][:2] == ("pubmed", "succeeded")
    assert runs[1][:2] == ("ctgov", "failed") and "HTTP 500" in runs[1][2]
    assert _query(env, "SELECT count(*) FROM publication WHERE origin = 'pubmed'") == [(450,)]
    assert "ctgov failed" in result.stderr
    assert _query(env, "SELECT status, error FROM harvestrun WHERE source = 'update'") == [
        ("failed", "failed: ctgov")]


def test_second_update_while_one_runs_exits_75_and_changes_nothing(registries, tmp_path):
    registries["pubmed"].gate_at = 2
    env = _env(tmp_path, registries["eutils_url"], registries["ctgov_url"])
    env["EVIDENCE_HTTP_TIMEOUT"] = "90"  # the first update waits at the gate however slow the second starts
    _init(env)
    first = subprocess.Popen([*EVIDENCE, "update"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    try:
        assert registries["pubmed"].reached.wait(timeout=60), "the first update never reached the gate"
        runs_before = _query(env, "SELECT id, status FROM harvestrun ORDER BY id")
        second = _run(env, "update", timeout=30)
        assert second.returncode == 75
        assert "another update holds" in second.stderr and f"pid {first.pid}" in second.stderr
        assert _query(env, "SELECT id, status FROM harvestrun ORDER BY id") == runs_before
    finally:
        registries["pubmed"].release.set()
        out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err


def _kill_at_gate(env: dict, event: threading.Event) -> None:
    proc = subprocess.Popen([*EVIDENCE, "update"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert event.wait(timeout=60), "the update never reached the gate"
        time.sleep(0.2)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.parametrize("where,gate", [("pubmed", 2), ("ctgov", 3)])
def test_kill_9_mid_run_then_rerun_equals_an_uninterrupted_run(registries, tmp_path, where, gate):
    reference = _env(tmp_path, registries["eutils_url"], registries["ctgov_url"], db="reference.db")
    _init(reference)
    assert _run(reference, "update").returncode == 0

    fake = registries[where]
    fake.gate_at = len(fake.requests) + gate if where == "ctgov" else fake.count("efetch") + gate
    fake.reached.clear()
    env = _env(tmp_path, registries["eutils_url"], registries["ctgov_url"])
    _init(env)
    _kill_at_gate(env, fake.reached)
    fake.release.set()

    assert _query(env, "PRAGMA integrity_check") == [("ok",)]
    assert ("running",) in _query(env, "SELECT status FROM harvestrun")
    rerun = _run(env, "update")
    assert rerun.returncode == 0, rerun.stderr
    statuses = [s for (s,) in _query(env, "SELECT status FROM harvestrun ORDER BY id")]
    assert "abandoned" in statuses and "running" not in statuses
    assert _snapshot(env) == _snapshot(reference)
    assert _query(env, "SELECT count(*), count(DISTINCT pmid) FROM publication")[0][0] == \
        _query(env, "SELECT count(DISTINCT pmid) FROM publication")[0][0]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_no_network_fails_fast_and_leaves_the_database_untouched(tmp_path):
    port = _closed_port()
    env = _env(tmp_path, f"http://127.0.0.1:{port}/eutils/", f"http://127.0.0.1:{port}/api/v2")
    _init(env)
    start = time.monotonic()
    result = _run(env, "update", timeout=60)
    assert result.returncode == 1
    assert "cannot be reached" in result.stderr
    assert time.monotonic() - start < 30
    assert _query(env, "SELECT count(*) FROM harvestrun") == [(0,)]


def test_one_registry_unreachable_is_recorded_by_its_own_harvester(registries, tmp_path):
    env = _env(tmp_path, registries["eutils_url"], f"http://127.0.0.1:{_closed_port()}/api/v2")
    _init(env)
    result = _run(env, "update")
    assert result.returncode == 1 and "ctgov failed" in result.stderr and "cannot be reached" in result.stderr
    assert json.loads(result.stdout)["unreachable"] == ["ctgov"]
    runs = _query(env, "SELECT source, status, error, params FROM harvestrun WHERE source != 'update' ORDER BY id")
    assert [r[:2] for r in runs] == [("pubmed", "succeeded"), ("ctgov", "failed")]
    ctgov = runs[1]
    assert "cannot be reached" in ctgov[2]
    assert {"query", "strategy", "url"} <= set(json.loads(ctgov[3]))  # the harvester's own run, with its request
    assert _query(env, "SELECT status, error FROM harvestrun WHERE source = 'update'") == [
        ("failed", "failed: ctgov")]
    assert _query(env, "SELECT count(*) FROM publication WHERE origin = 'pubmed'") == [(450,)]


def test_dry_run_prints_the_requests_and_changes_nothing(registries, tmp_path):
    env = _env(tmp_path, registries["eutils_url"], registries["ctgov_url"])
    _init(env)
    result = _run(env, "update", "--dry-run", "--since", "2026-10-01")
    assert result.returncode == 0, result.stderr
    assert "pubmed: esearch.fcgi" in result.stdout and "2026-10-01" in result.stdout
    assert "ctgov: GET " in result.stdout and "LastUpdatePostDate" in result.stdout
    assert registries["pubmed"].requests == [] and registries["ctgov"].requests == []
    assert _query(env, "SELECT count(*) FROM harvestrun") == [(0,)]


def test_usage_errors_exit_2(tmp_path):
    env = _env(tmp_path, "http://127.0.0.1:9/", "http://127.0.0.1:9/api/v2")
    _init(env)
    assert _run(env, "update", "--full", "--since", "2026-01-01").returncode == 2
    assert _run(env, "update", "--since", "last tuesday").returncode == 2
    assert _run(env, "update", "--source", "scopus").returncode == 2


# ---------------------------------------------------------------- empty answers (issue 16, item 8)

def _harvested(env: dict) -> tuple[int, int]:
    return (_query(env, "SELECT count(*) FROM publication WHERE origin = 'pubmed'")[0][0],
            _query(env, "SELECT count(*) FROM trial WHERE origin = 'ctgov'")[0][0])


def _source_runs(env: dict) -> list[tuple]:
    return _query(env, "SELECT source, status FROM harvestrun WHERE source != 'update' ORDER BY id")


def test_a_first_update_answered_empty_is_followed_by_a_full_one(registries, tmp_path):
    registries["pubmed"].faults.append(EutilsFault("esearch", 200, EMPTY_SEARCH, times=99))
    registries["ctgov"].faults.append(CtgovFault(200, EMPTY_PAGE, times=-1))
    env = _env(tmp_path, registries["eutils_url"], registries["ctgov_url"])
    _init(env)
    assert _run(env, "update").returncode == 0  # nothing known yet: "no records" may be true
    assert _harvested(env) == (0, 0)
    registries["pubmed"].faults.clear()
    registries["ctgov"].faults.clear()
    clean = _run(env, "update")
    assert clean.returncode == 0, clean.stderr
    assert _harvested(env) == (450, 45)  # everything: the empty run was no starting point


def test_registries_answering_empty_fail_the_update_and_keep_the_watermark(registries, tmp_path):
    env = _env(tmp_path, registries["eutils_url"], registries["ctgov_url"])
    _init(env)
    assert _run(env, "update").returncode == 0
    with sqlite3.connect(env["EVIDENCE_DB"]) as conn:  # that update ran ten days ago
        conn.execute("UPDATE harvestrun SET started_at = datetime(started_at, '-10 days')")
    pubmed, ctgov = registries["pubmed"], registries["ctgov"]
    pubmed.add(41_999_990, TODAY - timedelta(days=5))
    ctgov.add_many(1, first=6_300_000, updated=TODAY - timedelta(days=5))
    pubmed.faults.append(EutilsFault("esearch", 200, EMPTY_SEARCH, times=99))
    ctgov.faults.append(CtgovFault(200, EMPTY_PAGE, times=-1))
    empty = _run(env, "update")
    assert empty.returncode == 1
    assert _source_runs(env)[-2:] == [("pubmed", "failed"), ("ctgov", "failed")]
    assert "found records in earlier runs" in empty.stderr and "no studies for a query" in empty.stderr
    pubmed.faults.clear()
    ctgov.faults.clear()
    clean = _run(env, "update")
    assert clean.returncode == 0, clean.stderr
    assert _harvested(env) == (451, 46)  # the five-day-old records the failed run did not store


def test_an_empty_batch_that_stays_empty_fails_the_update_and_the_rerun_completes(registries, tmp_path):
    registries["pubmed"].faults.append(EutilsFault("efetch", 200, EMPTY_FETCH, skip=1, times=99))
    registries["ctgov"].faults.append(CtgovFault(200, EMPTY_PAGE, skip=2, times=-1))  # paging ends early
    env = _env(tmp_path, registries["eutils_url"], registries["ctgov_url"])
    _init(env)
    result = _run(env, "update")
    assert result.returncode == 1
    assert _source_runs(env) == [("pubmed", "failed"), ("ctgov", "failed")]
    assert "0 of the 200 records asked for came back" in result.stderr
    assert "announced 45 studies but sent 20" in result.stderr
    assert _harvested(env) == (200, 20)  # what came is kept
    registries["pubmed"].faults.clear()
    registries["ctgov"].faults.clear()
    assert _run(env, "update").returncode == 0
    assert _harvested(env) == (450, 45)


def test_empty_answers_and_error_pages_served_with_200_are_retried(registries, tmp_path):
    registries["pubmed"].faults += [EutilsFault("efetch", 200, EMPTY_FETCH, skip=1),
                                    EutilsFault("efetch", 200, HTML_200, {"Content-Type": "text/html"}),
                                    EutilsFault("esearch", 200, ERROR_200)]
    registries["ctgov"].faults += [CtgovFault(200, EMPTY_PAGE, skip=2),
                                   CtgovFault(200, CTGOV_HTML, content_type="text/html")]
    env = _env(tmp_path, registries["eutils_url"], registries["ctgov_url"])
    _init(env)
    result = _run(env, "update")
    assert result.returncode == 0, result.stderr
    assert all(f.times == 0 for f in registries["pubmed"].faults + registries["ctgov"].faults)
    assert _harvested(env) == (450, 45)

