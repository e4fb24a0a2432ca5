"""The embedded evidence base in data/: loads, sourced, cohort-aware, well-formed."""

from __future__ import annotations

import csv
from collections import Counter

import pytest
from sqlalchemy import select
from sqlmodel import Session

from evidence import models
from evidence.analysis_set import analysis_set
from evidence.settings import REPO_ROOT, Settings
from evidence.store import initialise, open_store
from evidence.vocab import NumberStatus, Outcome

DATA = REPO_ROOT / "data"
pytestmark = pytest.mark.skipif(not (DATA / "reports.csv").exists(), reason="no curated reports shipped yet")


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    settings = Settings(db=str(tmp_path_factory.mktemp("shipped") / "e.db"), data_dir=str(DATA))
    initialise(settings)
    engine = open_store(settings)
    yield engine
    engine.dispose()


def _rows(name):
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_number_has_a_source_location_and_status():
    for row in _rows("outcomes.csv"):
        assert row["source"].strip() and row["source_location"].strip(), row
        assert row["status"] in {s.value for s in NumberStatus}, row
    for row in _rows("reports.csv"):
        if row["n_treated"]:
            assert row["n_treated_source"].strip(), f"{row['report_id']}: n_treated without its source"
        if row["followup_months"]:
            assert row["followup_source"].strip(), f"{row['report_id']}: follow-up without its source"


def test_conflicts_keep_both_values_and_explain_the_default():
    rows = _rows("outcomes.csv")
    groups = Counter((r["report_id"], r["outcome"], r["subgroup"]) for r in rows)
    for row in rows:
        key = (row["report_id"], row["outcome"], row["subgroup"])
        if groups[key] > 1:
            assert row["status"] == "conflicting", f"{key}: alternatives must be marked conflicting"
            assert row["note"].strip(), f"{key}: a conflicting value needs a note saying why"


@pytest.mark.parametrize("outcome", [o.value for o in Outcome])
def test_no_cohort_is_counted_twice(shipped, outcome):
    with Session(shipped) as session:
        rows = [r for r in analysis_set(session, outcome) if r.included]
    seen = Counter((r.cohort_id, r.subgroup) for r in rows)
    assert all(n == 1 for n in seen.values()), seen
    reports_per_cohort: dict[str, set[str]] = {}
    for r in rows:
        reports_per_cohort.setdefault(r.cohort_id, set()).add(r.report_id)
    assert all(len(v) == 1 for v in reports_per_cohort.values()), reports_per_cohort


def test_the_seed_cases_are_present(shipped):
    with Session(shipped) as session:
        reports = session.execute(select(models.Report)).scalars().all()
    pmids = {r.pmid for r in reports}
    assert {"36109639", "38381673", "40993243"} <= pmids  # Mackensen 2022, Müller 2024, Feng 2025
    paediatric = [r for r in reports if r.population == "paediatric" and r.n_treated == 8]
    assert paediatric, "the Rome/Erlangen paediatric series (8 children) is missing"


def test_outcome_patients_never_exceed_the_report(shipped):
    with Session(shipped) as session:
        reports = {r.report_id: r for r in session.execute(select(models.Report)).scalars()}
        for o in session.execute(select(models.Outcome)).scalars():
            n = reports[o.report_id].n_treated
            if n is not None:
                assert o.patients <= n, f"{o.report_id} {o.outcome}: {o.patients} patients > {n} treated"


@pytest.mark.parametrize("outcome", ["crs_grade3plus", "icans_any", "complete_renal_response"])
def test_a_report_that_supersedes_wins_whatever_the_precision_of_its_date(shipped, outcome):
    # obe-cel: ACR 2025 has a data cut-off day, the later ASH 2025 only a year and supersedes it.
    with Session(shipped) as session:
        rows = [r for r in analysis_set(session, outcome) if r.cohort_id == "obecel-carlysle"]
    assert [r.report_id for r in rows if r.included] == ["obecel-2025-ash"]


