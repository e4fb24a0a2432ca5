"""Change tracking across two harvests of changed fixtures, and curated rows replaced."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import responses
from sqlalchemy import select
from sqlmodel import Session

from evidence.models import HarvestRun, Trial, TrialChange
from harvest.http_client import HttpClient
from harvest.ctgov import Strategy, harvest
from harvest.ctgov_parse import parse_study
from harvest.ctgov_store import as_text, upsert_records

pytestmark = pytest.mark.both_backends  # store tests: run on SQLite and PostgreSQL

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ctgov"
URL = "https://clinicaltrials.gov/api/v2/studies"
STRATEGY = Strategy(query_intr="CAR-T", query_cond="lupus")


def page2() -> dict:
    return json.loads((FIXTURES / "studies_page2.json").read_text())


def page1() -> dict:
    """The first fixture page as a last page (no token), for one-request harvests."""
    page = json.loads((FIXTURES / "studies_page1.json").read_text())
    del page["nextPageToken"]
    page["totalCount"] = len(page["studies"])  # a last page announces only what it holds
    return page


def client() -> HttpClient:
    return HttpClient(rate=1e6, max_tries=2, sleep=lambda _s: None)


def changes(engine, registry_id: str | None = None) -> list[tuple[str, str, str | None, str | None]]:
    with Session(engine) as session:
        stmt = select(TrialChange).order_by(TrialChange.id)
        if registry_id:
            stmt = stmt.where(TrialChange.registry_id == registry_id)
        return [(c.registry_id, c.field, c.old, c.new) for c in session.execute(stmt).scalars()]


def completed(study: dict) -> dict:
    """The NMOSD study's later registry version: status, enrollment, dates, results all moved."""
    study = copy.deepcopy(study)
    status = study["protocolSection"]["statusModule"]
    status["overallStatus"] = "COMPLETED"
    status["completionDateStruct"] = {"date": "2026-01-15", "type": "ACTUAL"}
    status["lastUpdatePostDateStruct"] = {"date": "2026-02-01", "type": "ACTUAL"}
    study["protocolSection"]["designModule"]["enrollmentInfo"] = {"count": 60, "type": "ACTUAL"}
    study["hasResults"] = True
    return study


def harvest_page(engine, settings, page: dict):
    responses.get(URL, json=page)
    try:
        return harvest(engine, settings, STRATEGY, full=True, client=client())
    finally:
        responses.reset()


@responses.activate
def test_two_harvests_of_changed_fixtures_record_each_difference(engine, settings):
    first = page2()
    harvest_page(engine, settings, first)
    assert changes(engine) == []  # first sight of a trial records nothing
    later = copy.deepcopy(first)
    later["studies"][0] = completed(later["studies"][0])  # NCT05900003 follow-up study
    result = harvest_page(engine, settings, later)
    assert changes(engine) == [
        ("NCT05900003", "status", "ENROLLING_BY_INVITATION", "COMPLETED"),
        ("NCT05900003", "enrollment", "100", "60"),
        ("NCT05900003", "enrollment_type", "ESTIMATED", "ACTUAL"),
        ("NCT05900003", "completion_date", "2038-11", "2026-01-15"),
        ("NCT05900003", "has_results", "false", "true"),
    ]
    with Session(engine) as session:
        run = session.get(HarvestRun, result.run_id)
        assert (run.fetched, run.new, run.updated, run.changed) == (2, 0, 1, 5)
        row = session.execute(select(TrialChange)).scalars().first()
        assert row.harvest_run_id == result.run_id and row.observed_at is not None
        trial = session.get(Trial, "NCT05900003")
        assert trial.status == "COMPLETED" and trial.enrollment == 60 and trial.has_results is True


@responses.activate
def test_same_data_again_is_unchanged_and_records_nothing(engine, settings):
    harvest_page(engine, settings, page2())
    result = harvest_page(engine, settings, page2())
    assert changes(engine) == []
    assert (result.counts.new, result.counts.updated, result.counts.unchanged) == (0, 0, 2)


