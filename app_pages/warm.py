"""Warm the slow caches in the background whenever the data version changes.

The Overview's headline rates and the default meta-analysis fit dozens of
GLMMs (seconds on a large database); then every outcome and every disease a
Meta-analysis reader may choose next is pooled too, a pause between two, so a
choice answers from the cache. ``st.cache_data`` is shared by all
sessions, so filling it once per data version, in a daemon thread started by
the first visitor after a restart or a harvest, means later visitors (and
usually the first one too, by the time they scroll) get a cached page. The
thread only reads; it never touches session state or widgets. Skipped under
AppTest, whose timing and temporary databases must not be disturbed.
"""

from __future__ import annotations

import logging
import threading
import time

import streamlit as st
from streamlit import config

from evidence.i18n import DEFAULT_LANGUAGE

log = logging.getLogger(__name__)


PAUSE = 0.05  # s between two analyses of the long tail: a visitor's run gets the interpreter in between


def _warm(version: str) -> None:
    from app_pages import data, selection

    try:
        data.headline(version)
        for sel in (selection.Selection(), selection.Selection(outcome="crs_any")):
            _analyse(version, sel)
        # The Export page's files (XLSX, figures: ~0.5 s), with the arguments the page passes: cache_data keys on them.
        data.export_files(version, selection.Selection(), "analysis", "en")
        for sel in _next_choices(version):
            time.sleep(PAUSE)
            try:
                _analyse(version, sel)
            except Exception:  # one odd selection must not stop the others; its page will say what is wrong
                log.exception("cache warm-up of %s failed for data version %s", sel, version)
    except Exception:  # a warm-up failure must never take the app down; the page will compute and show it
        log.exception("cache warm-up failed for data version %s", version)


def _analyse(version: str, sel) -> None:
    """The analysis, its forest plot and its method-sensitivity table, into the shared caches."""
    from app_pages import data, pooled, selection

    a = data.analysis(version, sel)
    selection.forest_spec(version, sel, DEFAULT_LANGUAGE)  # the plot the page draws, called as the page calls it
    if a.result is not None and a.result.k >= 2:
        pooled.method_sensitivity(version, sel)  # the first one imports scipy.stats


def _next_choices(version: str) -> list:
    """What a reader of Meta-analysis picks next: every other outcome with data, and each disease on the default
    outcome (0.05-0.2 s each to pool; then a choice answers from the cache instead of fitting while they wait)."""
    from app_pages import data, selection
    from app_pages.common import filter_options

    default = selection.Selection()
    outcomes = [o for o in selection.outcome_options(version) if o in data.outcome_counts(version)]
    return [*(selection.Selection(outcome=o) for o in outcomes if o not in (default.outcome, "crs_any")),
            *(selection.Selection(diseases=(d,)) for d in filter_options(("disease",))["disease"])]


@st.cache_resource(max_entries=4, show_spinner=False)
def _start(version: str) -> threading.Thread:
    thread = threading.Thread(target=_warm, args=(version,), name="cache-warm", daemon=True)
    thread.start()
    return thread


def start(version: str) -> None:
    """Start the warm-up for ``version`` once per process (no-op under AppTest)."""
    # streamlit.config.get_option, not st.get_option: AppTest patches the module's function only.
    if not config.get_option("global.appTest"):
        _start(version)
