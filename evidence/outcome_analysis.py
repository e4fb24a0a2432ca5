"""Pool one outcome from the store for a selection of patients: the product's main question.

``analyse_outcome`` takes a ``Selection`` (outcome, disease and report
filters, cohort-awareness, method) and returns the analysis set (every
candidate number, in or out, with the reason), the pooled result, the
subgroup results and the plain-language notes a careful reader needs.
Leave-one-out, cumulative pooling and the method-sensitivity table are
computed on request from the same included rows. The Meta-analysis page,
the Overview's headline cells, ``evidence pool --outcome`` and
``evidence export`` all call this one function, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd
from sqlmodel import Session

import analysis
from analysis import PoolResult
from evidence.analysis_set import AnalysisRow, analysis_set, reason_text
from evidence.i18n import DEFAULT_LANGUAGE, N_, format_percent, translator
from evidence.vocab import (
    CiMethod,
    Construct,
    Disease,
    NumberStatus,
    Outcome,
    PoolModel,
    PoolTransform,
    Population,
    ReportKind,
    SubgroupBy,
    Target,
    Tau2Method,
    label_of,
)

ROW_COLUMNS = ["report_id", "label", "study_label", "cohort_id", "subgroup", "events", "patients", "year",
               "data_cutoff", "diseases", "target", "construct", "population", "kind", "status", "definition",
               "source", "source_location", "included", "reason", "mixed"]
BY_VOCAB = {"subgroup": Disease, "target": Target, "construct": Construct, "population": Population,
            "kind": ReportKind}
FLAGGED_STATUSES = ("conflicting", "secondary", "unverified")


@dataclass(frozen=True)
class Method:
    """How to pool (one hashable value, so callers can cache on it)."""

    model: str = PoolModel.GLMM.value
    transform: str = PoolTransform.LOGIT.value
    tau2_method: str = Tau2Method.REML.value
    ci: str = CiMethod.Z.value
    level: float = 0.95

    def kwargs(self) -> dict[str, Any]:
        transform = PoolTransform.LOGIT.value if self.model == PoolModel.GLMM else self.transform
        return {"model": self.model, "transform": transform, "tau2_method": self.tau2_method, "ci": self.ci,
                "level": self.level}


@dataclass(frozen=True)
class Selection:
    """Everything that determines an analysis (hashable, so it can key caches)."""

    outcome: str = Outcome.REMISSION_DORIS.value
    diseases: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    constructs: tuple[str, ...] = ()
    populations: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    cohort_aware: bool = True
    include_mixed: bool = False
    method: Method = field(default_factory=Method)
    by: str = SubgroupBy.NONE.value


@dataclass(frozen=True)
class Subgroups:
    """Overall result, one result per subgroup and the test for subgroup differences."""

    overall: PoolResult
    subgroups: dict[str, PoolResult]
    labels: dict[str, str]
    q: float
    df: int
    p: float


@dataclass
class OutcomeAnalysis:
    """The analysis set and, when anything is included, the pooled result.

    ``records`` are the analysis-set rows as the library computes them;
    ``rows``, ``included`` and ``excluded`` are the same as typed frames,
    built on first use (the headline builds dozens of analyses and needs
    none of them).
    """

    selection: Selection
    records: list[AnalysisRow]
    result: PoolResult | None = None
    subgroups: Subgroups | None = None
    notes: list[str] = field(default_factory=list)

    @cached_property
    def rows(self) -> pd.DataFrame:
        """Every candidate number (ROW_COLUMNS), in or out."""
        return rows_frame(self.records)

    def study_labels(self, lang: str | None) -> dict[str, str]:
        """Each row's study label → its name in ``lang`` (for the forest plot, drawn from the pooled labels)."""
        return {r.study_label: r.label_in(lang) for r in self.records}

    def study_reports(self) -> dict[str, str]:
        """Each row's study label → its report's id (a forest plot's row links to its report)."""
        return {r.study_label: r.report_id for r in self.records}

    def rows_in(self, lang: str | None) -> pd.DataFrame:
        """``rows`` with its words (reasons, mixed-cohort labels) in ``lang``."""
        return self.rows if lang in (None, DEFAULT_LANGUAGE) else rows_frame(self.records, lang)

    @property
    def included(self) -> pd.DataFrame:
        return self.rows[self.rows["included"]].reset_index(drop=True)

    @property
    def excluded(self) -> pd.DataFrame:
        return self.rows[~self.rows["included"]].reset_index(drop=True)

    @property
    def included_records(self) -> list[AnalysisRow]:
        return [r for r in self.records if r.included]

    @property
    def patients(self) -> int:
        """Patients in the pooled studies."""
        return sum(r.patients for r in self.included_records)

    def counts(self) -> tuple[list[int], list[int], list[str]]:
        """Events, patients and study labels of the included rows, for the pooling engine."""
        inc = self.included_records
        return [r.events for r in inc], [r.patients for r in inc], [r.study_label for r in inc]

    def leave_one_out(self) -> pd.DataFrame:
        """The pooled estimate with each study left out in turn."""
        events, totals, labels = self.counts()
        return analysis.leave_one_out(events, totals, labels=labels, **self.selection.method.kwargs())

    def cumulative(self) -> pd.DataFrame:
        """The pooled estimate as studies are added in date order (data cut-off, else year; undated last).

        An undated study's date is None in the result: its sort key is not a date.
        """
        events, totals, labels = self.counts()
        frame = analysis.cumulative(events, totals, order_keys(self.included_records), labels=labels,
                                    **self.selection.method.kwargs())
        return frame.assign(order_key=[None if k == UNDATED else k for k in frame["order_key"]])

    def sensitivity(self) -> pd.DataFrame:
        """GLMM, logit-REML, logit-REML + HK and Freeman–Tukey side by side, with a disagree flag."""
        events, totals, labels = self.counts()
        return analysis.method_sensitivity(events, totals, labels=labels)


