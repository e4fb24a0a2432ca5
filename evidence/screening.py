"""Screening what the harvest brings: the queue, decisions, dual screening and agreement.

Harvested publications (not the curated stand-ins) wait in a queue until a
reviewer decides include, maybe or exclude (with a reason from the team's
list; "other" needs words). Each reviewer has one current decision per record
and stage; every change goes to the audit trail, so a bulk action is recorded
per record. With two reviewers the queue is blind: each sees the records they
have not decided, never the other's decision; disagreements are listed as
conflicts until a resolving decision settles them, and Cohen's kappa measures
each pair's agreement.

Functions take an open ``Session`` and the acting reviewer's name (from
``evidence.identity.current_reviewer``); they flush, the caller commits.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import combinations
from typing import Iterable, Sequence

from sqlalchemy import select
from sqlmodel import Session

from evidence import audit
from evidence.duplicates import duplicate_index
from evidence.formula_safe import starts_like_a_formula
from evidence.models import ExclusionReason, Publication, PublicationTrialLink, ScreeningDecision, Trial, utcnow
from evidence.roles import Action, require_role
from evidence.vocab import PublicationKind, RowOrigin, ScreeningDecision as Decision, ScreeningStage

TA = ScreeningStage.TITLE_ABSTRACT.value
FULL_TEXT = ScreeningStage.FULL_TEXT.value
CONFLICT = "conflict"
_KIND_ORDER = {k.value: i for i, k in enumerate(PublicationKind)}


class ScreeningError(ValueError):
    """A decision the rules do not allow (unknown record, missing reason…); nothing was written."""


@dataclass(frozen=True)
class TrialLink:
    registry_id: str
    method: str  # vocab.LinkMethod
    in_base: bool  # the trial is one the store holds


@dataclass(frozen=True)
class QueueItem:
    """A record waiting for a decision, with what a reviewer needs to decide it."""

    pmid: str
    title: str
    journal: str
    pub_date: str
    kind: str
    abstract: str
    doi: str | None
    registry_ids: tuple[str, ...]
    trials: tuple[TrialLink, ...]
    duplicate_of: tuple[str, ...]  # records (pmid:…, report:…) it matches by PMID, DOI or title

    @property
    def cites_base_trial(self) -> bool:
        return any(t.in_base for t in self.trials)


@dataclass(frozen=True)
class Conflict:
    pmid: str
    stage: str
    decisions: dict[str, str]  # reviewer → decision (with reason: "exclude:review")


@dataclass(frozen=True)
class PairAgreement:
    reviewers: tuple[str, str]
    records: int  # records both decided
    agreement: float | None  # observed proportion of agreement
    kappa: float | None  # None when undefined (no records, or both always gave one same answer)


# --- exclusion reasons (the team's list) -------------------------------------------------------------


def exclusion_reasons(session: Session, active_only: bool = True) -> list[ExclusionReason]:
    stmt = select(ExclusionReason).order_by(ExclusionReason.position, ExclusionReason.code)
    if active_only:
        stmt = stmt.where(ExclusionReason.active.is_(True))
    return list(session.execute(stmt).scalars())


def save_exclusion_reason(session: Session, code: str, label: str, *, reviewer: str, needs_text: bool = False,
                          active: bool = True, why: str = "") -> ExclusionReason:
    """Add a reason or change one (retire it with ``active=False``: decisions that used it keep it)."""
    require_role(session, reviewer, Action.CONFIGURE)
    code = code.strip()
    if not code or not label.strip():
        raise ScreeningError("an exclusion reason needs a code and a label")
    for name, text in (("code", code), ("label", label.strip())):
        if starts_like_a_formula(text):  # it goes into PRISMA CSVs that reviewers open in spreadsheets
            raise ScreeningError(f"an exclusion reason's {name} may not begin with = + - or @ (a spreadsheet "
                                 f"would run {text!r} as a formula); begin it with a word")
    row = session.get(ExclusionReason, code)
    before = audit.snapshot(row, skip=())
    if row is None:
        position = len(exclusion_reasons(session, active_only=False))
        row = ExclusionReason(code=code, label=label.strip(), needs_text=needs_text, active=active,
                              position=position)
        session.add(row)
    else:
        row.label, row.needs_text, row.active = label.strip(), needs_text, active
    session.flush()
    audit.record_change(session, reviewer=reviewer, entity="exclusion_reason", entity_id=code, before=before,
                        after=audit.snapshot(row, skip=()), why=why)
    return row


# --- the queue --------------------------------------------------------------------------------------


def harvested(session: Session) -> list[Publication]:
    """Publications the harvest brought (curated stand-ins and deleted records are not screened)."""
    return list(session.execute(select(Publication).where(Publication.origin != RowOrigin.CURATED.value,
                                                          Publication.deleted.is_(False))).scalars())


def _decisions(session: Session, stage: str) -> list[ScreeningDecision]:
    return list(session.execute(select(ScreeningDecision).where(ScreeningDecision.stage == stage)).scalars())


def screening_queue(session: Session, *, reviewer: str | None = None, stage: str = TA, order: str = "relevance",
                    kinds: Iterable[str] | None = None, limit: int | None = None,
                    contains: str = "") -> list[QueueItem]:
    """Records waiting for a decision: by ``reviewer`` (blind to others), or by anyone when None.

    ``order="relevance"``: primary clinical reports first, and within each
    kind the records that cite a trial of the base; newest first after that.
    ``order="newest"``: by publication date. At the full-text stage only
    records that passed title/abstract screening (include or maybe) wait.
    ``contains`` keeps the records whose title or abstract holds those words
    (case ignored): the filtered set a bulk action applies to.
    """
    ScreeningStage.parse(stage)
    if order not in ("relevance", "newest"):
        raise ScreeningError(f"unknown order {order!r}; expected relevance or newest")
    decided = {d.pmid for d in _decisions(session, stage) if reviewer is None or d.reviewer == reviewer}
    passed = None
    if stage == FULL_TEXT:
        passed = {p for p, d in final_decisions(session, TA).items() if d in (Decision.INCLUDE, Decision.MAYBE)}
    wanted_kinds = set(kinds) if kinds is not None else None
    words = " ".join(contains.lower().split())
    pubs = [p for p in harvested(session) if p.pmid not in decided and (passed is None or p.pmid in passed)
            and (wanted_kinds is None or p.kind in wanted_kinds)
            and (not words or words in " ".join(f"{p.title} {p.abstract}".lower().split()))]
    items = _items(session, pubs)
    first_seen = {p.pmid: p.first_seen for p in pubs}
    newest = sorted(items, key=lambda i: (i.pub_date, first_seen[i.pmid], i.pmid), reverse=True)
    if order == "relevance":
        newest.sort(key=lambda i: (i.kind != PublicationKind.PRIMARY, not i.cites_base_trial,
                                   _KIND_ORDER.get(i.kind, 99)))
    return newest[:limit] if limit is not None else newest


def _items(session: Session, pubs: Sequence[Publication]) -> list[QueueItem]:
    links = _trial_links(session, [p.pmid for p in pubs])
    dups = duplicate_index(session)
    return [QueueItem(p.pmid, p.title, p.journal, p.pub_date, p.kind, p.abstract, p.doi, tuple(p.registry_ids),
                      links.get(p.pmid, ()), tuple(dups.get(f"pmid:{p.pmid}", ()))) for p in pubs]


def records(session: Session, pmids: Iterable[str]) -> dict[str, QueueItem]:
    """Stored records by PMID, with their trial links and duplicates (unknown PMIDs are left out)."""
    pubs = [p for p in (session.get(Publication, pmid) for pmid in dict.fromkeys(pmids)) if p is not None]
    return {item.pmid: item for item in _items(session, pubs)}


def _trial_links(session: Session, pmids: Sequence[str]) -> dict[str, tuple[TrialLink, ...]]:
    trials = set(session.execute(select(Trial.registry_id)).scalars())
    out: dict[str, dict[str, TrialLink]] = defaultdict(dict)
    for link in session.execute(select(PublicationTrialLink).order_by(PublicationTrialLink.id)).scalars():
        if link.registry_id not in out[link.pmid]:
            out[link.pmid][link.registry_id] = TrialLink(link.registry_id, link.method, link.registry_id in trials)
    wanted = set(pmids)
    return {p: tuple(v.values()) for p, v in out.items() if p in wanted}


# --- decisions --------------------------------------------------------------------------------------


def _check(session: Session, pmid: str, decision: str, reason: str | None, reason_text: str) -> None:
    Decision.parse(decision)
    if session.get(Publication, pmid) is None:
        raise ScreeningError(f"no record with PMID {pmid!r}")
    if decision != Decision.EXCLUDE:
        if reason:
            raise ScreeningError(f"{pmid}: a reason is given only to exclude")
        return
    if not reason:
        raise ScreeningError(f"{pmid}: an exclusion needs a reason")
    known = session.get(ExclusionReason, reason)
    if known is None or not known.active:
        options = ", ".join(r.code for r in exclusion_reasons(session))
        raise ScreeningError(f"{pmid}: unknown exclusion reason {reason!r}; expected one of: {options}")
    if known.needs_text and not reason_text.strip():
        raise ScreeningError(f"{pmid}: the reason {reason!r} needs a few words saying why")


def decide(session: Session, pmid: str, decision: str, *, reviewer: str, reason: str | None = None,
           reason_text: str = "", stage: str = TA, why: str = "", resolves_conflict: bool = False,
           change: str | None = None) -> ScreeningDecision:
    """Record (or change) ``reviewer``'s decision on a record; the change goes to the audit trail."""
    require_role(session, reviewer, Action.RESOLVE if resolves_conflict else Action.SCREEN)
    ScreeningStage.parse(stage)
    reason = reason or None
    _check(session, pmid, decision, reason, reason_text)
    row = session.execute(select(ScreeningDecision).where(
        ScreeningDecision.pmid == pmid, ScreeningDecision.reviewer == reviewer,
        ScreeningDecision.stage == stage)).scalar_one_or_none()
    before = audit.snapshot(row)
    if row is None:
        row = ScreeningDecision(pmid=pmid, reviewer=reviewer, stage=stage, decision=decision)
        session.add(row)
    row.decision, row.reason, row.reason_text = decision, reason, reason_text.strip()
    row.resolves_conflict, row.decided_at = resolves_conflict, utcnow()
    session.flush()
    audit.record_change(session, reviewer=reviewer, entity="screening", entity_id=f"{pmid}|{reviewer}|{stage}",
                        before=before, after=audit.snapshot(row), why=why, change=change)
    return row


