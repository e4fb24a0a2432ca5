"""Extraction: from an included record to a report, a cohort and sourced numbers, each change audited.

The rules are the curated loader's (``evidence.curated_format`` column specs:
codes from the vocabulary, ID formats, required source; events ≤ patients;
one default per report, outcome and subgroup; a report supersedes only one of
its own cohort), checked before anything is written. A failure raises
``ExtractionError`` whose ``errors`` maps each field to its message, so a
form can show the error next to the field.

A number enters as ``unverified``; it becomes ``verified`` only when a second
reviewer, who did not enter it (the audit trail knows who did), confirms it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from evidence import audit
from evidence.curated_format import COHORTS, OUTCOMES, REPORTS, FileSpec
from evidence.models import AuditEntry, Cohort, Outcome, Publication, PublicationTrialLink, Report
from evidence.roles import Action, require_role
from evidence.screening import final_decisions
from evidence.vocab import SUBGROUP_ALL, AuditAction, NumberStatus, ReportKind, ScreeningDecision, ScreeningStage


class ExtractionError(ValueError):
    """Entered values break a rule; ``errors`` maps field → message. Nothing was written."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


def field_errors(spec: FileSpec, values: Mapping[str, Any]) -> dict[str, str]:
    """The curated loader's per-column rules (required, vocabulary, format) on typed values."""
    errors: dict[str, str] = {}
    for col in spec.columns:
        value = values.get(col.field)
        if col.required and value in (None, "", []):
            errors[col.field] = f"{col.name} is required"
        elif value not in (None, "", []) and col.check:
            problem = col.check(value)
            if problem:
                errors[col.field] = problem
    return errors


def _author_surname(author: str) -> str:
    return author.rsplit(" ", 1)[0] if " " in author else author


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "report"


def _free_id(session: Session, model: type, base: str) -> str:
    candidate, n = base, 1
    while session.get(model, candidate) is not None:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _kind(pub: Publication) -> str:
    types = {t.lower() for t in pub.publication_types}
    if "case reports" in types:
        return ReportKind.CASE_REPORT.value
    if types & {"letter", "comment", "correspondence"}:
        return ReportKind.LETTER.value
    if "preprint" in types:
        return ReportKind.PREPRINT.value
    return ReportKind.JOURNAL_ARTICLE.value


def report_draft(session: Session, pmid: str) -> dict[str, Any]:
    """A report's fields prefilled from a harvested record (the reviewer checks and completes them)."""
    pub = session.get(Publication, pmid)
    if pub is None:
        raise ExtractionError({"pmid": f"no record with PMID {pmid!r}"})
    first = _author_surname(pub.authors[0]) if pub.authors else ""
    year = pub.pub_year or (int(pub.pub_date[:4]) if pub.pub_date[:4].isdigit() else None)
    return {
        "report_id": _free_id(session, Report, _slug(f"{first or 'report'}-{year or ''}")),
        "kind": _kind(pub), "label": f"{first} {year}, {pub.journal_iso or pub.journal}".strip(" ,"),
        "first_author": first, "year": year, "title": pub.title, "journal": pub.journal, "pmid": pub.pmid,
        "doi": pub.doi, "registry_ids": list(pub.registry_ids), "diseases": list(pub.diseases),
        "target": pub.targets[0] if len(pub.targets) == 1 else None, "car_construct": pub.car_construct,
        "population": pub.population,
    }


def _included(session: Session, pmid: str) -> bool:
    ft = final_decisions(session, ScreeningStage.FULL_TEXT.value).get(pmid)
    ta = final_decisions(session, ScreeningStage.TITLE_ABSTRACT.value).get(pmid)
    return ft == ScreeningDecision.INCLUDE or (ft is None and ta == ScreeningDecision.INCLUDE)


