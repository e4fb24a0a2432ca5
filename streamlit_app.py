"""Router and frame of the evidence app: navigation, page config and the data-status line.

``st.navigation`` is called once per run here; each page module renders its
own content. ``url_path`` names are part of shared links (``/meta-analysis?
outcome=crs_any``), so they are stable.

Two things are said here, above whatever page is open: that the database is
not ready (and what to run), instead of a traceback; and, while the user has
switched cohort-awareness off, that patients are counted more than once.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app_pages import auth, data, preload, state, warm
from app_pages.common import database_problem
from app_pages.i18n import _, choose_language
from app_pages.workbench_common import workbench_pages

# A local file: a material-icon favicon is fetched from an outside host, which an offline app must not need.
FAVICON = Path(__file__).parent / "app_pages" / "static" / "favicon.png"

st.set_page_config(page_title=_("CAR-T in autoimmune disease: living evidence"), page_icon=str(FAVICON),
                   layout="wide")

PAGES = [
    st.Page("app_pages/overview.py", title=_("Overview"), icon=":material/dashboard:", url_path="overview",
            default=True),
    st.Page("app_pages/studies.py", title=_("Studies"), icon=":material/article:", url_path="studies"),
    st.Page("app_pages/trials.py", title=_("Trials"), icon=":material/clinical_notes:", url_path="trials"),
    st.Page("app_pages/meta_analysis.py", title=_("Meta-analysis"), icon=":material/query_stats:",
            url_path="meta-analysis"),
    st.Page("app_pages/export.py", title=_("Export"), icon=":material/download:", url_path="export"),
    st.Page("app_pages/about.py", title=_("About & methods"), icon=":material/info:", url_path="about"),
]

COHORT_OFF = _("Cohort-aware selection is off: every report is pooled, so patients reported more than once are "
               "counted more than once. Switch \"One report per cohort\" back on in the sidebar of Meta-analysis "
               "or Export before quoting a number.")

problem = database_problem()  # first: it builds the database on a first start, before anything asks it
auth.frame()  # sign-in control and gate; draws nothing on a single-user install
# The workbench's pages: only when switched on, and only for someone who may write (the library refuses the others).
page = st.navigation(auth.navigation(PAGES, [] if problem else workbench_pages()), position="top")
choose_language()
if problem:
    st.error(problem, icon=":material/database:")
    st.stop()
if not state.value("cohort_aware"):
    st.warning(COHORT_OFF, icon=":material/warning:")
page.run()
# After the page, so the first visitor after a start or a harvest is not slowed by the warm-up's fits:
warm.start(data.data_version())  # fills the shared caches of slow pages once per data version
preload.preload()  # the other pages' widget code, fetched while the reader reads
