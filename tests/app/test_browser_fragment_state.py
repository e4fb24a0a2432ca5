"""A choice drawn inside a fragment outlives a rerun that hides it (headless Chromium).

Streamlit forgets a widget's value when a run does not draw it, and a
fragment rerun does not pass through the page's ``state.bind``: only a real
browser's fragment reruns show it (AppTest reruns the whole script). The
Trials table/timeline choice is hidden while nothing matches the filters.
"""

from __future__ import annotations

import pytest

from tests.app.test_browser import needs_chromium, _settle, browser_database, chromium_profile, served_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@needs_chromium
def test_the_timeline_choice_survives_a_search_that_matches_nothing(app_db, tmp_path):
    from playwright.sync_api import sync_playwright

    db = browser_database(tmp_path, app_db)
    with served_app(db, tmp_path) as base, sync_playwright() as p:
        browser = chromium_profile(p, viewport={"width": 1400, "height": 1000})
        page = browser.new_page()
        page.goto(f"{base}/trials", wait_until="networkidle")
        _settle(page)
        page.locator("[data-testid='stButtonGroup']").get_by_text("Timeline", exact=True).first.click()
        page.wait_for_function("location.search.includes('show=timeline')", timeout=30000)
        _settle(page)
        assert page.locator(".vega-embed").count() == 1
        search = page.get_by_label("Search title, sponsor, product, site, ID", exact=True)
        search.fill("no trial is called this")
        search.press("Enter")
        page.get_by_text("No trial matches these filters").first.wait_for(timeout=30000)
        _settle(page)
        search.fill("")
        search.press("Enter")
        page.locator(".vega-embed").first.wait_for(timeout=30000)  # the timeline again, not the table
        _settle(page)
        assert "show=timeline" in page.url
        assert page.get_by_role("table", name="Registered trials").count() == 0
        browser.close()
