"""Cached read queries of the app: DataFrames and plain dicts, never ORM objects.

Every cached function takes ``version`` first: a string that changes whenever
the data can have changed (database URL, curated data hash, last harvest run,
row counts). Streamlit's ``cache_data`` keys on it, so a finished harvest or a
reload invalidates every cached result without anyone calling ``.clear()``,
and two databases (tests, benchmark) never share entries. Sessions are opened
inside each function and closed before returning (SQLite threading: the
engine is shared, connections are not).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta, timezone

import pandas as pd
import streamlit as st
from sqlalchemy import func, select
from sqlmodel import Session

from app_pages.common import STATUS_TEXT, get_engine
from evidence import models, search
from evidence.analysis_set import analysis_set
from evidence.curated import DATA_HASH_KEY
from evidence.digest import Digest, last_successful_update, whats_new
from evidence.vocab import Construct, Disease, Outcome, Population, ReportKind, Target

CACHE = dict(max_entries=64, show_spinner=False)

PHASE_LABELS = {"EARLY_PHASE1": "Early phase 1", "PHASE1": "Phase 1", "PHASE2": "Phase 2",
                "PHASE3": "Phase 3", "PHASE4": "Phase 4", "NA": "Not applicable"}


def label(vocab: type, code: str | None) -> str:
    """Human label of a vocabulary code (the code itself when unknown, '—' when empty)."""
    if not code:
        return "—"
    try:
        return vocab(code).label
    except ValueError:
        return str(code)


def short_label(vocab: type, code: str | None) -> str:
    """The label without its parenthesised detail, for tight spaces (chart axes, table cells)."""
    return label(vocab, code).split(" (")[0]


def data_version() -> str:
    """A cheap fingerprint of the database content (the cache key of every query)."""
    engine = get_engine()
    with Session(engine) as s:
        digest = s.execute(select(models.Meta.value).where(models.Meta.key == DATA_HASH_KEY)).scalar()
        run = s.execute(select(func.max(models.HarvestRun.id))).scalar()
        counts = [s.execute(select(func.count()).select_from(m)).scalar() for m in
                  (models.Publication, models.Trial, models.TrialChange, models.Report, models.Outcome,
                   models.PublicationTrialLink)]
    return f"{engine.url}|{digest}|{run}|{counts}"


def registry_url(registry_id: str) -> str | None:
    """A public page for a registry ID, so every trial is one click from its source."""
    rid = registry_id.strip()
    if rid.upper().startswith("NCT"):
        return f"https://clinicaltrials.gov/study/{rid}"
    if rid.upper().startswith("CHICTR"):
        return f"https://www.chictr.org.cn/searchprojEN.html?regno={rid}"
    if rid.upper().startswith("DRKS"):
        return f"https://drks.de/search/en/trial/{rid}"
    if rid.upper().startswith("ISRCTN"):
        return f"https://www.isrctn.com/{rid}"
    if re.fullmatch(r"\d{4}-\d{6}-\d{2}(-\d{2})?", rid):
        return f"https://www.clinicaltrialsregister.eu/ctr-search/search?query={rid}"
    return None


def _phase_text(phases: list[str]) -> str:
    return ", ".join(PHASE_LABELS.get(p, p) for p in phases) if phases else "—"


def _report_dict(r: models.Report, trial_phases: dict[str, list[str]]) -> dict:
    phases = sorted({p for rid in r.registry_ids for p in trial_phases.get(rid, [])})
    return {
        "report_id": r.report_id, "Report": r.label, "Year": r.year, "Kind": label(ReportKind, r.kind),
        "kind": r.kind, "Diseases": ", ".join(label(Disease, d) for d in r.diseases),
        "diseases": list(r.diseases), "Target": label(Target, r.target), "target": r.target,
        "Construct": label(Construct, r.car_construct), "construct": r.car_construct,
        "Population": label(Population, r.population), "population": r.population,
        "Phase": _phase_text(phases), "phases": phases, "Patients": r.n_treated,
        "Follow-up": r.followup, "Product": r.product, "cohort_id": r.cohort_id, "Title": r.title,
        "Journal": r.journal or r.conference, "data_cutoff": r.data_cutoff, "pmid": r.pmid, "doi": r.doi,
        "registry_ids": list(r.registry_ids), "first_author": r.first_author, "url": r.url,
        "PubMed": f"https://pubmed.ncbi.nlm.nih.gov/{r.pmid}/" if r.pmid else None,
        "DOI": f"https://doi.org/{r.doi}" if r.doi else None,
        "Registry": next((registry_url(x) for x in r.registry_ids if registry_url(x)), None),
    }


@st.cache_data(**CACHE)
def reports_frame(version: str) -> pd.DataFrame:
    """Every curated report, one row each, with labels for display and codes for filtering."""
    with Session(get_engine()) as s:
        phases = dict(s.execute(select(models.Trial.registry_id, models.Trial.phases)).all())
        rows = [_report_dict(r, phases) for r in s.execute(select(models.Report)).scalars()]
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    return frame.sort_values(["Year", "Report"], ascending=[False, True], na_position="last",
                             ignore_index=True)


@st.cache_data(**CACHE)
def search_reports(version: str, user_text: str) -> list[str]:
    """Report IDs whose label/title/journal/notes, or whose PubMed title/abstract, match the text."""
    return search.search_reports(get_engine(), user_text)


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


@st.cache_data(**CACHE)
def report_detail(version: str, report_id: str) -> dict | None:
    """One report with its outcomes, cohort, supersedes chain, trials and PubMed record."""
    with Session(get_engine()) as s:
        r = s.get(models.Report, report_id)
        if r is None:
            return None
        cohort = s.get(models.Cohort, r.cohort_id)
        siblings = s.execute(select(models.Report).where(models.Report.cohort_id == r.cohort_id)).scalars().all()
        outcomes = s.execute(select(models.Outcome).where(models.Outcome.report_id == report_id)
                             .order_by(models.Outcome.outcome, models.Outcome.subgroup)).scalars().all()
        trials = s.execute(select(models.Trial).where(models.Trial.registry_id.in_(r.registry_ids))).scalars().all()
        pub = s.get(models.Publication, r.pmid) if r.pmid else None
        return {
            "report": {c: getattr(r, c) for c in models.Report.model_fields},
            "cohort": {c: getattr(cohort, c) for c in models.Cohort.model_fields} if cohort else None,
            "supersedes": [(x.report_id, x.label) for x in siblings if x.report_id == r.supersedes],
            "superseded_by": [(x.report_id, x.label) for x in siblings if x.supersedes == r.report_id],
            "same_cohort": [(x.report_id, x.label) for x in siblings if x.report_id != r.report_id],
            "outcomes": _frame([{
                "Outcome": label(Outcome, o.outcome), "Subgroup": "all" if o.subgroup == "all"
                else label(Disease, o.subgroup), "Events": o.events, "Patients": o.patients,
                "Rate": o.events / o.patients, "Default": o.is_default, "Variant": o.variant,
                "Definition": o.definition, "Time point": o.timepoint, "Source": o.source,
                "Where": o.source_location, "Status": o.status, "Note": o.note} for o in outcomes],
                ["Outcome", "Subgroup", "Events", "Patients", "Rate", "Default", "Variant", "Definition",
                 "Time point", "Source", "Where", "Status", "Note"]),
            "trials": _frame([{"Registry ID": t.registry_id, "Title": t.brief_title,
                               "Status": STATUS_TEXT.get(t.status, t.status),
                               "Phase": _phase_text(t.phases), "Link": registry_url(t.registry_id)}
                              for t in trials], ["Registry ID", "Title", "Status", "Phase", "Link"]),
            "unmatched_registry_ids": sorted(set(r.registry_ids) - {t.registry_id for t in trials}),
            "abstract": pub.abstract if pub else "",
        }


def _trial_dict(t: models.Trial) -> dict:
    return {
        "Registry ID": t.registry_id, "Title": t.brief_title or t.official_title, "Acronym": t.acronym,
        "Status": STATUS_TEXT.get(t.status or "UNKNOWN", t.status), "status": t.status or "UNKNOWN",
        "Phase": _phase_text(t.phases), "phases": list(t.phases),
        "Sponsor": t.sponsor, "Countries": ", ".join(t.countries), "countries": list(t.countries),
        "Enrollment": t.enrollment, "Start": t.start_date, "Primary completion": t.primary_completion_date,
        "Completion": t.completion_date, "Last update": t.last_update_posted or t.seen_date,
        "Diseases": ", ".join(label(Disease, d) for d in t.diseases), "diseases": list(t.diseases),
        "Targets": ", ".join(label(Target, x) for x in t.targets), "targets": list(t.targets),
        "Construct": label(Construct, t.car_construct), "construct": t.car_construct,
        "Population": label(Population, t.population), "population": t.population,
        "Product": t.product, "Conditions": "; ".join(t.conditions), "Link": registry_url(t.registry_id),
        "registry": t.registry_name, "origin": t.origin,
    }


@st.cache_data(**CACHE)
def trials_frame(version: str) -> pd.DataFrame:
    """Every registered trial, one row each."""
    with Session(get_engine()) as s:
        rows = [_trial_dict(t) for t in s.execute(select(models.Trial)).scalars()]
    frame = pd.DataFrame(rows)
    return frame.sort_values("Start", ascending=False, ignore_index=True) if not frame.empty else frame


@st.cache_data(**CACHE)
def trial_detail(version: str, registry_id: str) -> dict | None:
    """A trial's change history, linked publications and the curated reports that cite it."""
    with Session(get_engine()) as s:
        t = s.get(models.Trial, registry_id)
        if t is None:
            return None
        changes = s.execute(select(models.TrialChange).where(models.TrialChange.registry_id == registry_id)
                            .order_by(models.TrialChange.observed_at.desc())).scalars().all()
        links = s.execute(select(models.PublicationTrialLink)
                          .where(models.PublicationTrialLink.registry_id == registry_id)).scalars().all()
        titles = dict(s.execute(select(models.Publication.pmid, models.Publication.title)
                                .where(models.Publication.pmid.in_([x.pmid for x in links]))).all())
        reports = [r for r in s.execute(select(models.Report)).scalars() if registry_id in r.registry_ids]
        return {
            "trial": _trial_dict(t) | {"official_title": t.official_title, "why_stopped": t.why_stopped,
                                       "interventions": list(t.interventions), "source": t.source,
                                       "notes": t.notes, "min_age": t.min_age, "max_age": t.max_age},
            "changes": _frame([{"Observed": c.observed_at, "Field": c.field, "Old": c.old, "New": c.new}
                               for c in changes], ["Observed", "Field", "Old", "New"]),
            "publications": _frame([{"PMID": x.pmid, "Title": titles.get(x.pmid, ""), "How linked": x.method,
                                     "PubMed": f"https://pubmed.ncbi.nlm.nih.gov/{x.pmid}/"} for x in links],
                                   ["PMID", "Title", "How linked", "PubMed"]),
            "reports": [(r.report_id, r.label) for r in reports],
        }


