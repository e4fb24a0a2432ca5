"""The store's read questions, answered once for the app, the command line and scheduled jobs.

Each function takes an open ``Session`` and returns plain values or
DataFrames (never ORM objects, so callers may cache and pickle them):
the reports and trials tables, a report's or a trial's details, the
evidence map, the headline rates, references, what each outcome has, what
is new and when the data were last updated. Pages draw these answers; they
do not query the database themselves.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from evidence import models
from evidence.cohorts import Dated, latest_per_cohort
from evidence.curated import DATA_HASH_KEY
from evidence.ages import age_range
from evidence.digest import last_successful_update, whats_new
from evidence.geography import regions_of
from evidence.i18n import DEFAULT_LANGUAGE, N_, format_significant, translator
from evidence.registries import registry_url
from evidence.search import fold
from evidence.vocab import (
    Construct,
    Disease,
    Outcome,
    Population,
    ReportKind,
    Sex,
    Target,
    TrialStatus,
    expand_diseases,
    label_of,
    parent_disease,
    phase_text,
    without_detail,
)

PUBMED_URL = "https://pubmed.ncbi.nlm.nih.gov/{}/"
DOI_URL = "https://doi.org/{}"


def short_label(vocab: type, code: str | None) -> str:
    """The label without its parenthesised detail, for tight spaces (chart axes, table cells)."""
    return without_detail(label_of(vocab, code))


def data_version(session: Session) -> str:
    """A cheap fingerprint of the database content (the cache key of every cached answer)."""
    digest = session.execute(select(models.Meta.value).where(models.Meta.key == DATA_HASH_KEY)).scalar()
    run = session.execute(select(func.max(models.HarvestRun.id))).scalar()
    # A workbench edit in place (a number corrected or verified) changes no row count: the audit trail's last entry
    # does change with every one of them.
    last_edit = session.execute(select(func.max(models.AuditEntry.id))).scalar()
    counts = [session.execute(select(func.count()).select_from(m)).scalar() for m in
              (models.Publication, models.Trial, models.TrialChange, models.Report, models.Outcome,
               models.PublicationTrialLink, models.TrialSite)]
    return f"{session.get_bind().url}|{digest}|{run}|{last_edit}|{counts}"


def data_label(session: Session) -> str:
    """Which data an answer came from, for exports: the curated-data hash and the last harvest run."""
    digest = session.execute(select(models.Meta.value).where(models.Meta.key == DATA_HASH_KEY)).scalar() or ""
    run = session.execute(select(func.max(models.HarvestRun.id))).scalar()
    return f"curated data {digest[:12]}, harvest run {run}"


# ------------------------------------------------------------------ reports

def _report_dict(r: models.Report, trial_phases: dict[str, list[str]], latest: set[str]) -> dict:
    phases = sorted({p for rid in r.registry_ids for p in trial_phases.get(rid, [])})
    return {
        "report_id": r.report_id, "Report": r.label, "Year": r.year, "Kind": label_of(ReportKind, r.kind),
        "kind": r.kind, "Diseases": ", ".join(label_of(Disease, d) for d in r.diseases),
        "diseases": list(r.diseases), "Target": label_of(Target, r.target), "target": r.target,
        "Construct": label_of(Construct, r.car_construct), "construct": r.car_construct,
        "Population": label_of(Population, r.population), "population": r.population,
        "Phase": phase_text(phases), "phases": phases, "Patients": r.n_treated,
        "Follow-up": r.followup, "Product": r.product, "cohort_id": r.cohort_id, "Title": r.title,
        "Journal": r.journal or r.conference, "data_cutoff": r.data_cutoff, "pmid": r.pmid, "doi": r.doi,
        "registry_ids": list(r.registry_ids), "first_author": r.first_author, "url": r.url,
        "PubMed": PUBMED_URL.format(r.pmid) if r.pmid else None,
        "DOI": DOI_URL.format(r.doi) if r.doi else None,
        "Registry": next((registry_url(x) for x in r.registry_ids if registry_url(x)), None),
        "latest_of_cohort": r.report_id in latest,
    }


def latest_reports(session: Session) -> dict[str, str]:
    """Cohort ID → its latest report (``evidence.cohorts``): patients are counted once, from it."""
    rows = session.execute(select(models.Report.report_id, models.Report.cohort_id, models.Report.supersedes,
                                  models.Report.data_cutoff, models.Report.year)).all()
    return latest_per_cohort([Dated(r.report_id, r.supersedes, r.data_cutoff, r.year) for r in rows],
                             {r.report_id: r.cohort_id for r in rows})


def reports_table(session: Session) -> pd.DataFrame:
    """Every curated report, one row each, labels for display and codes for filtering, newest first."""
    phases = dict(session.execute(select(models.Trial.registry_id, models.Trial.phases)).all())
    latest = set(latest_reports(session).values())
    rows = [_report_dict(r, phases, latest) for r in session.execute(select(models.Report)).scalars()]
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame["Year"] = frame["Year"].astype("Int64")
    frame["Patients"] = frame["Patients"].astype("Int64")
    return frame.sort_values(["Year", "Report"], ascending=[False, True], na_position="last", ignore_index=True)


def patients_counted_once(reports: pd.DataFrame) -> int:
    """Patients over the latest report of each cohort (re-reported patients count once)."""
    if reports.empty:
        return 0
    return int(reports.loc[reports["latest_of_cohort"], "Patients"].fillna(0).sum())


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def timepoint_text(timepoint: str | None, months: float | None, lang: str | None = DEFAULT_LANGUAGE) -> str:
    """When a number was assessed: the source's words and the months, "week 12 · 3 months" ("3 mesi" in Italian)."""
    _ = translator(lang)
    after = "" if months is None or months != months else _("{n} months").format(n=format_significant(months, lang, 6))
    return " · ".join(x for x in (timepoint if isinstance(timepoint, str) else "", after) if x)


