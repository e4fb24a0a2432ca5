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


def test_a_mixed_cohort_number_is_listed_with_its_split_not_dropped(engine):
    with Session(engine) as session:
        rows = analysis_set(session, "crs_any", diseases=["sle"])
    alpha = next(r for r in rows if r.report_id == "alpha-2024")
    assert not alpha.included
    assert alpha.reason.startswith("whole-cohort number of a mixed cohort")
    assert "SLE in 8 of 15 patients" in alpha.reason


def test_mixed_cohorts_where_the_disease_is_the_majority_can_be_included(engine):
    with Session(engine) as session:
        rows = analysis_set(session, "crs_any", diseases=["sle"], include_mixed=True)
        minority = analysis_set(session, "crs_any", diseases=["iim"], include_mixed=True)
    assert _included(rows) == [("alpha-2024", "all", 9, 15)]  # the latest report of the cohort
    assert next(r for r in rows if r.included).study_label == "Alpha 2024, J Test [mixed: 8/15 SLE]"
    assert next(r for r in rows if r.included).label_in("it") == "Alpha 2024, J Test [coorte mista: 8/15 LES]"
    assert [r.reason for r in rows if r.report_id == "alpha-2022"][0].startswith("same cohort as Alpha 2024")
    assert _included(minority) == [("gamma-2023", "iim", 1, 1)]
    assert "myositis in 3 of 15 patients (not a majority)" in next(
        r.reason for r in minority if r.report_id == "alpha-2024")


def test_reasons_are_codes_and_values_written_in_the_readers_language(engine):
    with Session(engine) as session:
        same = next(r.why for r in analysis_set(session, "crs_any") if r.report_id == "alpha-2022")
        minority = next(r.why for r in analysis_set(session, "crs_any", diseases=["iim"], include_mixed=True)
                        if r.report_id == "alpha-2024")
    assert (same.code, same.report) == ("same_cohort", "Alpha 2024, J Test")
    assert same.text("it").startswith("stessa coorte di Alpha 2024, J Test (alpha-cd19), che riporta questo esito")
    assert minority.text("it").endswith(": miosite in 3 su 15 pazienti (non la maggioranza)")
    assert "LES" in minority.text("it") and "SLE" in minority.text("en") == minority.text()


def test_one_patient_of_a_mixed_cohort_reads_right_in_both_languages():
    """ "1 pazienti su 8" and "1 of 8 patients have" were wrong: the catalog has no plurals, so no word agrees
    with the count."""
    from evidence.analysis_set import Reason

    one = Reason(code="mixed_cohort", disease="sle", diseases=("sle", "ssc"), part=1, whole=8)
    assert one.text("it").endswith(": LES in 1 su 8 pazienti")
    assert one.text("en").endswith(": SLE in 1 of 8 patients")


def test_shares_and_subgroups_name_diseases_in_the_readers_language(engine):
    from evidence.outcome_analysis import rows_frame

    _add_nephritis_series(engine, {"sle": 7, "lupus_nephritis": 3})
    with Session(engine) as session:
        mixed = analysis_set(session, "crs_any", diseases=["sle"], include_mixed=True)
        nephritis = analysis_set(session, "icans_any", diseases=["lupus_nephritis"])
        plain = analysis_set(session, "crs_any")
    alpha = next(r for r in mixed if r.included)
    assert (alpha.mixed, alpha.mixed_in("it")) == ("8/15 SLE", "8/15 LES")
    assert list(rows_frame(mixed, "it")["mixed"]) == ["8/15 LES" if r.included else "" for r in mixed]
    wider = nephritis[0]  # an SLE-wide number, lupus nephritis asked
    assert wider.study_label == "LN 2025 [mixed: 3/7 LUPUS_NEPHRITIS]"  # English as always written
    assert wider.label_in("it") == "LN 2025 [coorte mista: 3/7 nefrite lupica]"
    earlier = next(r for r in plain if r.report_id == "alpha-2022")
    assert (earlier.study_label, earlier.label_in("it")) == ("Alpha 2022, J Test [SLE]", "Alpha 2022, J Test [LES]")