ROW_COLUMNS = ["report_id", "label", "study_label", "cohort_id", "subgroup", "events", "patients", "year",
               "data_cutoff", "diseases", "target", "construct", "population", "kind", "status", "definition",
               "source", "source_location", "included", "reason"]


@st.cache_data(**CACHE)
def analysis_rows(version: str, outcome: str, diseases: tuple[str, ...] = (), targets: tuple[str, ...] = (),
                  constructs: tuple[str, ...] = (), populations: tuple[str, ...] = (),
                  kinds: tuple[str, ...] = (), cohort_aware: bool = True) -> pd.DataFrame:
    """The analysis set for an outcome (``evidence.analysis_set``), as a DataFrame."""
    with Session(get_engine()) as s:
        rows = analysis_set(s, outcome, diseases=diseases or None, targets=targets or None,
                            constructs=constructs or None, populations=populations or None,
                            kinds=kinds or None, cohort_aware=cohort_aware)
    columns = {c: [list(r.diseases) if c == "diseases" else getattr(r, c) for r in rows] for c in ROW_COLUMNS}
    # typed even when empty: an empty object column used as a mask would select columns, not rows
    typed = {"included": bool, "events": "int64", "patients": "int64"}
    return pd.DataFrame({c: pd.Series(v, dtype=typed.get(c, object)) for c, v in columns.items()})


