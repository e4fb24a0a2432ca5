"""The cohort-aware analysis set: which numbers may be pooled together.

The same patients are reported again and again (Erlangen: 1 → 5 → 15 → 30
patients; company updates 6 ⊂ 13 ⊂ 21). Pooling every report would count
patients twice. For an outcome, each cohort contributes one report: the
latest (``evidence.cohorts``) that reports that outcome for the population
asked about. Every other report of the cohort is returned too, marked
excluded, with the reason, so the app can say what was left out and why.
A reason is carried as its code and the values it names (``Reason``) and
written in the reader's language where it is shown.

A number belongs to a disease when every patient it counts has that disease:
a disease subgroup, or the whole of a single-disease report (a lupus
nephritis series counts for SLE; an SLE series counts for lupus nephritis
only when all its patients have nephritis). A whole-cohort number of a mixed
cohort (4 SLE, 3 myositis, 1 SSc) is not an SLE number: it is listed as
excluded with the split, and a reviewer may include the mixed cohorts in
which the disease asked about is the majority (``include_mixed``), labelled
as such.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Iterable

from sqlalchemy import select
from sqlmodel import Session

from evidence import models
from evidence.cohorts import Dated, latest_report
from evidence.i18n import DEFAULT_LANGUAGE, N_, NP_, normalise, translator
from evidence.vocab import SUBGROUP_ALL, Disease, SetExclusion, parent_disease, without_detail

LN, SLE = Disease.LUPUS_NEPHRITIS.value, Disease.SLE.value


# Short disease names inside a reason ("SLE in 8 of 15 patients"); other diseases by their label.
SHORT_NAMES = {Disease.SLE.value: N_("SLE"), Disease.IIM.value: N_("myositis"), Disease.SSC.value: N_("SSc")}
# A disease in a study's label ("Mackensen 2022 [SLE]", "[mixed: 8/15 SLE]"): in English its code in capitals, as the
# labels have always been written; in another language the abbreviation its clinicians use (Italian LES, AR, SM).
LABEL_NAMES = {  # literal contexts: pybabel reads them from each call
    Disease.SLE.value: NP_("disease in a study label", "SLE"),
    Disease.LUPUS_NEPHRITIS.value: NP_("disease in a study label", "LUPUS_NEPHRITIS"),
    Disease.IIM.value: NP_("disease in a study label", "IIM"),
    Disease.SSC.value: NP_("disease in a study label", "SSC"),
    Disease.MG.value: NP_("disease in a study label", "MG"),
    Disease.NMOSD.value: NP_("disease in a study label", "NMOSD"),
    Disease.MS.value: NP_("disease in a study label", "MS"),
    Disease.AAV.value: NP_("disease in a study label", "AAV"),
    Disease.RA.value: NP_("disease in a study label", "RA"),
    Disease.SJOGREN.value: NP_("disease in a study label", "SJOGREN"),
    Disease.ITP.value: NP_("disease in a study label", "ITP"),
    Disease.AIHA.value: NP_("disease in a study label", "AIHA"),
    Disease.SPS.value: NP_("disease in a study label", "SPS"),
    Disease.CIDP.value: NP_("disease in a study label", "CIDP"),
    Disease.MOGAD.value: NP_("disease in a study label", "MOGAD"),
    Disease.PEMPHIGUS.value: NP_("disease in a study label", "PEMPHIGUS"),
    Disease.OTHER.value: NP_("disease in a study label", "OTHER"),
}


@dataclass(frozen=True)
class Reason:
    """Why a number is not pooled: a ``SetExclusion`` code and the values its sentence names.

    Disease values are codes, so the whole sentence can be written in any
    language (``text``); counts, report labels and cohort IDs are data.
    """

    code: str
    report: str = ""
    cohort: str = ""
    disease: str = ""
    within: str = ""
    diseases: tuple[str, ...] = ()
    part: int | None = None
    whole: int | None = None

    def text(self, lang: str | None = DEFAULT_LANGUAGE) -> str:
        """The reason as a sentence in ``lang``."""
        _ = translator(lang)
        names = sorted(_disease_name(d, lang) for d in self.diseases if parent_disease(d) == d)
        return _(SetExclusion(self.code).label).format(
            report=self.report, cohort=self.cohort, disease=_disease_name(self.disease, lang),
            within=_disease_name(self.within, lang), diseases=", ".join(names), part=self.part, whole=self.whole)


def reason_text(reason: Reason | None, lang: str | None = DEFAULT_LANGUAGE) -> str:
    """A row's reason in ``lang`` ("" for a pooled row)."""
    return reason.text(lang) if reason is not None else ""


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
    why: Reason | None = None  # why not pooled (None when pooled)
    share: Share | None = None  # a number not wholly about the disease asked: how much of it is

    @property
    def mixed(self) -> str:
        """The share in English ("4/8 SLE"; "" when wholly about the disease or the split is not recorded)."""
        return self.mixed_in(DEFAULT_LANGUAGE)

    def mixed_in(self, lang: str | None) -> str:
        """The share in ``lang``: "4/8 SLE" (en), "4/8 LES" (it)."""
        return self.share.label(lang) if self.share is not None else ""

    @property
    def reason(self) -> str:
        """Why not pooled, in English ("" when pooled); ``why.text(lang)`` in another language."""
        return reason_text(self.why)

    @property
    def study_label(self) -> str:
        return self.label_in(DEFAULT_LANGUAGE)

    def label_in(self, lang: str | None) -> str:
        """The row's name in plots and notes, in ``lang``: the report's label, the disease, a mixed share."""
        share = self.mixed_in(lang)
        if not share:  # no sentence to translate (the common case: no catalog look-up)
            return self.label if self.subgroup == SUBGROUP_ALL else \
                f"{self.label} [{short_disease(self.subgroup, lang)}]"
        _ = translator(lang)
        if self.subgroup == SUBGROUP_ALL:
            return _("{label} [mixed: {share}]").format(label=self.label, share=share)
        return _("{label} [{subgroup}, mixed: {share}]").format(
            label=self.label, subgroup=short_disease(self.subgroup, lang), share=share)


