"""Helpers shared by the app tests."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser

import pandas as pd

# The fixture's last harvest: yesterday morning, whatever today is (tests hold on any date).
NOW = (datetime.now(timezone.utc) - timedelta(days=1)).replace(hour=6, minute=0, second=0, microsecond=0)


def day_text(moment: datetime) -> str:
    """A day as the Overview writes it."""
    return moment.strftime("%d %b %Y")


def parse_bibtex(text: str) -> list[dict[str, str]]:
    entries = []
    for kind, key, body in re.findall(r"@(\w+)\{([^,]+),\n(.*?)\n\}", text, flags=re.S):
        fields = dict(re.findall(r"^\s+(\w+) = \{(.*)\},?$", body, flags=re.M))
        entries.append({"kind": kind, "key": key, **fields})
    return entries


class _TableReader(HTMLParser):
    """The headers and cells of the HTML tables in a string, as text (entities resolved)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_tables(markup: str) -> list[list[list[str]]]:
    """Each table in ``markup`` as its rows of cell text (header row first), entities resolved."""
    reader = _TableReader()
    reader.feed(markup)
    return reader.tables


def static_tables(at) -> list[pd.DataFrame]:
    """The page's small static tables (``common.small_table``: escaped HTML) as frames of the text shown."""
    return [pd.DataFrame(rows[1:], columns=rows[0])
            for element in at.get("html") for rows in html_tables(element.proto.body) if rows]


def forest_plot(at) -> str:
    """The page's forest plot (``evidence.forest_html``: one HTML block), "" when there is none."""
    return next((e.proto.body for e in at.get("html") if 'class="cf"' in e.proto.body), "")


def fact_lists(at) -> list[dict[str, str]]:
    """The page's facts lists (``common.facts_list``: escaped HTML, a label and a value a row) as label → text shown."""
    return [dict(rows) for element in at.get("html") for rows in html_tables(element.proto.body)
            if rows and all(len(row) == 2 for row in rows)]


def _shown(element) -> pd.DataFrame:
    """A list's cells as shown; a link cell as its address (what a grid's link column held)."""
    data = json.loads(element.proto.json)
    links = {int(column): hrefs for column, hrefs in data["links"].items()}
    rows = [[(links[c][r] if c in links else None) or text for c, text in enumerate(texts)]
            for r, texts in enumerate(data["rows"])]
    return pd.DataFrame(rows, columns=[c["name"] for c in data["columns"]])


def frames(at) -> list[pd.DataFrame]:
    """Every table a reader can scroll or sort, in page order: Streamlit grids (their values) and lists (text)."""
    out = []

    def walk(node) -> None:
        if getattr(node, "type", None) == "dataframe":
            out.append(node.value)
        elif getattr(node, "type", None) == "bidi_component" and node.proto.component_name == "cart_list_table":
            out.append(_shown(node))
        for child in getattr(node, "children", {}).values():
            walk(child)
    walk(at._tree)
    return out
