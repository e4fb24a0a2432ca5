"""What every page shares: the engine (one per process), filter widgets and safe text.

The engine is a ``cache_resource`` (thread-safe, shared by all sessions);
sessions are opened per query in ``app_pages.data`` and never cached. Filter
widgets are bound by key to the whitelisted query parameters of
``app_pages.state``, so every page gets the same filters with the same
labels and the same URL names.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from app_pages import i18n
from app_pages.i18n import N_, _
from evidence.i18n import MISSING
from evidence.db import StoreError, head_version, schema_version
from evidence.settings import load_settings
from evidence.store import open_store
from evidence.exports import FILTER_VOCABS
from evidence.vocab import TRIAL_FILTER_STATUSES, TrialPhase, without_detail


@st.cache_resource
def get_engine() -> Engine:
    """One engine per process; sessions are opened per query, never cached.

    A missing database is said, never created; a read-only one is read.
    """
    try:
        return open_store(load_settings(), create=False, readonly=None)
    except StoreError as exc:
        st.error(str(exc))
        st.stop()


@st.cache_resource(show_spinner="First start: building the database from the curated data…")
def _build_missing_database(url: str) -> None:
    """Create the database with ``evidence init``'s own function (once per process and URL)."""
    from evidence.store import initialise

    initialise(load_settings())


@st.cache_resource(show_spinner=False)
def _head_version() -> str:
    """The newest schema revision of this installation (read once per process: ~10 ms a read)."""
    return head_version()


def database_problem() -> str | None:
    """Why the database cannot be read, in words a user can act on; None when it is ready.

    A SQLite file that does not exist yet is built from the curated data that
    ships with the app (what ``evidence init`` does). Anything else that is
    not at the current schema (an empty file, an older schema, a server
    database never initialised) is left alone and named, with the command
    that fixes it: the app never changes a database the user made.
    """
    settings = load_settings()
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:") \
            and not Path(url.database).expanduser().exists():
        if settings.db is not None:  # a path someone set: a typo must not become a new database
            return _("The database {path} does not exist. Check `EVIDENCE_DB` (or the "
                     "settings file), or run `evidence init` to build it there from the curated data.").format(
                path=escape_md(url.database))
        try:
            _build_missing_database(settings.database_url)
        except (ValueError, OSError, SQLAlchemyError) as exc:  # a bad curated row, an unwritable folder
            _build_missing_database.clear()
            return _("The database could not be built from the curated data: {error}").format(error=exc)
    where = escape_md(url.database if url.get_backend_name() == "sqlite" else url.render_as_string(hide_password=True))
    try:
        revision = schema_version(get_engine())
    except SQLAlchemyError as exc:
        return _("The database {where} cannot be opened ({error}). Check `EVIDENCE_DB`.").format(
            where=where, error=type(exc).__name__)
    if revision is None:
        return _("The database {where} has not been built yet. Run `evidence init` (or `make db`) "
                 "to create it from the curated data, then reload this page.").format(where=where)
    if revision != _head_version():
        return _("The database {where} has an older schema ({revision}). Run `evidence init` to upgrade it, "
                 "then reload this page.").format(where=where, revision=revision)
    return None


PHASES = {p.value: p.label for p in TrialPhase}
STATUSES = {s.value: s.label for s in TRIAL_FILTER_STATUSES}

# The report filters are the library's (the exports name the same ones); the trials add phase and status.
FILTERS: dict[str, tuple[str, dict[str, str]]] = {
    **{name: (title, {m.value: m.label for m in vocab}) for name, (title, vocab) in FILTER_VOCABS.items()},
    "phase": (N_("Phase"), PHASES),
    "status": (N_("Recruitment status"), STATUSES),
}


def filter_options(names: Iterable[str]) -> dict[str, list[str]]:
    """Allowed codes per filter (what ``state.bind`` validates shared links against)."""
    return {n: list(FILTERS[n][1]) for n in names if n in FILTERS}


def filter_widgets(names: Iterable[str], container=None) -> None:
    """Multiselects for the named filters, bound to their query-parameter keys (labels in the session's language)."""
    where, tr = container or st.sidebar, i18n.translator_now()
    for name in names:
        title, options = FILTERS[name]
        where.multiselect(_(title), list(options), key=name, format_func=lambda c, o=options: tr(o[c]),
                          placeholder=_("Any"))


