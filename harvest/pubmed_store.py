"""Writing PubMed records to the store: upsert on PMID, classification, trial links.

One call, ``save_batch``, writes a batch of records, its ``DeleteCitation``
notices, the run's counters and its resume cursor in one transaction. A run
that dies mid-way therefore leaves whole batches and a cursor that matches
them, never half a batch. Upserts are idempotent: fetching a record again
changes nothing unless PubMed changed it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from sqlalchemy import Engine, delete, insert, select, update
from sqlmodel import Session

from evidence.models import HarvestRun, Publication, PublicationTrialLink, utcnow
from evidence.vocab import LinkMethod
from harvest.classify import classify
from harvest.pubmed_kind import classify_kind
from harvest.pubmed_parse import ParsedBatch, PubmedRecord, RegistryMention, gc_paused

log = logging.getLogger(__name__)

#: Link methods this harvester owns; manual and registry-side links are never touched.
AUTO_METHODS = (LinkMethod.REGISTRY_FIELD.value, LinkMethod.ABSTRACT_TEXT.value)
_CONTENT = ("title", "abstract", "journal", "journal_iso", "pub_date", "pub_year", "doi", "pmcid", "authors",
            "publication_types", "mesh_terms", "keywords", "language", "registry_ids", "kind", "diseases",
            "targets", "car_construct", "population", "deleted", "raw_xml")


@dataclass
class BatchCounts:
    fetched: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    def add(self, other: BatchCounts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


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
    }


def prepare(batch: ParsedBatch) -> PreparedBatch:
    """Classify a parsed batch (CPU work that can run in another process than the writes)."""
    with gc_paused():
        return PreparedBatch([Prepared(r.pmid, record_values(r), r.registry_mentions) for r in batch.records],
                             batch.deleted)


def _upsert_records(session: Session, records: list[Prepared], origin: str, now: datetime) -> BatchCounts:
    """Insert new rows, update changed ones, touch last_seen of the rest: a few bulk statements."""
    counts = BatchCounts(fetched=len(records))
    latest = {r.pmid: r for r in records}  # a PMID twice in one batch: the later copy wins
    columns = [getattr(Publication, c) for c in _CONTENT]
    existing = {row[0]: dict(zip(_CONTENT, row[1:], strict=True)) for row in session.execute(
        select(Publication.pmid, *columns).where(Publication.pmid.in_(list(latest))))}
    new, changed, unchanged = [], [], []
    for pmid, rec in latest.items():
        old = existing.get(pmid)
        if old is None:
            new.append({"pmid": pmid, "origin": origin, "first_seen": now, "last_seen": now, **rec.values})
        elif _poorer(rec.values["raw_xml"], old["raw_xml"]):
            unchanged.append(pmid)
        elif any(old[k] != rec.values[k] for k in _CONTENT):
            log.debug("PMID %s changed: %s", pmid, ", ".join(k for k in _CONTENT if old[k] != rec.values[k]))
            changed.append({"pmid": pmid, "origin": origin, "last_seen": now, **rec.values})
        else:
            unchanged.append(pmid)
    if new:
        session.execute(insert(Publication), new)
    if changed:
        session.execute(update(Publication), changed)
    if unchanged:
        session.execute(update(Publication).where(Publication.pmid.in_(unchanged)).values(last_seen=now)
                        .execution_options(synchronize_session=False))
    counts.new, counts.updated, counts.unchanged = len(new), len(changed), len(unchanged)
    _sync_links(session, list(latest.values()), now)
    return counts


def _poorer(incoming: str | None, stored: str | None) -> bool:
    """MEDLINE text is not allowed to replace a stored XML record (XML has MeSH UIs, labels, exact dates)."""
    return bool(incoming and stored) and not incoming.startswith("<") and stored.startswith("<")


def _sync_links(session: Session, records: list[Prepared], now: datetime) -> None:
    """Make the automatic links of these PMIDs exactly the IDs their records name now."""
    wanted = {(r.pmid, m.registry_id, m.method): m.matched_text for r in records for m in r.mentions}
    current = {(link.pmid, link.registry_id, link.method): link.id for link in session.execute(
        select(PublicationTrialLink.id, PublicationTrialLink.pmid, PublicationTrialLink.registry_id,
               PublicationTrialLink.method).where(PublicationTrialLink.pmid.in_([r.pmid for r in records]),
                                                  PublicationTrialLink.method.in_(AUTO_METHODS)))}
    stale = [link_id for key, link_id in current.items() if key not in wanted]
    if stale:
        session.execute(delete(PublicationTrialLink).where(PublicationTrialLink.id.in_(stale)))
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


def save_batch(engine: Engine, batch: ParsedBatch | PreparedBatch, origin: str, run_id: int | None = None,
               cursor: str | None = None) -> BatchCounts:
    """Upsert a batch and, in the same transaction, add its counts and cursor to the run row."""
    if isinstance(batch, ParsedBatch):
        batch = prepare(batch)
    now = utcnow()
    with gc_paused(), Session(engine) as session, session.begin():
        counts = _upsert_records(session, batch.records, origin, now)
        session.flush()
        counts.deleted = _mark_deleted(session, batch.deleted, now)
        if run_id is not None:
            run = session.get(HarvestRun, run_id)
            run.fetched += counts.fetched
            run.new += counts.new
            run.updated += counts.updated
            run.deleted += counts.deleted
            if cursor is not None:
                run.cursor = cursor
    return counts
