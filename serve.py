"""The app's server: ``python serve.py`` serves streamlit_app.py, ready before it listens, answering at once.

Streamlit runs an app's code only when a visitor connects, so the first
visitor after every start waited about a second longer than the next ones:
for the imports (pandas, SQLAlchemy, the library), the database check and the
first queries. Started from here, the server does that work first
(``app_pages.warm.before_serving``) and listens after it: the start takes
that much longer, the first page does not.

``python serve.py [streamlit options]`` is ``streamlit run serve.py`` with one
thing mended (``no_delay``): every answer after the first on a kept-alive
connection waited 40 ms. ``streamlit run serve.py`` still serves the same app
without it; ``streamlit run streamlit_app.py`` (``make dev``) without the
warm-up either, to reload on save.
"""

from __future__ import annotations

import asyncio
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import streamlit as st

from app_pages import warm


@asynccontextmanager
async def _ready_first(app: st.App) -> AsyncIterator[None]:
    await asyncio.to_thread(warm.before_serving)  # off the event loop
    yield


app = st.App("streamlit_app.py", lifespan=_ready_first)


def no_delay() -> bool:
    """Have Streamlit's listening socket name its protocol, so asyncio turns Nagle's algorithm off.

    asyncio sets ``TCP_NODELAY`` only on sockets whose ``proto`` is TCP, and
    Streamlit 1.67 binds ``socket.socket(family)`` (``proto`` 0, inherited by
    every accepted connection). Its answers are written in two parts (headers,
    then body); with Nagle's algorithm on, the second waits for the browser's
    delayed acknowledgement, 40 ms, on every request after a connection's
    first: each piece of front-end code a page loads the first time it draws a
    widget. Re-opening the bound socket from its descriptor reads the protocol
    from the kernel. False (and nothing changed) if this Streamlit binds
    elsewhere.
    """
    try:
        from streamlit.web.server.starlette import starlette_server

        bind = starlette_server._bind_socket
    except (ImportError, AttributeError):
        return False

    def bind_tcp(*args, **kwargs) -> socket.socket:
        sock = bind(*args, **kwargs)
        if sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.proto:
            return sock
        tcp = socket.socket(fileno=sock.detach())
        tcp.setblocking(False)
        return tcp

    starlette_server._bind_socket = bind_tcp
    return True


def main(argv: list[str]) -> None:
    """``streamlit run serve.py ARGV`` in this process, after ``no_delay`` (exits as the command does)."""
    from streamlit.web import cli

    no_delay()
    cli.main(args=["run", __file__, *argv], prog_name="streamlit")


if __name__ == "__main__":
    main(sys.argv[1:])
