"""`evidence db copy`, `evidence backup` and `evidence restore`, run as an administrator would."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import delete
from sqlmodel import Session
from typer.testing import CliRunner

from evidence import models
from evidence.cli import app
from evidence.db import make_engine
from evidence.search import search_reports
from evidence.settings import Settings
from evidence.transfer import checksums

pytestmark = pytest.mark.both_backends


def _cli(settings, *args: str):
    return CliRunner().invoke(app, list(args), env={"EVIDENCE_DB": settings.db,
                                                    "EVIDENCE_DATA_DIR": settings.data_dir})


def _add_history(engine) -> None:
    """Rows of every kind the curated load does not write: runs, changes, links, JSON, timestamps."""
    with Session(engine) as session:
        run = models.HarvestRun(source="ctgov", status="succeeded", params={"since": None, "q": ["a", "b"]},
                                fetched=2, hostname="host-a", pid=42)
        session.add(run)
        session.flush()
        session.add(models.TrialChange(registry_id="NCT01234567", field="status", old="RECRUITING",
                                       new="COMPLETED", harvest_run_id=run.id,
                                       observed_at=run.started_at + timedelta(microseconds=123457)))
        session.add(models.PublicationTrialLink(pmid="11111111", registry_id="NCT01234567", method="databank"))
        session.add(models.Publication(pmid="90000001", title="Lupus – Müller", abstract="β\n2-agonist ☃",
                                       authors=["Müller J", "Ó Briain S"],
                                       mesh_terms=[{"term": "Lupus", "major": True}]))
        session.commit()


def test_copy_to_the_other_back_end_and_back_gives_identical_checksums(engine, settings, backend, postgres_server,
                                                                       tmp_path):
    _add_history(engine)
    original = checksums(engine)
    other = postgres_server.new_database() if backend == "sqlite" else f"sqlite:///{tmp_path / 'copy.db'}"
    result = _cli(settings, "db", "copy", "--to", other)
    assert result.exit_code == 0, result.output
    assert "every table matches" in result.stdout and "MISMATCH" not in result.stdout
    target = make_engine(other)
    assert checksums(target) == original
    assert search_reports(target, "nmosd") == ["beta-2023"]  # the full-text index follows the copy
    with Session(target) as session:  # ids continue after the copied ones
        session.add(models.HarvestRun(source="pubmed"))
        session.commit()

    refused = _cli(settings, "db", "copy", "--to", other)
    assert refused.exit_code == 2 and "already holds data" in refused.output and "--force" in refused.output

    back = tmp_path / "back.db"
    result = _cli(Settings(db=other, data_dir=settings.data_dir), "db", "copy", "--to", str(back))
    assert result.exit_code == 0, result.output
    round_trip = checksums(make_engine(f"sqlite:///{back}"))
    assert {k: v for k, v in round_trip.items() if k != "harvestrun"} == \
        {k: v for k, v in original.items() if k != "harvestrun"}
    assert round_trip["harvestrun"][0] == original["harvestrun"][0] + 1

    forced = _cli(settings, "db", "copy", "--to", other, "--force")
    assert forced.exit_code == 0, forced.output
    assert checksums(target) == original
    target.dispose()


def test_copy_refuses_its_own_database_and_a_bad_url(engine, settings):
    same = _cli(settings, "db", "copy", "--to", settings.db)
    assert same.exit_code == 2 and "same database" in same.output
    bad = _cli(settings, "db", "copy", "--to", "nosuchdriver://x/y")
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def test_backup_and_restore(engine, settings, tmp_path):
    _add_history(engine)
    before = checksums(engine)
    file = tmp_path / "nightly.backup"
    made = _cli(settings, "backup", str(file))
    assert made.exit_code == 0, made.output
    with Session(engine) as session:
        session.execute(delete(models.Outcome))
        session.commit()
    assert checksums(engine) != before

    refused = _cli(settings, "restore", str(file))
    assert refused.exit_code == 2 and "--force" in refused.output
    restored = _cli(settings, "restore", str(file), "--force")
    assert restored.exit_code == 0, restored.output
    engine.dispose()
    assert checksums(engine) == before
    assert search_reports(engine, "nmosd") == ["beta-2023"]


def test_restore_refuses_files_that_are_not_backups_of_this_kind(engine, settings, tmp_path, backend):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a backup")
    result = _cli(settings, "restore", str(junk), "--force")
    assert result.exit_code == 2 and "not a backup" in result.output
    if backend == "postgresql":
        sqlite_file = tmp_path / "evidence-copy.db"
        sqlite3.connect(sqlite_file).execute("CREATE TABLE t (a)").connection.commit()
        wrong = _cli(settings, "restore", str(sqlite_file), "--force")
        assert wrong.exit_code == 2 and "db copy" in wrong.output
