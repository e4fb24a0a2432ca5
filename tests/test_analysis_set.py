"""The cohort-aware analysis set never counts a patient twice."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from evidence.analysis_set import analysis_set

pytestmark = pytest.mark.both_backends  # store tests: run on SQLite and PostgreSQL


def _included(rows):
    return [(r.report_id, r.subgroup, r.events, r.patients) for r in rows if r.included]


def test_latest_report_per_cohort_is_used(engine):
    with Session(engine) as session:
        rows = analysis_set(session, "crs_any")
    assert _included(rows) == [("beta-2023", "nmosd", 12, 12), ("gamma-2023", "iim", 1, 1),
                               ("alpha-2024", "all", 9, 15)]
    excluded = [r for r in rows if not r.included]
    assert [r.report_id for r in excluded] == ["alpha-2022"]
    assert "Alpha 2024" in excluded[0].reason


def test_conflicting_value_uses_the_default_row(engine):
    with Session(engine) as session:
        rows = analysis_set(session, "crs_any")
    alpha = next(r for r in rows if r.report_id == "alpha-2024")
    assert (alpha.events, alpha.status) == (9, "conflicting")


def test_disease_filter_uses_subgroup_rows_and_single_disease_reports(engine):
    with Session(engine) as session:
        rows = analysis_set(session, "remission_doris", diseases=["sle"])
    assert _included(rows) == [("alpha-2024", "sle", 8, 8)]
    assert [r.report_id for r in rows if not r.included] == ["alpha-2022"]


def test_mixed_cohort_total_is_not_used_for_one_disease(engine):
    with Session(engine) as session:
        rows = analysis_set(session, "crs_any", diseases=["sle"])
    # alpha-2024's CRS count covers SLE, IIM and SSc together: not an SLE number.
    assert _included(rows) == [("alpha-2022", "sle", 3, 5)]


def test_without_disease_filter_subgroup_rows_stand_alone(engine):
    with Session(engine) as session:
        rows = analysis_set(session, "acr_eular_major_response")
    assert _included(rows) == [("alpha-2024", "iim", 3, 3)]


def test_cohort_unaware_mode_keeps_everything(engine):
    with Session(engine) as session:
        rows = analysis_set(session, "crs_any", cohort_aware=False)
    assert all(r.included for r in rows) and len(rows) == 4


def test_report_filters(engine):
    with Session(engine) as session:
        assert _included(analysis_set(session, "crs_any", targets=["bcma"])) == [("beta-2023", "nmosd", 12, 12)]
        assert _included(analysis_set(session, "crs_any", kinds=["case_report"])) == [("gamma-2023", "iim", 1, 1)]
        assert analysis_set(session, "death") == []