def _check_report(session: Session, values: dict[str, Any]) -> None:
    errors = field_errors(REPORTS, values)
    cohort_id = values.get("cohort_id")
    if cohort_id and "cohort_id" not in errors and session.get(Cohort, cohort_id) is None:
        errors["cohort_id"] = f"unknown cohort {cohort_id!r}"
    sup = values.get("supersedes")
    if sup:
        earlier = session.get(Report, sup)
        if earlier is None:
            errors["supersedes"] = f"unknown report {sup!r}"
        elif sup == values.get("report_id"):
            errors["supersedes"] = "a report cannot supersede itself"
        elif earlier.cohort_id != cohort_id:
            errors["supersedes"] = f"{sup!r} belongs to another cohort ({earlier.cohort_id})"
    if errors:
        raise ExtractionError(errors)


def _insert(session: Session, row: Any, entity: str, *, reviewer: str, why: str, change: str | None) -> Any:
    """Write a checked new row and its creation to the audit trail."""
    session.add(row)
    session.flush()
    audit.record_change(session, reviewer=reviewer, entity=entity, entity_id=audit.ENTITIES[entity].key_of(row),
                        before=None, after=audit.snapshot(row), why=why, change=change)
    return row


def create_cohort(session: Session, values: Mapping[str, Any], *, reviewer: str, why: str = "",
                  change: str | None = None) -> Cohort:
    """A new cohort (a group of patients that later reports may add to)."""
    require_role(session, reviewer, Action.EXTRACT)
    values = {"centre": "", "product": "", "registry_ids": [], "grouping_evidence": "", "notes": "", **values}
    errors = field_errors(COHORTS, values)
    if values.get("cohort_id") and session.get(Cohort, values["cohort_id"]) is not None:
        errors["cohort_id"] = f"cohort {values['cohort_id']!r} exists already"
    if errors:
        raise ExtractionError(errors)
    return _insert(session, Cohort(**values), "cohort", reviewer=reviewer, why=why, change=change)


def create_report(session: Session, pmid: str, values: Mapping[str, Any], *, reviewer: str, why: str = "",
                  change: str | None = None) -> Report:
    """A report of an included record: the draft from the record, overridden by ``values`` (cohort_id needed)."""
    require_role(session, reviewer, Action.EXTRACT)
    if not _included(session, pmid):
        raise ExtractionError({"pmid": f"PMID {pmid} is not included (screen it first)"})
    fields = {**report_draft(session, pmid), **values}
    if session.get(Report, fields.get("report_id") or "") is not None:
        raise ExtractionError({"report_id": f"report {fields['report_id']!r} exists already"})
    _check_report(session, fields)
    return _insert(session, Report(**fields), "report", reviewer=reviewer, why=why, change=change)


def attach_record(session: Session, report_id: str, pmid: str, *, reviewer: str, why: str = "") -> Report:
    """Give an existing report this record's PMID and DOI (a conference abstract now published, say)."""
    require_role(session, reviewer, Action.EXTRACT)
    report = session.get(Report, report_id)
    pub = session.get(Publication, pmid)
    if report is None or pub is None:
        raise ExtractionError({"report_id" if report is None else "pmid": "not found"})
    if not _included(session, pmid):
        raise ExtractionError({"pmid": f"PMID {pmid} is not included (screen it first)"})
    before = audit.snapshot(report)
    report.pmid, report.doi = pub.pmid, pub.doi or report.doi
    _check_report(session, report.model_dump())
    session.flush()
    audit.record_change(session, reviewer=reviewer, entity="report", entity_id=report_id, before=before,
                        after=audit.snapshot(report), why=why)
    return report


# What a reviewer may change per entity: a trial's registry facts belong to the harvest (it would overwrite
# them); only the curator-only columns are the reviewer's (harvest/ctgov_store.py keeps them).
EDITABLE = {"cohort": None, "report": None, "trial": ("product", "seen_date", "source", "notes")}
KEYS = {"cohort": ("cohort_id",), "report": ("report_id", "cohort_id"), "trial": ("registry_id",)}


