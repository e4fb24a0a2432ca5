"""The app's language: chosen in the sidebar, kept in the URL (``?lang=it``), used by ``_``.

Pages write ``_("Overview")``; the language is read at call time from the
session, so one module-level import serves every rerun and every user.
"""

from __future__ import annotations

import streamlit as st

from evidence.i18n import DEFAULT_LANGUAGE, normalise, translator

LANG_KEY = "lang"


def language() -> str:
    """The language of this session: the session's choice, else the URL's, else English."""
    chosen = st.session_state.get(LANG_KEY) or st.query_params.get(LANG_KEY)
    return normalise(chosen) if chosen else DEFAULT_LANGUAGE


def _(text: str) -> str:
    """``text`` in the session's language."""
    return translator(language())(text)