def bulk_decide(session: Session, pmids: Iterable[str], decision: str, *, reviewer: str,
                reason: str | None = None, reason_text: str = "", stage: str = TA, why: str = "") -> str:
    """One decision for a filtered set, recorded per record as one undoable action; returns its id.

    Every record is checked before any is written: one bad PMID writes nothing.
    """
    pmids = list(dict.fromkeys(pmids))
    for pmid in pmids:
        _check(session, pmid, decision, reason or None, reason_text)
    change = audit.new_change()
    for pmid in pmids:
        decide(session, pmid, decision, reviewer=reviewer, reason=reason, reason_text=reason_text, stage=stage,
               why=why, change=change)
    return change


def visible_decisions(session: Session, pmid: str, viewer: str, *, stage: str = TA,
                      blind: bool = True) -> list[ScreeningDecision]:
    """The decisions on a record ``viewer`` may see: their own only while screening is blind."""
    stmt = select(ScreeningDecision).where(ScreeningDecision.pmid == pmid, ScreeningDecision.stage == stage)
    if blind:
        stmt = stmt.where(ScreeningDecision.reviewer == viewer)
    return list(session.execute(stmt).scalars())


# --- dual screening ---------------------------------------------------------------------------------


def _answer(d: ScreeningDecision) -> str:
    return f"{d.decision}:{d.reason}" if d.reason else d.decision


