"""Warm the slow caches in the background whenever the data version changes.

The Overview's headline rates and the default meta-analysis fit dozens of
GLMMs (seconds on a large database). ``st.cache_data`` is shared by all
sessions, so filling it once per data version, in a daemon thread started by
the first visitor after a restart or a harvest, means later visitors (and
usually the first one too, by the time they scroll) get a cached page. The
thread only reads; it never touches session state or widgets. Skipped under
AppTest, whose timing and temporary databases must not be disturbed.
"""

from __future__ import annotations

import logging
import threading

import streamlit as st

log = logging.getLogger(__name__)


def _warm(version: str) -> None:
    from app_pages import data, pooled, selection

    try:
        data.headline(version)
        for sel in (selection.Selection(), selection.Selection(outcome="crs_any")):
            selection.compute(version, sel)
            pooled.method_sensitivity(version, sel)  # the table under the forest plot (imports scipy.stats once)
        data.export_files(version, selection.Selection())  # the Export page's files (XLSX, figures: ~0.5 s)
    except Exception:  # a warm-up failure must never take the app down; the page will compute and show it
        log.exception("cache warm-up failed for data version %s", version)


@st.cache_resource(max_entries=4, show_spinner=False)
def _start(version: str) -> threading.Thread:
    thread = threading.Thread(target=_warm, args=(version,), name="cache-warm", daemon=True)
    thread.start()
    return thread


def start(version: str) -> None:
    """Start the warm-up for ``version`` once per process (no-op under AppTest)."""
    if not st.get_option("global.appTest"):
        _start(version)