@st.cache_data(**CACHE)
def outcome_counts(version: str) -> dict[str, int]:
    """How many reports give each outcome (to order and annotate the outcome picker)."""
    with Session(get_engine()) as s:
        rows = s.execute(select(models.Outcome.outcome, func.count(func.distinct(models.Outcome.report_id)))
                         .group_by(models.Outcome.outcome)).all()
    return {o: n for o, n in rows}


@st.cache_data(**CACHE)
def outcome_disease_pairs(version: str) -> set[tuple[str, str]]:
    """(outcome, disease) pairs with at least one default number: which analyses can be non-empty."""
    with Session(get_engine()) as s:
        rows = s.execute(select(models.Outcome.outcome, models.Outcome.subgroup, models.Report.diseases)
                         .join(models.Report, models.Report.report_id == models.Outcome.report_id)
                         .where(models.Outcome.is_default)).all()
    pairs = set()
    for outcome, subgroup, diseases in rows:
        for d in ([subgroup] if subgroup != "all" else diseases):
            pairs.add((outcome, "sle" if d == "lupus_nephritis" else d))
    return pairs


def latest_per_cohort(reports: pd.DataFrame) -> pd.DataFrame:
    """The latest report of each cohort (by data cut-off, then year): patients counted once."""
    ordered = reports.assign(_k=reports["data_cutoff"].fillna("") + "|" + reports["Year"].fillna(0)
                             .astype(int).astype(str))
    return ordered.sort_values("_k").groupby("cohort_id", as_index=False).tail(1)


