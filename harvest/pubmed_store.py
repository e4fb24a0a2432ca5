"""Writing PubMed records to the store: upsert on PMID, classification, trial links.

One call, ``save_batch``, writes a batch of records, its ``DeleteCitation``
notices, the run's counters and its resume cursor in one transaction (through
the batch writer both registries share, :func:`harvest.runs.write_batch`). A run
that dies mid-way therefore leaves whole batches and a cursor that matches
them, never half a batch. Upserts are idempotent: fetching a record again
changes nothing unless PubMed changed it.

Of two copies of a record the better one is kept, whatever the order they
come in: XML over MEDLINE text (MeSH UIs, labels, exact dates), then the
higher PMID version, then the later DateRevised, then the later export (the
DTD its file names: PubmedData such as PMC IDs changes without a new
DateRevised). A copy that loses changes
nothing (row, links, flags) and is counted as ``kept_newer``; so does a saved
copy of a record PubMed has since deleted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from sqlalchemy import Engine, delete, insert, select, update
from sqlmodel import Session

from evidence.models import Publication, PublicationTrialLink, utcnow
from evidence.vocab import LinkMethod, RowOrigin
from harvest.classify import classify
from harvest.pubmed_kind import classify_kind
from harvest.pubmed_parse import ParsedBatch, PubmedRecord, RegistryMention, gc_paused
from harvest.runs import RunCounts, write_batch

log = logging.getLogger(__name__)

#: Link methods this harvester owns; manual and registry-side links are never touched.
AUTO_METHODS = (LinkMethod.REGISTRY_FIELD.value, LinkMethod.ABSTRACT_TEXT.value)
_CONTENT = ("title", "abstract", "journal", "journal_iso", "pub_date", "pub_year", "doi", "pmcid", "authors",
            "publication_types", "mesh_terms", "keywords", "language", "registry_ids", "kind", "diseases",
            "targets", "car_construct", "population", "deleted", "raw_xml", "date_revised", "pmid_version",
            "dtd_date", "retracted", "corrections")


@dataclass
class Prepared:
    """A record ready to write: its column values (classification included) and its registry mentions."""

    pmid: str
    values: dict
    mentions: list[RegistryMention]


@dataclass
class PreparedBatch:
    records: list[Prepared] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


def record_values(rec: PubmedRecord) -> dict:
    """The Publication columns for a record, classification included."""
    mesh = [m["descriptor"] for m in rec.mesh_terms]
    c = classify(rec.title, rec.abstract, "; ".join(rec.keywords), "; ".join(mesh))
    return {
        "title": rec.title, "abstract": rec.abstract, "journal": rec.journal, "journal_iso": rec.journal_iso,
        "pub_date": rec.pub_date, "pub_year": rec.pub_year, "doi": rec.doi, "pmcid": rec.pmcid,
        "authors": rec.authors, "publication_types": rec.publication_types, "mesh_terms": rec.mesh_terms,
        "keywords": rec.keywords, "language": rec.language, "registry_ids": rec.registry_ids,
        "kind": classify_kind(rec.publication_types, rec.title, rec.abstract, mesh).value,
        "diseases": list(c.diseases), "targets": list(c.targets), "car_construct": c.construct,
        "population": c.population, "deleted": False, "raw_xml": rec.raw,
        "date_revised": rec.date_revised, "pmid_version": rec.version, "dtd_date": rec.dtd_date,
        "retracted": rec.retracted,
        "corrections": [c._asdict() for c in rec.corrections],
    }


def prepare(batch: ParsedBatch) -> PreparedBatch:
    """Classify a parsed batch (CPU work that can run in another process than the writes)."""
    with gc_paused():
        return PreparedBatch([Prepared(r.pmid, record_values(r), r.registry_mentions) for r in batch.records],
                             batch.deleted)


def _rank(values: dict) -> tuple[bool, int, str, str]:
    """Which copy of a record is better: XML over MEDLINE, the PMID version, DateRevised, the later export."""
    return (bool(values["raw_xml"]) and values["raw_xml"].startswith("<"), values["pmid_version"] or 1,
            values["date_revised"] or "", values["dtd_date"] or "")


def _best_per_pmid(records: list[Prepared]) -> dict[str, Prepared]:
    """One copy per PMID: the best-ranked, the later one of equals (as a later batch would do)."""
    best: dict[str, Prepared] = {}
    for rec in records:
        held = best.get(rec.pmid)
        if held is None or _rank(rec.values) >= _rank(held.values):
            best[rec.pmid] = rec
    return best


def _upsert_records(session: Session, records: list[Prepared], origin: str, now: datetime) -> RunCounts:
    """Insert new rows, update changed ones, touch last_seen of the rest: a few bulk statements."""
    counts = RunCounts(fetched=len(records))
    latest = _best_per_pmid(records)
    counts.repeated = len(records) - len(latest)
    if counts.repeated:
        log.warning("%d repeated PMID(s) in one batch; the best copy of each is used", counts.repeated)
    columns = [getattr(Publication, c) for c in _CONTENT]
    existing = {row[0]: dict(zip(_CONTENT, row[1:], strict=True)) for row in session.execute(
        select(Publication.pmid, *columns).where(Publication.pmid.in_(list(latest))))}
    new, changed, unchanged, kept = [], [], [], []
    for pmid, rec in latest.items():
        old = existing.get(pmid)
        if old is None:
            seen = now if rec.values["retracted"] else None
            new.append({"pmid": pmid, "origin": origin, "first_seen": now, "last_seen": now,
                        "retraction_seen": seen, **rec.values})
        # A saved copy of a record PubMed has since deleted cannot undo the deletion (a harvest can).
        elif _rank(rec.values) < _rank(old) or (old["deleted"] and origin == RowOrigin.IMPORT
                                                 and _rank(rec.values) == _rank(old)):
            log.info("PMID %s: the stored copy (revised %s) is newer or richer than this one (revised %s); kept",
                     pmid, old["date_revised"] or "?", rec.values["date_revised"] or "?")
            kept.append(pmid)
        elif any(old[k] != rec.values[k] for k in _CONTENT):
            log.debug("PMID %s changed: %s", pmid, ", ".join(k for k in _CONTENT if old[k] != rec.values[k]))
            row = {"pmid": pmid, "origin": origin, "last_seen": now, **rec.values}
            if rec.values["retracted"] != bool(old["retracted"]):
                row["retraction_seen"] = now if rec.values["retracted"] else None
            changed.append(row)
        else:
            unchanged.append(pmid)
    if new:
        session.execute(Publication.__table__.insert(), new)  # Core: one executemany, not a row each
    if changed:
        for keys, rows in _same_keys(changed).items():
            session.execute(update(Publication), rows)
    if unchanged or kept:
        session.execute(update(Publication).where(Publication.pmid.in_(unchanged + kept)).values(last_seen=now)
                        .execution_options(synchronize_session=False))
    counts.new, counts.updated, counts.unchanged, counts.kept_newer = len(new), len(changed), len(unchanged), len(kept)
    refused = set(kept)
    _sync_links(session, [rec for pmid, rec in latest.items() if pmid not in refused], now)
    return counts


def _same_keys(rows: list[dict]) -> dict[tuple[str, ...], list[dict]]:
    """Rows grouped by their set of columns (a bulk UPDATE needs the same columns in every row)."""
    groups: dict[tuple[str, ...], list[dict]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    return groups


def _sync_links(session: Session, records: list[Prepared], now: datetime) -> None:
    """Make the automatic links of these PMIDs exactly the IDs their records name now."""
    wanted = {(r.pmid, m.registry_id, m.method): m.matched_text for r in records for m in r.mentions}
    current = {(link.pmid, link.registry_id, link.method): (link.id, link.matched_text) for link in session.execute(
        select(PublicationTrialLink.id, PublicationTrialLink.pmid, PublicationTrialLink.registry_id,
               PublicationTrialLink.method, PublicationTrialLink.matched_text)
        .where(PublicationTrialLink.pmid.in_([r.pmid for r in records]),
               PublicationTrialLink.method.in_(AUTO_METHODS)))}
    stale = [link_id for key, (link_id, _) in current.items() if key not in wanted]
    if stale:
        session.execute(delete(PublicationTrialLink).where(PublicationTrialLink.id.in_(stale)))
    retexted = [{"id": link_id, "matched_text": wanted[key]} for key, (link_id, text) in current.items()
                if key in wanted and wanted[key] != text]  # e.g. the XML copy replaced the MEDLINE one
    if retexted:
        session.execute(update(PublicationTrialLink), retexted)
    missing = [{"pmid": p, "registry_id": rid, "method": m, "matched_text": text, "created_at": now}
               for (p, rid, m), text in wanted.items() if (p, rid, m) not in current]
    if missing:
        session.execute(insert(PublicationTrialLink), missing)


def _mark_deleted(session: Session, pmids: list[str], now: datetime) -> int:
    """Flag rows PubMed deleted; they stay in the store so nothing vanishes silently."""
    marked = 0
    for pmid in dict.fromkeys(pmids):
        row = session.get(Publication, pmid)
        if row is None:
            log.info("PubMed deleted PMID %s, which is not in the store", pmid)
            continue
        if not row.deleted:
            row.deleted, row.last_seen = True, now
            marked += 1
            log.info("PubMed deleted PMID %s: marked deleted", pmid)
    return marked


def store_batch(session: Session, batch: PreparedBatch, origin: str) -> RunCounts:
    """Upsert a prepared batch and apply its deletions in the caller's transaction."""
    now = utcnow()
    counts = _upsert_records(session, batch.records, origin, now)
    session.flush()
    counts.deleted = _mark_deleted(session, batch.deleted, now)
    return counts


def save_batch(engine: Engine, batch: ParsedBatch | PreparedBatch, origin: str, run_id: int | None = None,
               cursor: str | None = None) -> RunCounts:
    """Upsert a batch and, in the same transaction, add its counts and cursor to the run row."""
    prepared = prepare(batch) if isinstance(batch, ParsedBatch) else batch
    with gc_paused():
        return write_batch(engine, run_id, cursor, lambda session: store_batch(session, prepared, origin))