@responses.activate
def test_phase_change_is_tracked_as_the_list(engine, settings):
    first = page2()
    harvest_page(engine, settings, first)
    later = copy.deepcopy(first)
    later["studies"][1]["protocolSection"]["designModule"]["phases"] = ["PHASE1", "PHASE2"]
    harvest_page(engine, settings, later)
    assert changes(engine) == [("NCT05800004", "phases", "PHASE1", "PHASE1;PHASE2")]


@responses.activate
def test_harvest_replacing_a_curated_snapshot_records_changes_from_it(engine, settings):
    with Session(engine) as session:
        curated = session.get(Trial, "NCT07654321")
        assert curated.origin == "curated" and curated.status == "NOT_YET_RECRUITING"
    harvest_page(engine, settings, page1())
    # Curated: NOT_YET_RECRUITING, start 2025-09-30; live: RECRUITING, start 2025-10-15.
    # Blank curated fields (completion dates) and has-results are not compared.
    assert changes(engine, "NCT07654321") == [
        ("NCT07654321", "status", "NOT_YET_RECRUITING", "RECRUITING"),
        ("NCT07654321", "start_date", "2025-09-30", "2025-10-15"),
    ]
    with Session(engine) as session:
        trial = session.get(Trial, "NCT07654321")
        assert trial.origin == "ctgov" and trial.raw_json
        assert trial.product == "ALPHA-19" and trial.source == "https://example.org/nct07654321"  # curator-only kept
        assert trial.sponsor == "Alpha Bio" and trial.first_posted == "2025-08-01"


def test_empty_classification_does_not_wipe_a_stored_one(engine):
    study = page1()["studies"][1]
    study["protocolSection"]["armsInterventionsModule"]["interventions"] = [{"type": "OTHER", "name": "x"}]
    study["protocolSection"]["identificationModule"]["briefTitle"] = "A study"
    study["protocolSection"]["identificationModule"]["officialTitle"] = "A study in lupus"
    study["protocolSection"]["descriptionModule"]["briefSummary"] = "Nothing about the product."
    record = parse_study(study)
    assert record.targets == [] and record.diseases == ["lupus_nephritis", "sle"]
    with Session(engine) as session, session.begin():
        upsert_records(session, [record])
    with Session(engine) as session:
        trial = session.get(Trial, "NCT07654321")
        assert trial.targets == ["cd19"]  # kept: the rules found no target in this text
        assert trial.diseases == ["lupus_nephritis", "sle"]  # replaced: the rules found these


def test_an_older_record_does_not_overwrite_a_newer_one(engine):
    newer = completed(page2()["studies"][1])
    older = page2()["studies"][1]
    with Session(engine) as session, session.begin():
        upsert_records(session, [parse_study(newer)])
    with Session(engine) as session, session.begin():
        counts = upsert_records(session, [parse_study(older)])
    assert counts.skipped == 1 and counts.changed == 0 and changes(engine) == []
    with Session(engine) as session:
        assert session.get(Trial, "NCT05800004").last_update_posted == "2026-02-01"


def test_values_as_text():
    assert as_text(["PHASE1", "PHASE2"]) == "PHASE1;PHASE2"
    assert (as_text(True), as_text(False), as_text(24), as_text(""), as_text([]), as_text(None)) == (
        "true", "false", "24", None, None, None)


def test_an_imported_row_is_taken_over_by_the_next_harvest(engine):
    record = parse_study(page2()["studies"][0])
    with Session(engine) as session, session.begin():
        upsert_records(session, [record], origin="import")
    with Session(engine) as session, session.begin():
        counts = upsert_records(session, [record])
    assert (counts.updated, counts.changed) == (1, 0)  # same data: no change, but now live
    with Session(engine) as session:
        assert session.get(Trial, record.registry_id).origin == "ctgov"