@dataclass(frozen=True)
class Share:
    """How much of a number's population has the disease asked about."""

    disease: str
    within: str  # the population the number counts: "all" (whole cohort) or a disease subgroup
    part: int | None  # patients with the disease (None: not recorded)
    whole: int | None

    @property
    def majority(self) -> bool:
        return self.part is not None and bool(self.whole) and self.part * 2 > self.whole

    def label(self, lang: str | None = DEFAULT_LANGUAGE) -> str:
        """Short, for the forest plot: "8/15 SLE" (en), "8/15 LES" (it); "" when the split is not recorded."""
        return f"{self.part}/{self.whole} {short_disease(self.disease, lang)}" if self.part is not None else ""

    def reason(self, diseases: Iterable[str], minority: bool) -> Reason:
        """Why this number is out; ``minority`` when mixed cohorts were asked for and this is not a majority."""
        whole_cohort = self.within == SUBGROUP_ALL
        if self.part is None:
            code = SetExclusion.MIXED_COHORT_UNSPLIT if whole_cohort else SetExclusion.WIDER_GROUP_UNSPLIT
        elif minority:
            code = SetExclusion.MIXED_COHORT_MINORITY if whole_cohort else SetExclusion.WIDER_GROUP_MINORITY
        else:
            code = SetExclusion.MIXED_COHORT if whole_cohort else SetExclusion.WIDER_GROUP
        return Reason(code.value, disease=self.disease, within=self.within,
                      diseases=tuple(diseases) if whole_cohort else (), part=self.part, whole=self.whole)


def _disease_name(code: str, lang: str | None = DEFAULT_LANGUAGE) -> str:
    """A disease inside a sentence: "SLE", "myositis", "lupus nephritis" (in ``lang``)."""
    _ = translator(lang)
    if not code:
        return ""
    if code in SHORT_NAMES:
        return _(SHORT_NAMES[code])
    try:
        label = without_detail(_(Disease(code).label))
    except ValueError:
        return code
    return label if label[1:2].isupper() else label[0].lower() + label[1:]


