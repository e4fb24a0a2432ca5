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


def test_a_run_the_store_cannot_close_raises_its_own_error(engine, monkeypatch, caplog):
    import errno

    from harvest import runs

    def disk_full(*_args, **_kwargs):  # the write boundary on a full disk
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(runs, "finish_run", disk_full)
    with pytest.raises(RuntimeError, match="HTTP 500 from esearch"):
        with harvest_run(engine, "pubmed", {}):
            raise RuntimeError("HTTP 500 from esearch")
    assert "could not be marked failed (the disk holding the database is full" in caplog.text
