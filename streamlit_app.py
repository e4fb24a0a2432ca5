"""Router and frame of the evidence app: navigation and shared page config."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="CAR-T in autoimmune disease: living evidence", layout="wide")

pages = [st.Page("app_pages/studies.py", title="Studies", icon=":material/table:", default=True)]
st.navigation(pages, position="top").run()
