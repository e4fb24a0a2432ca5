"""Full-text search of reports: the same reports on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from evidence import models
from evidence.db import make_engine
from evidence.search import fts5_query, search_reports, tsquery, words
from evidence.settings import Settings
from evidence.store import initialise

pytestmark = pytest.mark.both_backends

# Harvested records whose words exercise case, accents, hyphens, digits and abstracts.
PUBLICATIONS = [
    ("90000001", "Anti-CD19 CAR T cells in refractory systemic lupus erythematosus",
     "Five patients with lupus nephritis reached DORIS remission after CD19-directed therapy."),
    ("90000002", "BCMA-CD19 compound CAR in myasthenia gravis",
     "Müller and colleagues report β-cell aplasia; Sjögren's syndrome was excluded."),
    ("90000003", "Cytokine release syndrome after CAR-T in idiopathic inflammatory myopathy",
     "CRS grade 1 in 3/4; no ICANS. Anti-synthetase syndrome (ASyS) patients."),
    ("90000004", "Lupus: long-term follow-up", "Drug-free remission persisted at 24 months in SLE."),
]
QUERIES = ["lupus", "LUPUS", "Lupus", "lup", "cd19", "CD19 lupus", "anti-cd19", "muller", "Müller", "sjogren",
           "β", "myasthenia gravis", "crs icans", "asys", "remission", "drug-free", "doris", "24 months",
           "nmosd", "fixture", "autoimmune", "lupus nmosd", "zzz", 'lupus NOT "x" *', "'; DROP TABLE report; --"]


def _add_harvested(engine) -> None:
    with Session(engine) as session:
        for i, (pmid, title, abstract) in enumerate(PUBLICATIONS):
            session.add(models.Publication(pmid=pmid, title=title, abstract=abstract, journal="J Test"))
            session.add(models.Report(report_id=f"h-{i}", cohort_id="alpha-cd19", kind="journal_article",
                                      label=f"Harvested {i}", pmid=pmid))
        session.commit()


def test_words_drop_operators_case_and_accents():
    assert words('Lupus NOT "x" * Müller-Ångström') == ["lupus", "not", "x", "muller", "angstrom"]
    assert words("  ") == [] and words(None) == []
    assert fts5_query(["lupus", "cd19"]) == '"lupus"* "cd19"*'
    assert tsquery(["lupus", "cd19"]) == "lupus:* & cd19:*"


def test_search_matches_titles_abstracts_any_case_and_accents(engine):
    _add_harvested(engine)
    assert search_reports(engine, "nmosd") == ["beta-2023"]
    assert search_reports(engine, "NMOSD") == search_reports(engine, "Nmosd") == ["beta-2023"]
    assert search_reports(engine, "lupus") == ["h-0", "h-3"]  # abstracts count, not only titles
    assert search_reports(engine, "nephritis") == ["h-0"]
    assert search_reports(engine, "muller") == search_reports(engine, "MÜLLER") == ["h-1"]
    assert search_reports(engine, "sjögren") == ["h-1"]
    assert search_reports(engine, "autoimm") == ["alpha-2024"]  # every word is a prefix
    assert search_reports(engine, "lupus cd19") == ["h-0"]  # and all words are required
    assert search_reports(engine, 'lupus NOT "x" *') == []  # operators are searched as words
    assert search_reports(engine, "'; DROP TABLE report; --") == []
    assert search_reports(engine, "") == []


def test_both_back_ends_find_the_same_reports(postgres_server, tmp_path, curated_dir):
    """The same corpus in SQLite and PostgreSQL: every query finds the same reports in both."""
    engines = []
    for url in (f"sqlite:///{tmp_path / 'a.db'}", postgres_server.new_database()):
        initialise(Settings(db=url, data_dir=str(curated_dir)))
        engines.append(make_engine(url))
        _add_harvested(engines[-1])
    try:
        for query in QUERIES:
            assert search_reports(engines[0], query) == search_reports(engines[1], query), query
        assert sum(bool(search_reports(engines[0], q)) for q in QUERIES) >= 18
    finally:
        for engine in engines:
            engine.dispose()
        postgres_server.drop_database(engines[1].url.render_as_string(hide_password=False))