def filter_choices(values: Mapping[str, Sequence[str]]) -> list[str]:
    """The options chosen in the named filters, as a reader knows them ("CD19", "Paediatric")."""
    tr = i18n.translator_now()
    return [without_detail(tr(FILTERS[name][1][code])) for name, codes in values.items() if name in FILTERS
            for code in codes or () if code in FILTERS[name][1]]


def filters_label(choices: Sequence[str], shown: int = 2) -> str:
    """The label of a "Filters" popover, naming what is chosen ("Filters: CD19, Paediatric +1").

    A popover's widgets are out of sight until it is opened, and a shared link
    may set them: the label says which apply, so a pooled number is never read
    without its restrictions.
    """
    if not choices:
        return _("Filters")
    names = ", ".join(choices[:shown]) + (f" +{len(choices) - shown}" if len(choices) > shown else "")
    return _("Filters: {choices}").format(choices=names)


def any_overlap(values: list | None, wanted: list[str]) -> bool:
    """True when no filter is set or the row's list shares a value with it."""
    return not wanted or bool(set(values or ()) & set(wanted))


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")
# GFM turns addresses in plain text into links after escapes are resolved ("autolink literals"):
# a word joiner (U+2060, invisible) after the scheme, "www" or "@" keeps them text.
_AUTOLINK = re.compile(r"(?i)(https?|ftp|mailto|xmpp|www|@)")
WORD_JOINER = "\u2060"


def escape_md(text: str | None) -> str:
    """Harvested text for st.markdown: every Markdown/HTML/shortcode character escaped, no autolinks.

    Titles and abstracts come from PubMed and registries; they must show as
    text, never turn into links, images, colours or HTML. Escaping alone does
    not stop a web address in a title from becoming a link, so the places
    where GFM would start one get an invisible word joiner. Where a value
    need not be Markdown at all, prefer ``st.text``.
    """
    escaped = _MD_SPECIAL.sub(r"\\\1", "" if text is None else str(text))
    return _AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, escaped)


# Looks like Streamlit's own st.table in either theme: lines and header grey are mixed from the text colour.
_LINE = "1px solid color-mix(in srgb, currentColor 12%, transparent)"
_BOX = f"overflow-x:auto;border:{_LINE};border-radius:8px;font-size:14px;line-height:1.5"
_TH = f"font-weight:400;text-align:start;padding:4px 6px;border-bottom:{_LINE};" \
      "color:color-mix(in srgb, currentColor 70%, transparent)"
_TD = f"padding:4px 6px;border-top:{_LINE};vertical-align:middle"
_COLUMN_LINE = f";border-right:{_LINE}"  # between columns; the box draws the outer edge
_ANYWHERE = ";overflow-wrap:anywhere;width:20%;min-width:9em"  # a web address has no space to wrap at
_ROW_LINE = f";border-top:{_LINE}"  # between a facts list's rows
# A facts list: labels as narrow as their longest (never wrapped), values wrap anywhere (a long web address too).
_FACT_LABEL = "font-weight:400;text-align:start;vertical-align:top;padding:4px 12px 4px 6px;width:1%;" \
              "white-space:nowrap;color:color-mix(in srgb, currentColor 70%, transparent)"
_FACT_VALUE = "padding:4px 6px;vertical-align:top;overflow-wrap:anywhere"


def small_table(frame: pd.DataFrame, formats: dict[str, str] | None = None, breakable: Iterable[str] = (),
                index: bool = False, styles: pd.DataFrame | None = None) -> None:
    """A table of a few rows as static HTML: headers and numbers in the session's language, text escaped.

    ``st.dataframe``'s grid costs the browser about 0.3 s every time it is
    drawn and cuts long text at the column edge; ``st.table`` draws at once
    but needs Streamlit's Arrow code (0.8 MB of script), which cost a cold
    Meta-analysis or About page about 0.15 s for two small tables. HTML
    needs neither, wraps, and scrolls within its box on a phone.
    ``formats`` maps a column (English header) to a format of
    ``i18n.FORMATS``; the columns of ``breakable`` (web addresses) wrap
    anywhere, not only at spaces; ``index`` writes the frame's index as row
    headers; ``styles`` (the frame's shape) gives cells their own CSS (the
    evidence map's shades). Long lists that sort are ``list_table``'s.
    """
    st.html(table_html(frame, formats, breakable, index, styles))


