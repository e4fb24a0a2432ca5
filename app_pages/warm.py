"""Warm the slow caches in the background whenever the data version changes.

The Overview's headline rates and the default meta-analysis fit dozens of
GLMMs (seconds on a large database); then every outcome and every disease a
Meta-analysis reader may choose next is pooled too, a pause between two, so a
choice answers from the cache. ``st.cache_data`` is shared by all
sessions, so filling it once per data version, in a daemon thread started by
the first visitor after a restart or a harvest (after a pause of ``GRACE``
seconds, while that visitor's browser loads the page), means later visitors (and
usually the first one too, by the time they scroll) get a cached page. The
thread only reads; it never touches session state or widgets. Skipped under
AppTest, whose timing and temporary databases must not be disturbed.

``before_serving`` is the other half, for ``serve.py``: before the server
listens, it does what the first visitor after a start would wait for.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import logging
import threading
import time
from pathlib import Path

import streamlit as st
from streamlit import config

from evidence.i18n import DEFAULT_LANGUAGE

log = logging.getLogger(__name__)

APP_ROOT = Path(__file__).resolve().parent.parent


PAUSE = 0.05  # s between two analyses of the long tail: a visitor's run gets the interpreter in between
# s before the first fit. The visitor whose page started the warm-up is still fetching that page's code from this
# server for a second or so after the script ends; a fit beside it holds the interpreter, and made the first visit
# after a start 0.2 s slower (8 interleaved cold starts on the synthetic database: 1.79 s against 1.58 s).
GRACE = 3.0


def _warm(version: str) -> None:
    from app_pages import data, selection

    try:
        data.headline(version)
        for sel in _default_analyses():
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


def _default_analyses() -> tuple:
    """The Meta-analysis page with its defaults, and with CRS of any grade as its outcome."""
    from app_pages import selection

    return selection.Selection(), selection.Selection(outcome="crs_any")


def _analyse(version: str, sel) -> None:
    """The analysis, its forest plot and its method-sensitivity table, into the shared caches."""
    from app_pages import data, pooled, selection

    a = data.analysis(version, sel)
    selection.compute(version, sel, DEFAULT_LANGUAGE)  # what the page reads and draws, called as the page calls them
    selection.forest_html(version, sel, DEFAULT_LANGUAGE)
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


def _warm_after_grace(version: str) -> None:
    time.sleep(GRACE)
    _warm(version)


@st.cache_resource(max_entries=4, show_spinner=False)
def _start(version: str) -> threading.Thread:
    thread = threading.Thread(target=_warm_after_grace, args=(version,), name="cache-warm", daemon=True)
    thread.start()
    return thread


def start(version: str) -> None:
    """Start the warm-up for ``version`` once per process (no-op under AppTest)."""
    # streamlit.config.get_option, not st.get_option: AppTest patches the module's function only.
    if not config.get_option("global.appTest"):
        _start(version)


def before_serving() -> None:
    """What the first visitor after a start would wait for (about 1 s on a 2-core machine), done beforehand.

    The modules the app's scripts import, the database check (which builds a
    missing SQLite database from data/, as the first page would), the
    Overview's queries with its defaults, and the default Meta-analysis (and
    its CRS one): the reader's likely next click, which the background warm-up
    reaches only after its grace. A failure is logged and left to the page to
    report: the server starts either way.
    """
    try:
        for name in page_imports():
            importlib.import_module(name)
        from app_pages import data
        from app_pages.common import database_problem

        if database_problem() is not None:
            return  # the page says what is wrong and what to run
        version = data.data_version()
        for query in (data.update_status, data.reports_frame, data.trials_frame, data.evidence_map, data.headline):
            query(version)
        data.digest(version, data.DIGEST_DAYS)  # as the Overview calls it: cache_data keys on the arguments passed
        for sel in _default_analyses():
            _analyse(version, sel)
    except Exception:
        log.exception("warm-up before serving failed; each page will compute what it needs")


def page_imports() -> list[str]:
    """The modules streamlit_app.py and app_pages/ import at their top, read from their code (no list to keep):
    ``from app_pages import data`` names ``app_pages.data``."""
    names: list[str] = []
    for path in [APP_ROOT / "streamlit_app.py", *sorted((APP_ROOT / "app_pages").glob("*.py"))]:
        for node in ast.parse(path.read_text(encoding="utf-8"), str(path)).body:
            if isinstance(node, ast.Import):
                names += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.append(node.module)
                names += [f"{node.module}.{alias.name}" for alias in node.names if _submodule(node.module, alias.name)]
    return list(dict.fromkeys(names))


def _submodule(package: str, name: str) -> bool:
    spec = importlib.util.find_spec(package)
    return bool(spec and spec.submodule_search_locations) and importlib.util.find_spec(f"{package}.{name}") is not None
