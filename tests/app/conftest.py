"""App fixtures: a temporary database (fixture CSVs + a few harvested rows) and AppTest helpers.

The extra rows (a finished harvest, a new PubMed record linked to a trial, a
trial status change) are added here rather than to tests/fixtures/curated/,
so the other tests' expectations do not move; they make the "what's new"
and change-history views non-empty.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from evidence import models
from evidence.settings import REPO_ROOT
from tests.app.app_test_helpers import NOW

PUB_MONTH = NOW.strftime("%Y-%m")


def add_harvest_rows(engine) -> None:
    """A successful ctgov/pubmed harvest with one new publication, one link and one trial change."""
    with Session(engine) as s:
        for source in ("pubmed", "ctgov"):
            s.add(models.HarvestRun(source=source, started_at=NOW - timedelta(minutes=5), finished_at=NOW,
                                    status="succeeded", fetched=3, new=1, changed=1))
        s.add(models.Publication(pmid="44444444", title="CD19 CAR T in <b>NMOSD</b> [click](http://evil)",
                                 abstract="An abstract about *NMOSD* and BCMA.", journal="J Harvest",
                                 pub_year=NOW.year, pub_date=PUB_MONTH, kind="primary", origin="pubmed",
                                 first_seen=NOW - timedelta(days=1), last_seen=NOW))
        s.add(models.PublicationTrialLink(pmid="44444444", registry_id="NCT01234567", method="abstract_text",
                                          matched_text="NCT01234567"))
        s.add(models.TrialChange(registry_id="NCT01234567", field="status", old="NOT_YET_RECRUITING",
                                 new="RECRUITING", observed_at=NOW - timedelta(days=2)))
        s.commit()


@pytest.fixture
def app_db(engine, settings) -> str:
    """Path of a temporary database: the fixture curated data plus harvested rows."""
    add_harvest_rows(engine)
    return settings.db


@pytest.fixture
def app_env(app_db, monkeypatch) -> str:
    """Point the app at the temporary database and drop any engine cached for another one."""
    monkeypatch.setenv("EVIDENCE_DB", app_db)
    from app_pages.common import get_engine

    get_engine.clear()
    return app_db


def open_page(page: str | None = None, params: dict[str, str] | None = None, lang: str | None = None) -> AppTest:
    """Run the app on ``page`` (a file under app_pages/; None = the default page) with ``params`` in the URL.

    AppTest can only switch pages after a first run, which lands on the default
    page (the Overview); the URL is then reset to ``params`` for the page wanted,
    as a browser opening a shared link would send it. ``lang`` is in the URL of
    both runs (the language is chosen for the session at its first run).
    """
    at = AppTest.from_file(str(REPO_ROOT / "streamlit_app.py"), default_timeout=60)
    every_run = {"lang": lang} if lang else {}
    landing = page in (None, "overview")
    for key, value in {**every_run, **((params or {}) if landing else {})}.items():
        at.query_params[key] = value
    at.run()
    if not landing:
        at.query_params.clear()
        for key, value in {**every_run, **(params or {})}.items():
            at.query_params[key] = value
        at.switch_page(f"app_pages/{page}.py")
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def page(app_env):
    """``page("studies", {"disease": "sle"})`` → a rendered AppTest on that page."""
    return open_page


def fixtures_dir() -> Path:
    return Path(__file__).parent.parent / "fixtures" / "curated"
