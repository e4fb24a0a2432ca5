"""Full-text search of the reports, one function for every back end.

A report matches when every word typed is the start of a word in its label,
title, journal, product or notes, or in the title, abstract or journal of
its PubMed record; case and accents are ignored. SQLite answers from its
FTS5 tables (migration 0002), PostgreSQL from the generated ``tsvector``
columns and their GIN indexes (migration 0003); both fold accents and case
the same way, so both back ends find the same reports.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import Connection, Engine, text

_WORD = re.compile(r"[^\W_]+")


def _accent_table() -> dict[int, str]:
    # The same letters migration 0003 folds on PostgreSQL: Latin with diacritics, U+00C0–U+024F.
    table = {}
    for code in range(0x00C0, 0x0250):
        base = "".join(c for c in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(c))
        if len(base) == 1 and base != chr(code):
            table[code] = base
    return table


_ACCENTS = _accent_table()


def words(user_text: str | None) -> list[str]:
    """The words of a query, lower-cased and without accents; punctuation and operators are dropped."""
    return _WORD.findall((user_text or "").translate(_ACCENTS).lower())


def fts5_query(tokens: list[str]) -> str:
    """An FTS5 MATCH expression: every word as a quoted prefix, all required."""
    return " ".join(f'"{t}"*' for t in tokens)


def tsquery(tokens: list[str]) -> str:
    """A PostgreSQL tsquery: every word as a prefix, all required (words hold letters and digits only)."""
    return " & ".join(f"{t}:*" for t in tokens)


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


def search_reports(bind: Engine | Connection, user_text: str | None) -> list[str]:
    """IDs of the reports matching every word of ``user_text``, sorted (empty for an empty query)."""
    tokens = words(user_text)
    if not tokens:
        return []
    dialect = bind.dialect.name
    if dialect not in _SQL:
        raise NotImplementedError(f"full-text search is not available on {dialect}")
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            return search_reports(conn, user_text)
    return sorted(bind.execute(text(_SQL[dialect]), {"q": _QUERY[dialect](tokens)}).scalars())
