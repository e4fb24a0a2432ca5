"""Speed of the app as a person feels it: headless Chromium against the served app, click to settled page.

For each database (the shipped evidence base in data/, and the synthetic
database of ``bench_app.build``: 20,000 publications, 1,000 trials, 200
reports) the app is started as `make run` starts it, on a free port, and driven
with Playwright on Debian's Chromium. Measured, in the page's own clock:

- server cold: the very first visit of the Overview after the server started
  (the database as `evidence init`/`update` leave it: headline table pooled);
- first visit of each page in a new, cold browser context (empty cache; server
  caches as they are after the first visitor, once the server is idle: the
  warm-up that visit started, app_pages/warm.py, pools in the background for a
  few seconds and would share the two cores with the browser);
- returning visit: the same in a new tab of a browser that has opened the app
  before (its HTTP cache holds Streamlit's front end), as a clinician's second day;
- a page switch by the top menu;
- filter changes: Meta-analysis outcome and disease, Trials status; each
  repeat picks a value not chosen before, so the server computes it afresh.

A measurement runs from the click (the last ``pointerup``; for a first visit,
the navigation start) until the page is settled: Streamlit's running
indicator (``[data-testid="stStatusWidget"]``, present only while the script
runs) has appeared and gone, and nothing in the app has changed for 400 ms;
the end is the last change a person could see: of the DOM (charts draw after the
script ends) or of a canvas (the grid paints on one; the accessibility table kept
inside its <canvas>, never painted, is left out).
Figures are medians of ``--repeats``; targets are printed beside them. This
script prints figures; it asserts nothing.

With ``--against DIR`` two checkouts are served side by side, each with the
databases its own code builds, and every measurement alternates between them
(first one, then the other, in turn): this machine's speed drifts by a fifth or
more within minutes, so a before/after from two runs in a row can show the
drift instead of the change.

With ``--floor`` the same kinds of measurement run on a minimal three-page
Streamlit app (a title; a select box and a multiselect; a grid of 50 rows):
what Streamlit and the browser cost on this machine before any of the app's
own work.

    .venv/bin/python benchmarks/bench_browser.py [--repeats 3] [--only shipped|synthetic] [--app-dir DIR] [--floor]
    .venv/bin/python benchmarks/bench_browser.py --against BEFORE_DIR [--app-dir AFTER_DIR] --repeats 5
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

REPO_ROOT = Path(__file__).resolve().parent.parent


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 1000}
PAGES = {"Overview": "", "Studies": "studies", "Trials": "trials", "Meta-analysis": "meta-analysis",
         "Export": "export", "About & methods": "about"}
TARGETS = {"server cold": 2.0, "first visit": 2.0, "returning visit": 2.0, "page switch": 0.6, "filter change": 0.3}
QUIET_MS = 400

# Installed in every document before the app's scripts: records when the running indicator comes and goes,
# the last change a person could see (a DOM change, or a draw on a canvas: the grid is painted on one), and the
# last pointerup (the end of a click). Changes inside a <canvas> element are left out: that is the grid's
# accessibility table, the canvas's fallback content, which is never painted (it is updated ~0.2 s after the
# grid is drawn).
OBSERVER = """
(() => {
  const w = window;
  w.__bench = {shown: [], hidden: [], lastChange: 0, lastUp: 0};
  addEventListener('pointerup', () => { w.__bench.lastUp = performance.now(); }, true);
  const context = CanvasRenderingContext2D.prototype;
  for (const name of ['clearRect', 'fillRect', 'strokeRect', 'fillText', 'strokeText', 'fill', 'stroke',
                      'drawImage', 'putImageData']) {
    const draw = context[name];
    context[name] = function (...args) { w.__bench.lastChange = performance.now(); return draw.apply(this, args); };
  }
  let running = false;
  const look = (records) => {
    const now = performance.now();
    const seen = records.some((r) => {
      const node = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      return !(node && node.closest('canvas'));
    });
    if (seen) w.__bench.lastChange = now;
    const is = !!document.querySelector('[data-testid="stStatusWidget"]');
    if (is !== running) { (is ? w.__bench.shown : w.__bench.hidden).push(now); running = is; }
  };
  new MutationObserver(look).observe(document, {subtree: true, childList: true, attributes: true,
                                                characterData: true});
})();
"""

# Settled: the indicator came and went after `since` (or never came within `grace` ms), it is gone now,
# and nothing changed for QUIET_MS.
SETTLED = """
([since, grace, quiet]) => {
  const b = window.__bench, now = performance.now();
  if (!b || document.querySelector('[data-testid="stStatusWidget"]')) return false;
  if (!document.querySelector('[data-testid="stMain"] h1')) return false;
  const cameAndWent = b.hidden.some(t => t >= since);
  if (!cameAndWent && now - since < grace) return false;
  return now - b.lastChange >= quiet;
}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _command(app_dir: Path) -> list[str]:
    """What `make run` starts in ``app_dir``: ``python serve.py``; in an older checkout, ``streamlit run`` of its
    serve.py (ready before it listens) or, older still, of streamlit_app.py."""
    serve = app_dir / "serve.py"
    if serve.exists() and "__main__" in serve.read_text(encoding="utf-8"):
        return [sys.executable, str(serve)]
    return [sys.executable, "-m", "streamlit", "run", str(serve if serve.exists() else app_dir / "streamlit_app.py")]


