"""Full-text search of reports: the same reports on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from evidence import models
from evidence.db import make_engine
from evidence.search import Identifier, fts5_query, identifier, search_reports, terms, tsquery, words
from evidence.settings import REPO_ROOT, Settings
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
    assert fts5_query(terms("lupus cd19")) == '("lupus"*) AND ("cd19"*)'
    assert tsquery(terms("lupus cd19")) == "(lupus:*) & (cd19:*)"


def test_search_matches_titles_abstracts_any_case_and_accents(engine):
    _add_harvested(engine)
    assert search_reports(engine, "nmosd") == ["beta-2023"]
    assert search_reports(engine, "NMOSD") == search_reports(engine, "Nmosd") == ["beta-2023"]
    assert search_reports(engine, "lupus") == ["h-0", "h-3"]  # abstracts count, not only titles
    assert search_reports(engine, "nephritis") == ["h-0"]
    assert search_reports(engine, "muller") == search_reports(engine, "MÜLLER") == ["h-1"]
    assert search_reports(engine, "sjögren") == ["h-1"]
    assert search_reports(engine, "autoimm") == ["alpha-2024"]  # every word is a prefix
    assert search_reports(engine, "lupus five") == ["h-0"]  # and all words are required
    assert search_reports(engine, "lupus cd19") == ["h-0", "h-3"]  # h-3's cohort is the Alpha CD19 series
    assert search_reports(engine, "beta centre") == ["beta-2023"]  # a cohort's centre
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


# ------------------------------------------------------------------ what people type, on the shipped data

SHIPPED = REPO_ROOT / "data"


@pytest.fixture(scope="module")
def shipped_engines(request, tmp_path_factory):
    """The shipped data in SQLite and (when the server binaries exist) PostgreSQL."""
    urls = [f"sqlite:///{tmp_path_factory.mktemp('shipped') / 'e.db'}"]
    try:
        server = request.getfixturevalue("postgres_server")
        urls.append(server.new_database())
    except pytest.skip.Exception:
        server = None
    engines = []
    for url in urls:
        initialise(Settings(db=url, data_dir=str(SHIPPED)))
        engines.append(make_engine(url))
    yield engines
    for engine in engines:
        engine.dispose()
    if server is not None:
        server.drop_database(urls[1])


def _everywhere(engines, query: str) -> list[str]:
    """The reports ``query`` finds, the same on every back end."""
    assert [e.dialect.name for e in engines] == ["sqlite", "postgresql"][:len(engines)]
    answers = [search_reports(engine, query) for engine in engines]
    assert all(a == answers[0] for a in answers), (query, answers)
    return answers[0]


PAEDIATRIC_SERIES = {"becilli-2026-natmed", "opbg-2026-press", "krickau-2024-lancet"}


@pytest.mark.parametrize("typed", ["paediatric", "pediatric", "Paediatric", "children", "pediatrico", "child"])
def test_paediatric_spellings_find_the_same_reports(shipped_engines, typed):
    found = _everywhere(shipped_engines, typed)
    assert found == _everywhere(shipped_engines, "paediatric")
    assert PAEDIATRIC_SERIES <= set(found)


@pytest.mark.parametrize("typed, expected", [
    ("Rome", {"becilli-2026-natmed", "opbg-2026-press"}),
    ("Erlangen", {"mackensen-2022-natmed", "mueller-2024-nejm", "becilli-2026-natmed"}),
    ("Bambino Gesù", {"becilli-2026-natmed", "opbg-2026-press"}),
    ("bambino gesu", {"becilli-2026-natmed", "opbg-2026-press"}),
    ("Rome paediatric", {"becilli-2026-natmed", "opbg-2026-press"}),
])
def test_a_city_or_hospital_finds_the_series_treated_there(shipped_engines, typed, expected):
    found = set(_everywhere(shipped_engines, typed))
    assert expected <= found
    assert "kysa1-2024-lsm" not in found  # a US company trial: neither Rome nor Erlangen


@pytest.mark.parametrize("spellings, expected", [
    (["obe-cel", "Obe-Cel", "obecel", "obecabtagene", "obecabtagene autoleucel", "AUTO1"],
     ["obecel-2025-acr", "obecel-2025-ash"]),
    (["KYV-101", "kyv101", "KYV 101", "kyv-101", "miv-cel", "mivocabtagene autoleucel"],
     ["dagla-encephalitis-kyv101-case", "kysa1-2024-lsm", "kysa8-topline-press", "kyv101-ra-case-eulrheumopen"]),
    (["CABA-201", "caba201", "rese-cel", "resecabtagene"],
     ["resecel-2025-aaas-update", "resecel-2025-acr-sle", "resecel-2025-eular-ssc"]),
    (["zorpo-cel", "MB-CART19.1", "zorpocabtagene"],
     ["becilli-2026-natmed", "castle-2024-acr", "castle-2025-acr", "castle-2025-ash", "castle-2026-natmed",
      "krickau-2024-lancet", "nicolai-2024-arthritisrheumatol", "opbg-2026-press"]),
])
def test_a_product_is_found_by_any_of_its_names(shipped_engines, spellings, expected):
    for typed in spellings:
        assert _everywhere(shipped_engines, typed) == expected, typed
    assert _everywhere(shipped_engines, f"{spellings[1]} zzz") == []  # other words still required


def test_a_pmid_or_registry_id_typed_alone(shipped_engines):
    assert _everywhere(shipped_engines, "38642568") == ["krickau-2024-lancet"]
    assert _everywhere(shipped_engines, "PMID: 38642568") == ["krickau-2024-lancet"]
    assert _everywhere(shipped_engines, "nct05869955") == ["bms986353-2025-press"]
    assert identifier(" 38642568 ") == Identifier("pmid", "38642568")
    assert identifier("nct 0586 9955") == Identifier("registry", "NCT05869955")
    assert identifier("NCT05869955 lupus") is None and identifier("lupus") is None and identifier("") is None


def test_query_terms_are_the_same_on_both_back_ends():
    assert terms("Paediatric KYV101") == [(("paediatr",), ("pediatr",), ("child",)),
                                          (("kyv101",), ("mivocabtagene", "autoleucel"), ("miv", "cel"),
                                           ("kyv", "101"))]
    assert fts5_query(terms("kyv-101")) == '("kyv 101"* OR "mivocabtagene autoleucel"* OR "miv cel"*)'
    assert tsquery(terms("kyv-101")) == "(kyv <-> 101:* | mivocabtagene <-> autoleucel:* | miv <-> cel:*)"


def test_no_spelling_names_two_products():
    from evidence.vocab import PRODUCT_ALIASES

    spellings = ["".join(words(name)) for names in PRODUCT_ALIASES for name in names]
    assert len(spellings) == len(set(spellings)) and all(spellings)