def test_a_disease_in_a_study_label_is_its_code_in_english_and_an_abbreviation_in_italian():
    from evidence.analysis_set import short_disease
    from evidence.vocab import Disease

    assert all(short_disease(d.value) == d.value.upper() for d in Disease)  # English labels as always written
    italian = {d.value: short_disease(d.value, "it") for d in Disease}
    assert (italian["sle"], italian["ra"], italian["ms"], italian["iim"]) == ("LES", "AR", "SM", "miosite")
    assert not any("_" in name for name in italian.values())


def test_every_disease_has_a_study_label_name():
    """A disease added to the vocabulary without one would show its code, in capitals, inside Italian labels."""
    from evidence.analysis_set import LABEL_NAMES
    from evidence.vocab import Disease

    assert set(LABEL_NAMES) == {d.value for d in Disease}


def _add_nephritis_series(engine, counts: dict[str, int]) -> None:
    from evidence import models

    with Session(engine) as session:
        session.add(models.Cohort(cohort_id="ln-series", name="LN series"))
        session.flush()
        session.add(models.Report(report_id="ln-2025", cohort_id="ln-series", kind="journal_article",
                                  label="LN 2025", year=2025, diseases=["sle", "lupus_nephritis"], n_treated=7,
                                  disease_counts=counts, target="bcma"))
        session.flush()
        session.add(models.Outcome(report_id="ln-2025", outcome="icans_any", subgroup="all", events=1, patients=7,
                                   source="PMID:44444444", source_location="abstract"))
        session.flush()
        session.commit()


def test_lupus_nephritis_finds_a_series_whose_patients_all_have_nephritis(engine):
    _add_nephritis_series(engine, {"sle": 7, "lupus_nephritis": 7})
    with Session(engine) as session:
        nephritis = analysis_set(session, "icans_any", diseases=["lupus_nephritis"])
        lupus = analysis_set(session, "icans_any", diseases=["sle"])
    assert _included(nephritis) == [("ln-2025", "sle", 1, 7)]
    assert _included(lupus) == [("ln-2025", "sle", 1, 7)]  # a nephritis series is an SLE series


def test_an_sle_series_is_not_a_nephritis_series_unless_its_patients_are(engine):
    _add_nephritis_series(engine, {"sle": 7, "lupus_nephritis": 3})
    with Session(engine) as session:
        rows = analysis_set(session, "icans_any", diseases=["lupus_nephritis"])
    assert _included(rows) == []
    assert rows[0].reason == "number for all the report's SLE patients: lupus nephritis in 3 of 7"
    assert rows[0].why.text("it") == "numero riferito a tutti i pazienti con LES del report: nefrite lupica in 3 su 7"


def test_a_retracted_report_is_left_out_with_the_reason(engine):
    from evidence import models

    with Session(engine) as session:
        pub = session.get(models.Publication, "22222222") or models.Publication(pmid="22222222")
        pub.retracted = True
        session.add(pub)
        session.commit()
        rows = analysis_set(session, "crs_any")
    alpha = [r for r in rows if r.report_id == "alpha-2024"]
    assert alpha and not any(r.included for r in alpha)
    assert alpha[0].reason.startswith("retracted")
    # the cohort's earlier report stands in for it
    assert ("alpha-2022", "sle", 3, 5) in _included(rows)


def test_an_italian_export_writes_reasons_and_mixed_labels_in_italian(engine):
    from evidence.analysis_export import export_files
    from evidence.outcome_analysis import Selection

    with Session(engine) as session:
        files = export_files(session, Selection(outcome="crs_any", diseases=("sle",), include_mixed=True), lang="it")
    assert "coorte mista: 8/15 LES" in files.files["forest_svg"].data  # the forest plot's spec
    assert "8/15 SLE" not in files.files["forest_svg"].data
    outcomes = files.files["outcomes_csv"].data.decode("utf-8")
    assert "stessa coorte di Alpha 2024, J Test (alpha-cd19)" in outcomes and "same cohort" not in outcomes
