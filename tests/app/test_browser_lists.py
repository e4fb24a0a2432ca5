"""The Trials list in headless Chromium: it sorts, draws more rows as it scrolls, opens a row by mouse or keyboard.

``app_pages/list_table.js`` runs only in a browser: AppTest sees the data a
list is sent, never what the script does with it. The shipped evidence base
has more trials than a list draws at first (forty), so scrolling must bring
the rest.
"""

from __future__ import annotations

import re
import sqlite3

import pytest

from tests.app.test_browser import needs_chromium, _settle, browser_database, chromium_profile, served_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROWS = "[...document.querySelectorAll('[data-testid^=stBidiComponent]')].map(h => h.shadowRoot)" \
       ".find(r => r.querySelector('table[aria-label=\"Registered trials\"]'))"


def _drawn(page) -> int:
    return page.evaluate(f"() => {ROWS}.querySelectorAll('tbody tr').length")


def _scroll_to_end(page) -> None:
    page.evaluate(f"() => {{ const box = {ROWS}.querySelector('.box'); box.scrollTop = box.scrollHeight; }}")
    page.wait_for_timeout(200)


@needs_chromium
def test_the_trials_list_sorts_scrolls_and_opens_a_row(app_db, tmp_path):
    from playwright.sync_api import sync_playwright

    db = browser_database(tmp_path, app_db)
    with sqlite3.connect(db) as conn:
        total, largest = conn.execute("SELECT count(*), max(enrollment) FROM trial").fetchone()
    with served_app(db, tmp_path) as base, sync_playwright() as p:
        browser = chromium_profile(p, viewport={"width": 1400, "height": 1000})
        page = browser.new_page()
        page.goto(f"{base}/trials", wait_until="networkidle")
        _settle(page)
        table = page.get_by_role("table", name="Registered trials")
        first = _drawn(page)
        for _ in range(total):  # scrolled to its end, the box draws the next rows until every trial is there
            if _drawn(page) == total:
                break
            _scroll_to_end(page)
        drawn = _drawn(page)
        enrollment = table.locator("thead th").filter(has_text="Enrollment")
        enrollment.get_by_role("button").click()
        enrollment.get_by_role("button").click()  # a second click: descending
        sorted_as = enrollment.get_attribute("aria-sort")
        top = table.locator("tbody tr").first.locator("td").nth(9).inner_text()
        chosen = table.locator("tbody tr").nth(1)
        chosen_id = chosen.locator("td").first.inner_text()
        chosen.focus()
        page.keyboard.press("Enter")  # the keyboard opens a row as a click does
        page.wait_for_function(f"location.search.includes('trial={chosen_id}')", timeout=30000)
        _settle(page)
        selected = table.locator("tbody tr[aria-selected='true'] td").first.inner_text()
        still_sorted = table.locator("thead th").filter(has_text="Enrollment").get_attribute("aria-sort")
        heading = page.locator("[data-testid='stMain'] h3").filter(has_text=chosen_id).count()
        browser.close()
    assert total > 40 and first == 40 and drawn == total, (total, first, drawn)
    assert sorted_as == "descending" and int(re.sub(r"\D", "", top)) == largest
    assert selected == chosen_id and still_sorted == "descending"  # the detail opened; the list kept its order
    assert heading >= 1