def edit(session: Session, entity: str, key: str, changes: Mapping[str, Any], *, reviewer: str,
         why: str) -> Any:
    """Change a cohort's or report's fields, or a trial's curated fields, with the loader's checks; audited."""
    require_role(session, reviewer, Action.EXTRACT)
    if entity not in EDITABLE:
        raise ExtractionError({"entity": f"{entity!r} is not edited here (numbers: correct_outcome)"})
    if not why.strip():
        raise ExtractionError({"why": "say why this changes"})
    allowed = EDITABLE[entity]
    refused = [f for f in changes if f in KEYS[entity] or (allowed is not None and f not in allowed)]
    if refused:
        raise ExtractionError({f: "not editable here" for f in refused})
    row = audit.ENTITIES[entity].find(session, key)
    if row is None:
        raise ExtractionError({entity: f"no {entity} {key!r}"})
    values = {**row.model_dump(), **changes}
    if entity == "report":
        _check_report(session, values)
    elif entity == "cohort":
        errors = field_errors(COHORTS, values)
        if errors:
            raise ExtractionError(errors)
    before = audit.snapshot(row)
    for name, value in changes.items():
        setattr(row, name, value)
    session.flush()
    audit.record_change(session, reviewer=reviewer, entity=entity, entity_id=key, before=before,
                        after=audit.snapshot(row), why=why)
    return row


@dataclass(frozen=True)
class CohortSuggestion:
    cohort_id: str
    name: str
    reasons: tuple[str, ...]  # "registry ID NCT…", "product KYV-101", "centre Erlangen", "author Mackensen"
    latest_reports: tuple[str, ...]  # its reports: the new one may supersede one of them


def suggest_cohorts(session: Session, pmid: str) -> list[CohortSuggestion]:
    """Cohorts a record may belong to: shared registry IDs, product, centre or authors; strongest first."""
    pub = session.get(Publication, pmid)
    if pub is None:
        raise ExtractionError({"pmid": f"no record with PMID {pmid!r}"})
    text = f"{pub.title}\n{pub.abstract}".lower()
    rids = set(pub.registry_ids) | set(session.execute(
        select(PublicationTrialLink.registry_id).where(PublicationTrialLink.pmid == pmid)).scalars())
    surnames = {_author_surname(a).lower() for a in pub.authors}
    reports: dict[str, list[Report]] = {}
    for r in session.execute(select(Report)).scalars():
        reports.setdefault(r.cohort_id, []).append(r)
    out = []
    for cohort in session.execute(select(Cohort)).scalars():
        mine = reports.get(cohort.cohort_id, [])
        reasons = [f"registry ID {r}" for r in sorted(rids & (set(cohort.registry_ids)
                                                              | {x for rep in mine for x in rep.registry_ids}))]
        products = {p for p in [cohort.product, *(rep.product for rep in mine)] if len(p) >= 3}
        reasons += [f"product {p}" for p in sorted(products) if p.lower() in text]
        if len(cohort.centre) >= 3 and cohort.centre.lower() in text:
            reasons.append(f"centre {cohort.centre}")
        reasons += [f"author {a}" for a in sorted({rep.first_author for rep in mine if rep.first_author})
                    if a.lower() in surnames]
        if reasons:
            out.append(CohortSuggestion(cohort.cohort_id, cohort.name, tuple(reasons),
                                        tuple(r.report_id for r in mine)))
    return sorted(out, key=lambda s: (-sum(r.startswith("registry") for r in s.reasons) * 10 - len(s.reasons),
                                      s.cohort_id))


# --- outcome rows -----------------------------------------------------------------------------------


def outcome_key(row: Outcome | Mapping[str, Any]) -> str:
    return audit.ENTITIES["outcome"].key_of(row)


