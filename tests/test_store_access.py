"""Opening the store as asked: a mistyped path is said, a read-only database is read, never written."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

from evidence.cli import app
from evidence.db import StoreError, make_engine
from evidence.settings import Settings
from evidence.store import open_store


def _cli(db: str, data_dir: str, *args: str, **env: str):
    return CliRunner().invoke(app, list(args), env={"EVIDENCE_DB": db, "EVIDENCE_DATA_DIR": data_dir, **env})


@pytest.mark.parametrize("args", [["info"], ["whats-new"], ["export-data", "out"], ["update", "--dry-run"],
                                  ["update"], ["import", "pubmed", __file__], ["backup", "b.db"],
                                  ["db", "copy", "--to", "sqlite:///copy.db"]])
def test_a_mistyped_database_is_said_and_never_created(tmp_path, curated_dir, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    typo = tmp_path / "evidnce" / "evidence.db"
    result = _cli(str(typo), str(curated_dir), *args)
    assert result.exit_code == 2, result.output
    assert "does not exist" in result.stderr and "evidence init" in result.stderr
    assert not typo.parent.exists() and not (tmp_path / "copy.db").exists()


def test_the_app_engine_does_not_create_a_missing_database(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        open_store(Settings(db=str(tmp_path / "nope" / "x.db")), create=False, readonly=None)
    assert not (tmp_path / "nope").exists()


def test_a_read_only_engine_never_writes(tmp_path):
    path = tmp_path / "other-tool.db"
    with sqlite3.connect(path) as conn:  # a database in rollback-journal mode, as another tool left it
        conn.execute("CREATE TABLE report (report_id TEXT)")
        conn.execute("INSERT INTO report VALUES ('a')")
    reader = make_engine(f"sqlite:///{path}", readonly=True)
    with reader.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM report")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "delete"  # not switched to WAL
        with pytest.raises(OperationalError, match="readonly"):
            conn.execute(text("DELETE FROM report"))
    reader.dispose()


def test_a_database_this_user_cannot_write(engine, settings, monkeypatch):
    """Root ignores file modes, so the permission answer is simulated; SQLite's side is tested above."""
    monkeypatch.setattr("evidence.store.sqlite_writable", lambda path: False)
    for args in (["init"], ["update"], ["import", "pubmed", __file__]):
        result = _cli(settings.db, settings.data_dir, *args)
        assert result.exit_code == 2, result.output
        assert "read-only" in result.stderr and "Traceback" not in result.output
    info = _cli(settings.db, settings.data_dir, "info", "--json")
    assert info.exit_code == 0, info.output
    assert open_store(settings, readonly=None).url.query["mode"] == "ro"  # the app reads it read-only


def test_an_unwritable_lock_file_is_a_clear_exit_2(engine, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    result = _cli(settings.db, settings.data_dir, "update", EVIDENCE_LOCK_FILE=str(blocker / "update.lock"))
    assert result.exit_code == 2, result.output
    assert "cannot open the lock file" in result.stderr and "EVIDENCE_LOCK_FILE" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
