"""Issue 16, defects 1-7: old, partial, repeated or empty saved files never lose or invent data.

Each test imports real-shaped files (tests/fixtures/*/corpus, README there)
the way a reviewer does, through `evidence import`.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session
from typer.testing import CliRunner

from evidence.cli import app
from evidence.db import make_engine
from evidence.models import Publication, PublicationTrialLink, Trial, TrialChange
from harvest.pubmed_parse import parse_xml

FIXTURES = Path(__file__).parents[1] / "fixtures"
PUBMED = FIXTURES / "pubmed" / "corpus"
CTGOV = FIXTURES / "ctgov" / "corpus"


@pytest.fixture
def env(settings, monkeypatch):
    monkeypatch.setenv("EVIDENCE_DB", settings.db)
    monkeypatch.setenv("EVIDENCE_DATA_DIR", settings.data_dir)
    monkeypatch.chdir(settings.data_dir)
    assert CliRunner().invoke(app, ["init"]).exit_code == 0
    return settings


def run(*args: str | Path):
    return CliRunner().invoke(app, [str(a) for a in args])


def imported(kind: str, *files: Path) -> dict:
    result = run("import", kind, *files)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


def session_of(settings) -> Session:
    return Session(make_engine(f"sqlite:///{settings.db}"))


# ---------------------------------------------------------------- 1. partial ClinicalTrials.gov records

@pytest.mark.parametrize("partial", ["NCT05800004_without_status_design.json", "fields_limited_status_page.json"])
def test_a_partial_study_keeps_the_stored_trial_and_records_no_change(env, partial):
    imported("ctgov", CTGOV / "NCT05800004_2025-09_completed.json")
    summary = imported("ctgov", CTGOV / partial)
    assert summary["partial"] == 1 and summary["changed"] == 0
    with session_of(env) as s:
        trial = s.get(Trial, "NCT05800004")
        assert (trial.status, trial.phases, trial.enrollment, trial.completion_date, trial.countries) == \
            ("COMPLETED", ["PHASE1"], 12, "2025", ["China"])
        assert json.loads(trial.raw_json)["resultsSection"]  # the full record (and its references) kept
        assert s.execute(select(TrialChange)).first() is None


def test_a_partial_study_does_not_blank_a_curated_trial(env):
    with session_of(env) as s:
        curated = s.get(Trial, "NCT07654321")
        before = (curated.status, curated.start_date, curated.phases, curated.enrollment)
    capture = {"protocolSection": {"identificationModule": {"nctId": "NCT07654321", "briefTitle": "A title"},
                                   "conditionsModule": {"conditions": ["Lupus"]}}}
    path = env.data_dir + "/capture.json"
    Path(path).write_text(json.dumps(capture))
    assert imported("ctgov", path)["partial"] == 1
    with session_of(env) as s:
        trial = s.get(Trial, "NCT07654321")
        assert (trial.status, trial.start_date, trial.phases, trial.enrollment) == before
        assert s.execute(select(TrialChange)).first() is None


# ---------------------------------------------------------------- 2, 3. PubMed XML of every DTD era

@pytest.mark.parametrize("scheme", [b"http://", b"https://"])
def test_xml_saved_before_2016_imports_offline(env, tmp_path, scheme):
    data = (PUBMED / "biopython_pubmed1_2008.xml").read_bytes()
    assert b'"http://www.ncbi.nlm.nih.gov/entrez/query/DTD/pubmed_080101.dtd"' in data
    path = tmp_path / "saved-2008.xml"
    path.write_bytes(data.replace(b'"http://www.ncbi', b'"' + scheme + b"www.ncbi"))
    counts = imported("pubmed", path)["files"][str(path)]
    assert counts["new"] == 2
    with session_of(env) as s:
        row = s.get(Publication, "12091962")
        assert row.title == "The treatment of AIDS behind the walls of correctional facilities."
        assert row.authors == ["Olivero JM"] and row.pub_date == "1990" and row.date_revised == "2007-11-15"


# ---------------------------------------------------------------- 4, 5. older and poorer copies

def test_an_older_snapshot_does_not_overwrite_a_newer_one(env):
    imported("pubmed", PUBMED / "retraction_2025.xml")
    counts = imported("pubmed", PUBMED / "retraction_2024-11_before.xml")["files"]
    assert list(counts.values())[0]["kept_newer"] == 1
    with session_of(env) as s:
        row = s.get(Publication, "39100001")
        assert row.doi == "10.1136/lupus-2024-009001" and row.retracted and row.date_revised == "2025-06-10"


def test_a_refused_medline_copy_changes_nothing_not_even_links(env):
    imported("pubmed", PUBMED / "retraction_2024-11_before.xml")
    with session_of(env) as s:
        links = {(k.pmid, k.registry_id, k.method) for k in s.execute(select(PublicationTrialLink)).scalars()
                 if k.pmid == "39100001"}
    assert links == {("39100001", "NCT06100001", "registry_field"), ("39100001", "NCT06100001", "abstract_text")}
    counts = imported("pubmed", PUBMED / "retraction_2024-11_before.nbib")["files"]
    assert list(counts.values())[0]["kept_newer"] == 1
    with session_of(env) as s:
        assert {(k.pmid, k.registry_id, k.method) for k in s.execute(select(PublicationTrialLink)).scalars()
                if k.pmid == "39100001"} == links
        assert s.get(Publication, "39100001").registry_ids == ["NCT06100001"]


# ---------------------------------------------------------------- 6. readable abstracts

def test_mathml_and_line_breaks_become_readable_text():
    mathml = parse_xml((PUBMED / "biopython_pubmed6_mathml_2018.xml").read_bytes()).records[0].abstract
    assert "<math" not in mathml and "<mi>" not in mathml and "maximal oxygen uptake ( V.O2max )" in mathml
    record = parse_xml((PUBMED / "retraction_2025.xml").read_bytes()).records[2]
    assert "the β2-microglobulin level" in record.abstract and "\n" not in record.abstract


# ---------------------------------------------------------------- 7. warnings and messages

def test_repeated_pmids_add_up_and_are_warned_about(env, tmp_path):
    data = (PUBMED / "retraction_2025.xml").read_bytes()
    third = data[data.rindex(b"<PubmedArticle>"):data.rindex(b"</PubmedArticleSet>")]
    path = tmp_path / "repeats.xml"
    path.write_bytes(data.replace(b"</PubmedArticleSet>", third * 3 + b"</PubmedArticleSet>"))
    result = run("import", "pubmed", path)
    assert result.exit_code == 0
    counts = json.loads(result.stdout.strip().splitlines()[-1])["files"][str(path)]
    assert counts["fetched"] == 6 and counts["new"] == 3 and counts["repeated"] == 3
    assert counts["new"] + counts["updated"] + counts["unchanged"] + counts["kept_newer"] + counts["repeated"] == 6
    assert "its 6 records are 3 distinct PMIDs" in result.output


def test_an_empty_efetch_reply_is_warned_about(env):
    result = run("import", "pubmed", FIXTURES / "pubmed" / "efetch_empty.xml")
    assert result.exit_code == 0 and "holds no PubMed record" in result.output


def test_a_saved_page_with_more_pages_to_come_is_warned_about(env):
    result = run("import", "ctgov", FIXTURES / "ctgov" / "studies_page1.json")
    assert result.exit_code == 0 and "says more pages follow (nextPageToken)" in result.output
    assert "(2 of 4)" in result.output


def test_gzipped_files_import_and_v1_files_are_named(env, tmp_path):
    pubmed_gz = tmp_path / "pubmed.xml.gz"
    pubmed_gz.write_bytes(gzip.compress((PUBMED / "retraction_2025.xml").read_bytes()))
    assert imported("pubmed", pubmed_gz)["files"][str(pubmed_gz)]["new"] == 3
    ctgov_gz = tmp_path / "study.json.gz"
    ctgov_gz.write_bytes(gzip.compress((CTGOV / "NCT05999990_withdrawn.json").read_bytes()))
    assert imported("ctgov", ctgov_gz)["new"] == 1
    cut = tmp_path / "cut.xml.gz"
    cut.write_bytes(gzip.compress((PUBMED / "retraction_2025.xml").read_bytes())[:-200])
    result = run("import", "pubmed", cut)
    assert result.exit_code == 2 and "cut.xml.gz" in result.output and "gzip" in result.output
    v1 = tmp_path / "v1.json"
    v1.write_text(json.dumps({"FullStudiesResponse": {"APIVrs": "1.01.05", "FullStudies": []}}))
    result = run("import", "ctgov", v1)
    assert result.exit_code == 2 and "retired ClinicalTrials.gov API v1 format" in result.output


def test_a_single_bad_file_does_not_speak_of_files_before_it(env, tmp_path):
    bad = tmp_path / "bad.xml"
    shutil.copy(FIXTURES / "pubmed" / "efetch_truncated.xml", bad)
    result = run("import", "pubmed", bad)
    assert result.exit_code == 2 and "before it" not in result.output and "nothing was imported" in result.output
    result = run("import", "pubmed", PUBMED / "retraction_2025.xml", bad)
    assert result.exit_code == 2 and "1 file(s) before it were imported" in result.output
    broken = tmp_path / "broken.json"
    broken.write_text('{"studies": [')
    result = run("import", "ctgov", broken)
    assert result.exit_code == 2 and "files before it" not in result.output


def test_a_malformed_record_is_named_by_its_line(env, tmp_path):
    data = (PUBMED / "retraction_2025.xml").read_bytes()
    bad = tmp_path / "bad-record.xml"
    bad.write_bytes(data.replace(b"<ArticleTitle>BCMA CAR T", b"<ArticleTitle><<BCMA CAR T"))
    line = data[:data.index(b"<ArticleTitle>BCMA CAR T")].count(b"\n") + 1
    result = run("import", "pubmed", bad)
    assert result.exit_code == 2 and f"bad-record.xml: malformed PubMed XML at line {line}, PMID 39100003" \
        in result.output
    with session_of(env) as s:
        assert s.get(Publication, "39100001") is None  # the records before it in the file are not written either
