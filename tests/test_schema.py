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


@pytest.fixture
def empty_engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    yield engine
    engine.dispose()


def test_init_creates_every_table_on_an_empty_database(empty_engine):
    assert schema_version(empty_engine) is None
    assert init_db(empty_engine) == head_version()
    tables = set(inspect(empty_engine).get_table_names())
    assert {"publication", "trial", "trialchange", "publicationtriallink", "cohort", "report",
            "outcome", "harvestrun", "publication_fts", "report_fts"} <= tables


def test_init_is_idempotent(empty_engine):
    first = init_db(empty_engine)
    assert init_db(empty_engine) == first


def test_downgrade_to_base_and_upgrade_again(empty_engine):
    init_db(empty_engine)
    command.downgrade(alembic_config(empty_engine), "base")
    assert schema_version(empty_engine) is None
    assert "report" not in inspect(empty_engine).get_table_names()
    assert init_db(empty_engine) == head_version()


def test_pragmas_are_set_on_every_connection(empty_engine):
    with empty_engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 10000


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
    with engine.connect() as conn:
        hits = conn.execute(text(
            "SELECT r.report_id FROM report_fts JOIN report r ON r.rowid = report_fts.rowid "
            "WHERE report_fts MATCH 'nmosd' ORDER BY r.report_id")).scalars().all()
    assert hits == ["beta-2023"]
    with Session(engine) as session:
        session.get(models.Report, "beta-2023").title = "Renamed"
        session.commit()
    with engine.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM report_fts WHERE report_fts MATCH 'nmosd'")).scalar()
    assert n == 0


def test_integrity_check_passes_after_init(engine, settings):
    path = settings.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
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
