"""Extraction: included record → report → cohort → numbers, verified by a second reviewer, undoable."""

from __future__ import annotations

import filecmp

import pytest
from sqlalchemy import select
from sqlmodel import Session

from evidence import audit, extraction, screening
from evidence.curated import export_curated, load_curated
from evidence.db import init_db, make_engine
from evidence.extraction import ExtractionError
from evidence.models import Outcome, Publication, Report
from evidence.roundtrip import unexported_changes
from tests.workbench.harvested import add_harvest

NUMBER = {"report_id": "delta-2026", "outcome": "crs_any", "events": 13, "patients": 15,
          "definition": "ASTCT", "source": "PMID:40000001", "source_location": "abstract",
          "note": "'Grade 1 CRS developed in 86.7% of patients'"}


@pytest.fixture
def session(engine):
    add_harvest(engine)
    with Session(engine) as s:
        pub = s.get(Publication, "40000001")
        pub.authors, pub.diseases, pub.targets = ["Delta D", "Echo E"], ["sle"], ["cd19"]
        pub.registry_ids = ["NCT01234567"]
        screening.decide(s, "40000001", "include", reviewer="ann")
        yield s


def _report(s) -> Report:
    extraction.create_cohort(s, {"cohort_id": "delta", "name": "Delta CD19 series"}, reviewer="ann")
    return extraction.create_report(s, "40000001", {"report_id": "delta-2026", "cohort_id": "delta"},
                                    reviewer="ann")


def test_only_an_included_record_becomes_a_report(session):
    with pytest.raises(ExtractionError) as err:
        extraction.create_report(session, "40000003", {"cohort_id": "alpha-cd19"}, reviewer="ann")
    assert "pmid" in err.value.errors


def test_report_is_prefilled_from_the_record_and_audited(session):
    report = _report(session)
    assert (report.first_author, report.pmid, report.diseases, report.target) == ("Delta", "40000001", ["sle"],
                                                                                   "cd19")
    created = {e.field for e in audit.history(session, "report", "delta-2026") if e.action == "create"}
    assert {"pmid", "cohort_id", "title"} <= created


def test_report_errors_are_named_by_field(session):
    with pytest.raises(ExtractionError) as err:
        extraction.create_report(session, "40000001", {"cohort_id": "nope", "kind": "blog", "doi": "x"},
                                 reviewer="ann")
    assert set(err.value.errors) >= {"cohort_id", "kind", "doi"}
    with pytest.raises(ExtractionError) as err:
        extraction.create_report(session, "40000001", {"cohort_id": "beta-bcma", "supersedes": "alpha-2022"},
                                 reviewer="ann")
    assert "another cohort" in err.value.errors["supersedes"]


def test_cohorts_are_suggested_by_registry_id_product_and_author(session):
    pub = session.get(Publication, "40000001")
    pub.abstract = "We report ALPHA-19 CAR T cells given to fifteen patients."
    pub.authors = ["Alpha A", "Zulu Z"]
    suggestions = {s.cohort_id: s for s in extraction.suggest_cohorts(session, "40000001")}
    assert suggestions["beta-bcma"].reasons == ("registry ID NCT01234567",)
    assert set(suggestions["alpha-cd19"].reasons) == {"product ALPHA-19", "author Alpha"}
    assert suggestions["alpha-cd19"].latest_reports == ("alpha-2022", "alpha-2024")
    assert list(suggestions)[0] == "beta-bcma"  # a shared registry ID is the strongest evidence


def test_an_invalid_count_is_rejected_at_its_field(session):
    _report(session)
    for bad, field in [({"events": 16}, "events"), ({"patients": 0}, "patients"), ({"outcome": "cure"}, "outcome"),
                       ({"subgroup": "ssc"}, "subgroup"), ({"source": ""}, "source")]:
        with pytest.raises(ExtractionError) as err:
            extraction.add_outcome(session, {**NUMBER, **bad}, reviewer="ann")
        assert field in err.value.errors, (bad, err.value.errors)
    extraction.add_outcome(session, NUMBER, reviewer="ann")
    with pytest.raises(ExtractionError) as err:  # a second default for the same outcome and subgroup
        extraction.add_outcome(session, {**NUMBER, "variant": "news", "events": 11}, reviewer="ann")
    assert "is_default" in err.value.errors


def test_a_number_is_verified_only_by_a_second_reviewer(session):
    _report(session)
    row = extraction.add_outcome(session, NUMBER, reviewer="ann")
    key = extraction.outcome_key(row)
    assert row.status == "unverified"
    with pytest.raises(ExtractionError, match="another reviewer"):
        extraction.verify_outcome(session, key, reviewer="ann")
    extraction.correct_outcome(session, key, {"events": 12}, reviewer="bob", why="table 2 says 12")
    with pytest.raises(ExtractionError, match="another reviewer"):
        extraction.verify_outcome(session, key, reviewer="bob")  # bob changed it: not his to verify
    assert extraction.verify_outcome(session, key, reviewer="cai").status == "verified"
    assert extraction.entered_by(session, key) == "ann"


