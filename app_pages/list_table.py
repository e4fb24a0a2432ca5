"""A list a reader sorts and opens: an HTML table in place of Streamlit's grid.

``st.dataframe`` draws on a canvas with a library the browser loads and
compiles on every cold visit: on this project's benchmark a page with an
87-row grid took 0.36–0.45 s longer to draw than the same rows as HTML, most
of what the Studies, Trials and Overview pages missed their 2-second target
by. This table keeps what the grid gave those lists (sorting by any column,
a row or cell that opens its detail in place, pinned name columns, a scroll
box for a thousand rows, drawn forty at a time as it scrolls, links) as a
Streamlit component (``st.components.v2``, drawn in the page, no iframe) of
140 lines of script (``list_table.js``), and adds what the grid lacked:
every value whole (wrapped, never cut), blanks written "—" rather than
"None", numbers in the reader's language, Enter on a focused row.

Values reach the browser as JSON and are set as text (``textContent``),
never as markup; a link is drawn only for an http(s) or same-site relative
address.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
import streamlit as st

from app_pages import i18n
from app_pages.common import cell_text
from evidence.i18n import MISSING

_SCRIPT = (Path(__file__).with_name("list_table.js")).read_text(encoding="utf-8")
_STYLE = (Path(__file__).with_name("list_table.css")).read_text(encoding="utf-8")
_component = st.components.v2.component("cart_list_table", js=_SCRIPT, css=_STYLE)

LONG = 60  # characters: a column holding a longer text is given room (18em) rather than wrapped a word a line


def safe_href(address: object) -> str | None:
    """``address`` when a link may be drawn to it: http(s), or relative to this site; None for anything else
    (``javascript:``, ``data:``, a protocol-relative ``//host``), which is then shown as text."""
    if not isinstance(address, str) or not address:
        return None
    lowered = address.strip().lower()
    if lowered.startswith(("http://", "https://")):
        return address.strip()
    scheme = lowered.split("?", 1)[0].split("/", 1)[0]
    return None if ":" in scheme or lowered.startswith(("/", "\\")) or address != address.strip() else address


def _key(value: object) -> float | str | None:
    """What a column sorts by: the number itself, the text, or None (last)."""
    if value is None or isinstance(value, (list, tuple, dict)):
        return None
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return None if pd.isna(value) else float(value)
    if pd.isna(value):
        return None
    return str(value)


def _is_text(value: object) -> bool:
    return isinstance(value, str)


def _formatted(values: list, fmt: str, lang: str) -> list[str]:
    """A number column's cells as shown, each distinct number formatted once (Babel takes ~40 µs a number, and a
    thousand trials' enrollments repeat)."""
    memo: dict[float, str] = {}
    out = []
    for value in values:
        if type(value) in (int, float) and value == value:  # not NaN, not NA, not a bool
            text = memo.get(value)
            if text is None:
                text = memo[value] = cell_text(value, fmt, lang)
        else:
            text = cell_text(value, fmt, lang)
        out.append(text)
    return out


def table_data(frame: pd.DataFrame, *, formats: Mapping[str, str] | None = None,
               links: Mapping[str, str] | None = None, pinned: Sequence[str] = (),
               helps: Mapping[str, str] | None = None) -> dict:
    """The table the browser draws, as JSON-ready lists: headers in the session's language, cells as shown.

    ``formats`` maps a column (as named in ``frame``) to a number format of
    ``i18n.FORMATS`` (such a column sorts by its numbers, sent as ``keys``);
    ``links`` maps a column of addresses to the text its links show (the
    addresses sent as ``links``). Other columns sort by their text, blanks
    (``MISSING``) last.
    """
    formats, links, helps, lang = formats or {}, links or {}, helps or {}, i18n.language()
    shown = i18n.columns(frame)
    columns, cells, keys, hrefs = [], [], {}, {}
    for index, (name, header) in enumerate(zip(frame.columns, shown.columns)):
        values = frame[name].tolist()
        columns.append({"key": name, "name": header, "pinned": name in pinned, "help": helps.get(name),
                        "kind": "link" if name in links else "number" if name in formats else "text",
                        "long": max(map(len, filter(_is_text, values)), default=0) > LONG})
        if name in links:  # an address that may not be a link is shown as the text it is
            hrefs[index] = [safe_href(v) for v in values]
            cells.append([links[name] if h else "" if _key(v) is None else str(v)
                          for v, h in zip(values, hrefs[index])])
        elif name in formats:
            keys[index] = [_key(v) for v in values]
            cells.append(_formatted(values, formats[name], lang))
        else:
            cells.append([v if isinstance(v, str) else cell_text(v) for v in values])
    return {"columns": columns, "rows": [list(row) for row in zip(*cells)], "links": hrefs, "keys": keys,
            "missing": MISSING}


def list_table(frame: pd.DataFrame, *, key: str, ids: Sequence[str] | None = None,
               on_select: Callable[[str], None] | None = None, selected: str | None = None,
               label: str | None = None, **spec) -> None:
    """``frame`` as a sortable list; a click on a row calls ``on_select`` with that row's id (before the rerun).

    The box scrolls past three quarters of the window's height; ``selected``
    marks the row whose detail is open; ``spec`` is :func:`table_data`'s.
    """
    data = table_data(frame, **spec) | {"mode": "row" if on_select else None, "label": label,
                                        "selected": list(ids).index(selected) if ids and selected in ids else None}

    def chosen() -> None:
        event = (st.session_state.get(key) or {}).get("select")
        if event and ids is not None and 0 <= event.get("row", -1) < len(ids):
            on_select(ids[event["row"]])

    _component(key=key, data=data, on_select_change=chosen if on_select else (lambda: None))


def cell_table(frame: pd.DataFrame, *, key: str, clickable: Callable[[int, str], bool],
               label: str | None = None, **spec) -> tuple[int, str] | None:
    """``frame`` as a table whose marked cells can be clicked: the (row, column) clicked on this run, or None.

    Every row is shown (no scroll box: a table of a few rows read at a
    glance); ``clickable(row, column)`` says which cells open something (a
    pooled rate); the caller acts on the answer (``st.switch_page``).
    """
    data = table_data(frame, **spec) | {"mode": "cell", "label": label, "selected": None, "whole": True}
    data["clickable"] = [[bool(clickable(i, c)) for c in frame.columns] for i in range(len(frame))]
    event = _component(key=key, data=data, on_select_change=lambda: None).select
    if event and 0 <= event.get("row", -1) < len(frame) and event.get("column") in frame.columns:
        return event["row"], event["column"]
    return None
