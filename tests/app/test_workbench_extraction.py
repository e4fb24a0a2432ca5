"""The workbench from an included record to a verified number, in AppTest; then the trail and PRISMA counts.

Each step is done through the pages as a reviewer would (the acting reviewer
switched through the settings, as the single-user install does); the
database is then read directly to check what the pages claim.
"""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import text
from sqlmodel import Session

from evidence import audit, prisma, screening
from evidence.models import Publication, Report
from tests.app.conftest import open_page
from tests.workbench.harvested import add_harvest

PMID = "40000001"


@pytest.fixture
def workbench(app_env, engine, monkeypatch):
    """Six harvested records; ann included 40000001 (a lupus CD19 series citing a trial of the base)."""
    add_harvest(engine)
    with Session(engine) as s:
        pub = s.get(Publication, PMID)
        pub.authors, pub.diseases, pub.targets = ["Delta D", "Echo E"], ["sle"], ["cd19"]
        pub.registry_ids = ["NCT01234567"]
        pub.abstract = ("Fifteen patients with refractory lupus received CD19 CAR T cells (NCT01234567). "
                        "Cytokine release syndrome occurred in 13 of 15 patients, all grade 1.")
        screening.decide(s, PMID, "include", reviewer="ann")
        s.commit()
    monkeypatch.setenv("EVIDENCE_WORKBENCH", "true")
    as_reviewer(monkeypatch, "ann")
    return engine


def as_reviewer(monkeypatch, name: str) -> None:
    monkeypatch.setenv("EVIDENCE_REVIEWER", name)


def create_report(at) -> str:
    at.selectbox(key=f"wb_r_cohort_{PMID}").set_value("__new__").run()
    at.text_input(key=f"wb_c_id_{PMID}").set_value("delta")
    at.text_input(key=f"wb_c_name_{PMID}").set_value("Delta CD19 lupus series")
    report_id = at.text_input(key=f"wb_r_id_{PMID}").value
    at.button(key=f"FormSubmitter:wb_report_{PMID}-Create the report").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    return report_id


def enter_number(at, events: int, patients: int, outcome: str = "crs_any") -> None:
    at.selectbox(key="wb_o_outcome").set_value(outcome)
    at.number_input(key="wb_o_events").set_value(events)
    at.number_input(key="wb_o_patients").set_value(patients)
    at.text_input(key="wb_o_location").set_value("abstract")
    at.text_area(key="wb_o_note").set_value("Cytokine release syndrome occurred in 13 of 15 patients, all grade 1.")
    at.button(key="FormSubmitter:wb_number-Enter the number").click().run()
    assert not at.exception


def outcomes(engine, report_id: str) -> list[tuple]:
    with Session(engine) as s:
        rows = s.execute(text("SELECT outcome, events, patients, status FROM outcome WHERE report_id = :r "
                              "ORDER BY id"), {"r": report_id}).all()
    return [tuple(r) for r in rows]


def test_report_then_a_number_rejected_at_its_field_then_entered(workbench):
    at = open_page("workbench_extraction")
    suggested = at.selectbox(key=f"wb_r_cohort_{PMID}")
    assert suggested.value == "beta-bcma"  # shares the record's registry ID: proposed first
    report_id = create_report(at)
    with Session(workbench) as s:
        report = s.get(Report, report_id)
        assert (report.cohort_id, report.pmid, report.diseases) == ("delta", PMID, ["sle"])
    enter_number(at, 16, 15)
    events_error = [e.value for e in at.error if "larger than patients" in e.value]
    assert events_error == ["events (16) larger than patients (15)"]
    # the message sits right under the Events field, in the same column
    column = [c for c in at.columns if [n for n in c.number_input if n.key == "wb_o_events"]]
    assert [e.value for e in column[0].error] == events_error
    assert outcomes(workbench, report_id) == []
    enter_number(at, 13, 15)
    assert outcomes(workbench, report_id) == [("crs_any", 13, 15, "unverified")]
    assert any("unverified until a second reviewer" in s.value for s in at.success)


