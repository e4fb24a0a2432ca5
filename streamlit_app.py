"""Router and frame of the evidence app: navigation, page config and the data-status line.

``st.navigation`` is called once per run here; each page module renders its
own content. ``url_path`` names are part of shared links (``/meta-analysis?
outcome=crs_any``), so they are stable.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app_pages import data, warm

# A local file: a material-icon favicon is fetched from an outside host, which an offline app must not need.
FAVICON = Path(__file__).parent / "app_pages" / "static" / "favicon.png"

st.set_page_config(page_title="CAR-T in autoimmune disease: living evidence", page_icon=str(FAVICON),
                   layout="wide")

PAGES = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", url_path="overview",
            default=True),
    st.Page("app_pages/studies.py", title="Studies", icon=":material/article:", url_path="studies"),
    st.Page("app_pages/trials.py", title="Trials", icon=":material/clinical_notes:", url_path="trials"),
    st.Page("app_pages/meta_analysis.py", title="Meta-analysis", icon=":material/query_stats:",
            url_path="meta-analysis"),
    st.Page("app_pages/export.py", title="Export", icon=":material/download:", url_path="export"),
    st.Page("app_pages/about.py", title="About & methods", icon=":material/info:", url_path="about"),
]

page = st.navigation(PAGES, position="top")
warm.start(data.data_version())  # fills the shared caches of slow pages once per data version
page.run()