def table_html(frame: pd.DataFrame, formats: dict[str, str] | None = None, breakable: Iterable[str] = (),
               index: bool = False, styles: pd.DataFrame | None = None) -> str:
    """``frame`` as an HTML table, every header and cell escaped: True reads ✓ (False empty), missing —, zero 0."""
    formats, lang = formats or {}, i18n.language()
    lines = [_COLUMN_LINE] * (len(frame.columns) + index - 1) + [""]  # between columns, row headers included
    index_line, lines = (lines[0], lines[1:]) if index else ("", lines)
    corner = f'<th scope="col" style="{_TH}{index_line}">{html.escape(str(frame.index.name or ""))}</th>'
    head = (corner if index else "") + "".join(f'<th scope="col" style="{_TH}{line}">{html.escape(str(h))}</th>'
                                               for h, line in zip(i18n.columns(frame).columns, lines))
    base = [_TD + line + (_ANYWHERE if c in set(breakable) else "") for c, line in zip(frame.columns, lines)]
    extra = styles.to_numpy().tolist() if styles is not None else [[""] * len(frame.columns)] * len(frame)
    rows = "".join(
        "<tr>" + (f'<th scope="row" style="{_TD}{index_line};font-weight:400;text-align:start">'
                  f"{html.escape(str(name))}</th>" if index else "")
        + "".join(f'<td style="{html.escape(style + (";" + own if own else ""))}">'
                  f"{html.escape(cell_text(v, formats.get(c), lang))}</td>"
                  for c, v, style, own in zip(frame.columns, row, base, more)) + "</tr>"
        for name, row, more in zip(frame.index, frame.itertuples(index=False, name=None), extra))
    # A table of row headers (the evidence map) is as wide as its cells, not the column: its counts stay beside
    # the names they belong to.
    box, width = (f"{_BOX};display:inline-block;max-width:100%", "auto") if index else (_BOX, "100%")
    return (f'<div style="{box}"><table style="border-collapse:collapse;width:{width};margin:0">'
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>")


def facts_list(facts: Mapping[str, object]) -> None:
    """One record's facts (a report's, a trial's) as label–value rows of static HTML, every value whole.

    A one-row grid cut its values at the column edges and, on a phone, hid
    all but the first four of a report's ten facts behind a sideways scroll
    of its canvas. Rows wrap; labels and values are escaped; an unknown value
    reads as ``—`` unless the caller has already said "not recorded".
    """
    st.html(facts_html(facts))


def facts_html(facts: Mapping[str, object]) -> str:
    """``facts`` as a two-column HTML table (label, value), every label and value escaped."""
    rows = "".join(f'<tr><th scope="row" style="{_FACT_LABEL}{"" if i == 0 else _ROW_LINE}">'
                   f'{html.escape(str(label))}</th>'
                   f'<td style="{_FACT_VALUE}{"" if i == 0 else _ROW_LINE}">{html.escape(cell_text(value))}</td></tr>'
                   for i, (label, value) in enumerate(facts.items()))
    return f'<div style="{_BOX}"><table style="border-collapse:collapse;width:100%;margin:0"><tbody>{rows}</tbody>' \
           "</table></div>"


def cell_text(value, fmt: str | None = None, lang: str | None = None) -> str:
    """A value as a table shows it: True ✓ (False empty), missing —, numbers in ``fmt`` of ``i18n.FORMATS``,
    written as ``lang`` (default: the session's language) writes them."""
    if isinstance(value, (bool, np.bool_)):
        return "✓" if value else ""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return MISSING
    if fmt:
        return i18n.FORMATS[fmt](float(value), lang or i18n.language())
    return str(value)


def metric_row():
    """A container for a row of ``st.metric``: they share its width and wrap to a new line, where columns would
    cut a label or a number (a 95% CI at a laptop's width)."""
    return st.container(horizontal=True, gap="medium")


def pct(x: float | None, digits: int = 0) -> str:
    """A proportion as a percentage in the session's language ('—' when missing)."""
    return i18n.percent(None if x is None or pd.isna(x) else x, digits)


def estimate_text(estimate: float, lo: float, hi: float) -> str:
    """'62% (45–77%)': how every pooled number is written in the app."""
    return i18n.estimate(estimate, lo, hi)
