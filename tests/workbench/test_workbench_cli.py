"""`evidence workbench`: screening from the command line, as the reviewer the settings name."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from sqlalchemy import select
from sqlmodel import Session
from typer.testing import CliRunner

from evidence import models
from evidence.cli import app
from tests.workbench.harvested import add_harvest


@pytest.fixture
def env(engine, settings, monkeypatch):
    add_harvest(engine)
    monkeypatch.setenv("EVIDENCE_DB", settings.db)
    monkeypatch.setenv("EVIDENCE_DATA_DIR", settings.data_dir)
    monkeypatch.setenv("EVIDENCE_WORKBENCH", "true")
    monkeypatch.setenv("EVIDENCE_REVIEWER", "ann")
    return engine


def test_the_workbench_is_off_by_default(env, monkeypatch):
    monkeypatch.delenv("EVIDENCE_WORKBENCH")
    result = CliRunner().invoke(app, ["workbench", "decide", "40000003", "--decision", "include"])
    assert result.exit_code == 2 and "workbench is off" in result.output
    with Session(env) as s:
        assert s.execute(select(models.ScreeningDecision)).first() is None


def test_screen_undo_and_export_the_trail(env):
    runner = CliRunner()
    queue = json.loads(runner.invoke(app, ["workbench", "queue", "--json"]).stdout)
    assert queue[0]["pmid"] == "40000002" and queue[0]["trials"] == ["NCT01234567"]
    bad = runner.invoke(app, ["workbench", "decide", "40000003", "40000004", "--decision", "exclude"])
    assert bad.exit_code == 2 and "needs a reason" in bad.output
    ok = runner.invoke(app, ["workbench", "decide", "40000003", "40000004", "--decision", "exclude",
                             "--reason", "review", "--why", "bulk: reviews"])
    assert ok.exit_code == 0, ok.output
    change = re.search(r"undo ([0-9a-f]{32})", ok.stdout).group(1)
    left = json.loads(runner.invoke(app, ["workbench", "queue", "--json"]).stdout)
    assert {"40000003", "40000004"}.isdisjoint({i["pmid"] for i in left})
    trail = list(csv.DictReader(io.StringIO(runner.invoke(app, ["workbench", "audit"]).stdout)))
    assert {r["entity_id"] for r in trail} == {"40000003|ann|title_abstract", "40000004|ann|title_abstract"}
    assert all(r["reviewer"] == "ann" and r["why"] == "bulk: reviews" for r in trail)
    assert runner.invoke(app, ["workbench", "undo", change]).exit_code == 0
    assert len(json.loads(runner.invoke(app, ["workbench", "queue", "--json"]).stdout)) == 6
    assert runner.invoke(app, ["workbench", "undo", "nope"]).exit_code == 2


def test_candidates_of_a_stored_abstract(env):
    with Session(env) as s:
        s.get(models.Publication, "40000001").abstract = (
            "Fifteen patients with SLE were treated. Grade 1 CRS occurred in 86.7% of patients; no ICANS.")
        s.commit()
    result = CliRunner().invoke(app, ["workbench", "candidates", "40000001"])
    assert result.exit_code == 0
    assert "13/15" in result.stdout and "crs_any" in result.stdout and "0/15" in result.stdout