def _check_outcome(session: Session, values: dict[str, Any], replacing: Outcome | None = None) -> None:
    errors = field_errors(OUTCOMES, values)
    events, patients = values.get("events"), values.get("patients")
    if isinstance(patients, int) and patients <= 0:
        errors["patients"] = f"patients must be > 0, got {patients}"
    if isinstance(events, int) and events < 0:
        errors["events"] = f"events must be >= 0, got {events}"
    if isinstance(events, int) and isinstance(patients, int) and events > patients:
        errors["events"] = f"events ({events}) larger than patients ({patients})"
    report = session.get(Report, values.get("report_id") or "")
    if report is None:
        errors.setdefault("report_id", f"unknown report {values.get('report_id')!r}")
    elif values.get("subgroup") not in (SUBGROUP_ALL, None) and values["subgroup"] not in report.diseases:
        errors["subgroup"] = (f"subgroup {values['subgroup']!r} is not one of the report's diseases "
                              f"({';'.join(report.diseases)})")
    siblings = session.execute(select(Outcome).where(
        Outcome.report_id == values.get("report_id"), Outcome.outcome == values.get("outcome"),
        Outcome.subgroup == values.get("subgroup"))).scalars().all()
    siblings = [s for s in siblings if s is not replacing]
    if any(s.variant == values.get("variant", "") for s in siblings):
        errors["variant"] = "this report already has this outcome, subgroup and variant"
    defaults = sum(s.is_default for s in siblings) + bool(values.get("is_default"))
    if defaults > 1:
        errors["is_default"] = "another value of this outcome and subgroup is already the default"
    elif defaults == 0 and siblings:
        errors["is_default"] = "one value of this outcome and subgroup must be the default"
    if errors:
        raise ExtractionError(errors)


def add_outcome(session: Session, values: Mapping[str, Any], *, reviewer: str, why: str = "",
                change: str | None = None) -> Outcome:
    """Enter one number (always ``unverified``: a second reviewer verifies it)."""
    require_role(session, reviewer, Action.EXTRACT)
    row_values = {"subgroup": SUBGROUP_ALL, "variant": "", "is_default": True, "definition": "", "timepoint": "",
                  "note": "", **values, "status": NumberStatus.UNVERIFIED.value}
    _check_outcome(session, row_values)
    return _insert(session, Outcome(**row_values), "outcome", reviewer=reviewer, why=why, change=change)


def _find_outcome(session: Session, key: str) -> Outcome:
    row = audit.ENTITIES["outcome"].find(session, key)
    if row is None:
        raise ExtractionError({"outcome": f"no number {key!r}"})
    return row


def entered_by(session: Session, key: str) -> str | None:
    """Who entered a number through the workbench (None for the shipped curated numbers)."""
    return session.execute(select(AuditEntry.reviewer).where(
        AuditEntry.entity == "outcome", AuditEntry.entity_id == key, AuditEntry.action == AuditAction.CREATE.value)
        .order_by(AuditEntry.id.desc()).limit(1)).scalar()


def correct_outcome(session: Session, key: str, changes: Mapping[str, Any], *, reviewer: str,
                    why: str) -> Outcome:
    """Change an entered number; it goes back to ``unverified`` and the reason is required."""
    require_role(session, reviewer, Action.EXTRACT)
    if not why.strip():
        raise ExtractionError({"why": "say why the number changes"})
    row = _find_outcome(session, key)
    if set(changes) & {"report_id", "outcome", "subgroup", "variant", "status"}:
        raise ExtractionError({"outcome": "identity and status are not corrected here"})
    values = {**row.model_dump(exclude={"id"}), **changes, "status": NumberStatus.UNVERIFIED.value}
    _check_outcome(session, values, replacing=row)
    before = audit.snapshot(row)
    for name, value in values.items():
        setattr(row, name, value)
    session.flush()
    audit.record_change(session, reviewer=reviewer, entity="outcome", entity_id=key, before=before,
                        after=audit.snapshot(row), why=why)
    return row


def hands_on(session: Session, key: str) -> set[str]:
    """The reviewers who entered or changed a number (a status change alone is not a hand on the number)."""
    return set(session.execute(select(AuditEntry.reviewer).where(
        AuditEntry.entity == "outcome", AuditEntry.entity_id == key, AuditEntry.field != "status")).scalars())


