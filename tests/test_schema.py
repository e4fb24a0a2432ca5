"""Schema creation, migration and the invariants the schema itself enforces."""

from __future__ import annotations

import sqlite3

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from evidence import models
from evidence.db import alembic_config, head_version, init_db, make_engine, schema_version
from evidence.search import search_reports
from evidence.settings import Settings
from evidence.store import initialise

pytestmark = pytest.mark.both_backends  # store tests: run on SQLite and PostgreSQL


@pytest.fixture
def empty_engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def test_init_creates_every_table_on_an_empty_database(empty_engine):
    assert schema_version(empty_engine) is None
    assert init_db(empty_engine) == head_version()
    tables = set(inspect(empty_engine).get_table_names())
    assert {"publication", "trial", "trialchange", "publicationtriallink", "cohort", "report",
            "outcome", "harvestrun"} <= tables
    if empty_engine.dialect.name == "sqlite":
        assert {"publication_fts", "report_fts"} <= tables
    else:
        assert "search_vector" in {c["name"] for c in inspect(empty_engine).get_columns("report")}
        assert "ix_publication_search_vector" in {i["name"] for i in inspect(empty_engine).get_indexes("publication")}


def test_init_is_idempotent(empty_engine):
    first = init_db(empty_engine)
    assert init_db(empty_engine) == first


def test_downgrade_to_base_and_upgrade_again(empty_engine):
    init_db(empty_engine)
    command.downgrade(alembic_config(empty_engine), "base")
    assert schema_version(empty_engine) is None
    assert "report" not in inspect(empty_engine).get_table_names()
    assert init_db(empty_engine) == head_version()


def test_pragmas_are_set_on_every_sqlite_connection(tmp_path):
    sqlite_engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 10000
    sqlite_engine.dispose()


def _seed(session):
    session.add(models.Cohort(cohort_id="c", name="C"))
    session.add(models.Report(report_id="r", cohort_id="c", kind="journal_article", label="R"))
    session.commit()


@pytest.mark.parametrize("events,patients", [(6, 5), (-1, 5), (0, 0)])
def test_schema_rejects_impossible_counts(empty_engine, events, patients):
    init_db(empty_engine)
    with Session(empty_engine) as session:
        _seed(session)
        session.add(models.Outcome(report_id="r", outcome="crs_any", events=events, patients=patients))
        with pytest.raises(IntegrityError):
            session.commit()


def test_schema_rejects_self_superseding_report(empty_engine):
    init_db(empty_engine)
    with Session(empty_engine) as session:
        _seed(session)
        session.add(models.Report(report_id="s", cohort_id="c", kind="journal_article", label="S",
                                  supersedes="s"))
        with pytest.raises(IntegrityError):
            session.commit()


def test_schema_rejects_duplicate_outcome_and_dangling_report(empty_engine):
    init_db(empty_engine)
    with Session(empty_engine) as session:
        _seed(session)
        session.add(models.Outcome(report_id="r", outcome="crs_any", events=1, patients=5))
        session.commit()
        session.add(models.Outcome(report_id="r", outcome="crs_any", events=2, patients=5))
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()
        session.add(models.Outcome(report_id="nope", outcome="crs_any", events=1, patients=5))
        with pytest.raises(IntegrityError):
            session.commit()


def test_full_text_index_follows_writes(engine):
    assert search_reports(engine, "nmosd") == ["beta-2023"]
    with Session(engine) as session:
        session.get(models.Report, "beta-2023").title = "Renamed"
        session.commit()
    assert search_reports(engine, "nmosd") == []
    assert search_reports(engine, "renamed") == ["beta-2023"]


def test_integrity_check_passes_after_init(tmp_path, curated_dir):
    initialise(Settings(db=str(tmp_path / "checked.db"), data_dir=str(curated_dir)))
    with sqlite3.connect(tmp_path / "checked.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_durability_columns_come_and_go_with_their_migration(empty_engine):
    init_db(empty_engine)

    def columns(table):
        return {c["name"] for c in inspect(empty_engine).get_columns(table)}

    assert "no_numbers_reason" in columns("report") and "timepoint_months" in columns("outcome")
    command.downgrade(alembic_config(empty_engine), "0002")
    assert "no_numbers_reason" not in columns("report") and "timepoint_months" not in columns("outcome")
    assert init_db(empty_engine) == head_version()
    assert "no_numbers_reason" in columns("report")
