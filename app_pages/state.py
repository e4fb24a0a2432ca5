"""The URL is the state: query parameters ⇄ ``st.session_state``, through a whitelist.

Every filter, outcome and method choice is a widget bound by ``key`` to a
session-state entry whose name is also its query parameter. Before the widgets
are drawn, ``bind`` fills missing entries from the URL (validated: an unknown
code in a shared link is dropped, never passed to a widget that would raise);
after they are drawn, ``publish`` writes the non-default values back, so a
copied link reproduces what the sender saw. Only names in ``PARAMS`` ever reach
the URL. Lists are comma-separated (``?disease=sle,ssc``) to keep links short
and readable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import streamlit as st


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
    Param("map", "str", "Reports"),
    Param("days", "int", 30),
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
)}


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


def bind(names: Iterable[str], options: Mapping[str, Sequence[str]] | None = None) -> None:
    """Fill session state from the URL for every named parameter not already set."""
    options = options or {}
    for name in names:
        if name not in st.session_state:
            st.session_state[name] = parse(PARAMS[name], st.query_params.get(name), options.get(name))
        elif name in options and PARAMS[name].kind == "str" and st.session_state[name] not in options[name]:
            st.session_state[name] = PARAMS[name].default


def publish(names: Iterable[str]) -> None:
    """Write the named parameters' current values to the URL (only if they changed)."""
    wanted = url_state({n: st.session_state.get(n, PARAMS[n].default) for n in names})
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)


def value(name: str) -> Any:
    """The current value of a parameter (its default when unset)."""
    return st.session_state.get(name, PARAMS[name].default)
