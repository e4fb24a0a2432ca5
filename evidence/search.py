"""Full-text search of the reports, one function for every back end.

A report matches when every word typed is the start of a word in its label,
title, journal, product or notes, in the title, abstract or journal of its
PubMed record, or in the name, centre or product of its cohort (so a city
or hospital finds the series treated there); each word may be found in a
different one of these texts; case and accents are ignored.
SQLite answers from its FTS5 tables (migration 0002), PostgreSQL from the
generated ``tsvector`` columns and their GIN indexes (migration 0006); both
fold accents and case the same way, so both back ends find the same reports.
The cohorts are few and curated: they are matched here, in Python, by the
same rule.

What people type is read as they mean it: spelling variants of one word
(``vocab.SEARCH_SYNONYMS``: "paediatric", "pediatric", "children") and the
names of one product (``vocab.PRODUCT_ALIASES``: "obe-cel", "obecabtagene
autoleucel", "AUTO1"; "kyv101" for "KYV-101") each become one word that any
of its forms satisfies. A PMID or registry ID typed alone finds the reports
that carry it (``identifier`` tells a page where to go straight away).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text

from evidence.registries import PMID_RE, identify, normalise
from evidence.vocab import PRODUCT_ALIASES, SEARCH_SYNONYMS

_WORD = re.compile(r"[^\W_]+")

Phrase = tuple[str, ...]  # consecutive words, the last one a prefix
Term = tuple[Phrase, ...]  # alternatives: any one of them satisfies the term


def _accent_table() -> dict[int, str]:
    # The same letters migration 0006 folds on PostgreSQL: Latin with diacritics, U+00C0–U+024F.
    table = {}
    for code in range(0x00C0, 0x0250):
        base = "".join(c for c in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(c))
        if len(base) == 1 and base != chr(code):
            table[code] = base
    return table


_ACCENTS = _accent_table()


def fold(user_text: str | None) -> str:
    """Lower case without accents, as both back ends index text ("Gesù" → "gesu")."""
    return (user_text or "").translate(_ACCENTS).lower()


def words(user_text: str | None) -> list[str]:
    """The words of a query, lower-cased and without accents; punctuation and operators are dropped."""
    return _WORD.findall(fold(user_text))


#: Each product's names as phrases, and their run-together spellings ("kyv101") to recognise them typed.
_PRODUCTS: list[tuple[Term, set[str]]] = []
for _names in PRODUCT_ALIASES:
    _phrases = tuple(tuple(words(name)) for name in _names)
    _spellings = {"".join(p) for p in _phrases}
    _spellings |= {p[0] for p in _phrases if len(p) > 1 and len(p[0]) >= 6}  # "obecabtagene" alone
    _PRODUCTS.append((_phrases, _spellings))
_LONGEST = max((len(p) for phrases, _ in _PRODUCTS for p in phrases), default=1)


def _synonyms(word: str) -> Term:
    for stems in SEARCH_SYNONYMS:
        if any(word.startswith(stem) for stem in stems):
            return tuple((stem,) for stem in stems)
    return ((word,),)


def _product_at(tokens: list[str], start: int) -> tuple[int, Term] | None:
    """The longest run of typed words from ``start`` that spells a product name: (length, its names)."""
    for length in range(min(_LONGEST + 1, len(tokens) - start), 0, -1):
        typed = tuple(tokens[start:start + length])
        spelled = "".join(typed)
        for phrases, spellings in _PRODUCTS:
            if spelled in spellings:
                return length, tuple(dict.fromkeys((typed, *phrases)))
    return None


def terms(user_text: str | None) -> list[Term]:
    """What a query asks for: every term required, any alternative of a term enough."""
    tokens, out, i = words(user_text), [], 0
    while i < len(tokens):
        product = _product_at(tokens, i)
        if product:
            out.append(product[1])
            i += product[0]
        else:
            out.append(_synonyms(tokens[i]))
            i += 1
    return out


def fts5_query(query: Sequence[Term]) -> str:
    """An FTS5 MATCH expression: each phrase quoted with its last word a prefix, alternatives OR, terms AND."""
    return " AND ".join("(" + " OR ".join(f'"{" ".join(p)}"*' for p in term) + ")" for term in query)


def tsquery(query: Sequence[Term]) -> str:
    """The same as a PostgreSQL tsquery (words hold letters and digits only, so nothing needs quoting)."""
    def phrase(p: Phrase) -> str:
        return " <-> ".join([*p[:-1], f"{p[-1]}:*"])
    return " & ".join("(" + " | ".join(phrase(p) for p in term) + ")" for term in query)


def matches(query: Sequence[Term], user_text: str) -> bool:
    """The same rule in Python, for the few curated cohorts: every term has an alternative in the text."""
    tokens = words(user_text)

    def found(p: Phrase) -> bool:
        return any(tokens[i:i + len(p) - 1] == list(p[:-1]) and tokens[i + len(p) - 1].startswith(p[-1])
                   for i in range(len(tokens) - len(p) + 1))
    return all(any(found(p) for p in term) for term in query)


@dataclass(frozen=True)
class Identifier:
    """A PMID or registry ID typed alone: a page can go straight to it."""

    kind: str  # "pmid" | "registry"
    value: str  # canonical spelling


def identifier(user_text: str | None) -> Identifier | None:
    """The PMID ("PMID: 38000001" or the digits) or registry ID (NCT, ChiCTR, ...) the text is, if only that."""
    raw = re.sub(r"^\s*pmid\s*:?\s*", "", user_text or "", flags=re.I).strip()
    if PMID_RE.match(raw):
        return Identifier("pmid", raw)
    raw = (user_text or "").strip()
    return Identifier("registry", normalise(raw)) if raw and identify(raw) else None


_SQL = {
    "sqlite": ("SELECT r.report_id FROM report_fts JOIN report r ON r.rowid = report_fts.rowid "
               "WHERE report_fts MATCH :q "
               "UNION SELECT r.report_id FROM publication_fts JOIN publication p "
               "ON p.rowid = publication_fts.rowid JOIN report r ON r.pmid = p.pmid "
               "WHERE publication_fts MATCH :q"),
    "postgresql": ("SELECT report_id FROM report WHERE search_vector @@ to_tsquery('simple', :q) "
                   "UNION SELECT r.report_id FROM report r JOIN publication p ON r.pmid = p.pmid "
                   "WHERE p.search_vector @@ to_tsquery('simple', :q)"),
}
_QUERY = {"sqlite": fts5_query, "postgresql": tsquery}


def _cohort_texts(conn: Connection) -> list[tuple[str, str]]:
    """(report ID, its cohort's name, centre and product) for every report."""
    rows = conn.execute(text("SELECT r.report_id, c.name, c.centre, c.product FROM cohort c "
                             "JOIN report r ON r.cohort_id = c.cohort_id")).all()
    return [(r.report_id, " ".join((r.name, r.centre, r.product))) for r in rows]


def _identified_reports(conn: Connection, found: Identifier) -> set[str]:
    rows = conn.execute(text("SELECT report_id, pmid, registry_ids FROM report")).all()
    if found.kind == "pmid":
        return {r.report_id for r in rows if r.pmid == found.value}
    return {r.report_id for r in rows if found.value in _id_list(r.registry_ids)}


def _id_list(value: object) -> list[str]:
    if isinstance(value, str):  # SQLite hands JSON columns back as text through a plain SELECT
        value = json.loads(value or "[]")
    return list(value) if isinstance(value, list) else []


def search_reports(bind: Engine | Connection, user_text: str | None) -> list[str]:
    """IDs of the reports matching every word of ``user_text``, sorted (empty for an empty query).

    Each word (term) may be found in a different text of the report: "paediatric
    lupus" finds a lupus report whose cohort is the paediatric series.
    """
    query = terms(user_text)
    if not query:
        return []
    dialect = bind.dialect.name
    if dialect not in _SQL:
        raise NotImplementedError(f"full-text search is not available on {dialect}")
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            return search_reports(conn, user_text)
    cohorts = _cohort_texts(bind)
    found: set[str] | None = None
    for term in query:  # each term anywhere in the report's texts (its own, its PubMed record's, its cohort's)
        hits = set(bind.execute(text(_SQL[dialect]), {"q": _QUERY[dialect]([term])}).scalars())
        hits |= {report_id for report_id, about in cohorts if matches([term], about)}
        found = hits if found is None else found & hits
        if not found:
            break
    found = found or set()
    named = identifier(user_text)
    if named:
        found |= _identified_reports(bind, named)
    return sorted(found)
