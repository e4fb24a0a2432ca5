"""The time-bomb guard: the date-sensitive tests pass with the clock a year and more ahead.

A test that builds a record "dated 2026-11-21" and expects an incremental run
to find it passes until that date is older than the overlap window, then
fails on every fresh clone. Running the date-sensitive tests again with the
clock moved ahead (in the test process and in every ``evidence`` subprocess)
makes such a test fail on the day it is written. One run per file, so that
``pytest -n`` spreads them over the workers and a failure names its file.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
TESTS = Path(__file__).parent
# Tests whose subject is time: incremental windows, digests, what's new, runs.
DATE_SENSITIVE = [
    "test_update.py", "test_digest.py", "test_lock.py", "harvest/test_runs.py",
    "harvest/test_pubmed_harvest.py", "harvest/test_ctgov_harvest.py", "harvest/test_ctgov_changes.py",
    "app/test_pages.py", "workbench/test_prisma.py",
]


@pytest.mark.parametrize("days", [400])
@pytest.mark.parametrize("name", DATE_SENSITIVE)
def test_date_sensitive_tests_pass_with_the_clock_ahead(name, days, tmp_path):
    env = dict(os.environ, TEST_CLOCK_SHIFT_DAYS=str(days),
               PYTHONPATH=os.pathsep.join([str(TESTS / "clockshift"), os.environ.get("PYTHONPATH", "")]))
    probe = subprocess.run([sys.executable, "-c", "import datetime; print(datetime.date.today())"],
                           env=env, capture_output=True, text=True, check=True)
    from datetime import date, timedelta

    assert probe.stdout.strip() >= (date.today() + timedelta(days=days - 1)).isoformat(), "clock not moved"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "--basetemp", str(tmp_path / "t"),
         str(TESTS / name)],
        env=env, capture_output=True, text=True, cwd=TESTS.parent, timeout=900)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
