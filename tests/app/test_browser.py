"""End to end: `streamlit run` on a free port against a temporary database, driven in headless Chromium.

Visits every page, asserts that no exception or error box is shown, and saves
screenshots to a temporary folder; with UPDATE_SCREENSHOTS=1 the Overview and
Meta-analysis shots go to docs/screenshots/ (the README opens with them). Skipped, with the reason, when
Chromium is not installed (``make browser`` installs it with apt).
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

import pytest

from evidence.settings import REPO_ROOT

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium not installed at /usr/bin/chromium "
                                    "(run `make browser`, or apt-get install chromium)")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAGES = {  # url path (with query) → screenshot name
    "": "overview.png",
    "studies?disease=sle&report={report}": "studies.png",
    "trials?status=RECRUITING": "trials.png",
    "meta-analysis?outcome=crs_any": "meta-analysis.png",
    "meta-analysis?outcome=crs_any&by=subgroup&view=loo": "meta-analysis-subgroups.png",
    "export?outcome=crs_any": "export.png",
    "about": "about.png",
}
README_SHOTS = {"overview.png", "meta-analysis.png"}

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer on {url}")


def start_app(db: str, port: int, log, env: dict[str, str] | None = None,
              options: Sequence[str] = ()) -> subprocess.Popen:
    """`python serve.py` (as `make run` and the service) against ``db`` on ``port`` (headless, no
    telemetry; ``env`` and Streamlit ``options`` added)."""
    env = {**os.environ, "EVIDENCE_DB": db, **(env or {})}
    cmd = [sys.executable, str(REPO_ROOT / "serve.py"), "--server.port", str(port),
           "--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
           *options]
    return subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


@contextmanager
def served_app(db: str, tmp_path: Path, env: dict[str, str] | None = None, *, port: int | None = None,
               options: Sequence[str] = (), host: str = "127.0.0.1", log_name: str = "streamlit.log") -> Iterator[str]:
    """The app served against ``db`` until the block ends; yields its base URL (``http://host:port``).

    A free port unless ``port`` is given (a sign-in test writes it into the provider's redirect address);
    ``env`` and Streamlit ``options`` are added to the server's; its output goes to ``tmp_path / log_name``.
    """
    port = port or _free_port()
    log = (tmp_path / log_name).open("w")
    proc = start_app(db, port, log, env, options)
    try:
        _wait_for(f"http://{host}:{port}/_stcore/health")
        yield f"http://{host}:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def chromium_profile(playwright, **options):
    """Debian's Chromium with a profile of its own, as a person's browser; ``options`` as Playwright's."""
    return playwright.chromium.launch_persistent_context(
        tempfile.mkdtemp(prefix="chromium-profile-"), executable_path=str(CHROMIUM), headless=True,
        args=CHROMIUM_ARGS, **options)


def browser_database(tmp_path: Path, fallback: str) -> str:
    """The configured curated data (data/, or EVIDENCE_DATA_DIR) in a temp DB, else the fixture DB.

    The README screenshots should show the real evidence base; when it is
    absent or does not load, the fixture database still exercises every page.
    """
    from evidence.curated import CuratedDataError
    from evidence.settings import Settings, load_settings
    from evidence.store import initialise

    data_dir = Path(load_settings().data_dir)
    if (data_dir / "reports.csv").is_file():
        settings = Settings(db=str(tmp_path / "browser.db"), data_dir=str(data_dir))
        try:
            initialise(settings)
            return settings.db
        except CuratedDataError:
            pass
    return fallback


def first_sle_report(db: str) -> str:
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT report_id FROM report WHERE diseases LIKE '%sle%' ORDER BY year, "
                           "report_id LIMIT 1").fetchone()
    return row[0] if row else ""


def select_first_row(base_url: str, path: str = "studies?disease=nmosd") -> str:
    """Click the first row of the Studies list and return the URL it leads to."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = chromium_profile(p, viewport={"width": 1400, "height": 1400})
        page = browser.new_page()
        page.goto(f"{base_url}/{path}", wait_until="networkidle")
        page.get_by_role("table", name="Studies").locator("tbody tr").first.click(timeout=30000)
        page.wait_for_function("window.location.search.includes('report=')", timeout=30000)
        url = page.url
        browser.close()
    return url


def shoot(base_url: str, out_dir: Path, readme_dir: Path | None, pages: dict[str, str] = PAGES,
          report: str = "") -> dict[str, list[str]]:
    """Visit each page, wait for it to finish running, screenshot it; return the errors seen per page."""
    from playwright.sync_api import sync_playwright

    problems: dict[str, list[str]] = {}
    with sync_playwright() as p:
        browser = chromium_profile(p, viewport={"width": 1400, "height": 1000})
        page = browser.new_page()
        page.set_viewport_size({"width": 1400, "height": 1800})
        for path, name in pages.items():
            page.goto(f"{base_url}/{path.format(report=report)}", wait_until="networkidle")
            page.wait_for_selector("[data-testid='stAppViewContainer']", timeout=30000)
            page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60000)
            page.wait_for_timeout(1500)  # charts draw after the script finishes
            errors = [e.inner_text() for e in page.query_selector_all(
                "[data-testid='stException'], [data-testid='stAlertContentError']")]
            problems[path] = errors
            target = (readme_dir if readme_dir is not None and name in README_SHOTS else out_dir) / name
            page.screenshot(path=str(target), full_page=True)
        browser.close()
    return problems


@needs_chromium
def test_every_page_renders_in_chromium(app_db, tmp_path):
    db = browser_database(tmp_path, app_db)
    with served_app(db, tmp_path) as base:
        # The README's screenshots are rewritten only on request, so a test run leaves the checkout clean.
        readme = REPO_ROOT / "docs" / "screenshots" if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path
        readme.mkdir(parents=True, exist_ok=True)
        problems = shoot(base, tmp_path, readme, report=first_sle_report(db))
        selected = select_first_row(base)
    assert problems and all(not errs for errs in problems.values()), problems
    assert "report=" in selected  # selecting a table row opens the report and puts it in the URL
    for name in README_SHOTS:
        assert (readme / name).stat().st_size > 10_000


# ------------------------------------------------------------------ issue 11: what only a browser can see

def _settle(page) -> None:
    """Wait until the page has drawn its title and the script has finished running."""
    page.wait_for_selector("[data-testid='stAppViewContainer']", timeout=30000)
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=90000)
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=90000)
    page.wait_for_timeout(1500)


def _menu(page, title: str) -> None:
    """Click a page's name in the top navigation menu, as a user does."""
    page.locator("header").get_by_role("link", name=title, exact=True).first.click()
    page.wait_for_timeout(500)
    _settle(page)


def _download(page, label: str) -> tuple[str, bytes]:
    with page.expect_download(timeout=60000) as info:
        page.get_by_role("button", name=label).click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def _sidebar_toggle_on(page) -> bool:
    """The cohort-aware toggle, read in the sidebar's Filters popover (opened, then closed again)."""
    page.locator("[data-testid='stSidebar'] [data-testid='stPopover'] button").first.click()
    box = page.locator("[data-testid='stPopoverBody'] input[type='checkbox']").first
    checked = box.is_checked()
    page.keyboard.press("Escape")
    page.locator("[data-testid='stPopoverBody']").wait_for(state="detached")
    return checked


def _poison(db: str) -> tuple[str, str]:
    """A harvested-looking title with a web address, and a formula in a stored definition (temp DB only)."""
    report = first_sle_report(db)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE report SET title = 'Series, see https://evil.example/x and www.evil.example' "
                     "WHERE report_id = ?", (report,))
        conn.execute("UPDATE outcome SET definition = '=HYPERLINK(\"http://evil.example\",\"x\")' "
                     "WHERE outcome = 'crs_any'")
    return report, "evil.example"


