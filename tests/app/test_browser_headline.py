"""The Overview's headline table shows every cell's whole text, on a desktop and on a phone, in both languages.

The table is HTML (``app_pages.list_table``), so the browser can say what it
laid out: no header or cell may hold more than it shows, every row is in
view without a scroll, the page never scrolls sideways (the table does,
inside its box), and the disease stays in view when it does. Screenshots go
to ``BROWSER_SHOTS`` (default: the test's temporary folder).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlmodel import Session

from evidence.headline import headline_table
from evidence.settings import Settings
from evidence.store import open_store
from tests.app.test_browser import CHROMIUM, needs_chromium, CHROMIUM_ARGS, _settle, browser_database, served_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENS = {"desktop": ({"width": 1400, "height": 1200}, False), "phone": ({"width": 390, "height": 844}, True)}
HEADLINE = {"en": "Headline rates per disease", "it": "Frequenze principali per malattia"}

# Laid out in the page: headers and cells that hold more than they show, rows, columns, a vertical scroll, and
# where the first (pinned) column is once the box is scrolled all the way across.
LAYOUT = """host => {
  const root = host.shadowRoot, box = root.querySelector('.box'), table = root.querySelector('table');
  const cut = [...root.querySelectorAll('th, td')]
    .filter(c => c.scrollWidth > c.clientWidth + 1 || c.scrollHeight > c.clientHeight + 1)
    .map(c => c.textContent);
  box.scrollLeft = box.scrollWidth;
  const pinned = root.querySelector('tbody td').getBoundingClientRect().left - box.getBoundingClientRect().left;
  const out = {cut, rows: table.tBodies[0].rows.length, columns: table.tHead.rows[0].cells.length,
               rows_hidden: box.scrollHeight > box.clientHeight + 1, scrolls: box.scrollWidth > box.clientWidth,
               pinned_offset: pinned};
  box.scrollLeft = 0;
  return out;
}"""


def headline_list(page, lang: str):
    """The headline table's component, the first after its heading."""
    heading = page.get_by_text(HEADLINE[lang], exact=True).first
    return heading.locator("xpath=following::*[starts-with(@data-testid, 'stBidiComponent')][1]")


def headline_cell(page, lang: str, title: str, row: int):
    """The cell in column ``title`` of data row ``row`` (the table as drawn, unsorted)."""
    table = headline_list(page, lang)
    titles = table.locator("thead th").all_inner_texts()
    return table.locator("tbody tr").nth(row).locator("td").nth(titles.index(title))


def _open(browser, base: str, lang: str, screen: str):
    viewport, mobile = SCREENS[screen]
    context = browser.new_context(viewport=viewport, is_mobile=mobile, has_touch=mobile)
    page = context.new_page()
    page.goto(f"{base}/" + ("?lang=it" if lang == "it" else ""), wait_until="networkidle")
    _settle(page)
    table = headline_list(page, lang)
    table.scroll_into_view_if_needed()
    return context, page, table


@needs_chromium
def test_no_headline_cell_is_cut_on_a_desktop_or_a_phone(app_db, tmp_path):
    from playwright.sync_api import sync_playwright

    db = browser_database(tmp_path, app_db)
    engine = open_store(Settings(db=db))
    with Session(engine) as session:
        rows = len(headline_table(session))
    engine.dispose()
    shots = Path(os.environ.get("BROWSER_SHOTS", tmp_path))
    seen = {}
    with served_app(db, tmp_path) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        for lang in ("en", "it"):
            for screen in SCREENS:
                context, page, table = _open(browser, base, lang, screen)
                page.screenshot(path=str(shots / f"headline-{lang}-{screen}.png"))
                box = table.bounding_box()
                page_width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
                seen[(lang, screen)] = {**table.evaluate(LAYOUT), "page": page_width, "box": box}
                context.close()
        browser.close()
    for (lang, screen), found in seen.items():
        where = (lang, screen, found)
        assert found["rows"] == rows and found["columns"] >= 8, where  # every row and column drawn
        assert not found["cut"], where  # every header and cell whole
        assert not found["rows_hidden"], where  # every row in view, none behind a vertical scroll
        scroll_width, inner_width = found["page"]
        assert scroll_width <= inner_width, where  # the page never scrolls sideways; the table does, inside
        assert found["box"]["x"] >= 0 and found["box"]["x"] + found["box"]["width"] <= inner_width, where
        if found["scrolls"]:
            assert abs(found["pinned_offset"]) <= 1, where  # scrolled across, the disease is still in view
    assert seen[("en", "phone")]["scrolls"]  # a phone is narrower than the table: the pinned column was tried
