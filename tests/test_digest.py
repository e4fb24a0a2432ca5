"""The "what's new" digest, as cron mails it and as the app shows it."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from evidence import models
from evidence.cli import app
from evidence.digest import render_text, whats_new

pytestmark = pytest.mark.both_backends  # store tests: run on SQLite and PostgreSQL

T0 = datetime(2026, 11, 1, tzinfo=timezone.utc)


def _harvest(engine):
    with Session(engine) as session:
        session.add(models.HarvestRun(source="ctgov", status="succeeded", started_at=T0,
                                      finished_at=T0 + timedelta(minutes=3)))
        session.add(models.HarvestRun(source="ctgov", status="succeeded", started_at=T0 + timedelta(days=1),
                                      finished_at=T0 + timedelta(days=1, minutes=2)))
        session.add(models.Publication(pmid="40000001", title="CD19 CAR-T in *lupus* [phase 1]", journal="J",
                                       pub_date="2026-10", kind="primary", first_seen=T0 + timedelta(days=1)))
        session.add(models.Publication(pmid="40000002", title="Review of CAR-T", kind="review",
                                       first_seen=T0 - timedelta(days=30)))
        session.add(models.Trial(registry_id="NCT09999999", brief_title="New trial", status="RECRUITING",
                                 first_seen=T0 + timedelta(days=1)))
        session.add(models.TrialChange(registry_id="NCT01234567", field="status", old="RECRUITING",
                                       new="COMPLETED", observed_at=T0 + timedelta(days=1)))
        session.add(models.TrialChange(registry_id="NCT01234567", field="has_results", old="false", new="true",
                                       observed_at=T0 + timedelta(days=1)))
        session.add(models.TrialChange(registry_id="NCT07654321", field="enrollment", old="24", new="60",
                                       observed_at=T0 - timedelta(days=3)))
        session.commit()


def test_digest_since_a_date(engine):
    _harvest(engine)
    with Session(engine) as session:
        d = whats_new(session, T0)
    assert [p["pmid"] for p in d.new_publications] == ["40000001"]
    assert [t["registry_id"] for t in d.new_trials] == ["NCT09999999"]
    assert [(c["field"], c["new"]) for c in d.trial_changes] == [("status", "COMPLETED"), ("has_results", "true")]
    assert d.last_update == T0 + timedelta(days=1, minutes=2)
    text = render_text(d)
    assert "status: RECRUITING → COMPLETED" in text and "results posted" in text
    assert "Primary clinical report (1)" in text


def test_curated_rows_are_not_news(engine):
    with Session(engine) as session:
        d = whats_new(session, None)
    assert d.empty and "Nothing new." in render_text(d)


def test_markdown_escapes_harvested_text(engine):
    _harvest(engine)
    with Session(engine) as session:
        md = render_text(whats_new(session, T0), markdown=True)
    assert "\\*lupus\\* \\[phase 1\\]" in md and md.startswith("# What's new")


def test_cli_formats_and_last_run_default(engine, settings, monkeypatch):
    _harvest(engine)
    monkeypatch.setenv("EVIDENCE_DB", settings.db)
    runner = CliRunner()
    out = runner.invoke(app, ["whats-new", "--format", "json"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    # default window: what the last harvest brought (no `evidence update` row: its start, T0 + 1 day)
    assert payload["since"].startswith("2026-11-02T00:00")
    assert payload["new_publications_by_kind"] == {"primary": 1}
    assert len(payload["trial_changes"]) == 2
    older = runner.invoke(app, ["whats-new", "--since", "2026-10-01"])
    assert older.exit_code == 0 and "enrollment: 24 → 60" in older.stdout
    bad = runner.invoke(app, ["whats-new", "--since", "yesterday"])
    assert bad.exit_code == 2
    both = runner.invoke(app, ["whats-new", "--since", "2026-10-01", "--last-run"])
    assert both.exit_code == 2


def test_a_retraction_is_news_and_names_the_report_in_the_base(engine):
    """PubMed's retraction of a report shows in the digest, from when the store first saw it."""
    notice = {"type": "RetractionIn", "pmid": "40000009", "source": "J. 2026;1:2."}
    with Session(engine) as session:
        report_pmid = session.exec(select(models.Report.pmid).where(models.Report.pmid.is_not(None))).first()
        row = session.get(models.Publication, report_pmid)
        row.retracted, row.corrections, row.retraction_seen = True, [notice], T0 + timedelta(days=1)
        session.add(models.Publication(pmid="40000008", title="Old retraction", retracted=True,
                                       retraction_seen=T0 - timedelta(days=9), first_seen=T0 - timedelta(days=30)))
        session.commit()
        d = whats_new(session, T0)
    assert [r["pmid"] for r in d.retractions] == [report_pmid] and not d.empty
    text = render_text(d)
    assert f"PMID {report_pmid}:" in text and "was retracted: a report in the evidence base" in text
    assert "notice PMID 40000009 (J. 2026;1:2.)" in text and "40000008" not in text
