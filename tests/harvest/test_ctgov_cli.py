"""`evidence harvest ctgov` against a local HTTP server, and `evidence import ctgov` on saved files."""

from __future__ import annotations

import json
import threading
import time
import zipfile
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import typer
from sqlalchemy import func, select
from sqlmodel import Session
from typer.testing import CliRunner

from evidence.cli import app
from evidence.commands.groups import get_or_create_group
from evidence.models import HarvestRun, PublicationTrialLink, Trial, TrialChange
from evidence.store import open_store
from harvest.http_client import HttpClient
from harvest.ctgov import Strategy, harvest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ctgov"
PAGES = {None: "studies_page1.json", "ZVNj7o2Elu8o3lpsWs7z46b-mpOQJJxuZPCs1P0dkA": "studies_page_empty.json",
         "NF0g5JGBlPMuwQY": "studies_page2.json"}


class Registry(BaseHTTPRequestHandler):
    """Serves the fixture pages by pageToken; `fail_with` makes every request answer that status."""

    seen: list[dict[str, str]] = []
    fail_with: tuple[int, str] | None = None
    stall_first: float = 0.0  # seconds the first request hangs before answering

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        url = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        type(self).seen.append(params)
        if len(type(self).seen) == 1 and self.stall_first:
            time.sleep(self.stall_first)
        if self.fail_with or url.path != "/api/v2/studies":
            status, text = self.fail_with or (404, "Not Found")
            self._send(status, text.encode(), "text/plain")
            return
        self._send(200, (FIXTURES / PAGES[params.get("pageToken")]).read_bytes(), "application/json")

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def registry():
    Registry.seen, Registry.fail_with, Registry.stall_first = [], None, 0.0
    server = ThreadingHTTPServer(("127.0.0.1", 0), Registry)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/v2"
    server.shutdown()
    server.server_close()


@pytest.fixture
def env(settings, engine, tmp_path):
    return {"EVIDENCE_DB": settings.db, "EVIDENCE_DATA_DIR": settings.data_dir,
            "EVIDENCE_CONFIG": str(tmp_path / "none.toml"), "EVIDENCE_HTTP_MAX_TRIES": "1"}


def invoke(env: dict, *args: str):
    """Run the CLI as a user would."""
    return CliRunner().invoke(app, list(args), env=env)


def count(settings, model) -> int:
    engine = open_store(settings)
    with Session(engine) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_harvest_ctgov_end_to_end_against_a_local_server(env, registry, settings):
    env = dict(env, EVIDENCE_CTGOV_URL=registry)
    result = invoke(env, "harvest", "ctgov", "--full", "--requests-per-minute", "60000")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["requests"] == 3 and summary["fetched"] == 4 and summary["new"] == 3
    assert summary["links_added"] == 2
    assert [p.get("pageToken") for p in Registry.seen] == [None, *list(PAGES)[1:]]
    assert Registry.seen[0]["pageSize"] == "1000" and "chimeric antigen receptor" in Registry.seen[0]["query.intr"]
    assert count(settings, Trial) == 5 and count(settings, TrialChange) == 2  # curated NCT07654321 replaced


