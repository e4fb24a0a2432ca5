"""`evidence update` and `evidence init` on a store that refuses writes: real processes, real refusals.

A read-only database (an immutable file for root, mode 0444 otherwise) and a
full disk (the kernel's file-size limit, RLIMIT_FSIZE, on the child process)
must end in one line saying so and the right exit code, never a traceback.
Not date-sensitive, so not rerun by the clock-shift guard.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import subprocess
from pathlib import Path

import pytest

import test_update
from test_update import EVIDENCE, _env, _harvested, _init, _query, _run

registries = test_update.registries  # the fake registries, as a fixture of this module too

pytestmark = pytest.mark.slow


@contextlib.contextmanager
def _read_only(path: Path):
    """The file made unwritable for this user: immutable for root (who ignores modes), mode 0444 otherwise."""
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
            pytest.skip("running as root on a file system without immutable files")
        undo = ["chattr", "-i", str(path)]
    else:
        path.chmod(0o444)
        undo = None
    try:
        yield
    finally:
        subprocess.run(undo, check=True) if undo else path.chmod(0o644)


def _disk_full_after(limit: int):
    """A child process whose files cannot grow past ``limit`` bytes: writes fail as on a full disk.

    RLIMIT_FSIZE makes the kernel refuse the write (EFBIG), which SQLite reports
    like a full disk. Chosen over a tiny tmpfs (needs root) and over an injected
    OSError (the real process, SQLite and its journal are what is tested).
    """
    def limit_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return limit_files


def test_update_on_a_read_only_database_says_so_and_exits_2(registries, tmp_path):
    env = _env(tmp_path, registries["eutils_url"], registries["ctgov_url"])
    _init(env)
    with _read_only(Path(env["EVIDENCE_DB"])):
        result = _run(env, "update")
        reload = _run(env, "init", "--reload")
    assert result.returncode == 2, result.stderr
    assert "read-only" in result.stderr and "Traceback" not in result.stderr
    assert reload.returncode == 2 and "read-only" in reload.stderr and "Traceback" not in reload.stderr
    assert registries["pubmed"].count("efetch") == 0
    assert _query(env, "SELECT count(*) FROM harvestrun") == [(0,)]
    assert _query(env, "SELECT count(*) FROM outcome") == [(9,)]


def test_a_full_disk_fails_the_update_with_a_message_a_summary_and_closed_runs(registries, tmp_path):
    env = _env(tmp_path, registries["eutils_url"], registries["ctgov_url"])
    _init(env)
    limit = Path(env["EVIDENCE_DB"]).stat().st_size + 200_000  # far less than 450 records need
    result = subprocess.run([*EVIDENCE, "update"], env=env, capture_output=True, text=True, timeout=120,
                            preexec_fn=_disk_full_after(limit))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "[SQL:" not in result.stderr
    # The kernel refuses the write with EFBIG, which SQLite reports as an I/O error (ENOSPC: "full").
    assert "the database could not be written (disk I/O error)" in result.stderr
    summary = json.loads(result.stdout)
    assert summary["sources"][0]["source"] == "pubmed" and not summary["sources"][0]["ok"]
    runs = _query(env, "SELECT source, status, error FROM harvestrun ORDER BY id")
    assert all(status != "running" for _, status, _ in runs), runs
    assert ("pubmed", "failed", summary["sources"][0]["error"]) in runs
    rerun = _run(env, "update")  # space again: the next update completes the harvest
    assert rerun.returncode == 0, rerun.stderr
    assert _harvested(env) == (450, 45)


def test_init_on_a_full_disk_exits_1_with_a_message(tmp_path):
    env = _env(tmp_path, "http://127.0.0.1:9/", "http://127.0.0.1:9/api/v2")
    result = subprocess.run([*EVIDENCE, "init"], env=env, capture_output=True, text=True, timeout=120,
                            preexec_fn=_disk_full_after(40_000))
    assert result.returncode == 1, result.stderr
    assert "database" in result.stderr and "Traceback" not in result.stderr