def test_a_candidate_number_fills_the_form_but_is_never_entered_by_itself(workbench):
    at = open_page("workbench_extraction")
    report_id = create_report(at)
    use = [b for b in at.button if b.key and b.key.startswith(f"wb_use_{PMID}_")]
    assert use and outcomes(workbench, report_id) == []
    use[0].click().run()
    assert (at.number_input(key="wb_o_events").value, at.number_input(key="wb_o_patients").value) == (13, 15)
    assert at.text_input(key="wb_o_location").value == "abstract"
    assert outcomes(workbench, report_id) == []  # accepted into the form only
    at.button(key="FormSubmitter:wb_number-Enter the number").click().run()
    assert outcomes(workbench, report_id) == [("crs_any", 13, 15, "unverified")]
    at.button(key=use[0].key.replace("wb_use_", "wb_discard_")).click().run()  # discarded: no longer proposed
    assert use[0].key not in [b.key for b in at.button]


def test_only_a_second_reviewer_verifies(workbench, monkeypatch):
    at = open_page("workbench_extraction")
    report_id = create_report(at)
    enter_number(at, 13, 15)
    key = f"{report_id}|crs_any|all|"
    at = open_page("workbench_verification")
    at.button(key=f"wb_verify_{key}").click().run()
    assert any("ann entered or changed this number" in e.value for e in at.error)
    assert outcomes(workbench, report_id)[0][3] == "unverified"
    as_reviewer(monkeypatch, "bob")
    at = open_page("workbench_verification")
    at.button(key=f"wb_verify_{key}").click().run()
    assert not at.error and outcomes(workbench, report_id)[0][3] == "verified"
    assert any("Nothing waits for verification" in s.value for s in at.success)


def test_undo_of_an_extraction_from_the_history_page(workbench):
    at = open_page("workbench_extraction")
    report_id = create_report(at)
    enter_number(at, 13, 15)
    enter_number(at, 2, 15, outcome="icans_any")
    at = open_page("workbench_history")
    last = at.selectbox(key="wb_h_change").value  # the newest action first: the ICANS number
    at.text_input(key="wb_h_why").set_value("entered twice by mistake")
    at.button(key="FormSubmitter:wb_undo-Undo").click().run()
    assert not at.exception and not at.error
    assert outcomes(workbench, report_id) == [("crs_any", 13, 15, "unverified")]
    with Session(workbench) as s:
        undo = audit.history(s, "outcome", f"{report_id}|icans_any|all|")
    assert [e.action for e in undo][-1] == "delete" and undo[-1].why == "entered twice by mistake"
    assert last == undo[0].change
    history = at.dataframe[0].value
    assert set(history["Field"]) >= {"events", "patients", "status"}  # the CRS number's own trail


def test_scripted_session_trail_and_prisma_agree_with_the_database(workbench, monkeypatch):
    """Screen everything, extract, verify: then recount the trail and the PRISMA numbers from the tables."""
    at = open_page("workbench_screening")
    at.multiselect(key="wb_kinds").set_value(["review", "preclinical"]).run()
    at.selectbox(key="wb_bulk_decision").set_value("exclude")
    at.selectbox(key="wb_bulk_reason").set_value("review")
    at.checkbox(key="wb_bulk_sure").check()
    at.button(key="FormSubmitter:wb_bulk-Apply").click().run()
    at.multiselect(key="wb_kinds").set_value([]).run()
    while (keys := [f.key for f in at.text_input if f.key.startswith("wb_key_")]):
        at.text_input(key=keys[0]).set_value("m" if keys[0].endswith("40000002") else "e4")
        at.button(key=f"FormSubmitter:wb_form_{keys[0].removeprefix('wb_key_')}-Decide").click().run()
        assert not at.exception and not at.error, [e.value for e in at.error]
    at = open_page("workbench_extraction")
    report_id = create_report(at)
    enter_number(at, 13, 15)
    as_reviewer(monkeypatch, "bob")
    at = open_page("workbench_verification")
    at.button(key=f"wb_verify_{report_id}|crs_any|all|").click().run()
    at = open_page("workbench_prisma")
    assert not at.exception and not at.error
    at = open_page("workbench_history")
    trail = list(csv.DictReader(io.StringIO(_trail_csv(workbench))))
    assert f"Audit trail (CSV, {len(trail)} rows)" in [b.proto.label for b in at.get("download_button")]

    with Session(workbench) as s:
        pubs = s.execute(text("SELECT pmid FROM publication WHERE origin = 'pubmed' AND deleted = 0")).scalars().all()
        decided = dict(s.execute(text("SELECT pmid, decision FROM screeningdecision WHERE stage = 'title_abstract'")
                                 ).all())
        flow = prisma.prisma_flow(s)
    # every decision, cohort, report and number the session made is in the trail, by the reviewer who made it
    screened = {r["entity_id"].split("|")[0] for r in trail if r["entity"] == "screening"}
    assert screened == set(decided) == set(pubs)
    assert {(r["entity"], r["entity_id"], r["reviewer"]) for r in trail if r["action"] == "create"
            and r["entity"] in ("cohort", "report", "outcome")} == {
        ("cohort", "delta", "ann"), ("report", report_id, "ann"), ("outcome", f"{report_id}|crs_any|all|", "ann")}
    assert [(r["reviewer"], r["new"]) for r in trail if r["field"] == "status" and r["action"] == "update"] == [
        ("bob", '"verified"')]
    # PRISMA, recounted from the tables: 7 harvested records (6 + the app fixture's), one later copy by title
    values = prisma.csv_values(flow)
    counts = {d: list(decided.values()).count(d) for d in ("include", "maybe", "exclude")}
    assert int(values["database_results"]) == len(pubs) == 7
    assert int(values["duplicates"]) == 1
    assert int(values["records_screened"]) == len(pubs) - 1
    assert int(values["records_excluded"]) == counts["exclude"] - (decided.get("40000006") == "exclude")
    assert flow.dbr_sought_reports == counts["include"] + counts["maybe"]
    assert flow.new_reports == 1 and flow.new_studies == 1


