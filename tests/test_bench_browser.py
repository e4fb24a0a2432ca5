"""The browser benchmark's measuring rule, on a scripted page in real Chromium (no app, no timing asserted).

``benchmarks/bench_browser.py`` reports, for every click, the time of the last
change a person could see once Streamlit's running indicator has come and
gone. Its figures are only as good as that rule, so the rule is checked here
on a page whose changes come at known moments and which records when it made
them: a draw on a canvas counts, a change of a canvas's never-painted fallback
content does not, and the page is not settled while the indicator shows.
"""

from __future__ import annotations

import importlib.util
import sys

import pytest

from evidence.settings import REPO_ROOT
from tests.app.test_browser import CHROMIUM, needs_chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]
URL = "http://bench.invalid/"

# At 100 ms the running indicator appears, at 300 ms it goes; at 500 ms a text appears; at 700 ms the grid-like
# canvas is drawn on (the last visible change, its moment kept in __drawn); at 900 ms the canvas's fallback
# content changes (never painted: must not count).
PAGE = """<!doctype html><html><body><div data-testid="stMain"><h1>Title</h1><canvas id="c"></canvas></div>
<script>
const main = document.querySelector('[data-testid="stMain"]');
setTimeout(() => { const s = document.createElement('div'); s.dataset.testid = 'stStatusWidget';
                   s.id = 'running'; document.body.appendChild(s); }, 100);
setTimeout(() => document.getElementById('running').remove(), 300);
setTimeout(() => { main.appendChild(document.createTextNode('a result')); window.__text = performance.now(); }, 500);
setTimeout(() => { document.getElementById('c').getContext('2d').fillRect(0, 0, 10, 10);
                   window.__drawn = performance.now(); }, 700);
setTimeout(() => { document.getElementById('c').textContent = 'accessibility table'; window.__hidden = 1; }, 900);
</script></body></html>"""


def _bench():
    spec = importlib.util.spec_from_file_location("bench_browser", REPO_ROOT / "benchmarks" / "bench_browser.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@needs_chromium
def test_the_end_is_the_last_visible_change_after_the_indicator_went():
    from playwright.sync_api import sync_playwright

    bench = _bench()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=bench.CHROMIUM_ARGS)
        context = browser.new_context(viewport=bench.VIEWPORT)
        context.add_init_script(bench.OBSERVER)
        context.route(URL, lambda route: route.fulfill(body=PAGE, content_type="text/html"))
        page = context.new_page()
        page.goto(URL, wait_until="commit")
        measured = bench.settle(page, 0.0)
        seen = page.evaluate("({drawn: window.__drawn, text: window.__text, hidden: window.__hidden,"
                             " shown: window.__bench.shown.length, gone: window.__bench.hidden.length})")
        browser.close()
    assert seen["shown"] == 1 and seen["gone"] == 1  # the indicator was seen coming and going
    assert seen["hidden"] == 1  # the fallback content did change, after the draw
    # the canvas draw is the end: not the text before it, nor the fallback content after it
    # (the observer stamps the draw call as it starts, the page after its context is made and the rect filled: on
    # a loaded machine that took 5.2 ms once; the text came 200 ms before the draw, so 50 ms still tells them apart)
    assert seen["text"] + 100 < seen["drawn"] - 50 <= measured <= seen["drawn"] + 1, (measured, seen)
    assert measured > seen["text"]
