"""The "what's new" digest: new publications, new trials, trial changes and retractions since a date.

One function builds it from the store; the CLI renders it as text, Markdown
or JSON for cron mail, and the app shows the same object, so what the mail
says and what the page shows cannot drift apart.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

from sqlalchemy import select
from sqlmodel import Session

from evidence import models
from evidence.i18n import DEFAULT_LANGUAGE, N_, translator
from evidence.vocab import HARVEST_RUN_SOURCES, HarvestStatus, PublicationKind, RowOrigin, RunSource


CHANGE_WORDS = {
    "status": N_("status"),
    "phases": N_("phase"),
    "enrollment": N_("enrollment"),
    "enrollment_type": N_("enrollment type"),
    "start_date": N_("start date"),
    "primary_completion_date": N_("primary completion date"),
    "completion_date": N_("completion date"),
    "has_results": N_("results posted"),
}


@dataclass
class Digest:
    since: datetime | None
    last_update: datetime | None
    new_publications: list[dict] = field(default_factory=list)
    new_trials: list[dict] = field(default_factory=list)
    trial_changes: list[dict] = field(default_factory=list)
    retractions: list[dict] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.new_publications or self.new_trials or self.trial_changes or self.retractions)

    def publications_by_kind(self) -> dict[str, list[dict]]:
        grouped: dict[str, list[dict]] = {}
        for pub in self.new_publications:
            grouped.setdefault(pub["kind"], []).append(pub)
        order = [k.value for k in PublicationKind]
        return {k: grouped[k] for k in sorted(grouped, key=lambda k: order.index(k) if k in order else 99)}


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def last_successful_update(session: Session) -> datetime | None:
    """When a registry harvest last succeeded (the data's "last updated")."""
    run = session.execute(
        select(models.HarvestRun).where(models.HarvestRun.source.in_(HARVEST_RUN_SOURCES),
                                        models.HarvestRun.status == HarvestStatus.SUCCEEDED.value)
        .order_by(models.HarvestRun.finished_at.desc()).limit(1)).scalar_one_or_none()
    return _aware(run.finished_at) if run else None


def last_update_start(session: Session) -> datetime | None:
    """Start of the last `evidence update` (or, without one, of the last successful harvest).

    "What's new since the last run" is what that update brought: everything
    first seen or changed from its start on.
    """
    update = session.execute(
        select(models.HarvestRun).where(models.HarvestRun.source == RunSource.UPDATE.value,
                                        models.HarvestRun.finished_at.is_not(None))
        .order_by(models.HarvestRun.started_at.desc()).limit(1)).scalar_one_or_none()
    if update is not None:
        return _aware(update.started_at)
    run = session.execute(
        select(models.HarvestRun).where(models.HarvestRun.source.in_(HARVEST_RUN_SOURCES),
                                        models.HarvestRun.status == HarvestStatus.SUCCEEDED.value)
        .order_by(models.HarvestRun.started_at.desc()).limit(1)).scalar_one_or_none()
    return _aware(run.started_at) if run else None


def whats_new(session: Session, since: datetime | None) -> Digest:
    """Everything first seen or changed at or after ``since`` (everything when None)."""
    since = _aware(since)
    pubs = select(models.Publication).where(models.Publication.origin != RowOrigin.CURATED.value)
    trials = select(models.Trial).where(models.Trial.origin != RowOrigin.CURATED.value)
    changes = select(models.TrialChange).order_by(models.TrialChange.observed_at, models.TrialChange.id)
    if since is not None:
        pubs = pubs.where(models.Publication.first_seen >= since)
        trials = trials.where(models.Trial.first_seen >= since)
        changes = changes.where(models.TrialChange.observed_at >= since)
    titles = dict(session.execute(select(models.Trial.registry_id, models.Trial.brief_title)).all())
    retracted = select(models.Publication).where(models.Publication.retracted.is_(True))
    if since is not None:
        retracted = retracted.where(models.Publication.retraction_seen >= since)
    in_base = set(session.execute(select(models.Report.pmid).where(models.Report.pmid.is_not(None))).scalars())
    return Digest(
        since=since,
        last_update=last_successful_update(session),
        new_publications=[
            {"pmid": p.pmid, "title": p.title, "journal": p.journal, "pub_date": p.pub_date, "kind": p.kind,
             "diseases": list(p.diseases), "first_seen": _aware(p.first_seen)}
            for p in session.execute(pubs.order_by(models.Publication.first_seen)).scalars()],
        new_trials=[
            {"registry_id": t.registry_id, "brief_title": t.brief_title, "status": t.status,
             "phases": list(t.phases), "sponsor": t.sponsor, "first_seen": _aware(t.first_seen)}
            for t in session.execute(trials.order_by(models.Trial.first_seen)).scalars()],
        trial_changes=[
            {"registry_id": c.registry_id, "brief_title": titles.get(c.registry_id, ""), "field": c.field,
             "old": c.old, "new": c.new, "observed_at": _aware(c.observed_at)}
            for c in session.execute(changes).scalars()],
        retractions=[
            {"pmid": p.pmid, "title": p.title, "journal": p.journal, "pub_date": p.pub_date,
             "in_evidence_base": p.pmid in in_base, "notices": _retraction_notices(p.corrections),
             "seen": _aware(p.retraction_seen)}
            for p in session.execute(retracted.order_by(models.Publication.retraction_seen,
                                                        models.Publication.pmid)).scalars()],
    )


def _retraction_notices(corrections: list[dict]) -> str:
    """'PMID 39100002 (Lupus Sci Med. 2025…)' for each RetractionIn notice."""
    return "; ".join(f"PMID {c.get('pmid') or '?'} ({c.get('source', '')})".replace(" ()", "")
                     for c in corrections or [] if c.get("type") == "RetractionIn")


def describe_change(change: dict, lang: str = DEFAULT_LANGUAGE) -> str:
    """One line a rheumatologist can read: 'status: RECRUITING → COMPLETED' (in ``lang``; values as registered)."""
    _ = translator(lang)
    what = _(CHANGE_WORDS.get(change["field"], change["field"]))
    if change["field"] == "has_results" and str(change["new"]).lower() in ("true", "1"):
        return _("results posted")
    return f"{what}: {change['old'] or '—'} → {change['new'] or '—'}"


def _kind_label(kind: str) -> str:
    try:
        return PublicationKind(kind).label
    except ValueError:
        return kind


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|"})


def render_text(digest: Digest, markdown: bool = False) -> str:
    """Plain text (or Markdown, with harvested text escaped) for a cron mail."""
    if markdown:
        digest = _escaped(digest)
    h = "## " if markdown else ""
    bullet = "- " if markdown else "  * "
    since = digest.since.strftime("%Y-%m-%d %H:%M UTC") if digest.since else "the beginning"
    lines = [f"{'# ' if markdown else ''}What's new since {since}", ""]
    if digest.last_update:
        lines += [f"Last successful update: {digest.last_update:%Y-%m-%d %H:%M UTC}", ""]
    lines.append(f"{h}New publications ({len(digest.new_publications)})")
    for kind, pubs in digest.publications_by_kind().items():
        lines.append(f"{'### ' if markdown else ''}{_kind_label(kind)} ({len(pubs)})")
        lines += [f"{bullet}PMID {p['pmid']}: {p['title']} ({p['journal']}, {p['pub_date']})" for p in pubs]
    lines += ["", f"{h}New trials ({len(digest.new_trials)})"]
    lines += [f"{bullet}{t['registry_id']}: {t['brief_title']} [{t['status'] or 'status unknown'}]"
              for t in digest.new_trials]
    lines += ["", f"{h}Trial changes ({len(digest.trial_changes)})"]
    lines += [f"{bullet}{c['registry_id']} ({c['brief_title']}): {describe_change(c)}"
              f" (seen {c['observed_at']:%Y-%m-%d})" for c in digest.trial_changes]
    if digest.retractions:
        lines += ["", f"{h}Retracted publications ({len(digest.retractions)})"]
        lines += [f"{bullet}PMID {r['pmid']}: {r['title']} ({r['journal']}, {r['pub_date']}) was retracted"
                  + (": a report in the evidence base" if r["in_evidence_base"] else "")
                  + (f"; notice {r['notices']}" if r["notices"] else "") for r in digest.retractions]
    if digest.empty:
        lines += ["", "Nothing new."]
    return "\n".join(lines) + "\n"


def _escaped(digest: Digest) -> Digest:
    """A copy whose harvested strings cannot inject Markdown (links, HTML, headings)."""
    def clean(rows: list[dict]) -> list[dict]:
        return [{k: v.translate(_MD_SPECIAL) if isinstance(v, str) else v for k, v in row.items()} for row in rows]

    return Digest(digest.since, digest.last_update, clean(digest.new_publications), clean(digest.new_trials),
                  clean(digest.trial_changes), clean(digest.retractions))


def render_json(digest: Digest) -> str:
    def default(value):
        return value.isoformat() if isinstance(value, datetime) else str(value)

    payload = asdict(digest)
    payload["new_publications_by_kind"] = {k: len(v) for k, v in digest.publications_by_kind().items()}
    return json.dumps(payload, default=default, indent=2, ensure_ascii=False)