def _trail_csv(engine) -> str:
    out = io.StringIO()
    with Session(engine) as s:
        audit.export_csv(s, out)
    return out.getvalue()


def test_disagreement_side_by_side_and_adjudicated(workbench, monkeypatch):
    at = open_page("workbench_extraction")
    report_id = create_report(at)
    enter_number(at, 13, 15)
    as_reviewer(monkeypatch, "bob")
    at = open_page("workbench_extraction")
    at.selectbox(key="wb_o_outcome").set_value("crs_any")
    at.number_input(key="wb_o_events").set_value(11)
    at.number_input(key="wb_o_patients").set_value(15)
    at.text_input(key="wb_o_location").set_value("Table 2")
    at.text_input(key="wb_o_variant").set_value("table2")
    at.checkbox(key="wb_o_default").uncheck()
    at.button(key="FormSubmitter:wb_number-Enter the number").click().run()
    assert not at.error, [e.value for e in at.error]
    as_reviewer(monkeypatch, "cat")
    at = open_page("workbench_verification")
    side = next(d.value for d in at.dataframe if "table2" in d.value.columns)  # the fixture has its own too
    assert list(side.columns) == ["(first value)", "table2"]
    assert list(side.loc["Events"]) == ["13", "11"] and list(side.loc["Entered by"]) == ["ann", "bob"]
    # no sentence quoted: a blank ("" or "—", as it was stored), never "None"
    assert list(side.loc["Default"]) == ["✓", ""] and side.loc["Quoted sentence", "table2"] in ("", "—")
    ident = f"{report_id}|crs_any|all"
    at.selectbox(key=f"wb_adj_v_{ident}").set_value("table2")
    at.text_input(key=f"wb_adj_w_{ident}").set_value("Table 2 counts every grade")
    at.button(key=f"FormSubmitter:wb_adjudicate_{ident}-Make it the default").click().run()
    assert not at.error and not at.exception
    with Session(workbench) as s:
        rows = s.execute(text("SELECT variant, is_default FROM outcome WHERE report_id = :r ORDER BY id"),
                         {"r": report_id}).all()
    assert [tuple(r) for r in rows] == [("", 0), ("table2", 1)]


def test_prisma_page_shows_the_flow_counted_from_the_database(workbench):
    at = open_page("workbench_prisma")
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Diagram (SVG)", "Diagram (PNG)", "PRISMA2020 template (CSV)", "Counts (JSON)"]
    with Session(workbench) as s:
        expected = prisma.csv_values(prisma.prisma_flow(s))
    shown = at.dataframe[0].value
    assert dict(zip(shown["PRISMA2020 row"], shown["n"])) == expected
    at.checkbox(key="wb_p_split").check().run()
    assert not at.exception and at.date_input(key="wb_p_since").value is not None
