"""The background warm-up stays out of AppTest runs (it would outlive its test and read another test's database)."""

import threading

from tests.app.app_test_helpers import forest_plot
from tests.app.conftest import open_page


def test_no_warm_up_thread_under_apptest(app_env):
    open_page("export", {"outcome": "crs_any"})
    open_page("meta_analysis", {"outcome": "crs_any"})
    open_page()
    names = [t.name for t in threading.enumerate()]
    assert "cache-warm" not in names, names


def test_the_warm_up_fills_the_caches_the_pages_read(app_env, monkeypatch):
    """cache_data keys on the arguments as passed: the warm-up must call as the Export page does."""
    from app_pages import data, selection, warm
    from evidence import analysis_export

    monkeypatch.setattr(warm, "PAUSE", 0)
    version = data.data_version()
    warm._warm(version)
    built = []
    real = analysis_export.export_files
    monkeypatch.setattr(analysis_export, "export_files", lambda *a, **k: built.append(a) or real(*a, **k))
    data.export_files(version, selection.Selection(), "analysis", "en")  # what app_pages/export.py calls
    assert built == []  # answered from the cache


def test_the_warm_up_builds_the_forest_plot_the_meta_analysis_page_reads(app_env, monkeypatch):
    """The page itself, run after the warm-up, draws a plot the warm-up built (same cache key)."""
    from app_pages import charts, data, warm

    monkeypatch.setattr(warm, "PAUSE", 0)
    warm._warm(data.data_version())
    built = []
    real = charts.forest_html
    monkeypatch.setattr(charts, "forest_html", lambda *a, **k: built.append(a) or real(*a, **k))
    from evidence.outcome_analysis import OutcomeAnalysis

    written = []  # the rows in the reader's words: what selection.compute writes on a cache miss
    rows_in = OutcomeAnalysis.rows_in
    monkeypatch.setattr(OutcomeAnalysis, "rows_in", lambda self, lang: written.append(lang) or rows_in(self, lang))
    for params in ({}, {"outcome": "crs_any"}):
        at = open_page("meta_analysis", params)
        assert forest_plot(at), params
    assert built == [] and written == []  # answered from the cache
