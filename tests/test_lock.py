"""The single-writer lock, with real processes: held, refused, taken over after kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from evidence.lock import LockHeld, single_writer

HOLDER = """
import sys, time
from pathlib import Path
from evidence.lock import single_writer
with single_writer(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(60)
"""


@pytest.fixture
def holder(tmp_path):
    path = tmp_path / "update.lock"
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    yield path, proc
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def test_second_writer_is_refused_with_the_holder_named(holder):
    path, proc = holder
    with pytest.raises(LockHeld, match=f"pid {proc.pid}"):
        with single_writer(path):
            pass


def test_lock_of_a_killed_process_is_taken_over(holder):
    path, proc = holder
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with single_writer(path):
        assert str(os.getpid()) in path.read_text()


def test_lock_is_reusable_after_release(tmp_path):
    path = tmp_path / "x.lock"
    with single_writer(path):
        pass
    start = time.monotonic()
    with single_writer(path):
        pass
    assert time.monotonic() - start < 5


@pytest.mark.both_backends
def test_update_lock_is_held_once_per_database(engine, settings, tmp_path):
    """Two writers with different lock files (two hosts): on PostgreSQL the database itself refuses the second."""
    from evidence.lock import update_lock
    from evidence.store import open_store

    other_host = open_store(settings)
    with update_lock(engine, tmp_path / "host-a.lock"):
        second = tmp_path / ("host-b.lock" if engine.dialect.name == "postgresql" else "host-a.lock")
        with pytest.raises(LockHeld, match=f"pid {os.getpid()}"):
            with update_lock(other_host, second):
                pass
    with update_lock(other_host, tmp_path / "host-b.lock"):  # released when the block ends
        pass
    other_host.dispose()