def test_until_reaches_the_registry_as_the_end_of_the_update_window(env, registry, settings):
    env = dict(env, EVIDENCE_CTGOV_URL=registry)
    result = invoke(env, "harvest", "ctgov", "--since", "2025-01-01", "--until", "2025-03-31",
                    "--requests-per-minute", "60000")
    assert result.exit_code == 0, result.output
    assert Registry.seen[0]["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2025-01-01,2025-03-31]"


def test_query_overrides_and_strategy_file(env, registry, tmp_path):
    env = dict(env, EVIDENCE_CTGOV_URL=registry)
    strategy = tmp_path / "mine.toml"
    strategy.write_text('version = "x"\n[query]\nintr = "CAAR-T"\ncond = "pemphigus"\n[paging]\npage_size = 50\n')
    assert invoke(env, "harvest", "ctgov", "--strategy", str(strategy), "--query-cond", "myositis",
                  "--since", "2025-01-31", "--requests-per-minute", "60000").exit_code == 0
    first = Registry.seen[0]
    assert (first["query.intr"], first["query.cond"], first["pageSize"]) == ("CAAR-T", "myositis", "50")
    assert first["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2025-01-31,MAX]"


def test_server_error_exits_1_with_a_clear_message_and_a_failed_run(env, registry, settings):
    Registry.fail_with = (400, "`query.recrs` is unknown parameter")
    result = invoke(dict(env, EVIDENCE_CTGOV_URL=registry), "harvest", "ctgov", "--requests-per-minute", "60000")
    assert result.exit_code == 1
    assert "HTTP 400: `query.recrs` is unknown parameter" in result.output
    assert "check the strategy" in result.output
    with Session(open_store(settings)) as session:
        run = session.execute(select(HarvestRun)).scalar_one()
        assert run.status == "failed" and "unknown parameter" in run.error


def test_a_real_read_timeout_is_retried(engine, settings, registry):
    Registry.stall_first = 1.0
    impatient = HttpClient(rate=1e6, max_tries=2, timeout=0.2, sleep=lambda _s: None)
    result = harvest(engine, replace(settings, ctgov_url=registry), Strategy("CAR-T", "lupus"), full=True,
                     client=impatient)
    assert result.requests == 4 and result.counts.fetched == 4  # the stalled first page asked twice


def test_unreachable_registry_exits_1(env):
    result = invoke(dict(env, EVIDENCE_CTGOV_URL="http://127.0.0.1:9/api/v2"), "harvest", "ctgov")
    assert result.exit_code == 1 and "cannot be reached" in result.output
    assert "the next run resumes" in result.output


@pytest.mark.parametrize("args, message", [
    (["--since", "yesterday"], "--since must be a date"),
    (["--full", "--since", "2025-01-01"], "exclude each other"),
    (["--since", "2025-01-02", "--until", "2025-01-01"], "--until 2025-01-01 is before --since 2025-01-02"),
    (["--until", "someday"], "--until must be a date"),
    (["--strategy", "/nonexistent.toml"], "strategy file"),
])
def test_usage_errors_exit_2(env, args, message):
    result = invoke(env, "harvest", "ctgov", *args)
    assert result.exit_code == 2 and message in result.output


def test_import_a_study_a_page_and_a_zip(env, settings, tmp_path):
    archive = tmp_path / "ctg-studies.json.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for study in json.loads((FIXTURES / "studies_page1.json").read_text())["studies"]:
            nct = study["protocolSection"]["identificationModule"]["nctId"]
            zf.writestr(f"{nct}.json", json.dumps(study))
        zf.writestr("README.txt", "not a study")
    result = invoke(env, "import", "ctgov", str(FIXTURES / "study_NCT05800004.json"),
                    str(FIXTURES / "studies_page2.json"), str(archive))
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["files"] == 4 and summary["fetched"] == 5 and summary["new"] == 3
    assert summary["unchanged"] == 1  # NCT05800004 twice, identical
    with Session(open_store(settings)) as session:
        run = session.execute(select(HarvestRun)).scalar_one()
        assert run.source == "import-ctgov" and run.status == "succeeded"
        assert session.get(Trial, "NCT06100001").origin == "import"
        assert session.execute(select(func.count()).select_from(PublicationTrialLink)).scalar_one() == 2


def test_import_of_a_bad_file_keeps_the_good_ones_and_exits_2(env, settings, tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text('{"studies": [')
    result = invoke(env, "import", "ctgov", str(FIXTURES / "study_NCT05800004.json"), str(bad))
    assert result.exit_code == 2 and "broken.json: invalid JSON" in result.output
    with Session(open_store(settings)) as session:
        assert session.get(Trial, "NCT05800004") is not None
        assert session.execute(select(HarvestRun.status)).scalar_one() == "failed"
    missing = invoke(env, "import", "ctgov", str(tmp_path / "nope.json"))
    assert missing.exit_code == 2 and "nope.json" in missing.output


def test_get_or_create_group_reuses_a_group():
    root = typer.Typer()
    first = get_or_create_group(root, "harvest", "Harvest.")
    assert get_or_create_group(root, "harvest", "Other help.") is first
    assert get_or_create_group(root, "import", "Import.") is not first
    assert [g.name for g in root.registered_groups] == ["harvest", "import"]