def rows_frame(rows: list[AnalysisRow], lang: str | None = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """Analysis rows as a typed frame (typed even when empty: an empty mask must select rows), words in ``lang``."""
    written = {"diseases": lambda r: list(r.diseases), "reason": lambda r: reason_text(r.why, lang),
               "study_label": lambda r: r.label_in(lang), "mixed": lambda r: r.mixed_in(lang)}
    columns = {c: [written[c](r) if c in written else getattr(r, c) for r in rows] for c in ROW_COLUMNS}
    typed = {"included": bool, "events": "int64", "patients": "int64"}
    return pd.DataFrame({c: pd.Series(v, dtype=typed.get(c, object)) for c, v in columns.items()})


def select_rows(session: Session, sel: Selection) -> list[AnalysisRow]:
    """The analysis set of a selection."""
    return analysis_set(
        session, sel.outcome, diseases=sel.diseases or None, targets=sel.targets or None,
        constructs=sel.constructs or None, populations=sel.populations or None, kinds=sel.kinds or None,
        cohort_aware=sel.cohort_aware, include_mixed=sel.include_mixed)


def group_label(by: str, code: str | None) -> str:
    """A subgroup's name for plots and tables."""
    if code is None:
        return N_("Not stated")
    if code == "all":
        return N_("Mixed diseases (not split)")
    return label_of(BY_VOCAB[by], code) if by in BY_VOCAB else code


def pool_rows(rows: list[AnalysisRow], sel: Selection) -> tuple[PoolResult | None, Subgroups | None]:
    """Pool the included rows of an analysis set (and by subgroup when asked)."""
    inc = [r for r in rows if r.included]
    if not inc:
        return None, None
    events, totals, labels = [r.events for r in inc], [r.patients for r in inc], [r.study_label for r in inc]
    if sel.by == SubgroupBy.NONE:
        return analysis.pool_proportions(events, totals, labels=labels, **sel.method.kwargs()), None
    groups = [str(getattr(r, sel.by)) if getattr(r, sel.by) is not None else "not stated" for r in inc]
    res = analysis.pool_by_subgroup(events, totals, groups, labels=labels, **sel.method.kwargs())
    tb = res.test_between
    names = {g: group_label(sel.by, None if g == "not stated" else g) for g in res.subgroups}
    return res.overall, Subgroups(res.overall, dict(res.subgroups), names, tb.q, tb.df, tb.p)


def analyse_outcome(session: Session, sel: Selection) -> OutcomeAnalysis:
    """Analysis set → pooled result (+ subgroups) → notes, for one selection."""
    records = select_rows(session, sel)
    result, subgroups = pool_rows(records, sel)
    out = OutcomeAnalysis(sel, records, result, subgroups)
    out.notes = plain_notes(out)
    return out


UNDATED = "9999"  # the sort key of a study with neither a data cut-off nor a year: after every date


def order_keys(included: list[AnalysisRow]) -> list[str]:
    """Date order for cumulative pooling: data cut-off, else publication year, else last."""
    return [r.data_cutoff or (str(r.year) if r.year else UNDATED) for r in included]


# The pooling engine's fixed notes and fallbacks (analysis/pooling.py), for the catalog: shown translated when an
# exact translation exists, else as the engine wrote them.
ENGINE_TEXTS = (
    N_("k = 1: the study itself is shown with its exact CI; nothing is pooled."),
    N_("Study weights are approximate (inverse-variance logit weights at the GLMM τ²); the GLMM itself has no "
       "study weights."),
    N_("I² uses the typical within-study variance of the continuity-corrected logits, as metafor."),
    N_("Hartung-Knapp is not defined for the GLMM: t(k-1) quantile with the model SE is used (metafor test='t')."),
    N_("τ² estimated at 0: the fit equals the common-effect binomial model."),
    N_("single study"), N_("logit-REML (GLMM did not converge)"),
    N_("common-effect binomial (every study has 0 events)"),
    N_("common-effect binomial (every study has all patients with events)"),
    N_("Every study has 0 events: no random-effects GLMM is estimable (metafor's rma.glmm errors). Pooled "
       "proportion is total events / total patients with a Clopper-Pearson CI; no τ² or prediction interval."),
    N_("Every study has all patients with events: no random-effects GLMM is estimable (metafor's rma.glmm "
       "errors). Pooled proportion is total events / total patients with a Clopper-Pearson CI; no τ² or "
       "prediction interval."),
)


def engine_notes(r: PoolResult, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """The pooling engine's notes, with its internal field names turned into numbers a reader can use."""
    _ = translator(lang)
    out = []
    for note in r.notes:
        if "population_averaged" in note:
            avg = (r.extra or {}).get("population_averaged")
            note = (_("The GLMM's pooled value is the rate of a typical (median) study; averaged over studies it "
                      "is {average}.").format(average=format_percent(avg, lang)) if avg is not None
                    else _("The GLMM's pooled value is the rate of a typical (median) study."))
        out.append(_(note))
    return out


def _mixed_definitions(outcome: str) -> bool:
    try:
        return Outcome(outcome).mixed_definitions
    except ValueError:
        return False


def plain_notes(a: OutcomeAnalysis, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """What a careful reader should know about this analysis, in plain words (in ``lang``)."""
    _ = translator(lang)
    notes: list[str] = []
    inc, r = a.included_records, a.result
    excluded = [row for row in a.records if not row.included]
    k, events, patients = len(inc), sum(x.events for x in inc), sum(x.patients for x in inc)
    if not a.selection.cohort_aware:
        notes.append(_("Cohort-aware selection is OFF: patients reported more than once are counted more than "
                       "once."))
    if 1 < k < 5:
        notes.append(_("Only {k} studies: the confidence interval and the heterogeneity estimate (τ², I²) are "
                       "imprecise, and the prediction interval is wide. Read the pooled value as provisional."
                       ).format(k=k))
    extreme = sum(x.events in (0, x.patients) for x in inc)
    if k and events < 10:
        notes.append(_("Few events ({events} in {patients} patients): the GLMM is preferred over transformed "
                       "inverse-variance methods here.").format(events=events, patients=patients))
    elif extreme:  # not sparse overall: say what triggers the advice, not "sparse events" for 70 in 112
        notes.append(_("Studies with 0 events or with events in every patient: {n} of {k}. The GLMM is preferred "
                       "over transformed inverse-variance methods here.").format(n=extreme, k=k))
    if _mixed_definitions(a.selection.outcome) and len({x.definition for x in inc}) > 1:
        notes.append(_("This outcome gathers different definitions (each study's own is in the analysis set): "
                       "the pooled value mixes them, so quote it only with that caveat."))
    for row in (x for x in inc if x.mixed):
        notes.append(_("Included {study}: a whole-cohort number of a mixed cohort ({mixed}); "
                       "it also counts patients with other diseases.").format(study=row.label_in(lang),
                                                                              mixed=row.mixed_in(lang)))
    for row in excluded:
        notes.append(_("Excluded {study}: {reason}.").format(study=row.label_in(lang),
                                                              reason=reason_text(row.why, lang)))
    if not a.selection.include_mixed and any(x.mixed for x in excluded):
        notes.append(_("Mixed-disease cohorts are left out; 'Include mixed cohorts (disease is the majority)' adds "
                       "those in which more than half of the patients have the disease asked about."))
    for row in (x for x in inc if x.status in FLAGGED_STATUSES):
        notes.append(_("{study}: number is '{status}' (see its source on the Studies page).").format(
            study=row.label_in(lang), status=_(label_of(NumberStatus, row.status))))
    if r is not None:
        notes.extend(engine_notes(r, lang))
        if r.fallback:
            notes.append(_("Fallback used: {fallback}.").format(fallback=_(r.fallback)))
    return notes


def to_json(a: OutcomeAnalysis, lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """A plain payload of the analysis: selection, pooled result, studies in and out (words in ``lang``)."""
    sel, r = a.selection, a.result
    pooled = None if r is None else {
        "k": r.k, "estimate": r.estimate, "ci_low": r.ci_low, "ci_high": r.ci_high, "pi_low": r.pi_low,
        "pi_high": r.pi_high, "tau2": r.tau2, "i2": r.i2, "q": r.q, "q_df": r.q_df, "q_p": r.q_p,
        "method": r.method_label, "converged": r.converged, "fallback": r.fallback}
    return {
        "selection": {"outcome": sel.outcome, "diseases": list(sel.diseases), "targets": list(sel.targets),
                      "constructs": list(sel.constructs), "populations": list(sel.populations),
                      "kinds": list(sel.kinds), "cohort_aware": sel.cohort_aware,
                      "include_mixed": sel.include_mixed, "method": sel.method.kwargs(), "by": sel.by},
        "pooled": pooled,
        "patients": a.patients,
        "studies": [{"report_id": x.report_id, "cohort_id": x.cohort_id, "study": x.label_in(lang),
                     "events": x.events, "total": x.patients, "status": x.status, "source": x.source,
                     "mixed": x.mixed_in(lang)} for x in a.included_records],
        "excluded": [{"report_id": x.report_id, "study": x.label_in(lang), "reason": reason_text(x.why, lang)}
                     for x in a.records if not x.included],
        "notes": list(a.notes) if lang == DEFAULT_LANGUAGE else plain_notes(a, lang),
    }
