"""The app renders on a database built from the fixtures (Streamlit AppTest)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from evidence.settings import REPO_ROOT


@pytest.fixture
def app_env(engine, settings, monkeypatch):
    monkeypatch.setenv("EVIDENCE_DB", settings.db)
    from app_pages.common import get_engine

    get_engine.clear()
    return settings


def test_studies_page_lists_the_curated_reports(app_env):
    at = AppTest.from_file(str(REPO_ROOT / "streamlit_app.py"), default_timeout=30)
    at.run()
    assert not at.exception
    frame = at.dataframe[0].value
    assert sorted(frame["Report"]) == ["Alpha 2022, J Test", "Alpha 2024, J Test", "Beta 2023, ACR",
                                       "Gamma 2023, Case J"]