def test_lupus_nephritis_finds_the_nephritis_series(shipped):
    with Session(shipped) as session:
        crs = analysis_set(session, "crs_any", diseases=["lupus_nephritis"])
        doris = analysis_set(session, "remission_doris", diseases=["lupus_nephritis"])
    assert ("chen-bcma-ln", 1, 7) in [(r.report_id, r.events, r.patients) for r in crs if r.included]
    assert "chen-bcma-ln" in [r.report_id for r in doris if r.included]
    # an SLE series in which nephritis is not counted is shown, with why it is left out
    assert any("how many have lupus nephritis is not recorded" in r.reason for r in crs if not r.included)


def test_the_paediatric_series_is_listed_under_sle_with_its_split(shipped):
    with Session(shipped) as session:
        rows = analysis_set(session, "crs_any", diseases=["sle"], populations=["paediatric"])
    becilli = next(r for r in rows if r.report_id == "becilli-2026-natmed")
    assert not becilli.included and "SLE in 4 of 8 patients" in becilli.reason


def test_disease_counts_add_up_to_the_patients_treated():
    for row in _rows("reports.csv"):
        if row["disease_counts"]:
            counts = dict(item.split(":") for item in row["disease_counts"].split(";"))
            top = sum(int(n) for code, n in counts.items() if code != "lupus_nephritis")
            assert top >= int(row["n_treated"]) >= max(int(n) for n in counts.values()), row["report_id"]


def test_overview_and_pooling_take_the_same_latest_report(shipped):
    from evidence.queries import latest_reports

    with Session(shipped) as session:
        latest = latest_reports(session)
        gives = {(o.report_id, o.outcome) for o in session.execute(
            select(models.Outcome).where(models.Outcome.is_default)).scalars()}
        for outcome in {o for _, o in gives}:
            for row in analysis_set(session, outcome):
                if row.included and (latest[row.cohort_id], outcome) in gives:
                    assert row.report_id == latest[row.cohort_id], (outcome, row.cohort_id)
def test_numbers_read_at_last_follow_up_say_how_many_months():
    for row in _rows("outcomes.csv"):
        if Outcome(row["outcome"]).needs_timepoint_months:
            assert row["timepoint_months"].strip(), f"{row['report_id']} {row['outcome']}: no timepoint_months"


# Cohorts whose patients may overlap although no source says so (see the cohorts' and reports' notes).
# Each group may feed a default analysis through one cohort only.
MAY_OVERLAP = [
    {"ccar-bcma-cd19-sle-ln", "ccar-sle-overlap-case"},  # same cCAR product; relation not stated
    {"relmacel-sle-nct05765006", "relmacel-sle-renji"},  # two relma-cel SLE phase I series, 2023-2024
]
# Reports of one cohort that include patients of other cohorts (Hagen ACR 2024: Erlangen update that may
# include CASTLE and Erlangen paediatric patients): they must never feed a default analysis next to those.
SPANS_COHORTS = {"hagen-2024-acr": {"castle-zorpocel", "opbg-erlangen-paediatric-cd19"}}


@pytest.mark.parametrize("outcome", [o.value for o in Outcome])
def test_no_patient_is_counted_twice_across_cohorts(shipped, outcome):
    with Session(shipped) as session:
        rows = [r for r in analysis_set(session, outcome) if r.included]
    by_subgroup: dict[str, set[str]] = {}
    for r in rows:
        by_subgroup.setdefault(r.subgroup, set()).add(r.cohort_id)
    for subgroup, cohorts in by_subgroup.items():
        for group in MAY_OVERLAP:
            assert len(group & cohorts) <= 1, f"{outcome}/{subgroup}: possibly overlapping cohorts {group & cohorts}"
    for report_id, others in SPANS_COHORTS.items():
        spanning = [r for r in rows if r.report_id == report_id]
        for r in spanning:
            clash = others & {x.cohort_id for x in rows
                              if "all" in (x.subgroup, r.subgroup) or x.subgroup == r.subgroup}
            assert not clash, f"{outcome}: {report_id} pooled next to {clash}"


def test_every_report_with_patients_has_numbers_or_says_why():
    with_rows = {row["report_id"] for row in _rows("outcomes.csv")}
    for row in _rows("reports.csv"):
        if row["n_treated"] == "0":
            continue
        reason = row["no_numbers_reason"].strip()
        if row["report_id"] in with_rows:
            assert not reason, f"{row['report_id']}: has outcome rows, so no_numbers_reason must be empty"
        else:
            assert reason, f"{row['report_id']}: no outcome row and no no_numbers_reason"
