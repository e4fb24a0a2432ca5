"""Loading the curated CSVs: validation, all-or-nothing writes, exact round trip."""

from __future__ import annotations

import filecmp
import os
import subprocess
import sys

import pytest
from sqlalchemy import select
from sqlmodel import Session

from evidence import models
from evidence.curated import CuratedDataError, export_curated, load_curated
from evidence.store import initialise, open_store, table_counts

pytestmark = pytest.mark.both_backends  # store tests: run on SQLite and PostgreSQL


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture no longer contains {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_load_counts(engine):
    counts = table_counts(engine)
    assert counts["cohort"] == 3 and counts["report"] == 4 and counts["outcome"] == 9
    assert counts["trial"] == 2 and counts["publication"] == 2


def test_lists_and_types_survive_loading(engine):
    with Session(engine) as session:
        report = session.get(models.Report, "alpha-2024")
        trial = session.get(models.Trial, "NCT07654321")
    assert report.diseases == ["sle", "iim", "ssc"]
    assert report.supersedes == "alpha-2022" and report.followup_months == 15
    assert trial.phases == ["PHASE1", "PHASE2"] and trial.countries == ["Germany", "Italy"]
    assert trial.targets == ["cd19"] and trial.origin == "curated"


def test_registry_ages_decide_whether_children_may_enrol(settings, curated_dir, engine):
    """Ages are stored as the registry writes them; the minimum answers the clinician's "for a child?"."""
    with Session(engine) as session:
        assert session.get(models.Trial, "NCT01234567").paediatric is None  # no age read: unknown, not "no"
    _edit(curated_dir / "trials.csv", ",adult,,,2025-01-02", ",adult,18 Years,65 Years,2025-01-02")
    _edit(curated_dir / "trials.csv", ",mixed,,,2025-10-01", ",mixed,12 Years,,2025-10-01")
    initialise(settings)
    with Session(engine) as session:
        adults = session.get(models.Trial, "NCT01234567")
        mixed = session.get(models.Trial, "NCT07654321")
        assert (adults.min_age, adults.max_age, adults.paediatric) == ("18 Years", "65 Years", False)
        assert (mixed.min_age, mixed.max_age, mixed.paediatric) == ("12 Years", "", True)


def test_time_points_and_reasons_survive_loading(settings, curated_dir):
    _edit(curated_dir / "reports.csv", "1,abstract,,,,,,,", "1,abstract,,,,,,,results not reported")
    initialise(settings)
    with Session(open_store(settings)) as session:
        gamma = session.get(models.Report, "gamma-2023")
        relapse = session.execute(select(models.Outcome).where(models.Outcome.outcome == "relapse_free")).scalar_one()
        crs = session.execute(select(models.Outcome).where(models.Outcome.report_id == "gamma-2023")).scalar_one()
    assert gamma.no_numbers_reason == "results not reported"
    assert relapse.timepoint_months == 14 and crs.timepoint_months is None


BAD_ROWS = [
    ("outcomes.csv", "alpha-2022,crs_any,all,,3,5,", "alpha-2022,crs_any,all,,6,5,", "outcomes.csv:2",
     "larger than patients"),
    ("outcomes.csv", "alpha-2022,crs_any,", "alpha-2022,crs_everything,", "outcomes.csv:2", "unknown Outcome"),
    ("outcomes.csv", "beta-2023,crs_any,all,,12,12", "beta-2023,crs_any,all,,-1,12", "outcomes.csv:8",
     "events must be >= 0"),
    ("outcomes.csv", "beta-2023,crs_any,all,,12,12", "beta-2023,crs_any,all,,1.5,12", "outcomes.csv:8",
     "not a whole number"),
    ("outcomes.csv", "beta-2023,crs_any,all,,12,12", "beta-2023,crs_any,all,,0,0", "outcomes.csv:8",
     "patients must be > 0"),
    ("outcomes.csv", "alpha-2024,crs_any,all,secondary,11,15,false", "alpha-2024,crs_any,all,secondary,11,15,true",
     "outcomes.csv:", "exactly one row must have is_default=true"),
    ("outcomes.csv", "gamma-2023,crs_any", "ghost-2020,crs_any", "outcomes.csv:10", "unknown report_id"),
    ("outcomes.csv", "alpha-2024,remission_doris,sle", "alpha-2024,remission_doris,mg", "outcomes.csv:7",
     "not one of the report's diseases"),
    ("reports.csv", ",11111111,10.1000/alpha.2022", ",1111x111,10.1000/alpha.2022", "reports.csv:2",
     "malformed PMID"),
    ("reports.csv", "10.1000/alpha.2022", "doi:10.1000/alpha.2022", "reports.csv:2", "malformed DOI"),
    ("reports.csv", "https://example.org/beta,NCT01234567", "https://example.org/beta,NCT0123456",
     "reports.csv:4", "malformed registry ID"),
    ("reports.csv", "https://example.org/beta,NCT01234567", "https://example.org/beta,nct01234567",
     "reports.csv:4", "canonical form"),
    ("reports.csv", "alpha-2022,alpha-cd19,,journal", "alpha-2022,alpha-cd19,alpha-2024,journal",
     "reports.csv:", "cycle"),
    ("reports.csv", "gamma-2023,gamma-case,,case_report", "gamma-2023,gamma-case,gamma-2023,case_report",
     "reports.csv:5", "cannot supersede itself"),
    ("reports.csv", "gamma-2023,gamma-case,,", "gamma-2023,nowhere,,", "reports.csv:5", "unknown cohort_id"),
    ("reports.csv", ",nmosd,bcma,", ",nmosd,cd99,", "reports.csv:4", "unknown Target"),
    ("reports.csv", ",2022-03,median", ",2022-13,median", "reports.csv:2", "malformed partial date"),
    ("reports.csv", "15,abstract,sle:8;iim:3;ssc:4", "15,abstract,sle:8;iim:3;ssc:3", "reports.csv:3",
     "disease_counts add up to 14, fewer than n_treated (15)"),
    ("reports.csv", "15,abstract,sle:8;iim:3;ssc:4", "15,abstract,sle:16;iim:3;ssc:4", "reports.csv:3",
     "sle (16) larger than n_treated (15)"),
    ("reports.csv", "15,abstract,sle:8;iim:3;ssc:4", "15,abstract,sle:8;iim:3;ms:4", "reports.csv:3",
     "disease_counts names a disease not in diseases"),
    ("reports.csv", "15,abstract,sle:8;iim:3;ssc:4", "15,abstract,sle:8;iim:3;ssc:four", "reports.csv:3",
     "is not code:count"),
    ("outcomes.csv", "last follow-up,https://example.org/beta,abstract,verified,,14",
     "last follow-up,https://example.org/beta,abstract,verified,,-14", "outcomes.csv:9",
     "timepoint_months: must be >= 0"),
    ("outcomes.csv", "last follow-up,https://example.org/beta,abstract,verified,,14",
     "last follow-up,https://example.org/beta,abstract,verified,,fourteen", "outcomes.csv:9", "timepoint_months"),
    ("trials.csv", "NCT01234567,ctgov", "NCT01234567,clinicaltrials", "trials.csv:2", "unknown Registry"),
    ("trials.csv", "EARLY_PHASE1,RECRUITING", "EARLY_PHASE1,RECRUTING", "trials.csv:2", "unknown status"),
    ("cohorts.csv", "beta-bcma,Beta", "Beta BCMA,Beta", "cohorts.csv:3", "malformed identifier"),
    ("cohorts.csv", "gamma-case,Gamma case", "beta-bcma,Gamma case", "cohorts.csv:4", "duplicate key"),
    # issue 16, item 10: impossible days, non-numbers, malformed or Markdown identifiers
    ("reports.csv", ",2022-03,median", ",2024-02-30,median", "reports.csv:2", "no such day '2024-02-30'"),
    ("reports.csv", "median 8 months,8,abstract", "median 8 months,nan,abstract", "reports.csv:2",
     "not a finite number"),
    ("reports.csv", "median 8 months,8,abstract", "median 8 months,-8,abstract", "reports.csv:2",
     "followup_months must be >= 0"),
    ("trials.csv", "NCT01234567,ctgov,BCMA", "NCT123,ctgov,BCMA", "trials.csv:2", "malformed registry ID 'NCT123'"),
    ("trials.csv", "NCT01234567,ctgov,BCMA", "[NCT01234567](https://example.org),ctgov,BCMA", "trials.csv:2",
     "malformed registry ID"),
    ("trials.csv", "NCT01234567,ctgov,BCMA", "DRKS00012345,ctgov,BCMA", "trials.csv:2", "is a drks ID"),
    # age eligibility as the registry writes it, in order, agreeing with the population
    ("trials.csv", ",adult,,,", ",adult,18,65 Years,", "trials.csv:2", "min_age: malformed age"),
    ("trials.csv", ",adult,,,", ",adult,68 Years,65 Years,", "trials.csv:2",
     "min_age '68 Years' is above max_age '65 Years'"),
    ("trials.csv", ",adult,,,", ",adult,16 Years,,", "trials.csv:2",
     "population is adult, but min_age '16 Years' admits children"),
    ("trials.csv", ",mixed,,,", ",paediatric,18 Years,,", "trials.csv:3",
     "population is paediatric, but min_age '18 Years' admits adults only"),
    ("publications.csv", ",PMC1234567,", ",[PMC1234567](https://example.org),", "publications.csv:3",
     "malformed PMCID"),
    ("reports.csv", "10.1000/alpha.2022", "10.1000/[alpha](https://example.org)", "reports.csv:2", "malformed DOI"),
]


@pytest.mark.parametrize("filename,old,new,where,message", BAD_ROWS)
def test_bad_row_is_named_and_nothing_is_written(settings, curated_dir, filename, old, new, where, message):
    engine = open_store(settings)
    initialise(settings)
    before = table_counts(engine)
    export_before = curated_dir.parent / "before"
    export_curated(engine, export_before)
    _edit(curated_dir / filename, old, new)
    with pytest.raises(CuratedDataError) as err:
        load_curated(engine, curated_dir)
    text = str(err.value)
    assert where in text and message in text, text
    assert table_counts(engine) == before
    export_after = curated_dir.parent / "after"
    export_curated(engine, export_after)
    for name in ("cohorts.csv", "reports.csv", "outcomes.csv", "trials.csv", "publications.csv"):
        assert filecmp.cmp(export_before / name, export_after / name, shallow=False)


def test_wrong_header_is_rejected(settings, curated_dir):
    _edit(curated_dir / "cohorts.csv", "cohort_id,name", "id,name")
    with pytest.raises(CuratedDataError, match="cohorts.csv:1: header must be"):
        initialise(settings)


def test_every_problem_is_reported_at_once(settings, curated_dir):
    _edit(curated_dir / "outcomes.csv", "alpha-2022,crs_any,all,,3,5,", "alpha-2022,crs_any,all,,6,5,")
    _edit(curated_dir / "reports.csv", ",nmosd,bcma,", ",nmosd,cd99,")
    with pytest.raises(CuratedDataError) as err:
        initialise(settings)
    assert len(err.value.errors) == 2


def test_round_trip_gives_identical_files(engine, curated_dir, tmp_path):
    out = tmp_path / "exported"
    export_curated(engine, out)
    for name in ("cohorts.csv", "reports.csv", "outcomes.csv", "trials.csv", "publications.csv"):
        assert (out / name).read_bytes() == (curated_dir / name).read_bytes(), name


def test_shipped_data_round_trips(tmp_path):
    """The embedded evidence base in data/ loads and exports back byte for byte."""
    from evidence.settings import REPO_ROOT, Settings

    data = REPO_ROOT / "data"
    if not (data / "reports.csv").exists():
        pytest.skip("no curated data shipped yet")
    settings = Settings(db=str(tmp_path / "shipped.db"), data_dir=str(data))
    initialise(settings)
    out = tmp_path / "exported"
    export_curated(open_store(settings), out)
    for name in ("cohorts.csv", "reports.csv", "outcomes.csv", "trials.csv", "publications.csv"):
        if (data / name).exists():
            assert (out / name).read_bytes() == (data / name).read_bytes(), name


def test_reload_only_when_data_changes(settings, curated_dir):
    assert initialise(settings)["loaded"] is not None
    assert initialise(settings)["loaded"] is None
    _edit(curated_dir / "cohorts.csv", "synthetic fixture,", "synthetic fixture (edited),")
    assert initialise(settings)["loaded"]["cohorts"] == 3


def test_curated_rows_never_overwrite_harvested_trials(settings, curated_dir):
    engine = open_store(settings)
    initialise(settings)
    with Session(engine) as session:
        trial = session.get(models.Trial, "NCT01234567")
        trial.origin, trial.status = "ctgov", "COMPLETED"
        session.commit()
    initialise(settings, reload=True)
    with Session(engine) as session:
        assert session.get(models.Trial, "NCT01234567").status == "COMPLETED"
        assert session.get(models.Trial, "NCT07654321").status == "NOT_YET_RECRUITING"
        assert len(session.execute(select(models.Trial)).scalars().all()) == 2


# ---------------------------------------------------------------- issue 16, items 9, 10 and 12

def test_a_curated_row_removed_from_the_data_is_removed_from_the_store(settings, curated_dir, tmp_path):
    engine = open_store(settings)
    initialise(settings)
    with Session(engine) as session:  # a harvested trial is not the curator's to remove
        session.add(models.Trial(registry_id="NCT09999999", registry_name="ctgov", origin="ctgov"))
        session.commit()
    for name, dropped in (("trials.csv", "NCT07654321,"), ("publications.csv", "11111111,")):
        path = curated_dir / name
        path.write_text("".join(line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
                                if not line.startswith(dropped)), encoding="utf-8")
    loaded = initialise(settings)["loaded"]
    assert (loaded["trials_removed"], loaded["publications_removed"]) == (1, 1)
    with Session(engine) as session:
        assert session.get(models.Trial, "NCT07654321") is None
        assert session.get(models.Publication, "11111111") is None
        assert session.get(models.Trial, "NCT09999999") is not None
    out = tmp_path / "exported"
    export_curated(engine, out)
    for name in ("trials.csv", "publications.csv"):
        assert (out / name).read_bytes() == (curated_dir / name).read_bytes(), name


def _evidence(settings, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVIDENCE_")}
    env.update(EVIDENCE_DB=settings.db, EVIDENCE_DATA_DIR=settings.data_dir,
               EVIDENCE_CONFIG=settings.db + ".absent.toml")
    return subprocess.run([sys.executable, "-m", "evidence", *args], env=env, capture_output=True, text=True,
                          timeout=120)


def _outcomes(settings) -> int:
    """Outcome rows in the store, whichever back end the test runs on."""
    from sqlalchemy import create_engine, text

    engine = create_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM outcome")).scalar_one()
    finally:
        engine.dispose()


def test_a_missing_curated_file_is_an_error_and_nothing_is_written(settings, curated_dir):
    assert _evidence(settings, "init").returncode == 0
    (curated_dir / "outcomes.csv").unlink()
    result = _evidence(settings, "init")
    assert result.returncode == 2, result.stderr
    assert "outcomes.csv: missing from" in result.stderr and "Traceback" not in result.stderr
    assert _outcomes(settings) == 9


def test_a_header_only_file_empties_its_table_only_when_allowed(settings, curated_dir):
    assert _evidence(settings, "init").returncode == 0
    path = curated_dir / "outcomes.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines(keepends=True)[0], encoding="utf-8")
    refused = _evidence(settings, "init")
    assert refused.returncode == 2 and "--allow-empty outcomes.csv" in refused.stderr
    assert _outcomes(settings) == 9
    assert _evidence(settings, "init", "--allow-empty", "reports.csv").returncode == 2  # not that one
    allowed = _evidence(settings, "init", "--allow-empty", "outcomes.csv")
    assert allowed.returncode == 0, allowed.stderr
    assert _outcomes(settings) == 0


@pytest.mark.parametrize("damage,where,message", [
    (lambda text: text.replace("synthetic fixture", "synth\udce9tic fixture", 1), "cohorts.csv:2",
     "not UTF-8 text: byte 0xe9 at column"),
    (lambda text: text.replace("synthetic fixture", '"' + "x" * 140_000, 1), "cohorts.csv:2",
     "a cell longer than 131,072 characters starts here"),
], ids=["latin-1 byte", "huge field"])
def test_unreadable_bytes_are_named_by_file_and_line(settings, curated_dir, damage, where, message):
    path = curated_dir / "cohorts.csv"
    path.write_bytes(damage(path.read_text(encoding="utf-8")).encode("utf-8", "surrogateescape"))
    with pytest.raises(CuratedDataError) as err:
        initialise(settings)
    assert where in str(err.value) and message in str(err.value), str(err.value)
    result = _evidence(settings, "init")
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
