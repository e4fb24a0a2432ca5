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