def _outcome_rows(outcomes: Iterable[models.Outcome]) -> pd.DataFrame:
    return _frame([{
        "Outcome": label_of(Outcome, o.outcome), "Subgroup": "all" if o.subgroup == "all"
        else label_of(Disease, o.subgroup), "Events": o.events, "Patients": o.patients,
        "Rate": o.events / o.patients, "Default": o.is_default, "Variant": o.variant,
        "Definition": o.definition, "Time point": timepoint_text(o.timepoint, o.timepoint_months),
        "timepoint": o.timepoint, "timepoint_months": o.timepoint_months, "Source": o.source,
        "Where": o.source_location, "Status": o.status, "Note": o.note} for o in outcomes],
        ["Outcome", "Subgroup", "Events", "Patients", "Rate", "Default", "Variant", "Definition",
         "Time point", "Source", "Where", "Status", "Note", *TIMEPOINT_CODES])


TIMEPOINT_CODES = ("timepoint", "timepoint_months")  # what "Time point" is written from, in another language


def report_detail(session: Session, report_id: str) -> dict | None:
    """One report with its outcomes, cohort, supersedes chain, trials and PubMed record."""
    r = session.get(models.Report, report_id)
    if r is None:
        return None
    cohort = session.get(models.Cohort, r.cohort_id)
    siblings = session.execute(select(models.Report).where(models.Report.cohort_id == r.cohort_id)).scalars().all()
    outcomes = session.execute(select(models.Outcome).where(models.Outcome.report_id == report_id)
                               .order_by(models.Outcome.outcome, models.Outcome.subgroup)).scalars().all()
    trials = session.execute(select(models.Trial).where(models.Trial.registry_id.in_(r.registry_ids))).scalars().all()
    pub = session.get(models.Publication, r.pmid) if r.pmid else None
    return {
        "report": {c: getattr(r, c) for c in models.Report.model_fields},
        "cohort": {c: getattr(cohort, c) for c in models.Cohort.model_fields} if cohort else None,
        "supersedes": [(x.report_id, x.label) for x in siblings if x.report_id == r.supersedes],
        "superseded_by": [(x.report_id, x.label) for x in siblings if x.supersedes == r.report_id],
        "same_cohort": [(x.report_id, x.label) for x in siblings if x.report_id != r.report_id],
        "outcomes": _outcome_rows(outcomes),
        "trials": _frame([{"Registry ID": t.registry_id, "Title": t.brief_title,
                           "Status": label_of(TrialStatus, t.status), "Phase": phase_text(t.phases),
                           "Link": registry_url(t.registry_id)} for t in trials],
                         ["Registry ID", "Title", "Status", "Phase", "Link"]),
        "unmatched_registry_ids": sorted(set(r.registry_ids) - {t.registry_id for t in trials}),
        "abstract": pub.abstract if pub else "",
        "retracted": bool(pub and pub.retracted),
        "corrections": list(pub.corrections) if pub else [],
    }


# ------------------------------------------------------------------- trials

def accepts_children(paediatric: bool | None, population: str | None) -> bool | None:
    """Whether a trial may enrol children: the registry's age groups first, then the curated population."""
    if paediatric is not None:
        return paediatric
    if population in (Population.PAEDIATRIC.value, Population.MIXED.value):
        return True
    return False if population == Population.ADULT.value else None


