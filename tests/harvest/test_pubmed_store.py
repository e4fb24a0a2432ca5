"""Upsert on PMID, first-seen kept, deletions marked, links stored once, classification stored."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

from evidence.models import HarvestRun, Publication, PublicationTrialLink
from harvest.pubmed_parse import ParsedBatch, parse_xml
from harvest.pubmed_store import save_batch
from harvest.runs import start_run

pytestmark = pytest.mark.both_backends  # store tests: run on SQLite and PostgreSQL

FIX = Path(__file__).parents[1] / "fixtures" / "pubmed"


def _batch() -> ParsedBatch:
    return parse_xml((FIX / "efetch_batch.xml").read_bytes())


def _pubs(engine) -> dict[str, Publication]:
    with Session(engine) as s:
        rows = s.execute(select(Publication)).scalars().all()
        s.expunge_all()
        return {p.pmid: p for p in rows}


def _links(engine) -> set[tuple[str, str, str]]:
    with Session(engine) as s:
        return {(k.pmid, k.registry_id, k.method) for k in s.execute(select(PublicationTrialLink)).scalars()}


def test_insert_then_idempotent_refetch(engine):
    first = save_batch(engine, _batch(), "pubmed")
    assert (first.fetched, first.new, first.updated, first.deleted) == (5, 5, 0, 0)
    before = _pubs(engine)
    again = save_batch(engine, _batch(), "pubmed")
    assert (again.new, again.updated, again.unchanged) == (0, 0, 5)
    after = _pubs(engine)
    assert after["39000001"].first_seen == before["39000001"].first_seen
    assert after["39000001"].last_seen >= before["39000001"].last_seen
    assert len(_links(engine)) == 5


def test_stored_fields_and_classification(engine):
    save_batch(engine, _batch(), "pubmed")
    p = _pubs(engine)
    r = p["39000001"]
    assert r.kind == "primary" and r.diseases == ["sle", "iim", "ssc"] and r.targets == ["cd19"]
    assert r.car_construct == "autologous" and r.population == "adult" and r.pub_year == 2024
    assert r.registry_ids == ["NCT03000000", "ChiCTR2300071234"] and r.raw_xml.startswith("<PubmedArticle>")
    assert r.mesh_terms[3]["major"] is True and r.origin == "pubmed"
    assert p["39000002"].kind == "review" and p["39000005"].kind == "review"
    assert p["39000003"].kind == "primary" and p["39000003"].population == "paediatric"
    assert p["39000003"].diseases == ["lupus_nephritis", "sle"]
    assert p["39000004"].kind == "preclinical" and p["39000004"].targets == ["caar"]
    assert p["39000004"].diseases == ["mg"]


def test_changed_record_updates_row_keeps_first_seen_and_relinks(engine):
    save_batch(engine, _batch(), "pubmed")
    seen = _pubs(engine)["39000001"].first_seen
    changed = _batch()
    rec = changed.records[0]
    rec.title = "Corrected title"
    rec.registry_mentions = [m for m in rec.registry_mentions if m.registry_id != "ChiCTR2300071234"]
    counts = save_batch(engine, changed, "pubmed")
    assert (counts.new, counts.updated, counts.unchanged) == (0, 1, 4)
    row = _pubs(engine)["39000001"]
    assert row.title == "Corrected title" and row.first_seen == seen
    assert ("39000001", "ChiCTR2300071234", "abstract_text") not in _links(engine)
    assert ("39000001", "NCT03000000", "registry_field") in _links(engine)


def test_manual_links_survive_a_relink(engine):
    save_batch(engine, _batch(), "pubmed")
    with Session(engine) as s:
        s.add(PublicationTrialLink(pmid="39000001", registry_id="NCT09999999", method="manual"))
        s.commit()
    save_batch(engine, _batch(), "pubmed")
    assert ("39000001", "NCT09999999", "manual") in _links(engine)


def test_delete_citation_marks_the_row_and_a_return_unmarks_it(engine):
    save_batch(engine, _batch(), "pubmed")
    counts = save_batch(engine, ParsedBatch([], ["39000002", "38000000"]), "pubmed")
    assert counts.deleted == 1
    assert _pubs(engine)["39000002"].deleted is True and "38000000" not in _pubs(engine)
    again = save_batch(engine, ParsedBatch([], ["39000002"]), "pubmed")
    assert again.deleted == 0  # already marked: not counted twice
    saved = save_batch(engine, _batch(), "import")  # a saved copy from before the deletion
    assert saved.kept_newer == 1 and _pubs(engine)["39000002"].deleted is True
    back = save_batch(engine, _batch(), "pubmed")  # PubMed itself serves the record again
    assert back.updated == 1 and _pubs(engine)["39000002"].deleted is False


def test_duplicate_pmid_in_one_batch_is_one_row(engine):
    batch = _batch()
    twin = copy.deepcopy(batch.records[0])
    twin.title = "later copy"
    batch.records.append(twin)
    counts = save_batch(engine, batch, "pubmed")
    assert counts.new == 5 and _pubs(engine)["39000001"].title == "later copy"


def test_harvested_record_replaces_a_curated_stand_in(engine):
    batch = _batch()
    batch.records[0].pmid = "22222222"  # a PMID the curated fixture holds
    counts = save_batch(engine, batch, "pubmed")
    assert counts.updated == 1
    row = _pubs(engine)["22222222"]
    assert row.origin == "pubmed" and row.kind == "primary"


def test_counts_and_cursor_committed_with_the_batch(engine):
    run_id = start_run(engine, "pubmed", {})
    save_batch(engine, _batch(), "pubmed", run_id, cursor='{"next_retstart": 5}')
    save_batch(engine, ParsedBatch([], ["39000004"]), "pubmed", run_id, cursor='{"next_retstart": 6}')
    with Session(engine) as s:
        run = s.get(HarvestRun, run_id)
        assert (run.fetched, run.new, run.updated, run.deleted) == (5, 5, 0, 1)
        assert run.cursor == '{"next_retstart": 6}'


def test_import_in_worker_processes_matches_one_process(engine, tmp_path):
    from evidence.db import init_db, make_engine
    from fixtures.pubmed.fake_eutils import document, make_record, templates
    from harvest.pubmed import import_bytes

    parts = templates()
    data = document([make_record(39500001 + i, parts[i % len(parts)]) for i in range(12)], deleted=[39500003])
    pooled = import_bytes(engine, data, "x.xml", start_run(engine, "import-pubmed", {}), chunk=3, workers=2)
    other = make_engine(f"sqlite:///{tmp_path}/single.db")
    init_db(other)
    single = import_bytes(other, data, "x.xml", start_run(other, "import-pubmed", {}), chunk=3, workers=1)
    assert pooled == single and (pooled.new, pooled.deleted) == (12, 1)
    strip = ("first_seen", "last_seen")
    rows = [{k: v for k, v in p.model_dump().items() if k not in strip} for p in _pubs(engine).values()
            if p.pmid.startswith("395")]
    rows_single = [{k: v for k, v in p.model_dump().items() if k not in strip} for p in _pubs(other).values()
                   if p.pmid.startswith("395")]
    assert sorted(rows, key=lambda r: r["pmid"]) == sorted(rows_single, key=lambda r: r["pmid"])
    other.dispose()


def test_medline_copy_does_not_replace_a_stored_xml_record(engine):
    from harvest.pubmed_parse import iter_medline_records

    save_batch(engine, _batch(), "pubmed")
    medline = list(iter_medline_records((FIX / "medline_export.nbib").read_text(encoding="utf-8")))
    links = _links(engine)
    counts = save_batch(engine, ParsedBatch(medline), "import")
    assert (counts.new, counts.updated, counts.unchanged, counts.kept_newer) == (0, 0, 0, 2)
    assert _links(engine) == links  # a refused copy changes nothing, its links included
    row = _pubs(engine)["39000001"]
    assert row.raw_xml.startswith("<PubmedArticle>") and row.origin == "pubmed"
    assert row.mesh_terms[3]["ui"] == "D008180"
