"""The app's language: chosen in the sidebar, kept in the URL (``?lang=it``), used by ``_``.

Pages write ``_("Overview")``; the language is read at call time from the
session, so one module-level import serves every rerun and every user. A text
defined at module level of a module imported once (``app_pages.common``) is
marked ``N_("…")`` there and passed through ``_`` where it is shown. Numbers
go through ``number``/``percent``/``estimate`` (decimal comma in Italian).
"""

from __future__ import annotations

from typing import Iterable

import pandas as pd
import streamlit as st

from evidence import i18n
from evidence.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, NP_, normalise, translator  # noqa: F401 (for pages)
from evidence.vocab import LabelledEnum

LANG_KEY = "lang"


def language() -> str:
    """The language of this session: the sidebar's choice, else the URL's, else English."""
    from app_pages import state  # here: state speaks through _ too

    try:
        chosen = state.value(LANG_KEY)
    except Exception:  # outside a script run (a module-level text): the default
        return DEFAULT_LANGUAGE
    return normalise(chosen) if chosen else DEFAULT_LANGUAGE


def _(text: str) -> str:
    """``text`` in the session's language."""
    return translator(language())(text)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a text with a count that ``n`` takes in the session's language ("1 site", "3 sites")."""
    return i18n.ngettext(language())(singular, plural, n)


def ngettext_now():
    """``ngettext`` fixed to this run's language: for a ``format_func`` (see ``translator_now``)."""
    return i18n.ngettext(language())


def translator_now():
    """``_`` fixed to this run's language: for a widget's ``format_func``, which may be called after the run
    (AppTest does so to find an option), when the session's language can no longer be read."""
    return translator(language())


def choose_language() -> None:
    """The language picker (sidebar, every page), bound to ``?lang=``; the URL keeps a non-default choice."""
    from app_pages import state

    state.bind((LANG_KEY,), {LANG_KEY: list(LANGUAGES)})
    st.sidebar.radio(_("Language"), list(LANGUAGES), key=LANG_KEY, format_func=LANGUAGES.get, horizontal=True)
    lang = language()
    if lang != DEFAULT_LANGUAGE and st.query_params.get(LANG_KEY) != lang:
        st.query_params[LANG_KEY] = lang  # added to the page's own parameters, never replacing them
    elif lang == DEFAULT_LANGUAGE and LANG_KEY in st.query_params:
        del st.query_params[LANG_KEY]
    state.keep((LANG_KEY,))


def label(vocab: type[LabelledEnum], code: str | None) -> str:
    """The label of a vocabulary code in the session's language."""
    return i18n.label(vocab, code, language())


def labels(vocab: type[LabelledEnum], codes: Iterable[str] | None) -> str:
    """Labels of several codes, comma-separated ('—' when none)."""
    return ", ".join(label(vocab, c) for c in codes or ()) or "—"


def number(value: float | None, digits: int = 2) -> str:
    """A number in the session's language (decimal comma in Italian)."""
    return i18n.format_number(value, language(), digits)


def significant(value: float | None, digits: int = 3) -> str:
    """A number to ``digits`` significant digits in the session's language."""
    return i18n.format_significant(value, language(), digits)


def percent(value: float | None, digits: int = 0) -> str:
    """A proportion as a percentage in the session's language ('—' when missing)."""
    return i18n.format_percent(value, language(), digits)


def estimate(value: float | None, low: float | None, high: float | None, digits: int = 0) -> str:
    """'62% (45%–77%)' in the session's language."""
    return i18n.format_estimate(value, low, high, language(), digits)


def columns(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its column headers in the session's language (the values are left as they are)."""
    tr = translator(language())
    return frame.rename(columns=lambda c: tr(c) if isinstance(c, str) else c)


# A table column's number format: value, language → text (the language is looked up once per table, not per cell).
FORMATS = {"percent": lambda v, lang: i18n.format_percent(v, lang, 1),
           "percent0": lambda v, lang: i18n.format_percent(v, lang, 0),
           "sig3": lambda v, lang: i18n.format_significant(v, lang, 3),
           "1": lambda v, lang: i18n.format_number(v, lang, 1), "2": lambda v, lang: i18n.format_number(v, lang, 2),
           "int": lambda v, lang: i18n.format_number(v, lang, 0),
           "year": lambda v, lang: str(int(v))}  # a year is never "2,023"


def relabel(frame: pd.DataFrame, spec: dict[str, tuple[type[LabelledEnum], str]]) -> pd.DataFrame:
    """Label columns rebuilt in the session's language from their code columns.

    ``spec`` maps a shown column to (vocabulary, code column); a code column
    holding lists gives comma-separated labels. In English a column beside
    its codes is kept (the library already wrote English labels); a column
    that is its own code column ("status" shown as it is stored) is
    labelled in every language, or an English reader would see the codes.
    """
    english = language() == DEFAULT_LANGUAGE
    wanted = {shown: how for shown, how in spec.items() if not english or shown == how[1]}
    if frame.empty or not wanted:
        return frame
    out = frame.copy()
    for shown, (vocab, codes) in wanted.items():
        if codes in out.columns:
            out[shown] = [labels(vocab, c) if isinstance(c, (list, tuple)) else label(vocab, c) for c in out[codes]]
    return out


def translated(frame: pd.DataFrame, names: Iterable[str]) -> pd.DataFrame:
    """Columns whose values are interface texts (vocabulary labels) looked up in the catalog."""
    if language() == DEFAULT_LANGUAGE or frame.empty:
        return frame
    tr = translator(language())
    return frame.assign(**{n: frame[n].map(lambda v: tr(v) if isinstance(v, str) else v)
                           for n in names if n in frame.columns})


def moment(value, time: bool = True) -> str:
    """A date and time (UTC) in the session's language: '01 dic 2026, 06:00 UTC'."""
    return i18n.format_moment(value, language(), time)


def report_link(report_id: str, lang: str | None = None) -> str:
    """The relative address of a report's page, in ``lang`` or this session's language (a link opens a new
    session)."""
    lang = lang or language()
    return f"studies?report={report_id}" + (f"&{LANG_KEY}={lang}" if lang != DEFAULT_LANGUAGE else "")
