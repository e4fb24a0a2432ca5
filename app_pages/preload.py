"""Fetch the browser code of the app's widgets while the reader reads the first page.

Streamlit's front end loads each element's code (select box, multiselect,
toggle, list, metric…) only when a page first shows one, and draws a
grey placeholder until it arrives: the first page switch or filter in a tab
waited about half a second for code, not for data. Once the first page of a
session is drawn, a small script imports the code of every element type the
public pages draw, when the browser is idle (not the grid's or the charts':
a page that draws one fetches it); the browser keeps one copy of each
module, so Streamlit's own import later resolves at once. File names come
from the installed Streamlit (they carry a hash per release); a name that is
not found is skipped. The script is this module's own text: no data reaches it.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import streamlit as st

# Streamlit's element chunks (static/js/<Name>.<hash>.js) that the public pages draw on arrival: widgets,
# metrics, download buttons, the lists (a custom component) and static HTML. Not the grid (``DataFrame``),
# Arrow's table or Vega (``ArrowVegaLiteChart``): only the workbench and the Trials timeline, on request,
# draw them, and compiling their megabytes in the background took the two cores from the reader's next
# click (a switch from the Overview to Trials was still fetching Vega's modules).
ELEMENTS = ("Selectbox", "Multiselect", "Checkbox", "Radio", "ButtonGroup", "TextInput", "NumberInput", "Metric",
            "DownloadButton", "PageLink", "BidiComponent", "Html")

SAFE_NAME = re.compile(r"^[A-Za-z0-9_.-]+\.js$")  # nothing that could end the script or the string

SCRIPT = """<script>
(() => {
  const entry = document.querySelector('script[type="module"][src*="static/js/index."]');
  if (!entry) return;
  const load = () => FILES.forEach((f) => import(new URL(f, entry.src).href).catch(() => {}));
  (window.requestIdleCallback || ((f) => setTimeout(f, 1000)))(load, {timeout: 3000});
})();
</script>"""


@cache
def chunks() -> tuple[str, ...]:
    """The installed Streamlit's file names for ``ELEMENTS`` (siblings of its entry script)."""
    folder = Path(st.__file__).parent / "static" / "static" / "js"
    return tuple(sorted(p.name for name in ELEMENTS for p in folder.glob(f"{name}.*.js") if SAFE_NAME.match(p.name)))


def preload() -> None:
    """Once per session, after the first page: import the element code when the browser is idle."""
    if st.session_state.get("_preloaded") or not chunks():
        return
    st.session_state["_preloaded"] = True
    with st.sidebar:
        st.html(SCRIPT.replace("FILES", json.dumps(list(chunks()))), unsafe_allow_javascript=True)
