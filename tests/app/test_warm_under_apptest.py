"""The background warm-up stays out of AppTest runs (it would outlive its test and read another test's database)."""

import threading

from tests.app.conftest import open_page


def test_no_warm_up_thread_under_apptest(app_env):
    open_page("export", {"outcome": "crs_any"})
    open_page("meta_analysis", {"outcome": "crs_any"})
    open_page()
    names = [t.name for t in threading.enumerate()]
    assert "cache-warm" not in names, names