def test_an_extraction_is_undone_through_the_audit_trail(session):
    _report(session)
    row = extraction.add_outcome(session, NUMBER, reviewer="ann")
    key = extraction.outcome_key(row)
    entry = audit.history(session, "outcome", key)[-1].change
    assert extraction.correct_outcome(session, key, {"events": 12}, reviewer="ann", why="misread").events == 12
    correction = audit.history(session, "outcome", key)[-1].change
    audit.undo(session, correction, reviewer="ann", why="the first reading was right")
    assert session.get(Outcome, row.id).events == 13
    with pytest.raises(audit.UndoError, match="changed after"):
        audit.undo(session, entry, reviewer="ann")  # the number changed since: undo the later action first
    last = audit.history(session, "outcome", key)[-1].change
    audit.undo(session, last, reviewer="ann")  # undo the undo: back to 12
    assert session.get(Outcome, row.id).events == 12


def test_undo_of_an_entry_removes_the_number(session):
    _report(session)
    row = extraction.add_outcome(session, NUMBER, reviewer="ann")
    change = audit.history(session, "outcome", extraction.outcome_key(row))[-1].change
    audit.undo(session, change, reviewer="ann")
    assert session.execute(select(Outcome).where(Outcome.report_id == "delta-2026")).first() is None
    actions = [e.action for e in audit.history(session, "outcome")]
    assert actions.count("create") and actions.count("delete")  # history kept, both ways


def test_workbench_rows_round_trip_through_the_curated_files(session, engine, tmp_path):
    _report(session)
    extraction.add_outcome(session, NUMBER, reviewer="ann")
    session.commit()
    first = tmp_path / "export1"
    export_curated(engine, first)
    assert "delta-2026" in (first / "reports.csv").read_text()
    assert "delta-2026,crs_any,all,,13,15" in (first / "outcomes.csv").read_text()
    other = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    init_db(other)
    load_curated(other, first)
    second = tmp_path / "export2"
    export_curated(other, second)
    for name in ("cohorts.csv", "reports.csv", "outcomes.csv", "trials.csv", "publications.csv"):
        assert filecmp.cmp(first / name, second / name, shallow=False), name
    other.dispose()


def test_unexported_work_is_named_before_a_reload_could_replace_it(session, engine, curated_dir):
    session.commit()
    assert unexported_changes(engine, curated_dir) == {}
    _report(session)
    extraction.add_outcome(session, NUMBER, reviewer="ann")
    session.commit()
    assert unexported_changes(engine, curated_dir) == {
        "cohorts.csv": ["delta"], "reports.csv": ["delta-2026"], "outcomes.csv": ["delta-2026|crs_any|all|"]}
    export_curated(engine, curated_dir)
    assert unexported_changes(engine, curated_dir) == {}


def test_two_extractions_that_disagree_are_shown_side_by_side_and_adjudicated(session):
    _report(session)
    extraction.add_outcome(session, NUMBER, reviewer="ann")
    extraction.add_outcome(session, {**NUMBER, "variant": "bob", "events": 11, "is_default": False,
                                     "source_location": "Table 2"}, reviewer="bob")
    [d] = [d for d in extraction.disagreements(session) if d.report_id == "delta-2026"]
    assert [(v["variant"], v["events"], v["by"]) for v in d.values] == [("", 13, "ann"), ("bob", 11, "bob")]
    extraction.choose_default(session, "delta-2026", "crs_any", "all", "bob", reviewer="cai",
                              why="Table 2 counts every grade")
    defaults = {r.variant: r.is_default for r in session.execute(
        select(Outcome).where(Outcome.report_id == "delta-2026")).scalars()}
    assert defaults == {"": False, "bob": True}
    assert {e.reviewer for e in audit.history(session, "outcome")
            if e.field == "is_default" and e.action == "update"} == {"cai"}


def test_edits_to_reports_and_trial_curated_fields_are_checked_and_audited(session):
    with pytest.raises(ExtractionError) as err:
        extraction.edit(session, "report", "alpha-2022", {"kind": "blog"}, reviewer="ann", why="typo")
    assert "kind" in err.value.errors
    extraction.edit(session, "report", "alpha-2022", {"n_treated": 6}, reviewer="ann", why="erratum")
    [entry] = [e for e in audit.history(session, "report", "alpha-2022") if e.field == "n_treated"]
    assert (entry.old, entry.new, entry.why) == ("5", "6", "erratum")
    with pytest.raises(ExtractionError) as err:  # the harvest owns the registry facts
        extraction.edit(session, "trial", "NCT01234567", {"status": "COMPLETED"}, reviewer="ann", why="x")
    assert "status" in err.value.errors
    trial = extraction.edit(session, "trial", "NCT01234567", {"product": "BETA-B2"}, reviewer="ann",
                            why="renamed by the sponsor")
    assert trial.product == "BETA-B2"
    audit.undo(session, audit.history(session, "trial")[-1].change, reviewer="ann")
    assert trial.product == "BETA-B"


def test_init_refuses_to_reload_over_unexported_workbench_work(session, engine, settings, curated_dir):
    from evidence.curated import CuratedDataError
    from evidence.store import initialise

    _report(session)
    session.commit()
    cohorts = curated_dir / "cohorts.csv"
    cohorts.write_text(cohorts.read_text().replace("synthetic fixture\n", "synthetic fixture, updated\n", 1))
    with pytest.raises(CuratedDataError, match="export-data"):
        initialise(settings)  # data/ changed (a pull): the reload would drop the new cohort and report
    assert session.get(Report, "delta-2026") is not None
    export_curated(engine, curated_dir)
    assert initialise(settings)["loaded"]["reports"] == 5
