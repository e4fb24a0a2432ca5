"""`evidence import pubmed` reads a file whole, then writes it a batch at a time, so other writers get turns.

The file here (tests/fixtures/pubmed/efetch_batch.xml) holds five records and
a DeleteCitation notice; written two records a transaction it makes three
batches.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlmodel import Session
from typer.testing import CliRunner

from evidence.cli import app
from evidence.models import HarvestRun, Publication, PublicationTrialLink
from harvest import pubmed_import
from harvest.pubmed_parse import PubmedParseError
from harvest.runs import harvest_run

FILE = Path(__file__).parents[1] / "fixtures" / "pubmed" / "efetch_batch.xml"
PMIDS = [f"3900000{i}" for i in range(1, 6)]


def held(engine) -> int:
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(Publication).where(Publication.pmid.in_(PMIDS))) \
            .scalar_one()


def test_each_batch_is_committed_and_another_writer_gets_the_lock_between(engine, settings, monkeypatch):
    seen: list[int] = []
    real = pubmed_import.save_batch

    def save_then_let_a_reviewer_write(*args, **kwargs):
        counts = real(*args, **kwargs)
        # A reviewer's click on its own connection, not waiting at all for the lock: it gets it at once.
        other = sqlite3.connect(settings.db, timeout=0)
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO exclusionreason (code, label, needs_text, active, position) VALUES (?, ?, 0, 1, 99)",
                      (f"between-{len(seen)}", "written between two batches"))
        seen.append(other.execute("SELECT count(*) FROM publication WHERE pmid LIKE '3900000_'").fetchone()[0])
        other.commit()
        other.close()
        return counts

    monkeypatch.setattr(pubmed_import, "save_batch", save_then_let_a_reviewer_write)
    with harvest_run(engine, "import-pubmed", {}) as run_id:
        counts = pubmed_import.import_file(engine, FILE, run_id, chunk=2)
    assert seen == [2, 4, 5]  # each batch visible to others as soon as it is written
    assert (counts.fetched, counts.new) == (5, 5)
    with Session(engine) as s:
        run = s.get(HarvestRun, run_id)
        assert run.fetched == 5 and run.new == 5
        assert json.loads(run.cursor) == {"file": str(FILE), "chunk": 2, "of": 3}


def test_a_record_bad_in_the_last_batch_writes_nothing_of_the_file(engine, tmp_path):
    data = FILE.read_bytes()
    bad = tmp_path / "bad-last.xml"
    bad.write_bytes(data.replace(b"<PMID Version=\"1\">39000005</PMID>", b"<PMID Version=\"1\">39000005</PMID><<"))
    line = data[:data.index(b"39000005")].count(b"\n") + 1
    with pytest.raises(PubmedParseError, match=rf"bad-last.xml: malformed PubMed XML at line {line}"):
        with harvest_run(engine, "import-pubmed", {}) as run_id:
            pubmed_import.import_file(engine, bad, run_id, chunk=1)
    assert held(engine) == 0  # the four good records before it were not written either
    with Session(engine) as s:
        run = s.get(HarvestRun, run_id)
        assert run.status == "failed" and run.fetched == 0


def test_an_import_killed_while_writing_is_finished_by_running_it_again(engine, monkeypatch):
    real, calls = pubmed_import.save_batch, []

    def killed_at_the_second_batch(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the process is stopped while the second batch is written
        return real(*args, **kwargs)

    monkeypatch.setattr(pubmed_import, "save_batch", killed_at_the_second_batch)
    monkeypatch.setattr(pubmed_import, "CHUNK", 2)
    with pytest.raises(KeyboardInterrupt):
        pubmed_import.import_files(engine, [FILE])
    assert held(engine) == 2  # the first batch, whole
    monkeypatch.setattr(pubmed_import, "save_batch", real)
    again = pubmed_import.import_files(engine, [FILE])
    assert (again.counts.fetched, again.counts.new, again.counts.unchanged) == (5, 3, 2)
    assert held(engine) == 5
    with Session(engine) as s:
        links = s.execute(select(PublicationTrialLink.pmid, PublicationTrialLink.registry_id,
                                 PublicationTrialLink.method).where(PublicationTrialLink.pmid.in_(PMIDS))).all()
        assert len(links) == len(set(links)) and ("39000001", "NCT03000000") in {(p, r) for p, r, _ in links}
        runs = s.execute(select(HarvestRun).where(HarvestRun.source == "import-pubmed")
                         .order_by(HarvestRun.id)).scalars().all()
        assert [(r.status, r.fetched, r.new) for r in runs] == [("failed", 2, 2), ("succeeded", 5, 3)]


def test_a_store_kept_busy_past_the_timeout_is_a_message_naming_what_is_kept(settings, monkeypatch, tmp_path):
    monkeypatch.setenv("EVIDENCE_DB", settings.db)
    monkeypatch.setenv("EVIDENCE_DATA_DIR", settings.data_dir)
    assert CliRunner().invoke(app, ["init"]).exit_code == 0

    def locked(*_args, **_kwargs):
        raise OperationalError("INSERT INTO publication ...", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(pubmed_import, "save_batch", locked)
    copy = tmp_path / "saved.xml"
    shutil.copy(FILE, copy)
    result = CliRunner().invoke(app, ["import", "pubmed", str(copy)])
    assert result.exit_code == 1
    assert "the database is busy" in result.output and "importing the same files again" in result.output
    assert "INSERT" not in result.output and "Traceback" not in result.output


def test_no_room_for_the_parsed_copy_is_a_message_and_nothing_written(engine, settings, monkeypatch, tmp_path):
    import errno

    monkeypatch.setenv("EVIDENCE_DB", settings.db)
    monkeypatch.setenv("EVIDENCE_DATA_DIR", settings.data_dir)

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pubmed_import.pickle, "dump", full)
    result = CliRunner().invoke(app, ["import", "pubmed", str(FILE)])
    assert result.exit_code == 1 and "temporary copy" in result.output and "No space left" in result.output
    assert "Traceback" not in result.output and held(engine) == 0
    with Session(engine) as s:
        run = s.execute(select(HarvestRun).order_by(HarvestRun.id.desc()).limit(1)).scalar_one()
        assert run.status == "failed" and "temporary copy" in run.error and "database is full" not in run.error


@pytest.mark.parametrize("where", ["create", "flush"])
def test_a_temp_directory_that_refuses_the_copy_is_named_not_the_database(engine, settings, monkeypatch, where):
    """Creating the temporary file and writing its last buffered batch fail as the spool, not as the database."""
    import errno
    import tempfile

    monkeypatch.setenv("EVIDENCE_DB", settings.db)
    monkeypatch.setenv("EVIDENCE_DATA_DIR", settings.data_dir)
    refused = OSError(errno.EACCES if where == "create" else errno.ENOSPC,
                      "Permission denied" if where == "create" else "No space left on device")
    real = tempfile.TemporaryFile

    def temporary_file(*args, **kwargs):
        if where == "create":
            raise refused
        spool = real(*args, **kwargs)

        class Spool:  # the real file, whose flush meets a full disk
            def __getattr__(self, name):
                return getattr(spool, name)

            def flush(self):
                raise refused

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                spool.close()

        return Spool()

    monkeypatch.setattr(pubmed_import.tempfile, "TemporaryFile", temporary_file)
    result = CliRunner().invoke(app, ["import", "pubmed", str(FILE)])
    assert result.exit_code == 1 and "temporary copy" in result.output, result.output
    assert refused.strerror in result.output and "database" not in result.output.split("temporary copy")[0]
    assert "Traceback" not in result.output and held(engine) == 0