def short_disease(code: str, lang: str | None = DEFAULT_LANGUAGE) -> str:
    """A disease in a study's label (``LABEL_NAMES``): "SLE", "IIM" in English, byte for byte as the labels
    have always been written; "LES", "miosite" in Italian, the words of the reasons beside them."""
    if normalise(lang) == DEFAULT_LANGUAGE or code not in LABEL_NAMES:
        return code.upper()
    return translator(lang)(LABEL_NAMES[code])


def _total(report: Any) -> int | None:
    counts = report.disease_counts or {}
    top = sum(n for code, n in counts.items() if parent_disease(code) == code)
    return report.n_treated if report.n_treated is not None else (top or None)


def _all_have_nephritis(report: Any) -> bool:
    counts = report.disease_counts or {}
    return set(report.diseases) <= {LN} or (LN in counts and counts[LN] == counts.get(SLE, _total(report)))


def _row_diseases(subgroup: str, report: Any) -> frozenset[str]:
    """The diseases that every patient counted by a number has."""
    if subgroup != SUBGROUP_ALL:
        out = {subgroup, parent_disease(subgroup)}
    else:
        parents = {parent_disease(d) for d in report.diseases}
        if len(parents) != 1:  # a mixed cohort: only a disease every patient has (an overlap syndrome)
            total, counts = _total(report), report.disease_counts or {}
            return frozenset(d for d in parents if total and counts.get(d) == total)
        out = set(parents)
    if SLE in out and _all_have_nephritis(report):
        out.add(LN)
    return frozenset(out)


def _share(subgroup: str, report: Any, wanted: set[str]) -> Share | None:
    """For a number that is not about ``wanted`` but whose report is: how much of it is."""
    tags = set(report.diseases) | {parent_disease(d) for d in report.diseases}
    hits = sorted(tags & wanted, key=lambda d: (d != SLE, d))
    if not hits:
        return None
    counts = report.disease_counts or {}
    disease, within = hits[0], _effective_subgroup(subgroup, report)
    if within == SUBGROUP_ALL:
        return Share(disease, SUBGROUP_ALL, counts.get(disease), _total(report))
    if parent_disease(disease) == within != disease:  # an SLE number, lupus nephritis asked
        whole = counts.get(within) or (_total(report) if subgroup == SUBGROUP_ALL else None)
        return Share(disease, within, counts.get(disease), whole)
    return None


@dataclass(frozen=True)
class _Candidate:
    outcome: Any
    subgroup: str
    share: Share | None = None  # set for a mixed number (in only with include_mixed and a majority)


def _candidates(entries: list[Any], report: Any, wanted: set[str] | None) -> list[_Candidate]:
    """The numbers of one report that answer the question asked (mixed ones marked)."""
    if wanted is None:
        whole = [o for o in entries if o.subgroup == SUBGROUP_ALL]
        chosen = whole or entries
        return [_Candidate(o, _effective_subgroup(o.subgroup, report)) for o in chosen]
    matched = [o for o in entries if _row_diseases(o.subgroup, report) & wanted]
    if matched:
        return [_Candidate(o, _effective_subgroup(o.subgroup, report)) for o in matched]
    out = []
    for o in entries:
        share = _share(o.subgroup, report, wanted)
        if share is not None:
            out.append(_Candidate(o, o.subgroup, share))
    return out


def _effective_subgroup(subgroup: str, report: Any) -> str:
    """A whole-report number of a single-disease report is about that disease."""
    if subgroup != SUBGROUP_ALL:
        return subgroup
    parents = {parent_disease(d) for d in report.diseases}
    return parents.pop() if len(parents) == 1 else SUBGROUP_ALL


# Plain column rows, not ORM objects: the app builds dozens of analysis sets per page.
_REPORT_COLUMNS = (models.Report.report_id, models.Report.label, models.Report.cohort_id, models.Report.supersedes,
                   models.Report.year, models.Report.data_cutoff, models.Report.diseases, models.Report.target,
                   models.Report.car_construct, models.Report.population, models.Report.kind,
                   models.Report.n_treated, models.Report.disease_counts, models.Report.pmid)
_OUTCOME_COLUMNS = (models.Outcome.report_id, models.Outcome.subgroup, models.Outcome.events,
                    models.Outcome.patients, models.Outcome.status, models.Outcome.definition,
                    models.Outcome.source, models.Outcome.source_location)


