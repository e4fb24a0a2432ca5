"""Trial–publication links, re-derived from what is stored, whichever harvester ran first.

Links come from three places. The PubMed harvester writes ``registry_field``
(DataBankList) and ``abstract_text`` links itself as it parses. This module
derives the rest from stored rows, so running it after any harvest or import
gives the same links in any order:

- ``registry_reference``: a trial's ``referencesModule`` names a PMID. Only
  RESULT and DERIVED references (and references without a type) link: a
  BACKGROUND reference is literature the trial cites, not a report of it,
  and would tie a landmark paper to every trial that cites it. The reference
  type is kept in ``matched_text``. These links are owned here: a reference
  that disappears from the registry record loses its link on the next relink.
- ``registry_field``: a publication's stored ``registry_ids`` whose pair has
  no link yet from the PubMed harvester (e.g. rows loaded by an import).

``PublicationTrialLink`` has no foreign keys, so a link may name a PMID or a
trial not harvested yet; the unique (pmid, registry_id, method) key stores
each link once.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any, NamedTuple

from sqlalchemy import delete, select, tuple_
from sqlmodel import Session

from evidence.models import Publication, PublicationTrialLink, Trial, utcnow
from evidence.registries import PMID_RE, normalise
from evidence.vocab import LinkMethod

log = logging.getLogger(__name__)

LINKED_REFERENCE_TYPES = frozenset({"RESULT", "DERIVED", ""})


class StudyReference(NamedTuple):
    """A PMID in a trial's ``referencesModule`` and its type (RESULT, BACKGROUND, DERIVED)."""

    pmid: str
    type: str


def study_references(study: Any) -> list[StudyReference]:
    """The PMIDs a v2 study's references name (invalid PMIDs dropped), in order, once each."""
    protocol = study.get("protocolSection") if isinstance(study, dict) else None
    module = protocol.get("referencesModule") if isinstance(protocol, dict) else None
    refs = module.get("references") if isinstance(module, dict) else None
    out: dict[str, StudyReference] = {}
    for ref in refs if isinstance(refs, list) else []:
        pmid = str(ref.get("pmid") or "").strip() if isinstance(ref, dict) else ""
        if PMID_RE.match(pmid) and pmid not in out:
            out[pmid] = StudyReference(pmid, str(ref.get("type") or "").strip().upper())
    return list(out.values())


Key = tuple[str, str, str]


def _reference_links(session: Session) -> dict[Key, str]:
    """Every link the stored trials' references support, with its matched text."""
    wanted: dict[Key, str] = {}
    rows = session.execute(select(Trial.registry_id, Trial.raw_json).where(Trial.raw_json.is_not(None)))
    for registry_id, raw in rows:
        try:
            study = json.loads(raw)
        except json.JSONDecodeError:
            log.warning("trial %s: stored raw JSON is unreadable; its references are skipped", registry_id)
            continue
        for ref in study_references(study):
            if ref.type in LINKED_REFERENCE_TYPES:
                wanted[(ref.pmid, registry_id, LinkMethod.REGISTRY_REFERENCE.value)] = ref.type or "reference"
    return wanted


def _field_links(session: Session, existing_pairs: set[tuple[str, str]]) -> dict[Key, str]:
    """Links from publications' stored registry IDs whose pair the PubMed harvester did not link."""
    wanted: dict[Key, str] = {}
    rows = session.execute(select(Publication.pmid, Publication.registry_ids))
    for pmid, registry_ids in rows:
        for raw in registry_ids or []:
            try:
                registry_id = normalise(str(raw))
            except ValueError:
                log.debug("publication %s: %r is not a registry ID", pmid, raw)
                continue
            if (pmid, registry_id) not in existing_pairs:
                wanted[(pmid, registry_id, LinkMethod.REGISTRY_FIELD.value)] = str(raw)
    return wanted


def _add(session: Session, keys: Iterable[Key], texts: dict[Key, str]) -> int:
    """Insert the links in one executemany (ORM objects cost more than deriving the links)."""
    now = utcnow()
    links = [{"pmid": p, "registry_id": r, "method": m, "matched_text": texts[(p, r, m)], "created_at": now}
             for p, r, m in keys]
    if links:
        session.execute(PublicationTrialLink.__table__.insert(), links)
    return len(links)


def relink(session: Session) -> int:
    """(Re)derive the links stored rows support; return how many were added. Idempotent.

    Flushes but does not commit: the caller's transaction decides.
    """
    stored = {(pmid, registry_id, method): link_id for link_id, pmid, registry_id, method in session.execute(
        select(PublicationTrialLink.id, PublicationTrialLink.pmid, PublicationTrialLink.registry_id,
               PublicationTrialLink.method))}
    wanted = _reference_links(session)
    fields = _field_links(session, {(p, r) for p, r, m in stored if m != LinkMethod.REGISTRY_REFERENCE.value})
    wanted.update(fields)
    stale = [key for key in stored if key[2] == LinkMethod.REGISTRY_REFERENCE.value and key not in wanted]
    if stale:
        session.execute(delete(PublicationTrialLink).where(
            tuple_(PublicationTrialLink.pmid, PublicationTrialLink.registry_id, PublicationTrialLink.method)
            .in_(stale)))
        log.info("removed %d registry-reference link(s) no longer in the registry", len(stale))
    added = _add(session, [key for key in wanted if key not in stored], wanted)
    session.flush()
    log.info("linking: %d link(s) added", added)
    return added