def settled(decisions: Sequence[ScreeningDecision]) -> ScreeningDecision | None:
    """The decision that stands for one record: the last resolving one, else the reviewers' common one.

    None while the reviewers disagree. Of unanimous exclusions with different
    reasons, the first reason in code order stands (PRISMA counts one reason).
    """
    resolving = sorted((d for d in decisions if d.resolves_conflict), key=lambda d: (_aware(d.decided_at), d.id))
    if resolving:
        return resolving[-1]
    if decisions and len({d.decision for d in decisions}) == 1:
        return min(decisions, key=lambda d: (d.reason or "", d.reviewer))
    return None


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def settled_decisions(session: Session, stage: str = TA) -> dict[str, ScreeningDecision | None]:
    """Each decided record → its standing decision (None while in conflict)."""
    by_record: dict[str, list[ScreeningDecision]] = defaultdict(list)
    for d in _decisions(session, stage):
        by_record[d.pmid].append(d)
    return {pmid: settled(ds) for pmid, ds in by_record.items()}


def final_decisions(session: Session, stage: str = TA) -> dict[str, str]:
    """Each decided record's outcome: include, maybe, exclude, or "conflict"."""
    return {pmid: d.decision if d else CONFLICT for pmid, d in settled_decisions(session, stage).items()}