def verify_outcome(session: Session, key: str, *, reviewer: str, why: str = "") -> Outcome:
    """A second reviewer confirms a number against its source: only then is it ``verified``."""
    require_role(session, reviewer, Action.VERIFY)
    row = _find_outcome(session, key)
    if reviewer in hands_on(session, key):
        raise ExtractionError({"status": f"{reviewer} entered or changed this number; another reviewer verifies it"})
    before = audit.snapshot(row)
    row.status = NumberStatus.VERIFIED.value
    session.flush()
    audit.record_change(session, reviewer=reviewer, entity="outcome", entity_id=key, before=before,
                        after=audit.snapshot(row), why=why or "checked against the source")
    return row


@dataclass(frozen=True)
class Disagreement:
    """Two or more values of one number (report, outcome, subgroup), side by side for adjudication."""

    report_id: str
    outcome: str
    subgroup: str
    values: tuple[dict[str, Any], ...]  # variant, events, patients, is_default, status, source_location, note, by


def disagreements(session: Session) -> list[Disagreement]:
    """Numbers entered more than once whose counts differ (a second extraction, a secondary source)."""
    groups: dict[tuple[str, str, str], list[Outcome]] = {}
    for row in session.execute(select(Outcome).order_by(Outcome.id)).scalars():
        groups.setdefault((row.report_id, row.outcome, row.subgroup), []).append(row)
    out = []
    for (report_id, outcome, subgroup), rows in sorted(groups.items()):
        if len({(r.events, r.patients) for r in rows}) > 1:
            values = tuple({"variant": r.variant, "events": r.events, "patients": r.patients,
                            "is_default": r.is_default, "status": r.status, "source_location": r.source_location,
                            "note": r.note, "by": entered_by(session, outcome_key(r))} for r in rows)
            out.append(Disagreement(report_id, outcome, subgroup, values))
    return out


def choose_default(session: Session, report_id: str, outcome: str, subgroup: str, variant: str, *,
                   reviewer: str, why: str) -> Outcome:
    """Adjudicate: make one value the default of its number (the others stay, not default), one action."""
    require_role(session, reviewer, Action.VERIFY)
    if not why.strip():
        raise ExtractionError({"why": "say why this value is the one to pool"})
    rows = session.execute(select(Outcome).where(Outcome.report_id == report_id, Outcome.outcome == outcome,
                                                 Outcome.subgroup == subgroup)).scalars().all()
    chosen = [r for r in rows if r.variant == variant]
    if not chosen:
        raise ExtractionError({"variant": f"no value {variant!r} of {report_id} {outcome} {subgroup}"})
    change = audit.new_change()
    for row in rows:
        if row.is_default != (row is chosen[0]):
            before = audit.snapshot(row)
            row.is_default = row is chosen[0]
            session.flush()
            audit.record_change(session, reviewer=reviewer, entity="outcome", entity_id=outcome_key(row),
                                before=before, after=audit.snapshot(row), why=why, change=change)
    return chosen[0]


# --- what the workbench pages list --------------------------------------------------------------------


@dataclass(frozen=True)
class IncludedRecord:
    """A harvested record that stands included, with the reports that already carry its PMID."""

    pmid: str
    title: str
    journal: str
    pub_date: str
    abstract: str
    reports: tuple[str, ...]


