"""The Overview's headline table shows every cell's whole text, on a desktop and on a phone, in both languages.

``st.dataframe`` draws on a canvas, so the DOM cannot say whether a text was
cut. ``grid_drawing.js`` (loaded before the page) records every text the grid
draws with the box of its ink and the clip in force; the grid's own
accessible table names each cell and its whole text. Scrolling the table
across, every cell must be drawn, all its lines together, inside its column
and its row, and every header inside its column; no column may be wider than
the table's frame; the page itself must not scroll sideways, and the table
must show every row. The glyph widths that
``app_pages.table_fit`` sizes columns with are measured again in the page.
Screenshots go to ``BROWSER_SHOTS`` (default: the test's temporary folder).
"""

from __future__ import annotations

import math
import os
import re
from collections import defaultdict
from pathlib import Path

import pytest
from sqlmodel import Session

from app_pages.table_fit import GLYPH_WIDTHS, ROW_HEIGHT
from evidence.headline import headline_table
from evidence.settings import Settings
from evidence.store import open_store
from tests.app.test_browser import CHROMIUM, needs_chromium, CHROMIUM_ARGS, _settle, browser_database, served_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GRID_DRAWING = (Path(__file__).parent / "grid_drawing.js").read_text(encoding="utf-8")
HEADER = 35  # px: the grid's header row, above the first row
SCREENS = {"desktop": ({"width": 1400, "height": 1200}, False), "phone": ({"width": 390, "height": 844}, True)}
HEADLINE = {"en": "Headline rates per disease", "it": "Frequenze principali per malattia"}
TOLERANCE = 0.5  # px: anti-aliasing at the edge of a box


def _same(a: str, b: str) -> bool:
    """The same words (the grid breaks lines at spaces and draws no-break spaces as they are)."""
    return a.replace("\u00a0", " ").split() == b.replace("\u00a0", " ").split()


def headline_grid(page, lang: str):
    heading = page.get_by_text(HEADLINE[lang], exact=True).first
    return heading.locator("xpath=following::*[@data-testid='stDataFrame'][1]")


def _canvases(grid) -> dict[str, int]:
    """The numbers (in grid_drawing.js) of the grid's header canvas and body canvas."""
    found = grid.evaluate("g => [...g.querySelectorAll('canvas')].map(c => "
                          "[window.__canvases.indexOf(c), c.dataset.testid || ''])")
    return {"body" if name == "data-grid-canvas" else "header": number for number, name in found}


def _accessible_cells(grid) -> tuple[dict[int, str], dict[tuple[int, int], str]]:
    """The grid's accessible table: header per column number, whole text per (column, row) now in view."""
    headers, cells = grid.evaluate("""g => [
        [...g.querySelectorAll('th[aria-colindex]')].map(h => [+h.getAttribute('aria-colindex') - 1, h.textContent]),
        [...g.querySelectorAll('td[id^="glide-cell-"]')].map(c => [c.id, c.textContent])]""")
    parsed = {}
    for cell_id, text in cells:
        column, row = map(int, re.fullmatch(r"glide-cell-(\d+)-(\d+)", cell_id).groups())
        parsed[(column, row)] = text
    return dict(headers), parsed


def _inside(box: list[float], area: list[float]) -> bool:
    return (box[0] >= area[0] - TOLERANCE and box[2] <= area[2] + TOLERANCE
            and box[1] >= area[1] - TOLERANCE and box[3] <= area[3] + TOLERANCE)


def _innermost(clips: list) -> list[float] | None:
    """The cell's own clip: the last rectangle clip in force (a column, or a cell whose text overflows)."""
    known = [c for c in clips if c]
    return known[-1][0] if known and len(known[-1]) == 1 else None


def read_step(drawn: list[dict], canvases: dict[str, int], scale: float) -> tuple[dict, dict]:
    """What one scroll position drew: whole headers by title, and each body cell's lines by its column (title and
    x range) and row."""
    columns: dict[tuple[int, int], str] = {}  # a column's x range → its header's title
    headers: dict[str, tuple[bool, float]] = {}  # title → (drawn whole, the column's width in px)
    for piece in drawn:
        clip = _innermost(piece["clips"])
        if piece["canvas"] != canvases["header"] or clip is None:
            continue
        columns[(round(clip[0]), round(clip[2]))] = piece["text"]
        whole, width = headers.get(piece["text"], (False, 0))
        headers[piece["text"]] = (whole or _inside(piece["box"], clip), max(width, (clip[2] - clip[0]) / scale))
    lines: dict[tuple, dict] = defaultdict(dict)  # (title, column's x range, row) → its lines, each once
    for piece in drawn:
        clip = _innermost(piece["clips"])
        if piece["canvas"] != canvases["body"] or clip is None:
            continue
        span = (round(clip[0]), round(clip[2]))  # a redraw at another scroll position is another group
        middle = (piece["box"][1] + piece["box"][3]) / 2 / scale
        row = math.floor((middle - HEADER) / ROW_HEIGHT)
        band = [clip[0], (HEADER + row * ROW_HEIGHT) * scale, clip[2], (HEADER + (row + 1) * ROW_HEIGHT) * scale]
        key = (piece["text"], *(round(v) for v in piece["box"]))  # the same line drawn again is one line
        lines[(columns.get(span), span, row)][key] = {**piece, "whole": _inside(piece["box"], band)}
    return headers, {key: list(found.values()) for key, found in lines.items()}


