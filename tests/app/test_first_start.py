"""Starting the app on a database never built (issue 11, item 12): built from data/, or a clear message."""

from __future__ import annotations

import sqlite3

import pytest
from streamlit.testing.v1 import AppTest

from evidence.settings import REPO_ROOT


@pytest.fixture
def fresh_env(tmp_path, curated_dir, monkeypatch):
    """A first start: no EVIDENCE_DB, nothing at the default location yet; the fixture curated data as data/.

    (A database path someone set that does not exist is a typo to report, not a database to build:
    tests/app/test_app_postgres.py.)
    """
    monkeypatch.delenv("EVIDENCE_DB", raising=False)
    monkeypatch.setenv("EVIDENCE_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "new"))
    monkeypatch.setenv("EVIDENCE_DATA_DIR", str(curated_dir))
    from app_pages.common import _build_missing_database, get_engine

    get_engine.clear()
    _build_missing_database.clear()
    yield tmp_path / "new" / "cart-evidence" / "evidence.db"
    get_engine.clear()


def run_app() -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "streamlit_app.py"), default_timeout=120)
    at.run()
    return at


def test_a_missing_database_is_built_from_the_curated_data(fresh_env):
    at = run_app()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    assert {m.label: m.value for m in at.metric}["Reports"] == "4"
    assert fresh_env.exists()


def test_a_database_file_without_tables_says_what_to_run(fresh_env):
    fresh_env.parent.mkdir(parents=True)
    sqlite3.connect(fresh_env).close()  # an empty file: someone else's, never overwritten
    at = run_app()
    assert not at.exception, [e.value for e in at.exception]
    message = " ".join(e.value for e in at.error).replace("\\", "")  # Markdown escapes of the path
    assert "evidence init" in message and str(fresh_env) in message
    with sqlite3.connect(fresh_env) as conn:
        assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)


def test_serve_py_builds_it_before_the_server_listens(fresh_env, caplog):
    """`streamlit run serve.py` on a fresh machine: the warm-up builds the database, the first page reads it."""
    from app_pages import warm

    warm.before_serving()
    assert fresh_env.exists() and "warm-up before serving failed" not in caplog.text
    at = run_app()
    assert not at.exception and not at.error
    assert {m.label: m.value for m in at.metric}["Reports"] == "4"