@contextmanager
def app_server(db: str, app_dir: Path):
    """The app of ``app_dir`` served against ``db`` (``_command``); yields its base URL."""
    port = _free_port()
    env = {**os.environ, "EVIDENCE_DB": db, "PYTHONPATH": str(app_dir)}
    log = tempfile.NamedTemporaryFile("w", prefix="bench-streamlit-", suffix=".log", delete=False)
    proc = subprocess.Popen(
        [*_command(app_dir), "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=app_dir, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    _PIDS[base] = proc.pid
    try:
        deadline = time.time() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                    break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"streamlit did not start; see {log.name}")
                time.sleep(0.3)
        yield base
    finally:
        _PIDS.pop(base, None)
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


_PIDS: dict[str, int] = {}  # base URL → process of the server app_server started


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def wait_until_idle(base: str, window: float = 4.0, timeout: float = 120) -> None:
    """Until the server at ``base`` has used under 2% of a core for ``window`` s (its warm-up done).

    The window is longer than the pause before the warm-up's first fit
    (``GRACE`` in app_pages/warm.py, 3 s): a server idle in that pause has
    not warmed yet.
    """
    pid, deadline = _PIDS[base], time.time() + timeout
    used = _cpu_seconds(pid)
    while time.time() < deadline:
        time.sleep(window)
        now = _cpu_seconds(pid)
        if now - used < 0.02 * window:
            return
        used = now


def settle(page, since: float, grace: float = 1500) -> float:
    """Wait until the page is settled; return ms from ``since`` (page clock) to its last change."""
    page.wait_for_function(SETTLED, arg=[since, grace, QUIET_MS], timeout=180_000, polling=50)
    b = page.evaluate("window.__bench")
    problems = page.query_selector_all("[data-testid='stException'], [data-testid='stAlertContentError']")
    if problems:
        raise RuntimeError(f"{page.url}: {problems[0].inner_text()[:300]}")
    return b["lastChange"] - since


def _context(browser):
    """A new browser context (empty cache) with the observer in every document."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(OBSERVER)
    return context


def revisit(context, url: str) -> float:
    """A first visit in a new tab of ``context``: seconds from navigation start to settled."""
    page = context.new_page()
    try:
        page.goto(url, wait_until="commit")
        return settle(page, 0.0) / 1000
    finally:
        page.close()


def visit(browser, url: str) -> float:
    """A first visit in a new browser context (empty cache)."""
    context = _context(browser)
    try:
        return revisit(context, url)
    finally:
        context.close()


def _opened(browser, url: str):
    context = _context(browser)
    page = context.new_page()
    page.goto(url, wait_until="commit")
    settle(page, 0.0)
    return context, page


def clicked(page, action) -> float:
    """Seconds from the end of the click ``action`` performs to the settled page."""
    page.evaluate("window.__bench.lastUp = 0")
    action()
    since = page.evaluate("window.__bench.lastUp")
    return settle(page, since) / 1000


def switch(browser, base: str, start: str, title: str) -> float:
    context, page = _opened(browser, f"{base}/{start}")
    try:
        return clicked(page, lambda: page.locator("header").get_by_role("link", name=title, exact=True).first
                       .click())
    finally:
        context.close()


def _choose(page, label: str, option: str) -> None:
    """Open the select/multiselect named ``label`` (sidebar or page body) and click ``option``."""
    widget = page.get_by_label(label, exact=True).first
    widget.click()
    page.get_by_role("option", name=option, exact=True).first.click()


def filter_change(browser, url: str, label: str, option: str) -> float:
    context, page = _opened(browser, url)
    try:
        seconds = clicked(page, lambda: _choose(page, label, option))
        return seconds
    finally:
        context.close()


def _options(page_url: str, browser, label: str, count: int) -> list[str]:
    """The first ``count`` option texts of a widget other than the chosen one."""
    context, page = _opened(browser, page_url)
    try:
        page.get_by_label(label, exact=True).first.click()
        texts = [t.strip() for t in page.get_by_role("option").all_inner_texts()]
        return texts[1:count + 1] if len(texts) > count else texts[:count]
    finally:
        context.close()


SWITCHES = (("", "Meta-analysis"), ("meta-analysis", "Overview"), ("", "Trials"), ("trials", "Studies"))
FILTERS = (("Meta-analysis outcome", "meta-analysis", "Outcome"), ("Meta-analysis disease", "meta-analysis", "Disease"),
           ("Trials status", "trials", "Recruitment status"))
Step = tuple[str, str, Callable[[int], float]]  # kind, what, repeat number -> seconds


def plan(browser, base: str, repeats: int) -> tuple[list[Step], object]:
    """Every measurement after the server's cold start, each a call taking the repeat's number; and the
    returning browser's context (the caller closes it)."""
    steps: list[Step] = [("first visit", title, lambda i, path=path: visit(browser, f"{base}/{path}"))
                         for title, path in PAGES.items()]
    returning = _context(browser)  # a browser that has opened the app before: its cache holds the front end
    revisit(returning, f"{base}/")  # the visit that filled the browser's cache
    steps += [("returning visit", title, lambda i, path=path: revisit(returning, f"{base}/{path}"))
              for title, path in PAGES.items()]
    for start, title in SWITCHES:
        name = f"{[t for t, q in PAGES.items() if q == start][0]} → {title}"
        steps.append(("page switch", name, lambda i, start=start, title=title: switch(browser, base, start, title)))
    for what, path, label in FILTERS:
        options = _options(f"{base}/{path}", browser, label, repeats)  # a value not chosen before, each repeat
        steps.append(("filter change", what, lambda i, path=path, label=label, options=options: filter_change(
            browser, f"{base}/{path}", label, options[i % len(options)])))
    return steps, returning


def measure(base: str, repeats: int) -> list[tuple[str, str, float]]:
    """(kind, what, median seconds) for every measurement on a fresh server."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        rows = [("server cold", "Overview, first visitor after start", visit(browser, f"{base}/"))]
        wait_until_idle(base)
        steps, returning = plan(browser, base, repeats)
        rows += [(kind, what, statistics.median(run(i) for i in range(repeats))) for kind, what, run in steps]
        returning.close()
        browser.close()
    return rows


def compare(bases: list[str], repeats: int) -> list[tuple[str, str, list[float]]]:
    """(kind, what, median seconds per server): the servers' repeats interleaved, in turn first.

    This machine's speed drifts by a fifth or more within minutes, so two runs
    one after the other can differ by more than a change does; measured in
    alternation, both sides see the same drift.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for base in bases:
            visit(browser, f"{base}/")  # each server's cold start, not compared
            wait_until_idle(base)
        plans = [plan(browser, base, repeats) for base in bases]
        rows = []
        for n, (kind, what, _) in enumerate(plans[0][0]):
            times: list[list[float]] = [[] for _ in bases]
            for i in range(repeats):
                order = range(len(bases)) if i % 2 == 0 else reversed(range(len(bases)))
                for k in order:
                    times[k].append(plans[k][0][n][2](i))
            rows.append((kind, what, [statistics.median(t) for t in times]))
        for _, returning in plans:
            returning.close()
        browser.close()
    return rows


FLOOR_APP = {
    "streamlit_app.py": "import streamlit as st\n"
                        "st.navigation([st.Page('a.py', title='Overview', url_path='overview', default=True),\n"
                        "               st.Page('b.py', title='Meta-analysis', url_path='meta-analysis'),\n"
                        "               st.Page('c.py', title='Studies', url_path='studies')],\n"
                        "              position='top').run()\n",
    "a.py": "import streamlit as st\nst.title('Overview')\nst.write('A page with one line of text.')\n",
    "b.py": "import streamlit as st\nst.title('Meta-analysis')\n"
            "o = st.selectbox('Outcome', list('abcdefgh'))\n"
            "m = st.multiselect('Recruitment status', list('abcdefgh'))\nst.write(o, m)\n",
    "c.py": "import pandas as pd\nimport streamlit as st\nst.title('Studies')\n"  # what a grid alone costs
            "st.dataframe(pd.DataFrame({'Report': [f'Report {i}' for i in range(50)], 'Patients': range(50)}))\n",
}


def measure_floor(repeats: int) -> list[tuple[str, str, float]]:
    """The same measurements on a minimal two-page Streamlit app: what Streamlit and the browser cost alone."""
    from playwright.sync_api import sync_playwright

    rows: list[tuple[str, str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in FLOOR_APP.items():
            (Path(tmp) / name).write_text(text, encoding="utf-8")
        (Path(tmp) / ".streamlit").mkdir()  # the app's own settings (no forced garbage collection…): like for like
        (Path(tmp) / ".streamlit" / "config.toml").write_bytes((REPO_ROOT / ".streamlit" / "config.toml").read_bytes())
        with app_server(str(Path(tmp) / "none.db"), Path(tmp)) as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            visit(browser, f"{base}/")
            rows.append(("first visit", "minimal page", statistics.median(visit(browser, f"{base}/")
                                                                          for _ in range(repeats))))
            rows.append(("first visit", "minimal page with a grid (50 rows)", statistics.median(
                visit(browser, f"{base}/studies") for _ in range(repeats))))
            rows.append(("page switch", "minimal: Overview → Meta-analysis", statistics.median(
                switch(browser, base, "", "Meta-analysis") for _ in range(repeats))))
            for what, label in (("minimal: select box", "Outcome"), ("minimal: multiselect", "Recruitment status")):
                times = [filter_change(browser, f"{base}/meta-analysis", label, o) for o in "bcdefg"[:repeats]]
                rows.append(("filter change", what, statistics.median(times)))
            browser.close()
    return rows


# Run in the served checkout (its own code, schema, migrations and data/): a database built by this script's
# checkout may be newer than an older app can open, so a before/after would measure an error page.
BUILD = """
import sys
from pathlib import Path
from benchmarks.bench_app import build
from evidence.headline import refresh_stored_headline
from evidence.settings import Settings
from evidence.store import initialise, open_store
root, tmp, names = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3].split(",")
if "shipped" in names:  # what `evidence init` builds from data/
    initialise(Settings(db=str(tmp / "shipped.db"), data_dir=str(root / "data")))
if "synthetic" in names:
    build(tmp / "synthetic.db", 20_000, 1_000, 200)
for name in names:  # what `evidence init`/`update` do after loading: pool the Overview's headline table
    engine = open_store(Settings(db=str(tmp / (name + ".db"))))
    refresh_stored_headline(engine)
    engine.dispose()
"""


def databases(app_dir: Path, tmp: Path, names: list[str]) -> dict[str, str]:
    """The shipped and/or synthetic database, each built and pooled by ``app_dir``'s own code."""
    subprocess.run([sys.executable, "-c", BUILD, str(app_dir), str(tmp), ",".join(names)], cwd=app_dir,
                   env={**os.environ, "PYTHONPATH": str(app_dir)}, check=True)
    return {name: str(tmp / f"{name}.db") for name in names}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", choices=("shipped", "synthetic"))
    parser.add_argument("--floor", action="store_true",
                        help="also measure a minimal three-page Streamlit app (the cost of Streamlit and the browser)")
    parser.add_argument("--app-dir", type=Path, default=REPO_ROOT,
                        help="checkout whose app is served (e.g. an older commit, for before/after)")
    parser.add_argument("--against", type=Path,
                        help="a second checkout (e.g. the commit before a change), served beside --app-dir and "
                             "measured in alternation with it: a before/after that the machine's drift cannot bias")
    args = parser.parse_args()
    app_dir = args.app_dir.resolve()
    names = [n for n in ("shipped", "synthetic") if args.only in (None, n)]
    with tempfile.TemporaryDirectory() as tmp:
        if args.against:
            _print_comparison(args.against.resolve(), app_dir, Path(tmp), names, args.repeats)
        else:
            _print_figures(app_dir, Path(tmp), names, args.repeats)
    if args.floor:
        print(f"\n{'the same on a minimal Streamlit app (title, select box, multiselect)':<52}")
        for kind, what, seconds in measure_floor(args.repeats):
            print(f"{kind + ': ' + what:<52}{seconds:>10.2f} s")
    print(f"\nmedian of {args.repeats}; headless Chromium {VIEWPORT['width']}×{VIEWPORT['height']}; "
          f"app {args.app_dir}; load {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


def _print_figures(app_dir: Path, tmp: Path, names: list[str], repeats: int) -> None:
    results: dict[str, list[tuple[str, str, float]]] = {}
    for name, db in databases(app_dir, tmp, names).items():
        with app_server(db, app_dir) as base:
            results[name] = measure(base, repeats)
    print(f"\n{'measurement':<52}" + "".join(f"{n:>12}" for n in names) + f"{'target':>10}")
    for i, (kind, what, _) in enumerate(results[names[0]]):
        figures = "".join(f"{results[n][i][2]:>10.2f} s" for n in names)
        print(f"{kind + ': ' + what:<52}{figures}{'≤ ' + format(TARGETS[kind], '.1f') + ' s':>10}")


def _print_comparison(before: Path, after: Path, tmp: Path, names: list[str], repeats: int) -> None:
    for name in names:
        dbs = []
        for checkout, side in ((before, "before"), (after, "after")):
            (tmp / side).mkdir(exist_ok=True)
            dbs.append(databases(checkout, tmp / side, [name])[name])
        with app_server(dbs[0], before) as base_before, app_server(dbs[1], after) as base_after:
            rows = compare([base_before, base_after], repeats)
        print(f"\n{name}: {before} (before) against {after} (after), interleaved")
        print(f"{'measurement':<52}{'before':>10}{'after':>10}{'change':>10}{'target':>10}")
        for kind, what, (old, new) in rows:
            print(f"{kind + ': ' + what:<52}{old:>8.2f} s{new:>8.2f} s{new - old:>+8.2f} s"
                  f"{'≤ ' + format(TARGETS[kind], '.1f') + ' s':>10}")


if __name__ == "__main__":
    main()