def included_records(session: Session) -> list[IncludedRecord]:
    """Included harvested records, those without a report first, then the newest."""
    ft = final_decisions(session, ScreeningStage.FULL_TEXT.value)
    ta = final_decisions(session, ScreeningStage.TITLE_ABSTRACT.value)
    wanted = {p for p in set(ft) | set(ta)
              if ft.get(p) == ScreeningDecision.INCLUDE or (p not in ft and ta.get(p) == ScreeningDecision.INCLUDE)}
    carried: dict[str, list[str]] = {}
    for report in session.execute(select(Report).where(Report.pmid.in_(wanted)).order_by(Report.report_id)).scalars():
        carried.setdefault(report.pmid, []).append(report.report_id)
    pubs = session.execute(select(Publication).where(Publication.pmid.in_(wanted))).scalars().all()
    out = [IncludedRecord(p.pmid, p.title, p.journal, p.pub_date, p.abstract, tuple(carried.get(p.pmid, ())))
           for p in pubs]
    out.sort(key=lambda r: (r.pub_date, r.pmid), reverse=True)
    return sorted(out, key=lambda r: bool(r.reports))


def report_choices(session: Session) -> list[dict[str, Any]]:
    """Every report (id, label, cohort, PMID) for a reviewer to attach a record or numbers to."""
    return [{"report_id": r.report_id, "label": r.label, "cohort_id": r.cohort_id, "pmid": r.pmid,
             "diseases": list(r.diseases)}
            for r in session.execute(select(Report).order_by(Report.report_id)).scalars()]


def cohort_choices(session: Session) -> list[dict[str, Any]]:
    """Every cohort (id, name, its reports) for a new report to join."""
    reports: dict[str, list[str]] = {}
    for report_id, cohort_id in session.execute(select(Report.report_id, Report.cohort_id).order_by(Report.report_id)):
        reports.setdefault(cohort_id, []).append(report_id)
    return [{"cohort_id": c.cohort_id, "name": c.name, "reports": reports.get(c.cohort_id, [])}
            for c in session.execute(select(Cohort).order_by(Cohort.cohort_id)).scalars()]


@dataclass(frozen=True)
class Number:
    """One outcome row as the verification and history pages show it, with who had a hand in it."""

    key: str
    report_id: str
    outcome: str
    subgroup: str
    variant: str
    events: int
    patients: int
    is_default: bool
    definition: str
    timepoint: str
    source: str
    source_location: str
    status: str
    note: str
    entered_by: str | None  # None: a shipped curated number
    hands: tuple[str, ...]  # reviewers who entered or changed it (they may not verify it)


def _number(session: Session, row: Outcome) -> Number:
    key = outcome_key(row)
    return Number(key, row.report_id, row.outcome, row.subgroup, row.variant, row.events, row.patients,
                  row.is_default, row.definition, row.timepoint, row.source, row.source_location, row.status,
                  row.note, entered_by(session, key), tuple(sorted(hands_on(session, key))))


def report_numbers(session: Session, report_id: str) -> list[Number]:
    """A report's numbers, in entry order."""
    rows = session.execute(select(Outcome).where(Outcome.report_id == report_id).order_by(Outcome.id)).scalars()
    return [_number(session, row) for row in rows]


def numbers_to_verify(session: Session) -> list[Number]:
    """Numbers entered or changed through the workbench that still wait for a second reviewer."""
    touched = set(session.execute(select(AuditEntry.entity_id).where(AuditEntry.entity == "outcome")).scalars())
    rows = session.execute(select(Outcome).where(Outcome.status == NumberStatus.UNVERIFIED.value)
                           .order_by(Outcome.id)).scalars()
    return [_number(session, row) for row in rows if outcome_key(row) in touched]


def find_number(session: Session, key: str) -> Number | None:
    """One number by its key (report|outcome|subgroup|variant), None when there is none."""
    row = audit.ENTITIES["outcome"].find(session, key)
    return None if row is None else _number(session, row)


__all__ = [
    "CohortSuggestion", "Disagreement", "ExtractionError", "IncludedRecord", "Number", "add_outcome",
    "attach_record", "choose_default", "cohort_choices", "correct_outcome", "create_cohort", "create_report",
    "disagreements", "edit", "entered_by", "field_errors", "find_number", "hands_on", "included_records",
    "numbers_to_verify", "outcome_key", "report_choices", "report_draft", "report_numbers", "suggest_cohorts",
    "verify_outcome",
]