def _trial_dict(t: models.Trial, sites: list[tuple[str, str, str]] | None = None) -> dict:
    """One trial's row; ``sites`` are its (country, site status, "facility city") triples."""
    status = t.status or TrialStatus.UNKNOWN.value
    return {
        "Registry ID": t.registry_id, "Title": t.brief_title or t.official_title, "Acronym": t.acronym,
        "Status": label_of(TrialStatus, status), "status": status,
        "Phase": phase_text(t.phases), "phases": list(t.phases),
        "Sponsor": t.sponsor, "Countries": ", ".join(t.countries), "countries": list(t.countries),
        "Enrollment": t.enrollment, "Start": t.start_date, "Primary completion": t.primary_completion_date,
        "Completion": t.completion_date, "Last update": t.last_update_posted or t.seen_date,
        "Diseases": ", ".join(label_of(Disease, d) for d in t.diseases), "diseases": list(t.diseases),
        "Targets": ", ".join(label_of(Target, x) for x in t.targets), "targets": list(t.targets),
        "Construct": label_of(Construct, t.car_construct), "construct": t.car_construct,
        "Population": label_of(Population, t.population), "population": t.population,
        "Product": t.product, "Conditions": "; ".join(t.conditions), "Link": registry_url(t.registry_id),
        "registry": t.registry_name, "origin": t.origin, "Ages": age_range(t.min_age, t.max_age),
        "min_age": t.min_age, "max_age": t.max_age,
        "children": accepts_children(t.paediatric, t.population),
        "regions": sorted(r.value for r in regions_of(t.countries)),
        "sites": [(country, status) for country, status, _ in sites or []] if t.sites_known else None,
        "Sites": "; ".join(place for _, _, place in sites or []),
    }


def _site_places(session: Session) -> dict[str, list[tuple[str, str, str]]]:
    """Registry ID → (country, status, "facility, city") of each of its sites: the filters' questions."""
    places: dict[str, list[tuple[str, str, str]]] = {}
    site = models.TrialSite
    for registry_id, country, status, facility, city in session.execute(
            select(site.registry_id, site.country, site.status, site.facility, site.city)
            .order_by(site.registry_id, site.position)):
        places.setdefault(registry_id, []).append((country, status, ", ".join(x for x in (facility, city) if x)))
    return places


def trials_table(session: Session) -> pd.DataFrame:
    """Every registered trial, one row each, latest start first."""
    places = _site_places(session)
    frame = pd.DataFrame([_trial_dict(t, places.get(t.registry_id, []))
                          for t in session.execute(select(models.Trial)).scalars()])
    if frame.empty:
        return frame
    frame["Enrollment"] = frame["Enrollment"].astype("Int64")
    return frame.sort_values("Start", ascending=False, ignore_index=True)


@dataclass(frozen=True)
class TrialFilter:
    """What a clinician asks of the trials table; empty means any."""

    diseases: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    constructs: tuple[str, ...] = ()
    populations: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    recruiting_site: bool = False  # a site recruiting now (in the chosen countries or regions, if any)
    children: bool = False
    text: str = ""


@dataclass
class TrialMatches:
    """Trials that match, and those that might but lack the field a filter asks about."""

    shown: pd.DataFrame
    apart: pd.DataFrame  # column "why": see NO_COUNTRY, NO_SITES, NO_SITE_STATUS, NO_AGES

#: Why a trial is listed apart: the filter asks about something its registry record does not give.
NO_COUNTRY = N_("no country recorded")  # N_: the app shows these reasons translated
NO_SITES = N_("sites not recorded")
NO_SITE_STATUS = N_("recruitment status of its sites there not recorded")
NO_AGES = N_("age eligibility not recorded")


def _recruiting_here(sites: list[tuple[str, str]] | None, f: TrialFilter) -> bool | None:
    """Whether a site in the asked place recruits: True, False, or None (sites, or their status, unknown)."""
    if sites is None:
        return None
    here = [status for country, status in sites
            if (not f.countries or country in f.countries)
            and (not f.regions or bool(regions_of([country]) & set(f.regions)))]
    if TrialStatus.RECRUITING.value in here:
        return True
    return None if "" in here else False


def _any(values: list | None, wanted: Iterable[str]) -> bool:
    wanted = set(wanted)
    return not wanted or bool(set(values or []) & wanted)


