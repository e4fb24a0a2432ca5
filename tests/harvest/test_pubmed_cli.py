"""`evidence harvest pubmed` and `evidence import pubmed`, as a cron job or a reviewer runs them."""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest
import typer
from sqlmodel import Session
from typer.testing import CliRunner

from evidence.cli import app
from evidence.commands.groups import get_or_create_group
from evidence.models import HarvestRun, Publication
from fixtures.pubmed.fake_eutils import HERE, FakeEutils, Fault, Server


@pytest.fixture
def env(settings, monkeypatch):
    monkeypatch.setenv("EVIDENCE_DB", settings.db)
    monkeypatch.setenv("EVIDENCE_DATA_DIR", settings.data_dir)
    monkeypatch.setenv("NCBI_EMAIL", "cli@example.org")
    monkeypatch.chdir(settings.data_dir)
    assert CliRunner().invoke(app, ["init"]).exit_code == 0
    return settings


@pytest.fixture
def fake():
    f = FakeEutils()
    f.add_many(6, 39100001, date(2024, 1, 1), date(2024, 6, 30))
    return f


@pytest.fixture
def eutils(fake, monkeypatch):
    with Server(fake) as url:
        monkeypatch.setenv("EVIDENCE_EUTILS_URL", url)
        yield fake


def _run(engine_url_db: str, run_id: int) -> HarvestRun:
    from evidence.db import make_engine

    with Session(make_engine(f"sqlite:///{engine_url_db}")) as s:
        run = s.get(HarvestRun, run_id)
        s.expunge(run)
        return run


def test_harvest_with_a_query_then_incrementally(env, eutils):
    runner = CliRunner()
    first = runner.invoke(app, ["harvest", "pubmed", "--query", "car-t AND lupus", "--batch-size", "4"])
    assert first.exit_code == 0, first.output
    payload = json.loads(first.stdout)
    assert payload["mode"] == "full" and payload["new"] == 6 and payload["requests"] == 3
    assert all(p["email"] == "cli@example.org" and p["tool"] == "cart-evidence" for _, p in eutils.requests)
    second = runner.invoke(app, ["harvest", "pubmed", "--query", "car-t AND lupus"])
    assert json.loads(second.stdout)["mode"] == "incremental"


def test_default_strategy_file_is_used_and_query_file_option(env, eutils, tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["harvest", "pubmed", "--since", "2024-03-01"])
    assert result.exit_code == 0, result.output
    term = eutils.requests[0][1]["term"]
    assert '"receptors, chimeric antigen"[MeSH Terms]' in term and "#" not in term
    strategy = tmp_path / "s.txt"
    strategy.write_text("# comment\nCAAR-T[tiab]\n", encoding="utf-8")
    assert runner.invoke(app, ["harvest", "pubmed", "--query-file", str(strategy), "--full"]).exit_code == 0
    assert [p["term"] for e, p in eutils.requests if e == "esearch"][-1] == "CAAR-T[tiab]"


@pytest.mark.parametrize("args,message", [
    (["--full", "--since", "2024-01-01"], "not both"),
    (["--since", "yesterday"], "YYYY-MM-DD"),
    (["--since", "2024-02-01", "--until", "2024-01-01"], "is before --since"),
    (["--query", "x", "--query-file", "f.txt"], "not both"),
    (["--query-file", "missing.txt"], "search strategy"),
])
def test_usage_errors_exit_2(env, args, message):
    result = CliRunner().invoke(app, ["harvest", "pubmed", *args])
    assert result.exit_code == 2 and message in result.output


def test_malformed_eutils_url_exits_2(env, monkeypatch):
    monkeypatch.setenv("EVIDENCE_EUTILS_URL", "eutils.example.org/entrez")
    result = CliRunner().invoke(app, ["harvest", "pubmed", "--query", "x", "--full"])
    assert result.exit_code == 2 and "could not send its requests" in result.output


def test_failed_harvest_exits_1_with_the_reason(env, eutils):
    eutils.faults.append(Fault("esearch", 400, b"Invalid parameter: retmax=-1"))
    result = CliRunner().invoke(app, ["harvest", "pubmed", "--query", "x", "--full"])
    assert result.exit_code == 1
    assert "HTTP 400: Invalid parameter" in result.output and "next run" in result.output


def test_import_xml_and_medline_files(env, tmp_path):
    nbib = tmp_path / "pubmed-export.nbib"
    shutil.copy(HERE / "medline_export.nbib", nbib)
    result = CliRunner().invoke(app, ["import", "pubmed", str(HERE / "efetch_batch.xml"), str(nbib)])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    files = payload["files"]
    assert files[str(HERE / "efetch_batch.xml")]["new"] == 5
    assert files[str(nbib)]["new"] == 0  # the same two records, parsed from MEDLINE
    run = _run(env.db, payload["run"])
    assert run.source == "import-pubmed" and run.status == "succeeded" and run.fetched == 7
    from evidence.db import make_engine

    with Session(make_engine(f"sqlite:///{env.db}")) as s:
        assert s.get(Publication, "39000001").origin == "import"


def test_import_of_a_bad_file_exits_2_naming_it(env, tmp_path):
    bad = tmp_path / "cut.xml"
    shutil.copy(HERE / "efetch_truncated.xml", bad)
    result = CliRunner().invoke(app, ["import", "pubmed", str(HERE / "efetch_batch.xml"), str(bad)])
    assert result.exit_code == 2 and "cut.xml" in result.output and "malformed PubMed XML" in result.output
    ris = tmp_path / "refs.ris"
    ris.write_text("TY  - JOUR\nER  -\n")
    result = CliRunner().invoke(app, ["import", "pubmed", str(ris)])
    assert result.exit_code == 2 and "neither PubMed XML nor MEDLINE" in result.output
    latin = tmp_path / "latin1.nbib"
    latin.write_bytes("PMID- 39000001\nTI  - M\u00fcller\n".encode("latin-1"))
    result = CliRunner().invoke(app, ["import", "pubmed", str(latin)])
    assert result.exit_code == 2 and "not UTF-8" in result.output


def test_groups_compose_whichever_plugin_comes_first():
    root = typer.Typer()
    first = get_or_create_group(root, "import", "Load saved files.")
    again = get_or_create_group(root, "import", "ignored")
    assert first is again and len(root.registered_groups) == 1

    @first.command("pubmed")
    def _pubmed() -> None:
        typer.echo("pubmed")

    @again.command("ctgov")
    def _ctgov() -> None:
        typer.echo("ctgov")

    assert CliRunner().invoke(root, ["import", "ctgov"]).stdout == "ctgov\n"
    assert CliRunner().invoke(root, ["import", "pubmed"]).stdout == "pubmed\n"
