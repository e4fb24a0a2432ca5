"""The URL is the state: query parameters ⇄ ``st.session_state``, through a whitelist.

Every filter, outcome and method choice is a widget bound by ``key`` to a
session-state entry whose name is also its query parameter. Before the widgets
are drawn, ``bind`` fills missing entries from the URL (validated: an unknown
code in a shared link is dropped, never passed to a widget that would raise,
and the page says which value of the link was ignored);
after they are drawn, ``publish`` writes the non-default values back, so a
copied link reproduces what the sender saw. Only names in ``PARAMS`` ever reach
the URL. Lists are comma-separated (``?disease=sle,ssc``) to keep links short
and readable.

The selection is one per session, shared by every page. Moving between pages
by the top menu clears the URL, and Streamlit forgets the values of widgets
that the new page draws afresh; so ``publish`` also keeps every value in a
plain session entry (``SAVED``, never a widget key), and ``bind`` gives each
widget, in this order, its live value, the kept one, the URL's, the default.
The Meta-analysis choice thus reaches Export, and back, and cohort-awareness
is only ever switched off by the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import streamlit as st

from app_pages.common import escape_md
from app_pages.i18n import _


@dataclass(frozen=True)
class Param:
    """One whitelisted query parameter: its kind and its default."""

    name: str
    kind: str  # "list" | "str" | "bool" | "int"
    default: Any = None
    sep: str = ","  # list separator in the URL ("|" where values contain commas, e.g. "Korea, Republic of")


_LIST = ("disease", "target", "construct", "population", "phase", "kind", "status")
PARAMS: dict[str, Param] = {p.name: p for p in (
    *(Param(n, "list", ()) for n in _LIST),
    Param("country", "list", (), sep="|"),
    Param("region", "list", (), sep="|"),
    Param("children", "bool", False),
    Param("recruiting", "bool", False),
    Param("map", "str", "Reports"),
    Param("days", "int", 30),
    Param("news", "str", None),  # which of What's new's lists (None: the first that has entries)
    Param("q", "str", ""),
    Param("year_from", "int", None),
    Param("year_to", "int", None),
    Param("report", "str", ""),
    Param("trial", "str", ""),
    Param("outcome", "str", "remission_doris"),
    Param("model", "str", "glmm"),
    Param("transform", "str", "logit"),
    Param("tau2", "str", "REML"),
    Param("ci", "str", "z"),
    Param("by", "str", "none"),
    Param("cohort_aware", "bool", True),
    Param("mixed", "bool", False),
    Param("view", "str", "sensitivity"),
    Param("table", "str", "analysis"),
    Param("show", "str", "table"),  # Trials: the table or the timeline
    Param("lang", "str", "en"),  # the interface language (app_pages.i18n), on every page
)}
EVERY_PAGE = ("lang",)  # chosen in the frame, kept in every page's URL


def parse(param: Param, raw: str | None, options: Sequence[str] | None = None) -> Any:
    """Turn a raw query-string value into a widget value, dropping what is not allowed."""
    if raw is None or raw == "":
        return list(param.default) if param.kind == "list" else param.default
    if param.kind == "list":
        values = [v.strip() for v in raw.split(param.sep) if v.strip()]
        return [v for v in values if options is None or v in options]
    if param.kind == "bool":
        return raw.lower() not in ("0", "false", "no", "off")
    if param.kind == "int":
        try:
            return int(raw)
        except ValueError:
            return param.default
    if options is not None and raw not in options:
        return param.default
    return raw


def rejected(param: Param, raw: str | None, options: Sequence[str] | None = None) -> list[str]:
    """The parts of a raw query-string value that ``parse`` drops (unknown codes, a non-number)."""
    if raw is None or raw == "":
        return []
    if param.kind == "list":
        values = [v.strip() for v in raw.split(param.sep) if v.strip()]
        return [v for v in values if options is not None and v not in options]
    if param.kind == "int":
        try:
            int(raw)
        except ValueError:
            return [raw]
        return []
    if param.kind == "str" and options is not None and raw not in options:
        return [raw]
    return []


def encode(param: Param, value: Any) -> str | None:
    """The query-string form of a value, or None when it is the default (kept out of the URL)."""
    if param.kind == "list":
        value = list(value or ())
        return param.sep.join(str(v) for v in value) if value else None
    if value == param.default or value is None or value == "":
        return None
    if param.kind == "bool":
        return "1" if value else "0"
    return str(value)


def url_state(values: Mapping[str, Any]) -> dict[str, str]:
    """Whitelisted, non-default values as query parameters."""
    out: dict[str, str] = {}
    for name, value in values.items():
        if name in PARAMS:
            encoded = encode(PARAMS[name], value)
            if encoded is not None:
                out[name] = encoded
    return out


SAVED = "_selection"  # the session's kept values: a plain entry, so no page switch clears it


def _kept() -> dict[str, Any]:
    return st.session_state.setdefault(SAVED, {})


def _valid(param: Param, value: Any, options: Sequence[str] | None) -> Any:
    """A kept or live value still allowed by this page's options (else dropped / the default)."""
    if options is None:
        return value
    if param.kind == "list":
        return [v for v in value or () if v in options]
    if param.kind == "str" and value not in options:
        return param.default
    return value