def filter_trials(trials: pd.DataFrame, f: TrialFilter) -> TrialMatches:
    """Trials matching every filter (lists: any of; text: substring of titles, sponsor, IDs, sites, any case or accent).

    A trial with no country recorded cannot be placed by a country or region
    filter, one whose sites (or their status there) are not recorded by the
    recruiting-site filter, and one with no age eligibility by the children
    filter: such trials are returned apart, with why, never dropped silently.
    """
    if trials.empty:
        return TrialMatches(trials, trials.assign(why=pd.Series(dtype=object)))
    keep = pd.Series(True, index=trials.index)
    keep &= trials["diseases"].map(lambda v: _any(v, expand_diseases(f.diseases)))
    keep &= trials["targets"].map(lambda v: _any(v, f.targets))
    keep &= trials["phases"].map(lambda v: _any(v, f.phases))
    for values, column in ((f.constructs, "construct"), (f.populations, "population"), (f.statuses, "status")):
        if values:
            keep &= trials[column].isin(values)
    q = fold(f.text.strip())
    if q:
        hay = (trials["Registry ID"] + " " + trials["Title"] + " " + trials["Acronym"] + " " + trials["Sponsor"]
               + " " + trials["Product"] + " " + trials["Conditions"] + " " + trials["Sites"]).map(fold)
        keep &= hay.str.contains(q, regex=False)
    why = pd.Series("", index=trials.index, dtype=object)
    if f.countries or f.regions:
        placed = trials["countries"].map(bool)
        keep &= ~placed | (trials["countries"].map(lambda v: _any(v, f.countries) if f.countries else True)
                           & trials["regions"].map(lambda v: _any(v, f.regions) if f.regions else True))
        why[~placed] = NO_COUNTRY
    if f.recruiting_site:
        recruiting = trials["sites"].map(lambda sites: _recruiting_here(sites, f))
        keep &= recruiting.map(lambda v: v is not False)
        why[trials["sites"].isna() & (why == "")] = NO_SITES
        why[recruiting.isna() & (why == "")] = NO_SITE_STATUS
    if f.children:
        known = trials["children"].notna()
        keep &= ~known | trials["children"].fillna(False).astype(bool)
        why[~known & (why == "")] = NO_AGES
    matched = trials[keep]
    apart = why[keep] != ""
    return TrialMatches(matched[~apart], matched[apart].assign(why=why[keep][apart]))


SITE_COLUMNS = ["Facility", "City", "State", "Zip", "Country", "Status", "status", "Latitude", "Longitude"]


def _sites_frame(session: Session, registry_id: str) -> pd.DataFrame:
    sites = session.execute(select(models.TrialSite).where(models.TrialSite.registry_id == registry_id)
                            .order_by(models.TrialSite.position, models.TrialSite.id)).scalars()
    return _frame([{"Facility": s.facility, "City": s.city, "State": s.state, "Zip": s.zip, "Country": s.country,
                    "Status": label_of(TrialStatus, s.status) if s.status else "not recorded", "status": s.status,
                    "Latitude": s.lat, "Longitude": s.lon} for s in sites], SITE_COLUMNS)


def _eligibility(t: models.Trial) -> dict:
    return {"criteria": t.eligibility_criteria, "Sex": label_of(Sex, t.sex) if t.sex else "",
            "Healthy volunteers": {True: "yes", False: "no"}.get(t.healthy_volunteers, ""),
            "Ages": age_range(t.min_age, t.max_age), "min_age": t.min_age, "max_age": t.max_age,
            "age_groups": list(t.age_groups)}


def trial_detail(session: Session, registry_id: str) -> dict | None:
    """A trial's change history, sites, eligibility, linked publications and the curated reports that cite it.

    ``sites_known`` is false when no registry record with sites was stored
    (curated trials, records without ``contactsLocationsModule``): then the
    empty ``sites`` mean "not recorded", not "no site".
    """
    t = session.get(models.Trial, registry_id)
    if t is None:
        return None
    changes = session.execute(select(models.TrialChange).where(models.TrialChange.registry_id == registry_id)
                              .order_by(models.TrialChange.observed_at.desc())).scalars().all()
    links = session.execute(select(models.PublicationTrialLink)
                            .where(models.PublicationTrialLink.registry_id == registry_id)).scalars().all()
    titles = dict(session.execute(select(models.Publication.pmid, models.Publication.title)
                                  .where(models.Publication.pmid.in_([x.pmid for x in links]))).all())
    reports = [r for r in session.execute(select(models.Report)).scalars() if registry_id in r.registry_ids]
    return {
        "trial": _trial_dict(t) | {"official_title": t.official_title, "why_stopped": t.why_stopped,
                                   "interventions": list(t.interventions), "source": t.source,
                                   "notes": t.notes},
        "changes": _frame([{"Observed": c.observed_at, "Field": c.field, "Old": c.old, "New": c.new}
                           for c in changes], ["Observed", "Field", "Old", "New"]),
        "publications": _frame([{"PMID": x.pmid, "Title": titles.get(x.pmid, ""), "How linked": x.method,
                                 "PubMed": PUBMED_URL.format(x.pmid)} for x in links],
                               ["PMID", "Title", N_("How linked"), "PubMed"]),
        "reports": [(r.report_id, r.label) for r in reports],
        "sites": _sites_frame(session, registry_id),
        "sites_known": t.sites_known,
        "eligibility": _eligibility(t),
    }


