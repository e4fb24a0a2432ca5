"""No text is cut short on a laptop's or a phone's screen, in either language.

Streamlit shortens a label, a metric or a button that does not fit its
column with an ellipsis ("95% CI 59%–9…", "Un centro con reclutamento in
corso (nell'area geo…"). Only a browser lays the page out: every page, with
filters chosen, at 1024 and 390 pixels wide, in English and Italian. A
multiselect's chosen value is a chip that Streamlit itself keeps under a
maximum width; it may lose a few letters to it, never most of its text.
"""

from __future__ import annotations

import pytest

from tests.app.test_browser import needs_chromium, _settle, browser_database, chromium_profile, served_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = ("", "studies?disease=sle&target=cd19&year_from=2023", "trials?status=NOT_YET_RECRUITING&disease=sle"
         "&region=Europe&recruiting=1&children=1&phase=PHASE1", "meta-analysis?outcome=crs_any&disease=sle&target=cd19",
         "export?outcome=crs_any&disease=ssc", "about")
WIDTHS = (1024, 390)
CHIP_SHOWS = 0.7  # of its text, at least ("Reclutamento non ancora avv…" at 1024 px)

CUT = """() => [...document.querySelectorAll('[data-testid="stMain"] *, [data-testid="stSidebar"] *')]
  .filter(e => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1
               && getComputedStyle(e).textOverflow === 'ellipsis'
               && !(e.closest('[data-testid="stMultiSelectTagsContainer"]') && e.clientWidth >= %s * e.scrollWidth))
  .map(e => [e.innerText.slice(0, 80), e.scrollWidth, e.clientWidth])""" % CHIP_SHOWS


@needs_chromium
def test_no_text_is_cut_at_a_laptops_or_a_phones_width(app_db, tmp_path):
    from playwright.sync_api import sync_playwright

    db = browser_database(tmp_path, app_db)
    cut = {}
    with served_app(db, tmp_path) as base, sync_playwright() as p:
        for width in WIDTHS:
            browser = chromium_profile(p, viewport={"width": width, "height": 900})
            page = browser.new_page()
            for path in PAGES:
                for lang in ("en", "it"):
                    page.goto(f"{base}/{path}{'&' if '?' in path else '?'}lang={lang}")
                    _settle(page)
                    found = page.evaluate(CUT)
                    if found:
                        cut[(width, lang, path)] = found
                        page.screenshot(path=str(tmp_path / f"cut-{width}-{lang}-{path.split('?')[0]}.png"))
            browser.close()
    assert not cut, cut