def bind(names: Iterable[str], options: Mapping[str, Sequence[str]] | None = None) -> dict[str, list[str]]:
    """Give every named widget key its value before the widgets are drawn: live, kept, URL, default.

    Assigning the value (even an unchanged one) makes it the new page's
    widget value; without it a widget first drawn on this page would start
    from its own default after a page switch. Returns what the URL asked
    for that is not allowed (parameter → values), after saying so on the page.
    """
    options = options or {}
    ignored: dict[str, list[str]] = {}
    for name in names:
        param = PARAMS[name]
        if name in st.session_state:
            raw = st.session_state[name]
        elif name in _kept():
            raw = _kept()[name]
        else:
            url_value = st.query_params.get(name)
            raw = parse(param, url_value, options.get(name))
            if bad := rejected(param, url_value, options.get(name)):
                ignored[name] = bad
        st.session_state[name] = _valid(param, raw, options.get(name))
    if ignored:
        notice_ignored(ignored)
    return ignored


def notice_ignored(ignored: Mapping[str, Sequence[str]]) -> None:
    """One notice naming each ignored link parameter and value (the values as text, never Markdown)."""
    parts = "; ".join(f"{name} = {', '.join(values)}" for name, values in ignored.items())
    st.warning(_("This link asked for something that does not exist here, so it was ignored: {parts}.")
               .format(parts=escape_md(parts)), icon=":material/link_off:")


def publish(names: Iterable[str], shown_by_default: Mapping[str, Any] | None = None) -> None:
    """Keep the named parameters' values for the other pages and write them, and the language, to the URL.

    ``shown_by_default`` names values a page picks from the data when the
    link has none (What's new opens its first list with entries): the widget
    shows them chosen, and the URL leaves them out, since a link without them
    opens the same.
    """
    current = {n: value(n) for n in (*names, *EVERY_PAGE)}
    _kept().update(current)
    implicit = shown_by_default or {}
    wanted = url_state({n: v for n, v in current.items() if n not in implicit or v != implicit[n]})
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)


def keep(names: Iterable[str]) -> None:
    """Keep the named parameters' values for the other pages, leaving the URL to the page."""
    _kept().update({n: value(n) for n in names})


def value(name: str) -> Any:
    """The current value of a parameter: live, else kept, else in the URL, else its default.

    Usable before the page's widgets are bound (the router reads
    ``cohort_aware`` this way to warn on every page).
    """
    if name in st.session_state:
        return st.session_state[name]
    if name in _kept():
        return _kept()[name]
    return parse(PARAMS[name], st.query_params.get(name))
