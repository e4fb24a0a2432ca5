"""The app's server: ``streamlit run serve.py`` serves streamlit_app.py, and is ready before it listens.

Streamlit runs an app's code only when a visitor connects, so the first
visitor after every start waited about a second longer than the next ones:
for the imports (pandas, SQLAlchemy, the library), the database check and the
first queries. Started from here, the server does that work first
(``app_pages.warm.before_serving``) and listens after it: the start takes
that much longer, the first page does not. ``streamlit run streamlit_app.py``
serves the same app without it (``make dev`` does, to reload on save).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import streamlit as st

from app_pages import warm


@asynccontextmanager
async def _ready_first(app: st.App) -> AsyncIterator[None]:
    await asyncio.to_thread(warm.before_serving)  # off the event loop
    yield


app = st.App("streamlit_app.py", lifespan=_ready_first)