def conflicts(session: Session, stage: str = TA) -> list[Conflict]:
    """Records the reviewers decided differently and nobody has settled yet."""
    finals = final_decisions(session, stage)
    by_record: dict[str, dict[str, str]] = defaultdict(dict)
    for d in _decisions(session, stage):
        if finals.get(d.pmid) == CONFLICT:
            by_record[d.pmid][d.reviewer] = _answer(d)
    return [Conflict(pmid, stage, dict(sorted(v.items()))) for pmid, v in sorted(by_record.items())]


def cohens_kappa(first: Sequence[str], second: Sequence[str]) -> float | None:
    """Cohen's kappa of two raters' answers on the same items; None when undefined (chance agreement 1)."""
    if len(first) != len(second):
        raise ValueError("both raters must rate the same items")
    n = len(first)
    if n == 0:
        return None
    observed = sum(a == b for a, b in zip(first, second)) / n
    categories = set(first) | set(second)
    expected = sum((list(first).count(c) / n) * (list(second).count(c) / n) for c in categories)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def agreement(session: Session, stage: str = TA) -> list[PairAgreement]:
    """Cohen's kappa (include / maybe / exclude) for every pair of reviewers, on the records both decided.

    Resolving decisions are left out: they are adjudication, not screening.
    """
    answers: dict[str, dict[str, str]] = defaultdict(dict)
    for d in _decisions(session, stage):
        if not d.resolves_conflict:
            answers[d.reviewer][d.pmid] = d.decision
    out = []
    for a, b in combinations(sorted(answers), 2):
        common = sorted(set(answers[a]) & set(answers[b]))
        first, second = [answers[a][p] for p in common], [answers[b][p] for p in common]
        observed = sum(x == y for x, y in zip(first, second)) / len(common) if common else None
        out.append(PairAgreement((a, b), len(common), observed, cohens_kappa(first, second)))
    return out


__all__ = [
    "CONFLICT", "Conflict", "PairAgreement", "QueueItem", "ScreeningError", "TrialLink", "agreement",
    "bulk_decide", "cohens_kappa", "conflicts", "decide", "exclusion_reasons", "final_decisions", "harvested",
    "records", "save_exclusion_reason", "screening_queue", "settled", "settled_decisions", "visible_decisions",
]
