"""serve.py: the server does the first visitor's waiting (imports, database check, Overview queries) before it
listens."""

from __future__ import annotations

import asyncio
import logging
import socket
import sys
from pathlib import Path

from streamlit.web.server.app_discovery import discover_asgi_app

from evidence.settings import REPO_ROOT
from tests.app.app_test_helpers import forest_plot
from tests.app.conftest import open_page


def test_streamlit_run_finds_the_server_in_serve_py():
    found = discover_asgi_app(REPO_ROOT / "serve.py")
    assert found.is_asgi_app and found.import_string == "serve:app"


def _sessions_opened(monkeypatch) -> list[str]:
    """The cached data functions that open a database session from now on (by name)."""
    from app_pages import data

    opened: list[str] = []
    real = data.Session
    monkeypatch.setattr(data, "Session", lambda *a, **k: opened.append(sys._getframe(1).f_code.co_name)
                        or real(*a, **k))
    return opened


def test_the_first_overview_after_the_warm_up_answers_from_the_caches(app_env, monkeypatch):
    """cache_data keys on the arguments as passed: the warm-up must ask as the Overview does."""
    from app_pages import warm

    warm.before_serving()
    opened = _sessions_opened(monkeypatch)
    open_page()
    assert set(opened) <= {"data_version"}, opened  # the fingerprint is read on every run, by design


def test_without_the_warm_up_the_overview_queries_the_database(app_env, monkeypatch):
    """The test above could pass by accident (caches filled by another test): not on a fresh database."""
    opened = _sessions_opened(monkeypatch)
    open_page()
    assert {"reports_frame", "trials_frame", "digest", "update_status"} <= set(opened), opened


def test_the_warm_up_imports_what_the_pages_import_and_never_runs_a_page():
    from app_pages import warm

    names = warm.page_imports()
    assert {"pandas", "app_pages.data", "app_pages.charts", "evidence.headline"} <= set(names)
    pages = {f"app_pages.{p.stem}" for p in (REPO_ROOT / "app_pages").glob("*.py")
             if "main()" in p.read_text(encoding="utf-8")}
    assert pages and not pages & set(names)  # a page script runs when imported


def test_a_database_that_cannot_be_read_leaves_the_page_to_say_so(tmp_path, monkeypatch, caplog):
    from app_pages import warm
    from app_pages.common import get_engine

    monkeypatch.setenv("EVIDENCE_DB", str(tmp_path / "typo.db"))
    get_engine.clear()
    with caplog.at_level(logging.ERROR):
        warm.before_serving()  # returns: the server starts, the page names the missing file
    assert not Path(tmp_path / "typo.db").exists() and not caplog.records
    get_engine.clear()


def test_a_failure_is_logged_and_the_server_starts(app_env, monkeypatch, caplog):
    from app_pages import data, warm

    monkeypatch.setattr(data, "data_version", lambda: 1 / 0)
    with caplog.at_level(logging.ERROR):
        warm.before_serving()
    assert "warm-up before serving failed" in caplog.text


def test_the_first_meta_analysis_after_the_warm_up_draws_a_plot_it_built(app_env, monkeypatch):
    """The reader's likely next click is ready before the server listens (the background warm-up waits first)."""
    from app_pages import charts, warm

    warm.before_serving()
    built = []
    real = charts.forest_html
    monkeypatch.setattr(charts, "forest_html", lambda *a, **k: built.append(a) or real(*a, **k))
    for params in ({}, {"outcome": "crs_any"}):
        assert forest_plot(open_page("meta_analysis", params)), params
    assert built == []  # answered from the cache


def test_the_background_warm_up_waits_before_its_first_fit(monkeypatch):
    """While the visitor who started it is still loading the page's code from this server."""
    from app_pages import warm

    calls: list = []
    monkeypatch.setattr(warm.time, "sleep", lambda s: calls.append(("sleep", s)))
    monkeypatch.setattr(warm, "_warm", lambda version: calls.append(("warm", version)))
    warm._warm_after_grace("v1")
    assert calls == [("sleep", warm.GRACE), ("warm", "v1")] and warm.GRACE >= 1


def _accepted_no_delay(listening: socket.socket) -> int:
    """TCP_NODELAY on a connection asyncio accepts from ``listening`` (as uvicorn serves it)."""
    async def accept_one() -> int:
        accepted: asyncio.Future = asyncio.get_running_loop().create_future()

        class Protocol(asyncio.Protocol):
            def connection_made(self, transport):
                accepted.set_result(transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP,
                                                                                   socket.TCP_NODELAY))

        server = await asyncio.get_running_loop().create_server(Protocol, sock=listening)
        _, writer = await asyncio.open_connection(*listening.getsockname()[:2])
        try:
            return await asyncio.wait_for(accepted, 10)
        finally:
            writer.close()
            server.close()

    return asyncio.run(accept_one())


def test_python_serve_py_answers_without_waiting_for_acknowledgements(monkeypatch):
    """Streamlit's own socket leaves Nagle's algorithm on (answers waited 40 ms); the one serve.py binds does not."""
    from streamlit.web.server.starlette import starlette_server

    import serve

    monkeypatch.setattr(starlette_server, "_bind_socket", starlette_server._bind_socket)  # restored afterwards
    assert serve.no_delay()
    listening = starlette_server._bind_socket("127.0.0.1", 0, 8)
    assert listening.proto == socket.IPPROTO_TCP and not listening.getblocking()
    assert _accepted_no_delay(listening) != 0


def test_python_serve_py_is_streamlit_run(monkeypatch):
    """`python serve.py OPTIONS` runs `streamlit run serve.py OPTIONS` (what `make run` and the service start)."""
    from streamlit.web import cli

    import serve

    called = {}
    monkeypatch.setattr(serve, "no_delay", lambda: called.setdefault("no_delay", True))
    monkeypatch.setattr(cli, "main", lambda args, prog_name: called.update(args=args, prog=prog_name))
    serve.main(["--server.port", "8999"])
    assert called == {"no_delay": True, "args": ["run", serve.__file__, "--server.port", "8999"], "prog": "streamlit"}
