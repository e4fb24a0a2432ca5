"""Reference lists of the pooled reports: RIS for reference managers, BibTeX for LaTeX.

Every field is stored text put on one line (a line break in a curated title
must not start a new RIS record or end a BibTeX field), and nothing is
invented: a journal article lacking its journal or year is written as
BibTeX @misc, whose fields are all optional, rather than an @article with a
made-up field. Links (DOI, URL) are written only when they validate, and
verbatim.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Iterable, Mapping

import pandas as pd
import rispy

from evidence.links import doi_url, web_url


def one_line(value: Any) -> str:
    """Stored text on one line: line breaks, tabs and other control characters become single spaces."""
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in str(value or ""))
    return re.sub(r"\s+", " ", text).strip()


RIS_TYPES = {"journal_article": "JOUR", "case_report": "JOUR", "letter": "JOUR", "conference_abstract": "ABST",
             "press_release": "PRESS", "preprint": "UNPB"}


class _RisWriter(rispy.RisWriter):
    """RIS records back to back: no '1.' counter line and no blank line between records."""

    SEPARATOR = None

    def set_header(self, count: int) -> str:
        return ""


def ris_bytes(refs: Iterable[Mapping[str, Any]]) -> bytes:
    """RIS records (journal articles, abstracts, press releases) for reference managers, one line per field."""
    entries = []
    for r in refs:
        url = web_url(r.get("url"))
        entry = {"type_of_reference": RIS_TYPES.get(r.get("kind", ""), "GEN"),
                 "title": one_line(r.get("title")) or one_line(r.get("id")),
                 "authors": [one_line(a) for a in r.get("authors") or [] if one_line(a)], "id": one_line(r.get("id"))}
        optional = {"secondary_title": one_line(r.get("journal")),
                    "year": str(int(r["year"])) if _is_year(r.get("year")) else None,
                    "doi": one_line(r.get("doi")), "urls": [url] if url else None,
                    "accession_number": one_line(r.get("pmid")),
                    "notes": [f"PMID: {one_line(r['pmid'])}"] if r.get("pmid") else None}
        entry.update({k: v for k, v in optional.items() if v})
        entries.append(entry)
    return rispy.dumps(entries, implementation=_RisWriter).encode("utf-8")


def _is_year(value: Any) -> bool:
    try:
        return value is not None and not pd.isna(value) and 1000 <= int(value) <= 9999
    except (TypeError, ValueError):
        return False


_BIB_SPECIAL = re.compile(r"([{}&%$#_])")


def _bib_text(text: Any) -> str:
    """Title-like text for BibTeX: one line, LaTeX's special characters escaped."""
    line = one_line(text).replace("\\", "\\textbackslash ").replace("^", "\\^{}").replace("~", "\\~{}")
    return _BIB_SPECIAL.sub(r"\\\1", line)


def _bib_url(url: str) -> str:
    """A URL as BibTeX's url/doi fields want it: verbatim, only braces percent-encoded to keep the field closed."""
    return url.replace("{", "%7B").replace("}", "%7D")


def _bib_key(r: Mapping[str, Any], used: set[str]) -> str:
    first = (list(r.get("authors") or []) or [r.get("id") or "ref"])[0]
    ascii_name = unicodedata.normalize("NFKD", str(first).split()[0] if str(first).split() else "ref")
    author = re.sub(r"[^A-Za-z]", "", ascii_name.encode("ascii", "ignore").decode()) or "ref"
    key = f"{author}{int(r['year']) if _is_year(r.get('year')) else ''}"
    base, i = key, 0
    while key in used:
        i += 1
        key = f"{base}{chr(96 + i)}"
    used.add(key)
    return key


ARTICLE_KINDS = ("journal_article", "case_report", "letter")


def bibtex_bytes(refs: Iterable[Mapping[str, Any]], header: str = "") -> bytes:
    """BibTeX entries: @article when journal and year are known (both required), else @misc.

    Nothing is invented: an article without its journal or year is written as
    @misc, whose fields are all optional. URLs and DOIs are verbatim.
    ``header`` (what produced the list) opens the file as an ``@comment``.
    """
    used: set[str] = set()
    out = []
    if header:
        out.append("@comment{" + _bib_text(header) + "}\n")
    for r in refs:
        journal, year = one_line(r.get("journal")), int(r["year"]) if _is_year(r.get("year")) else None
        kind = "article" if r.get("kind") in ARTICLE_KINDS and journal and year else "misc"
        doi = one_line(r.get("doi")) if doi_url(r.get("doi")) else ""
        url = web_url(r.get("url"))
        fields = {"title": _bib_text(r.get("title") or r.get("id")),
                  "author": " and ".join(_bib_text(a) for a in r.get("authors") or [] if one_line(a)),
                  "journal" if kind == "article" else "howpublished": _bib_text(journal),
                  "year": str(year) if year else "", "doi": _bib_url(doi), "url": _bib_url(url) if url else "",
                  "note": f"PMID: {one_line(r['pmid'])}" if r.get("pmid") else ""}
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items() if v)
        out.append(f"@{kind}{{{_bib_key(r, used)},\n{body}\n}}\n")
    return "\n".join(out).encode("utf-8")
