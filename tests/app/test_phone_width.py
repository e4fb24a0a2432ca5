"""On a phone (390 × 844) nothing scrolls the page sideways; the evidence map and the forest plot fit the width.

The forest plot's labels wrap: each study's whole name is on the screen, none cut short.

A wide table scrolls inside its own box (the Meta-analysis method-sensitivity table has eleven columns).

Only a browser lays the page out: Chromium at a phone's viewport, the real
`streamlit run` app, the Overview (its evidence map is a shaded table) and a
Meta-analysis with a forest plot.
"""

from __future__ import annotations

import pytest

from tests.app.test_browser import needs_chromium, _settle, browser_database, chromium_profile, served_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PHONE = {"width": 390, "height": 844}


@needs_chromium
def test_nothing_scrolls_sideways_on_a_phone(app_db, tmp_path):
    from playwright.sync_api import sync_playwright

    db = browser_database(tmp_path, app_db)
    widths = {}
    with served_app(db, tmp_path) as base, sync_playwright() as p:
        browser = chromium_profile(p, viewport=PHONE, is_mobile=True, has_touch=True)
        page = browser.new_page()
        for path in ("", "meta-analysis?outcome=crs_any"):
            page.goto(f"{base}/{path}", wait_until="networkidle")
            _settle(page)
            charts = (page.locator("figure.cf") if path  # the evidence map: static HTML with a CD19 column
                      else page.locator('[data-testid="stHtml"]').filter(has_text="CD19"))
            charts.first.scroll_into_view_if_needed()
            page.wait_for_timeout(500)
            widths[path] = {
                # The document, and Streamlit's main column (it scrolls by itself), are no wider than the screen.
                "page": page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]"),
                "main": page.evaluate("(m => [m.scrollWidth, m.clientWidth])"
                                      "(document.querySelector('[data-testid=\"stMain\"]'))"),
                "charts": [charts.nth(i).bounding_box() for i in range(charts.count())],
                # a label or its numbers wider than its box would be cut or spill over the next one
                "overflowing": page.evaluate("[...document.querySelectorAll('.cf-line > span')]"
                                             ".filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)"),
                "labels": page.locator(".cf-row").count()}
            page.screenshot(path=str(tmp_path / f"phone-{path.split('?')[0] or 'overview'}.png"))
        browser.close()
    assert widths["meta-analysis?outcome=crs_any"]["labels"] >= 3
    for path, seen in widths.items():
        scroll_width, inner_width = seen["page"]
        assert scroll_width <= inner_width, (path, seen)
        assert seen["main"][0] <= seen["main"][1], (path, seen)
        assert seen["charts"], (path, "no chart drawn")
        assert not seen["overflowing"], (path, seen["overflowing"])
        for box in seen["charts"]:  # the whole chart, labels included, within the screen
            assert box["x"] >= 0 and box["x"] + box["width"] <= inner_width, (path, box)
