"""The cohort-aware analysis set: which numbers may be pooled together.

The same patients are reported again and again (Erlangen: 1 → 5 → 15 → 30
patients; company updates 6 ⊂ 13 ⊂ 21). Pooling every report would count
patients twice. For an outcome, each cohort contributes one report: the latest
(by data cut-off, then year, then position in the supersedes chain) that
reports that outcome for the population asked about. Every other report of
the cohort is returned too, marked excluded, with the reason, so the app can
say what was left out and why.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable

from sqlalchemy import select
from sqlmodel import Session

from evidence import models
from evidence.vocab import SUBGROUP_ALL, Disease

# A report of lupus nephritis is a report of SLE patients.
DISEASE_PARENT = {Disease.LUPUS_NEPHRITIS.value: Disease.SLE.value}


@dataclass(frozen=True)
class AnalysisRow:
    """One number that may enter a pooled analysis, with why it is in or out."""

    report_id: str
    label: str
    cohort_id: str
    subgroup: str  # the disease the number is about, or "all" for a mixed cohort
    events: int
    patients: int
    year: int | None
    data_cutoff: str
    diseases: tuple[str, ...]
    target: str | None
    construct: str | None
    population: str | None
    kind: str
    status: str
    definition: str
    source: str
    source_location: str
    included: bool = True
    reason: str = ""

    @property
    def study_label(self) -> str:
        return self.label if self.subgroup == SUBGROUP_ALL else f"{self.label} [{self.subgroup.upper()}]"


def _expand(diseases: Iterable[str]) -> set[str]:
    out = set(diseases)
    for child, parent in DISEASE_PARENT.items():
        if parent in out:
            out.add(child)
    return out


def _effective_subgroup(outcome: models.Outcome, report: models.Report) -> str:
    """A whole-report number of a single-disease report is about that disease."""
    if outcome.subgroup != SUBGROUP_ALL:
        return outcome.subgroup
    diseases = {DISEASE_PARENT.get(d, d) for d in report.diseases}
    return diseases.pop() if len(diseases) == 1 else SUBGROUP_ALL


def _applicable(entries: list[tuple[models.Outcome, str]], wanted: set[str] | None) -> list[tuple[models.Outcome, str]]:
    """The numbers of one report that answer the question asked."""
    if wanted is not None:
        return [(o, s) for o, s in entries if s in wanted]
    whole = [(o, s) for o, s in entries if o.subgroup == SUBGROUP_ALL]
    return whole or entries


def _recency(report: models.Report, depth: int) -> tuple:
    date = report.data_cutoff or (str(report.year) if report.year else "")
    return (date, report.year or 0, depth)


def _chain_depth(reports: dict[str, models.Report], report_id: str) -> int:
    depth, node, seen = 0, reports[report_id].supersedes, {report_id}
    while node and node in reports and node not in seen:
        seen.add(node)
        depth += 1
        node = reports[node].supersedes
    return depth


# Plain column rows, not ORM objects: the app builds dozens of analysis sets per page.
_REPORT_COLUMNS = (models.Report.report_id, models.Report.label, models.Report.cohort_id, models.Report.supersedes,
                   models.Report.year, models.Report.data_cutoff, models.Report.diseases, models.Report.target,
                   models.Report.car_construct, models.Report.population, models.Report.kind)
_OUTCOME_COLUMNS = (models.Outcome.report_id, models.Outcome.subgroup, models.Outcome.events,
                    models.Outcome.patients, models.Outcome.status, models.Outcome.definition,
                    models.Outcome.source, models.Outcome.source_location)


def _row(outcome: models.Outcome, report: models.Report, subgroup: str) -> AnalysisRow:
    return AnalysisRow(
        report_id=report.report_id, label=report.label, cohort_id=report.cohort_id, subgroup=subgroup,
        events=outcome.events, patients=outcome.patients, year=report.year, data_cutoff=report.data_cutoff,
        diseases=tuple(report.diseases), target=report.target, construct=report.car_construct,
        population=report.population, kind=report.kind, status=outcome.status,
        definition=outcome.definition, source=outcome.source, source_location=outcome.source_location,
    )


def _report_filter(report: models.Report, targets, constructs, populations, kinds) -> bool:
    return (
        (not targets or report.target in targets)
        and (not constructs or report.car_construct in constructs)
        and (not populations or report.population in populations)
        and (not kinds or report.kind in kinds)
    )


def analysis_set(
    session: Session,
    outcome: str,
    *,
    diseases: Iterable[str] | None = None,
    targets: Iterable[str] | None = None,
    constructs: Iterable[str] | None = None,
    populations: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
    cohort_aware: bool = True,
) -> list[AnalysisRow]:
    """All default-valued numbers for ``outcome`` matching the filters, each marked in or out.

    With ``cohort_aware=False`` every matching report is included (for
    sensitivity analyses that knowingly double count).
    """
    wanted = _expand(diseases) if diseases else None
    reports = {r.report_id: r for r in session.execute(select(*_REPORT_COLUMNS))}
    stmt = select(*_OUTCOME_COLUMNS).where(models.Outcome.outcome == outcome, models.Outcome.is_default)
    by_report: dict[str, list[tuple[models.Outcome, str]]] = {}
    for o in session.execute(stmt):
        report = reports[o.report_id]
        if _report_filter(report, set(targets or ()), set(constructs or ()), set(populations or ()),
                          set(kinds or ())):
            by_report.setdefault(o.report_id, []).append((o, _effective_subgroup(o, report)))
    candidates = {rid: _applicable(entries, wanted) for rid, entries in by_report.items()}
    candidates = {rid: e for rid, e in candidates.items() if e}
    return _choose_per_cohort(reports, candidates, cohort_aware)


def _choose_per_cohort(reports, candidates, cohort_aware: bool) -> list[AnalysisRow]:
    by_cohort: dict[str, list[str]] = {}
    for rid in candidates:
        by_cohort.setdefault(reports[rid].cohort_id, []).append(rid)
    rows: list[AnalysisRow] = []
    for cohort_rids in by_cohort.values():
        latest = max(cohort_rids, key=lambda rid: _recency(reports[rid], _chain_depth(reports, rid)))
        for rid in sorted(cohort_rids):
            for outcome, subgroup in candidates[rid]:
                row = _row(outcome, reports[rid], subgroup)
                if cohort_aware and rid != latest:
                    row = replace(row, included=False, reason=(
                        f"same cohort as {reports[latest].label} ({reports[latest].cohort_id}), "
                        "which reports this outcome at a later cut-off"))
                rows.append(row)
    return sorted(rows, key=lambda r: (not r.included, r.year or 0, r.label, r.subgroup))