def survey(page, grid) -> dict:
    """Scroll the table across; for every cell and header: was it drawn whole at some position?"""
    scroller = grid.locator(".dvn-scroller").first
    scale = page.evaluate("window.devicePixelRatio")
    width, view, height, view_height = scroller.evaluate(
        "s => [s.scrollWidth, s.clientWidth, s.scrollHeight, s.clientHeight]")
    positions = sorted({*range(0, max(width - view, 0), max(view // 2, 1)), max(width - view, 0)})
    size = page.viewport_size  # a fresh, full drawing to start from: what the page drew while loading is left out
    page.set_viewport_size({**size, "width": size["width"] - 1})
    page.wait_for_timeout(300)
    page.evaluate("window.__drawn.length = 0")
    page.set_viewport_size(size)
    page.wait_for_timeout(600)
    titles: dict[int, str] = {}
    expected: dict[tuple[int, int], str] = {}
    whole_headers: set[str] = set()
    widest = 0.0
    whole_cells: set[tuple[str, int, str]] = set()
    for position in positions:
        scroller.evaluate(f"s => {{ s.scrollLeft = {position}; }}")
        page.wait_for_timeout(600)
        headers, cells = _accessible_cells(grid)
        titles.update(headers)
        expected.update(cells)
        drawn_headers, lines = read_step(page.evaluate("window.__drawn.splice(0)"), _canvases(grid), scale)
        whole_headers |= {t for t, (whole, _width) in drawn_headers.items() if whole}
        widest = max([widest, *(width for _whole, width in drawn_headers.values())])
        for (title, _span, row), pieces in lines.items():
            pieces.sort(key=lambda p: p["box"][1])
            if all(p["whole"] for p in pieces):
                whole_cells.add((title, row, " ".join(p["text"] for p in pieces)))
    cut = [(titles[c], r, text) for (c, r), text in sorted(expected.items())
           if not any(t == titles[c] and row == r and _same(drawn, text) for t, row, drawn in whole_cells)]
    return {"columns": len(titles), "cells": len(expected), "rows_hidden": height > view_height,
            "widest_column": widest, "frame": view,
            "cut_cells": cut, "cut_headers": sorted(set(titles.values()) - whole_headers)}


def cell_point(page, grid, title: str, row: int) -> tuple[float, float]:
    """Where on the page the middle of the cell in column ``title`` and data row ``row`` is drawn."""
    header = _canvases(grid)["header"]
    clip = next(_innermost(p["clips"]) for p in reversed(page.evaluate("window.__drawn"))
                if p["canvas"] == header and p["text"] == title)
    scale = page.evaluate("window.devicePixelRatio")
    box = grid.locator("[data-testid='data-grid-canvas']").first.bounding_box()
    return box["x"] + (clip[0] + clip[2]) / 2 / scale, box["y"] + HEADER + ROW_HEIGHT * (row + 0.5)


def _open(browser, base: str, lang: str, screen: str):
    viewport, mobile = SCREENS[screen]
    context = browser.new_context(viewport=viewport, is_mobile=mobile, has_touch=mobile)
    context.add_init_script(GRID_DRAWING)
    page = context.new_page()
    page.goto(f"{base}/" + ("?lang=it" if lang == "it" else ""), wait_until="networkidle")
    _settle(page)
    grid = headline_grid(page, lang)
    grid.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    return context, page, grid


@needs_chromium
def test_no_headline_cell_is_cut_on_a_desktop_or_a_phone(app_db, tmp_path):
    from playwright.sync_api import sync_playwright

    db = browser_database(tmp_path, app_db)
    engine = open_store(Settings(db=db))
    with Session(engine) as session:
        rows = len(headline_table(session))
    engine.dispose()
    shots = Path(os.environ.get("BROWSER_SHOTS", tmp_path))
    seen, glyphs = {}, {}
    with served_app(db, tmp_path) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        for lang in ("en", "it"):
            for screen in SCREENS:
                context, page, grid = _open(browser, base, lang, screen)
                page.screenshot(path=str(shots / f"headline-{lang}-{screen}.png"))
                box = grid.bounding_box()
                page_width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
                seen[(lang, screen)] = {**survey(page, grid), "page": page_width, "grid": box}
                grid.screenshot(path=str(shots / f"headline-{lang}-{screen}-scrolled.png"))
                if not glyphs:
                    glyphs = page.evaluate("""glyphs => { const c = document.createElement('canvas')
                        .getContext('2d'); c.font = '400 14px "Source Sans", sans-serif';
                        return Object.fromEntries([...glyphs].map(g => [g, c.measureText(g).width])); }""",
                                           "".join(GLYPH_WIDTHS))
                context.close()
        browser.close()
    wider = {g: w for g, w in glyphs.items() if w > GLYPH_WIDTHS[g]}
    assert glyphs and not wider, f"glyphs drawn wider than app_pages.table_fit.GLYPH_WIDTHS says: {wider}"
    for (lang, screen), found in seen.items():
        where = (lang, screen, found)
        assert found["cells"] == rows * found["columns"] and found["columns"] >= 8, where  # every cell looked at
        assert not found["cut_cells"] and not found["cut_headers"], where
        assert not found["rows_hidden"], where  # every row in view, none behind a vertical scroll
        assert found["widest_column"] <= found["frame"], where  # each column can be scrolled wholly into view
        scroll_width, inner_width = found["page"]
        assert scroll_width <= inner_width, where  # the page never scrolls sideways; the table does, inside
        assert found["grid"]["x"] >= 0 and found["grid"]["x"] + found["grid"]["width"] <= inner_width, where