@needs_chromium
def test_selection_travels_by_the_top_menu_and_downloads_parse_back(app_db, tmp_path):
    import io
    import json

    import openpyxl
    import pandas as pd
    import rispy
    from playwright.sync_api import sync_playwright

    db = browser_database(tmp_path, app_db)
    report, evil = _poison(db)
    shots = Path(os.environ.get("BROWSER_SHOTS", tmp_path))
    with served_app(db, tmp_path) as base, sync_playwright() as p:
        browser = chromium_profile(p, viewport={"width": 1400, "height": 1400}, accept_downloads=True)
        page = browser.new_page()
        # item 6: Meta-analysis → Export → Meta-analysis by the top menu keeps the selection
        page.goto(f"{base}/meta-analysis?outcome=crs_any&disease=sle", wait_until="networkidle")
        _settle(page)
        _menu(page, "Export")
        page.screenshot(path=str(shots / "export-after-menu.png"), full_page=True)
        assert "/export" in page.url and "outcome=crs_any" in page.url and "disease=sle" in page.url, page.url
        assert "cohort_aware" not in page.url and _sidebar_toggle_on(page)
        assert page.get_by_text("Cohort-aware selection is off").count() == 0
        # Export draws the disease filter in the sidebar's popover: the label names it, unopened
        sidebar = page.locator("[data-testid='stSidebar']")
        assert sidebar.get_by_text("Filters: Systemic lupus erythematosus").count() == 1
        # items 9, 10: downloads parsed back
        name, body = _download(page, "Analysis set (CSV)")
        assert name.startswith("cart-crs_any-sle-glmm") and name.endswith("-outcomes.csv"), name
        outcomes = pd.read_csv(io.BytesIO(body))
        assert outcomes["Patients"].dtype == "int64" and "Why not pooled" in outcomes.columns
        assert not outcomes["Definition"].dropna().str.startswith("=").any()
        _, body = _download(page, "All tables + selection (XLSX)")
        book = openpyxl.load_workbook(io.BytesIO(body))
        assert book.sheetnames[0] == "Selection"
        assert not [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
        _, body = _download(page, "Selection (JSON)")
        chosen = json.loads(body)
        assert chosen["outcome"] == "crs_any" and chosen["filters"] == {"disease": ["sle"]}
        assert chosen["cohort_aware"] is True
        name, body = _download(page, "References (RIS)")
        lines = body.decode().splitlines()
        assert lines and all(line[2:6] == "  - " for line in lines), lines[:5]
        assert len(rispy.loads(body.decode())) == sum(line.startswith("TY  - ") for line in lines)
        _, body = _download(page, "Forest plot (PNG)")
        assert body.startswith(b"\x89PNG")
        # …and back: the Meta-analysis page still shows crs_any for SLE, one report per cohort
        _menu(page, "Meta-analysis")
        assert "outcome=crs_any" in page.url and "disease=sle" in page.url and _sidebar_toggle_on(page)
        page.screenshot(path=str(shots / "meta-analysis-after-menu.png"), full_page=True)
        # item 11: an address inside a stored title is text, not a link
        page.goto(f"{base}/studies?report={report}", wait_until="networkidle")
        _settle(page)
        page.screenshot(path=str(shots / "studies-detail-title.png"), full_page=True)
        assert page.get_by_text("see https://evil.example/x", exact=False).count() >= 1
        assert page.locator(f"a[href*='{evil}']").count() == 0
        browser.close()


# ------------------------------------------------------------------ issue 14: harvest → verified → forest plot

def _metric(page, label: str) -> str:
    return page.locator("[data-testid='stMetric']", has_text=label).locator(
        "[data-testid='stMetricValue']").first.inner_text()


def _count(page, label: str) -> int:
    return int(_metric(page, label).replace(",", ""))  # "1,015" in English


def _choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox labelled ``label`` by typing, as a keyboard user does."""
    page.locator("[data-testid='stSelectbox']", has_text=label).first.click()
    page.keyboard.type(option)
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)
    _settle(page)


def _fill(page, label: str, value: str) -> None:
    page.get_by_label(label, exact=True).first.fill(value)


@needs_chromium
def test_a_harvested_record_becomes_a_verified_number_in_the_forest_plot(app_db, tmp_path):
    """Import a PubMed file as the harvest does, screen it in, extract, verify as a second reviewer, pool it."""
    from playwright.sync_api import sync_playwright

    db = browser_database(tmp_path, app_db)
    env = {**os.environ, "EVIDENCE_DB": db}
    imported = subprocess.run([sys.executable, "-m", "evidence", "import", "pubmed",
                               str(REPO_ROOT / "tests" / "fixtures" / "pubmed" / "efetch_batch.xml")],
                              env=env, capture_output=True, text=True, timeout=120)
    assert imported.returncode == 0, imported.stderr
    shots = Path(os.environ.get("BROWSER_SHOTS", tmp_path))
    wb = {"EVIDENCE_WORKBENCH": "true"}
    with (served_app(db, tmp_path, {**wb, "EVIDENCE_REVIEWER": "Ann Reviewer"}, log_name="streamlit-ann.log") as ann,
          served_app(db, tmp_path, {**wb, "EVIDENCE_REVIEWER": "Bob Checker"}, log_name="streamlit-bob.log") as bob,
          sync_playwright() as p):
        browser = chromium_profile(p, viewport={"width": 1400, "height": 1400})
        page = browser.new_page()
        page.goto(f"{ann}/meta-analysis?outcome=crs_any", wait_until="networkidle")
        _settle(page)
        k_before, patients_before = _count(page, "Studies (k)"), _count(page, "Patients")
        # screening: find the record, decide it with one key and Enter
        page.goto(f"{ann}/workbench-screening", wait_until="networkidle")
        _settle(page)
        _fill(page, "Title or abstract contains", "Case Series with Follow-up")
        page.keyboard.press("Enter")
        _settle(page)
        page.screenshot(path=str(shots / "workbench-screening.png"), full_page=True)
        assert page.get_by_text("CD19 CAR T-Cell Therapy in Autoimmune Disease - A Case Series").count() >= 1
        _fill(page, "Key (then Enter)", "i")
        page.keyboard.press("Enter")
        _settle(page)
        assert page.get_by_text("PMID 39000001: Include.").count() == 1
        # extraction: a report in a new cohort, then one number
        page.goto(f"{ann}/workbench-extraction", wait_until="networkidle")
        _settle(page)
        _choose(page, "Cohort", "A new cohort")
        _fill(page, "New cohort ID", "browser-path")
        _fill(page, "Cohort name", "Browser path series")
        _fill(page, "Label", "Browserpath 2024")
        page.get_by_role("button", name="Create the report").click()
        _settle(page)
        assert page.get_by_text("created.").count() >= 1, page.content()[:2000]
        _choose(page, "Outcome", "CRS, any grade")
        _fill(page, "Events", "13")
        _fill(page, "Patients", "15")
        _fill(page, "Where in the source", "abstract")
        page.get_by_role("button", name="Enter the number").click()
        _settle(page)
        page.screenshot(path=str(shots / "workbench-extraction.png"), full_page=True)
        assert page.get_by_text("unverified until a second reviewer").count() == 1
        # verification by the second reviewer, on their own session
        page.goto(f"{bob}/workbench-verification", wait_until="networkidle")
        _settle(page)
        page.get_by_role("button", name="Verify against the source").first.click()
        _settle(page)
        page.screenshot(path=str(shots / "workbench-verification.png"), full_page=True)
        assert page.get_by_text("verified.").count() >= 1
        # the number is pooled: one more study, fifteen more patients, a row in the forest plot
        page.goto(f"{ann}/meta-analysis?outcome=crs_any", wait_until="networkidle")
        _settle(page)
        page.screenshot(path=str(shots / "workbench-forest.png"), full_page=True)
        assert _count(page, "Studies (k)") == k_before + 1
        assert _count(page, "Patients") == patients_before + 15
        page.goto(f"{ann}/workbench-prisma", wait_until="networkidle")
        _settle(page)
        page.screenshot(path=str(shots / "workbench-prisma.png"), full_page=True)
        browser.close()
    with sqlite3.connect(db) as conn:
        status = conn.execute("SELECT events, patients, status FROM outcome WHERE report_id IN "
                              "(SELECT report_id FROM report WHERE pmid = '39000001')").fetchall()
        who = conn.execute("SELECT DISTINCT reviewer FROM auditentry WHERE entity = 'outcome'").fetchall()
    assert status == [(13, 15, "verified")]
    assert sorted(w[0] for w in who) == ["Ann Reviewer", "Bob Checker"]
