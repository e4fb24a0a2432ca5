"""The clinician's path in a real browser, in English and in Italian (headless Chromium, Playwright).

A rheumatologist with a patient with lupus nephritis in front of them: clicks
the remission cell of the Overview's headline table, reads the forest plot on
the Meta-analysis page, opens a report of the analysis set, then moves by the
top menu to Trials and asks for trials recruiting in Europe that accept a
child. Each step is checked in the language chosen (``?lang=it`` for
Italian), which the top menu must keep; screenshots go to ``BROWSER_SHOTS``
(default: the test's temporary folder).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlmodel import Session

from evidence.headline import headline_table
from evidence.outcome_analysis import Selection, analyse_outcome
from evidence.store import open_store
from evidence.settings import Settings
from tests.app.test_browser import needs_chromium, _settle, browser_database, chromium_profile, served_app
from tests.app.test_browser_headline import headline_cell, headline_list

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WORDS = {  # what each step must show, per language (the Italian as the catalog writes it)
    "en": {"menu_trials": "Trials", "meta": "Meta-analysis: ", "forest": "Events/n", "report": "Outcomes",
           "trials": "Registered trials", "status": "Recruitment status", "recruiting": "Recruiting",
           "region": "Region", "europe": "Europe", "children": "Accepts children (under 18)",
           "remission": "Remission / response", "language": "Language", "patients": "Patients",
           "web": "Web address"},
    "it": {"menu_trials": "Sperimentazioni", "meta": "Meta-analisi: ", "forest": "Eventi/n", "report": "Esiti",
           "trials": "Sperimentazioni registrate", "status": "Stato del reclutamento", "recruiting": "In reclutamento",
           "region": "Area geografica", "europe": "Europa", "children": "Arruola bambini (sotto i 18 anni)",
           "remission": "Remissione / risposta", "language": "Lingua", "patients": "Pazienti",
           "web": "Indirizzo web"},
}


def _lupus_nephritis_row(db: str) -> tuple[int, str, str]:
    """Row index of the clinician's disease in the headline table, its remission outcome, and a pooled report."""
    engine = open_store(Settings(db=db))
    with Session(engine) as session:
        table = headline_table(session)
        named = [i for i, d in enumerate(table["disease"]) if d in ("lupus_nephritis", "sle")
                 and table.iloc[i]["remission_outcome"]]
        row = named[0]
        disease, outcome = table.iloc[row]["disease"], table.iloc[row]["remission_outcome"]
        report = analyse_outcome(session, Selection(outcome, (disease,))).included["report_id"].iloc[0]
    engine.dispose()
    return row, outcome, report


def _pick(page, label: str, option: str, url_part: str) -> None:
    """Choose ``option`` in the page's multiselect labelled ``label``, as a user types it; wait for the URL."""
    box = page.locator("[data-testid='stMain'] [data-testid='stMultiSelect']").filter(has_text=label).first
    box.locator("input").click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).first.click()
    page.keyboard.press("Escape")
    _until_url(page, url_part)


def _until_url(page, part: str) -> None:
    """Wait until the app has rerun and written ``part`` into the URL."""
    page.wait_for_function(f"window.location.search.includes({part!r})", timeout=60000)
    _settle_script(page)


def _settle_script(page) -> None:
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=90000)
    page.wait_for_timeout(1000)


def walk(page, base: str, lang: str, row: int, outcome: str, report: str, shots: Path) -> None:
    w = WORDS[lang]
    page.goto(f"{base}/" + ("?lang=it" if lang == "it" else ""), wait_until="networkidle")
    _settle(page)
    assert page.locator("[data-testid='stSidebar']").get_by_text(w["language"], exact=True).count() == 1
    # 1. Overview: the remission cell of the clinician's disease opens its forest plot
    headline_list(page, lang).scroll_into_view_if_needed()
    page.screenshot(path=str(shots / f"{lang}-1-overview.png"), full_page=True)
    headline_cell(page, lang, w["remission"], row).click()
    page.wait_for_function("location.pathname.endsWith('/meta-analysis')", timeout=60000)
    _settle(page)
    assert f"outcome={outcome}" in page.url, page.url
    assert page.locator("[data-testid='stMain'] h1").first.inner_text().startswith(w["meta"])
    plot = page.locator("[data-testid='stMain'] figure.cf")
    assert plot.get_by_text(w["forest"], exact=True).count() == 1
    page.screenshot(path=str(shots / f"{lang}-2-forest.png"), full_page=True)
    # 2. a study of the forest plot: its report's page opens in a new tab, in the same language
    with page.context.expect_page() as opened:
        plot.locator(f"a[href^='studies?report={report}']").first.click()
    page = opened.value
    page.wait_for_load_state("networkidle")
    _settle(page)
    assert f"report={report}" in page.url and ("lang=it" in page.url) == (lang == "it"), page.url
    assert page.get_by_text(w["report"], exact=False).count() >= 1
    # its facts are read, not scrolled to: a label and its whole value a row, within the page's width
    facts = page.locator("[data-testid='stMain'] table").filter(has=page.get_by_role("rowheader", name=w["web"]))
    assert facts.get_by_role("rowheader", name=w["patients"], exact=True).is_visible()
    assert facts.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth")
    page.screenshot(path=str(shots / f"{lang}-3-report.png"), full_page=True)
    # 3. Trials by the top menu (the URL loses its query; the language stays), filtered as the clinician asks
    page.locator("header").get_by_role("link", name=w["menu_trials"], exact=True).first.click()
    _settle(page)
    assert page.locator("[data-testid='stMain'] h1").first.inner_text() == w["trials"]
    _pick(page, w["status"], w["recruiting"], "status=RECRUITING")
    _pick(page, w["region"], w["europe"], "region=Europe")
    page.locator("[data-testid='stMain']").get_by_text(w["children"], exact=True).click()
    _until_url(page, "children=1")
    for part in ("status=RECRUITING", "region=Europe", "children=1"):
        assert part in page.url, page.url
    assert ("lang=it" in page.url) == (lang == "it"), page.url
    assert page.locator("[data-testid='stException'], [data-testid='stAlertContentError']").count() == 0
    page.screenshot(path=str(shots / f"{lang}-4-trials.png"), full_page=True)


@needs_chromium
@pytest.mark.parametrize("lang", ["en", "it"])
def test_the_clinicians_path_in_each_language(app_db, tmp_path, lang):
    from playwright.sync_api import sync_playwright

    db = browser_database(tmp_path, app_db)
    row, outcome, report = _lupus_nephritis_row(db)
    shots = Path(os.environ.get("BROWSER_SHOTS", tmp_path))
    with served_app(db, tmp_path) as base, sync_playwright() as p:
        browser = chromium_profile(p, viewport={"width": 1400, "height": 1200})
        walk(browser.new_page(), base, lang, row, outcome, report, shots)
        browser.close()
