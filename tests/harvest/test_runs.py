"""HarvestRun rows: started, finished, failed with their error, incremental windows."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
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


def test_both_registries_import_as_their_own_run_counted_the_same_way(engine, tmp_path):
    from evidence.vocab import RunSource
    from harvest import ctgov, pubmed_import
    from harvest.pubmed_parse import PubmedParseError
    from harvest.runs import RunCounts

    fixtures = Path(__file__).parents[1] / "fixtures"
    bad = tmp_path / "cut.xml"
    bad.write_bytes((fixtures / "pubmed" / "efetch_truncated.xml").read_bytes())
    heard: list[str] = []
    with pytest.raises(PubmedParseError):
        pubmed_import.import_files(engine, [fixtures / "pubmed" / "efetch_batch.xml", bad],
                                   on_file=lambda name, counts: heard.append(name))
    pubs = pubmed_import.import_files(engine, [fixtures / "pubmed" / "medline_export.nbib"])
    trials = ctgov.import_files(engine, [fixtures / "ctgov" / "studies_page1.json"],
                                on_file=lambda name, counts: heard.append(name))
    assert heard == [str(fixtures / "pubmed" / "efetch_batch.xml"), str(fixtures / "ctgov" / "studies_page1.json")]
    assert isinstance(pubs.counts, RunCounts) and isinstance(trials.counts, RunCounts)
    with Session(engine) as session:
        runs = session.execute(select(HarvestRun).order_by(HarvestRun.id)).scalars().all()
        assert [(r.source, r.status) for r in runs] == [(RunSource.IMPORT_PUBMED, "failed"),
                                                        (RunSource.IMPORT_PUBMED, "succeeded"),
                                                        (RunSource.IMPORT_CTGOV, "succeeded")]
        assert runs[0].fetched > 0  # the file before the bad one stays imported, and counted
        for run, result in zip(runs[1:], (pubs, trials), strict=True):
            assert (run.fetched, run.new, run.updated) == (result.counts.fetched, result.counts.new,
                                                           result.counts.updated) and run.fetched > 0