# ----------------------------------------------------------------- outcomes

def outcome_counts(session: Session) -> dict[str, int]:
    """How many reports give each outcome (to order and annotate an outcome picker)."""
    rows = session.execute(select(models.Outcome.outcome, func.count(func.distinct(models.Outcome.report_id)))
                           .group_by(models.Outcome.outcome)).all()
    return {o: n for o, n in rows}


def outcome_disease_pairs(session: Session) -> set[tuple[str, str]]:
    """(outcome, disease) pairs with at least one default number: which analyses can be non-empty.

    A lupus nephritis number counts for SLE too (its patients are SLE patients).
    """
    rows = session.execute(select(models.Outcome.outcome, models.Outcome.subgroup, models.Report.diseases)
                           .join(models.Report, models.Report.report_id == models.Outcome.report_id)
                           .where(models.Outcome.is_default)).all()
    pairs = set()
    for outcome, subgroup, diseases in rows:
        for d in ([subgroup] if subgroup != "all" else diseases):
            pairs.update({(outcome, d), (outcome, parent_disease(d))})
    return pairs


def evidence_map(session: Session, reports: pd.DataFrame | None = None,
                 trials: pd.DataFrame | None = None) -> pd.DataFrame:
    """Disease × target cells: reports, patients (latest report per cohort) and trials."""
    reports = reports_table(session) if reports is None else reports
    trials = trials_table(session) if trials is None else trials
    cells: dict[tuple[str, str], Counter] = {}
    for r in reports.itertuples() if not reports.empty else ():
        for d in r.diseases:
            c = cells.setdefault((d, r.target or "other"), Counter())
            c["reports"] += 1
            c["patients"] += int(r.Patients) if r.latest_of_cohort and pd.notna(r.Patients) else 0
    for t in trials.itertuples() if not trials.empty else ():
        for d in t.diseases:
            for x in (t.targets or ["other"]):
                cells.setdefault((d, x), Counter())["trials"] += 1
    rows = [{"disease": d, "target": x, "Disease": short_label(Disease, d), "Target": short_label(Target, x),
             "Reports": c["reports"], "Patients": c["patients"], "Trials": c["trials"]}
            for (d, x), c in cells.items()]
    return pd.DataFrame(rows, columns=["disease", "target", "Disease", "Target", "Reports", "Patients", "Trials"])


# ------------------------------------------------------------ updates, news

def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value


def recent_news(session: Session, days: int = 30) -> dict:
    """What's new in the ``days`` days before the last update (``evidence.digest``), as plain dicts."""
    last = last_successful_update(session)
    anchor = last or datetime.now(timezone.utc)
    result = whats_new(session, anchor - timedelta(days=days))
    return {"since": result.since, "last_update": last, "new_publications": result.new_publications,
            "new_trials": result.new_trials, "trial_changes": result.trial_changes}


def update_status(session: Session) -> dict:
    """When each source was last harvested and how many rows there are (the "last updated" line)."""
    runs = session.execute(select(models.HarvestRun).order_by(models.HarvestRun.id.desc())).scalars().all()
    latest: dict[str, dict] = {}
    for run in runs:
        latest.setdefault(run.source, {"source": run.source, "status": run.status,
                                       "finished": _aware(run.finished_at), "new": run.new,
                                       "changed": run.changed, "error": run.error})
    data_hash = session.execute(select(models.Meta.value).where(models.Meta.key == DATA_HASH_KEY)).scalar()
    counts = {m.__tablename__: session.execute(select(func.count()).select_from(m)).scalar()
              for m in (models.Publication, models.Trial, models.Report, models.Cohort, models.Outcome)}
    return {"runs": list(latest.values()), "last_update": last_successful_update(session),
            "data_hash": data_hash, "counts": counts}


def references(session: Session, report_ids: Iterable[str]) -> list[dict[str, Any]]:
    """Bibliographic records of the given reports (for RIS and BibTeX), oldest first."""
    reports = session.execute(select(models.Report).where(models.Report.report_id.in_(list(report_ids)))
                              ).scalars().all()
    pmids = [r.pmid for r in reports if r.pmid]
    pubs = {p.pmid: p for p in session.execute(select(models.Publication)
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
