"""Where an abstract names the search terms and registry IDs: spans, for a screening page to mark.

Spans, never markup: the page decides how to show them, and the harvested
text stays text. Search terms come from the PubMed strategy itself (its
[Title/Abstract] words and phrases; a trailing ``*`` is a prefix), so the
marks follow the query as it is edited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from evidence.registries import PATTERNS

_TIAB = re.compile(r'(?:"([^"]+)"|([\w*-]+))\[(?:Title/Abstract|tiab)\]', re.I)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str  # "term" | "registry"
    text: str


def search_terms(query: str) -> list[str]:
    """The free-text words and phrases of a PubMed query ('#' comment lines ignored)."""
    body = "\n".join(line for line in query.splitlines() if not line.lstrip().startswith("#"))
    return list(dict.fromkeys(m.group(1) or m.group(2) for m in _TIAB.finditer(body)))


def terms_from_file(path: Path) -> list[str]:
    return search_terms(path.read_text(encoding="utf-8"))


def _term_pattern(terms: list[str]) -> re.Pattern[str] | None:
    parts = []
    for term in sorted(set(terms), key=len, reverse=True):
        stem = term.rstrip("*")
        body = r"[\s-]+".join(re.escape(w) for w in re.split(r"[\s-]+", stem) if w)
        parts.append(rf"\b{body}\w*" if term.endswith("*") else rf"\b{body}\b")
    return re.compile("|".join(parts), re.I) if parts else None


def highlights(text: str, terms: list[str]) -> list[Span]:
    """Non-overlapping spans of registry IDs and search terms in ``text``, in reading order."""
    spans: list[Span] = []
    for spec in PATTERNS:
        spans += [Span(m.start(), m.end(), "registry", m.group(0)) for m in spec.pattern.finditer(text)]
    pattern = _term_pattern(terms)
    if pattern:
        spans += [Span(m.start(), m.end(), "term", m.group(0)) for m in pattern.finditer(text)]
    out: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if not out or span.start >= out[-1].end:
            out.append(span)
    return out


__all__ = ["Span", "highlights", "search_terms", "terms_from_file"]
