"""HarvestRun rows: started, finished, failed with their error, incremental windows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from evidence.models import HarvestRun
from harvest.runs import harvest_run, incremental_since, last_success

pytestmark = pytest.mark.both_backends  # store tests: run on SQLite and PostgreSQL


def test_successful_and_failed_runs(engine):
    with harvest_run(engine, "pubmed", {"since": None}) as run_id:
        pass
    with pytest.raises(RuntimeError):
        with harvest_run(engine, "pubmed", {}) as failed_id:
            raise RuntimeError("HTTP 500 from esearch")
    with Session(engine) as session:
        ok, bad = session.get(HarvestRun, run_id), session.get(HarvestRun, failed_id)
        assert ok.status == "succeeded" and ok.finished_at is not None and ok.pid
        assert bad.status == "failed" and "HTTP 500 from esearch" in bad.error
    assert last_success(engine, "pubmed").id == run_id
    assert last_success(engine, "ctgov") is None


def test_incremental_window_overlaps_the_last_success(engine):
    assert incremental_since(engine, "ctgov") is None
    with harvest_run(engine, "ctgov", {}):
        pass
    since = incremental_since(engine, "ctgov", overlap=timedelta(days=2))
    assert since == last_success(engine, "ctgov").started_at - timedelta(days=2)
