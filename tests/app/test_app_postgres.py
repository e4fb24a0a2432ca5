"""The app on PostgreSQL (every page, search over abstracts) and on a database that is not there."""

from __future__ import annotations

import pytest

from tests.app.app_test_helpers import frames


@pytest.fixture
def backend() -> str:
    """These app tests run on PostgreSQL only; the rest of tests/app covers SQLite."""
    return "postgresql"


def test_every_page_renders_on_postgresql(page):
    for name in ("overview", "studies", "trials", "meta_analysis", "export", "about"):
        at = page(name)
        assert not at.exception and not at.error, name


def test_search_on_postgresql_covers_report_and_pubmed_text(page):
    at = page("studies", {"q": "NMOSD"})
    assert list(frames(at)[0]["Report"]) == ["Beta 2023, ACR"]
    at.text_input(key="q").input("autoimmune").run()  # title of the Alpha 2024 PubMed record
    assert list(frames(at)[0]["Report"]) == ["Alpha 2024, J Test"]


def test_a_missing_database_is_said_not_created(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from app_pages.common import get_engine
    from evidence.settings import REPO_ROOT

    typo = tmp_path / "evidnce" / "evidence.db"
    monkeypatch.setenv("EVIDENCE_DB", str(typo))
    get_engine.clear()
    at = AppTest.from_file(str(REPO_ROOT / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception
    assert any("does not exist" in e.value for e in at.error)
    assert not typo.parent.exists()
    get_engine.clear()