@st.cache_data(**CACHE)
def evidence_map(version: str) -> pd.DataFrame:
    """Disease × target cells: reports, patients (latest report per cohort) and trials."""
    reports, trials = reports_frame(version), trials_frame(version)
    cells: dict[tuple[str, str], Counter] = {}
    if not reports.empty:
        latest = set(latest_per_cohort(reports)["report_id"])
        for r in reports.itertuples():
            for d in r.diseases:
                c = cells.setdefault((d, r.target or "other"), Counter())
                c["reports"] += 1
                c["patients"] += int(r.Patients) if r.report_id in latest and pd.notna(r.Patients) else 0
    if not trials.empty:
        for t in trials.itertuples():
            for d in t.diseases:
                for x in (t.targets or ["other"]):
                    cells.setdefault((d, x), Counter())["trials"] += 1
    rows = [{"disease": d, "target": x, "Disease": short_label(Disease, d), "Target": short_label(Target, x),
             "Reports": c["reports"], "Patients": c["patients"], "Trials": c["trials"]}
            for (d, x), c in cells.items()]
    return pd.DataFrame(rows, columns=["disease", "target", "Disease", "Target", "Reports", "Patients", "Trials"])


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value


@st.cache_data(**CACHE)
def digest(version: str, days: int = 30) -> dict:
    """What's new in the last ``days`` days before the last update (``evidence.digest``), as plain dicts."""
    with Session(get_engine()) as s:
        last = last_successful_update(s)
        anchor = last or datetime.now(timezone.utc)
        result: Digest = whats_new(s, anchor - timedelta(days=days))
    return {"since": result.since, "last_update": last, "new_publications": result.new_publications,
            "new_trials": result.new_trials, "trial_changes": result.trial_changes}


@st.cache_data(**CACHE)
def update_status(version: str) -> dict:
    """When each source was last harvested and how many rows there are (the "last updated" line)."""
    with Session(get_engine()) as s:
        runs = s.execute(select(models.HarvestRun).order_by(models.HarvestRun.id.desc())).scalars().all()
        latest: dict[str, dict] = {}
        for run in runs:
            latest.setdefault(run.source, {"source": run.source, "status": run.status,
                                           "finished": _aware(run.finished_at), "new": run.new,
                                           "changed": run.changed, "error": run.error})
        data_hash = s.execute(select(models.Meta.value).where(models.Meta.key == DATA_HASH_KEY)).scalar()
        counts = {m.__tablename__: s.execute(select(func.count()).select_from(m)).scalar()
                  for m in (models.Publication, models.Trial, models.Report, models.Cohort, models.Outcome)}
        last = last_successful_update(s)
    return {"runs": list(latest.values()), "last_update": last, "data_hash": data_hash, "counts": counts}


@st.cache_data(**CACHE)
def references(version: str, report_ids: tuple[str, ...]) -> list[dict]:
    """Bibliographic records of the given reports (for RIS and BibTeX)."""
    with Session(get_engine()) as s:
        reports = s.execute(select(models.Report).where(models.Report.report_id.in_(report_ids))).scalars().all()
        pmids = [r.pmid for r in reports if r.pmid]
        pubs = {p.pmid: p for p in s.execute(select(models.Publication)
                                             .where(models.Publication.pmid.in_(pmids))).scalars()}
        out = []
        for r in sorted(reports, key=lambda r: (r.year or 0, r.label)):
            p = pubs.get(r.pmid) if r.pmid else None
            out.append({"id": r.report_id, "kind": r.kind, "title": (p.title if p else "") or r.title or r.label,
                        "authors": list(p.authors) if p and p.authors else ([r.first_author] if r.first_author else []),
                        "journal": (p.journal if p else "") or r.journal or r.conference, "year": r.year,
                        "doi": r.doi or (p.doi if p else None), "pmid": r.pmid, "url": r.url,
                        "abstract_number": r.abstract_number, "conference": r.conference})
    return out
