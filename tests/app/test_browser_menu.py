"""The top menu with the workbench on, in headless Chromium: the six reading pages in a row, the workbench in one
drop-down, nothing folded away into "more". Screenshots go to ``BROWSER_SHOTS`` (default: a temporary folder).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.app.test_browser import needs_chromium, _settle, browser_database, chromium_profile, served_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

READING = ["Overview", "Studies", "Trials", "Meta-analysis", "Export", "About & methods"]
WORKBENCH = ["Screening", "Conflicts", "Extraction", "Verification", "History", "PRISMA flow"]


@needs_chromium
def test_the_workbench_sits_in_one_section_of_the_top_menu(app_db, tmp_path):
    from playwright.sync_api import sync_playwright

    db = browser_database(tmp_path, app_db)
    shots = Path(os.environ.get("BROWSER_SHOTS", tmp_path))
    switched_on = {"EVIDENCE_WORKBENCH": "true", "EVIDENCE_REVIEWER": "Ann Reviewer"}
    with served_app(db, tmp_path, switched_on) as base, sync_playwright() as p:
        browser = chromium_profile(p, viewport={"width": 1400, "height": 900})
        page = browser.new_page()
        page.goto(f"{base}/", wait_until="networkidle")
        _settle(page)
        menu = page.locator("header")
        for title in READING:  # each in the row itself, none folded into "more"
            assert menu.get_by_role("link", name=title, exact=True).first.is_visible(), title
        section = menu.get_by_text("Workbench", exact=True).first
        assert section.is_visible()
        dropdown = page.locator("[data-testid='stTopNavDropdownLink']")
        assert not any(dropdown.filter(has_text=t).first.is_visible() for t in WORKBENCH)  # closed
        section.click()
        page.wait_for_timeout(500)
        page.screenshot(path=str(shots / "menu-workbench-open.png"), clip={"x": 0, "y": 0, "width": 1400,
                                                                           "height": 400})
        assert [dropdown.nth(i).inner_text().split("\n")[-1] for i in range(dropdown.count())] == WORKBENCH
        assert all(dropdown.nth(i).is_visible() for i in range(dropdown.count()))
        dropdown.filter(has_text="Extraction").first.click()
        page.wait_for_function("location.pathname.endsWith('/workbench-extraction')", timeout=60000)
        _settle(page)
        assert page.locator("[data-testid='stException'], [data-testid='stAlertContentError']").count() == 0
        browser.close()
