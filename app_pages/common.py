"""What every page shares: the engine (one per process) and the settings."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from evidence.db import make_engine
from evidence.settings import load_settings


@st.cache_resource
def get_engine() -> Engine:
    """One engine per process; sessions are opened per query, never cached."""
    return make_engine(load_settings().database_url)