def _row(c: _Candidate, report: Any) -> AnalysisRow:
    o = c.outcome
    return AnalysisRow(
        report_id=report.report_id, label=report.label, cohort_id=report.cohort_id, subgroup=c.subgroup,
        events=o.events, patients=o.patients, year=report.year, data_cutoff=report.data_cutoff,
        diseases=tuple(report.diseases), target=report.target, construct=report.car_construct,
        population=report.population, kind=report.kind, status=o.status,
        definition=o.definition, source=o.source, source_location=o.source_location,
        share=c.share,
    )


def _report_filter(report: Any, targets, constructs, populations, kinds) -> bool:
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
    include_mixed: bool = False,
) -> list[AnalysisRow]:
    """All default-valued numbers for ``outcome`` matching the filters, each marked in or out.

    With ``cohort_aware=False`` every matching report is included (for
    sensitivity analyses that knowingly double count). With
    ``include_mixed=True`` a whole-cohort number of a mixed cohort enters
    when more than half of its patients have a disease asked about.
    """
    wanted = set(diseases) if diseases else None
    reports = {r.report_id: r for r in session.execute(select(*_REPORT_COLUMNS))}
    stmt = select(*_OUTCOME_COLUMNS).where(models.Outcome.outcome == outcome, models.Outcome.is_default)
    by_report: dict[str, list[Any]] = {}
    for o in session.execute(stmt):
        if _report_filter(reports[o.report_id], set(targets or ()), set(constructs or ()),
                          set(populations or ()), set(kinds or ())):
            by_report.setdefault(o.report_id, []).append(o)
    candidates = {rid: _candidates(entries, reports[rid], wanted) for rid, entries in by_report.items()}
    retracted = _retracted_reports(session, reports)
    return _choose_per_cohort(reports, {rid: c for rid, c in candidates.items() if c}, cohort_aware,
                              include_mixed, retracted)


RETRACTED = Reason(SetExclusion.RETRACTED.value)


def _retracted_reports(session: Session, reports: dict[str, Any]) -> set[str]:
    """Reports whose publication PubMed marks retracted: never in a default analysis."""
    pmids = set(session.execute(select(models.Publication.pmid).where(models.Publication.retracted)).scalars())
    return {rid for rid, r in reports.items() if r.pmid and r.pmid in pmids}


def _mixed_reason(share: Share, report: Any, include_mixed: bool) -> Reason:
    return share.reason(report.diseases, minority=include_mixed and share.part is not None)


def _choose_per_cohort(reports, candidates: dict[str, list[_Candidate]], cohort_aware: bool,
                       include_mixed: bool, retracted: set[str]) -> list[AnalysisRow]:
    rows: list[AnalysisRow] = []
    eligible: dict[str, list[str]] = {}
    for rid, cands in candidates.items():
        if rid in retracted:
            rows += [replace(_row(c, reports[rid]), included=False, why=RETRACTED) for c in cands]
            continue
        usable = [c for c in cands if c.share is None or (include_mixed and c.share.majority)]
        if usable:
            eligible.setdefault(reports[rid].cohort_id, []).append(rid)
        for c in cands:
            if c not in usable:
                rows.append(replace(_row(c, reports[rid]), included=False,
                                    why=_mixed_reason(c.share, reports[rid], include_mixed)))
    dated = {rid: Dated(rid, r.supersedes, r.data_cutoff, r.year) for rid, r in reports.items()}
    for cohort_rids in eligible.values():
        latest = latest_report(cohort_rids, dated)
        for rid in sorted(cohort_rids):
            for c in candidates[rid]:
                if c.share is not None and not (include_mixed and c.share.majority):
                    continue
                row = _row(c, reports[rid])
                if cohort_aware and rid != latest:
                    row = replace(row, included=False, why=Reason(
                        SetExclusion.SAME_COHORT.value, report=reports[latest].label,
                        cohort=reports[latest].cohort_id))
                rows.append(row)
    return sorted(rows, key=lambda r: (not r.included, r.year or 0, r.label, r.subgroup))
