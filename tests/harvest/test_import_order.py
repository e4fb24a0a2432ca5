"""Importing the corpus of real-shaped files in any order leaves the same store.

The corpus (tests/fixtures/pubmed/corpus, tests/fixtures/ctgov/corpus) holds
several versions of the same records: older and newer snapshots, MEDLINE and
XML copies, ``fields=``-limited and module-less ClinicalTrials.gov captures.
Whatever the order, the newest value of each field must win, a partial or
older copy must never erase it, and the trial-change log may only hold real
changes between registry versions.
"""

from __future__ import annotations

import json
import random
import zlib
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

from evidence.db import init_db, make_engine
from evidence.models import Publication, PublicationTrialLink, Trial, TrialChange
from harvest import ctgov, pubmed_import

FIXTURES = Path(__file__).parents[1] / "fixtures"
#: The corpus, plus the fixtures with a Bookshelf chapter, structured abstracts and MEDLINE text of the same records.
PUBMED = sorted(p for p in (FIXTURES / "pubmed" / "corpus").iterdir() if p.suffix in (".xml", ".nbib")) + [
    FIXTURES / "pubmed" / "efetch_batch.xml", FIXTURES / "pubmed" / "medline_export.nbib"]
CTGOV = sorted((FIXTURES / "ctgov" / "corpus").glob("*.json")) + [
    FIXTURES / "ctgov" / "studies_page1.json", FIXTURES / "ctgov" / "studies_page2.json"]
CORPUS = PUBMED + CTGOV
TIMESTAMPS = {"first_seen", "last_seen", "retraction_seen", "observed_at", "created_at", "id"}

#: Every real difference between the two full versions of NCT05800004 (2023-10 → 2025-09).
REAL_CHANGES = {("status", "RECRUITING", "COMPLETED"), ("enrollment", "15", "12"),
                ("enrollment_type", "ESTIMATED", "ACTUAL"), ("primary_completion_date", "2024-06", "2024-08-30"),
                ("completion_date", "2025-12", "2025"), ("has_results", "false", "true")}


def _orders() -> list[list[Path]]:
    rng = random.Random(16)
    orders = [CORPUS, CORPUS[::-1]]
    for _ in range(8):
        orders.append(rng.sample(CORPUS, len(CORPUS)))
    return orders


def _import(tmp: Path, order: list[Path]):
    engine = make_engine(f"sqlite:///{tmp / 'order.db'}")
    init_db(engine)
    for path in order:
        registry = ctgov if path.suffix == ".json" else pubmed_import
        registry.import_files(engine, [path])
    return engine


def _rows(session: Session, model) -> list[dict]:
    rows = [{k: v for k, v in row.model_dump().items() if k not in TIMESTAMPS}
            for row in session.execute(select(model)).scalars()]
    return sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, default=str))


def _state(engine) -> dict:
    with Session(engine) as session:
        return {"publications": _rows(session, Publication), "trials": _rows(session, Trial),
                "links": _rows(session, PublicationTrialLink),
                "retraction_seen": sorted(p.pmid for p in session.execute(select(Publication)).scalars()
                                          if p.retraction_seen is not None)}


def _changes(engine) -> list[tuple[str, str | None, str | None]]:
    with Session(engine) as session:
        return [(c.field, c.old, c.new) for c in session.execute(select(TrialChange).order_by(TrialChange.id))
                .scalars()]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The store after importing the corpus oldest first, as the registries published it."""
    chronological = [p for p in CORPUS if "2008" in p.name] + [p for p in CORPUS if "2008" not in p.name]
    chronological.sort(key=lambda p: ("2023-10" not in p.name, "2024-11" not in p.name, "2025" in p.name))
    engine = _import(tmp_path_factory.mktemp("reference"), chronological)
    yield _state(engine), _changes(engine)
    engine.dispose()


def test_the_newest_value_of_each_field_wins(reference):
    state, changes = reference
    pubs = {p["pmid"]: p for p in state["publications"]}
    retracted = pubs["39100001"]
    assert retracted["retracted"] and retracted["doi"] == "10.1136/lupus-2024-009001"  # the older copy had no DOI
    assert retracted["raw_xml"].startswith("<PubmedArticle>") and retracted["date_revised"] == "2025-06-10"
    assert retracted["corrections"] == [{"type": "RetractionIn", "pmid": "39100002", "source":
                                         "Lupus Sci Med. 2025 Jun 2;12(1):e009002. doi: 10.1136/lupus-2025-009002."}]
    assert pubs["9997"]["date_revised"] == "2019-06-09" and pubs["9997"]["doi"]  # the 2025 export is newer
    assert pubs["12091962"]["dtd_date"] == "2025-01-01"  # same DateRevised: the later export
    assert [c["type"] for c in pubs["39100003"]["corrections"]] == ["ErratumIn", "ExpressionOfConcernIn"]
    assert not pubs["39100003"]["retracted"] and state["retraction_seen"] == ["39100001"]
    assert "<math" not in pubs["30108519"]["abstract"] and "( V.O2max )" in pubs["30108519"]["abstract"]
    assert pubs["39000001"]["raw_xml"].startswith("<PubmedArticle>")  # the XML copy, not the MEDLINE one
    assert pubs["39000005"]["pub_date"] == "2025-01-10"  # the Bookshelf chapter's own date
    assert ("39100001", "NCT06100001", "registry_field") in {(k["pmid"], k["registry_id"], k["method"])
                                                            for k in state["links"]}
    trial = next(t for t in state["trials"] if t["registry_id"] == "NCT05800004")
    assert (trial["status"], trial["enrollment"], trial["enrollment_type"], trial["has_results"]) == \
        ("COMPLETED", 12, "ACTUAL", True)
    assert (trial["phases"], trial["countries"], trial["completion_date"]) == (["PHASE1"], ["China"], "2025")
    assert trial["unknown_fields"] == [] and json.loads(trial["raw_json"])["resultsSection"]
    assert set(changes) == REAL_CHANGES and len(changes) == len(REAL_CHANGES)


def _order_id(order: list[Path]) -> str:
    """The same id in every process (``hash`` of a string is not: pytest-xdist workers must agree)."""
    return str(zlib.crc32("|".join(p.name for p in order).encode()) % 10**6)


@pytest.mark.parametrize("order", _orders(), ids=_order_id)
def test_any_import_order_gives_the_same_store_and_only_real_changes(tmp_path, reference, order):
    engine = _import(tmp_path, order)
    try:
        assert _state(engine) == reference[0]
        changes = _changes(engine)
        assert set(changes) <= REAL_CHANGES and len(changes) == len(set(changes))
        assert all(new is not None for _, _, new in changes)  # never "COMPLETED → —"
    finally:
        engine.dispose()
