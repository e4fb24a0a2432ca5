"""SQLModel tables of the evidence store.

Two halves live here. The *registry* half (Publication, Trial, TrialChange,
PublicationTrialLink, HarvestRun) mirrors what the harvesters see in PubMed
and ClinicalTrials.gov. The *curated* half (Cohort, Report, Outcome) holds the
numbers a reviewer extracted by hand, each with its source. Invariants that
must never be broken (unique natural keys, events <= patients, non-negative
counts, no self-superseding report) are CHECK and UNIQUE constraints, so no
code path can bypass them.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, CheckConstraint, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from evidence.vocab import RowOrigin


def utcnow() -> datetime:
    """Timezone-aware now, the only clock the store uses."""
    return datetime.now(timezone.utc)


def _json_list() -> Column:
    return Column(JSON, nullable=False, default=list)


class Meta(SQLModel, table=True):
    """Key/value facts about the database itself (e.g. the curated data hash)."""

    key: str = Field(primary_key=True)
    value: str


class Publication(SQLModel, table=True):
    """A PubMed record (or a curated stand-in for one), keyed on PMID."""

    pmid: str = Field(primary_key=True)
    title: str = ""
    abstract: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    journal: str = ""
    journal_iso: str = ""
    pub_date: str = ""  # partial ISO date as PubMed gives it: 2023, 2023-11, 2023-11-04
    pub_year: int | None = None
    doi: str | None = Field(default=None, index=True)
    pmcid: str | None = None
    authors: list[str] = Field(default_factory=list, sa_column=_json_list())
    publication_types: list[str] = Field(default_factory=list, sa_column=_json_list())
    mesh_terms: list[dict] = Field(default_factory=list, sa_column=_json_list())
    keywords: list[str] = Field(default_factory=list, sa_column=_json_list())
    language: str = ""
    registry_ids: list[str] = Field(default_factory=list, sa_column=_json_list())
    kind: str = "unknown"  # vocab.PublicationKind
    diseases: list[str] = Field(default_factory=list, sa_column=_json_list())
    targets: list[str] = Field(default_factory=list, sa_column=_json_list())
    car_construct: str | None = None  # CSV column "construct" (vocab.Construct)
    population: str | None = None
    origin: str = RowOrigin.PUBMED.value
    deleted: bool = False  # PubMed DeleteCitation seen: kept, flagged
    date_revised: str = ""  # PubMed DateRevised: an older copy of the record never replaces a newer one
    pmid_version: int = 1  # the PMID's Version attribute (versioned citations)
    dtd_date: str = ""  # date of the DTD of the file the row came from: the later of two exports wins
    retracted: bool = Field(default=False, index=True)  # PubMed says the report was retracted
    corrections: list[dict] = Field(default_factory=list, sa_column=_json_list())  # notices: type, pmid, source
    retraction_seen: datetime | None = None  # when the store first saw the retraction (for the digest)
    raw_xml: str | None = Field(default=None, sa_column=Column(Text))
    first_seen: datetime = Field(default_factory=utcnow)
    last_seen: datetime = Field(default_factory=utcnow)


class Trial(SQLModel, table=True):
    """A registered trial, keyed on its registry ID (NCT01234567, ChiCTR…)."""

    registry_id: str = Field(primary_key=True)
    registry_name: str = "ctgov"  # vocab.Registry; CSV column "registry"
    brief_title: str = ""
    official_title: str = ""
    acronym: str = ""
    status: str = ""  # ClinicalTrials.gov overall status enum
    why_stopped: str = ""
    phases: list[str] = Field(default_factory=list, sa_column=_json_list())
    study_type: str = ""
    enrollment: int | None = None
    enrollment_type: str = ""
    start_date: str = ""  # partial dates, stored as given
    primary_completion_date: str = ""
    completion_date: str = ""
    first_posted: str = ""
    last_update_posted: str = ""
    sponsor: str = ""
    collaborators: list[str] = Field(default_factory=list, sa_column=_json_list())
    conditions: list[str] = Field(default_factory=list, sa_column=_json_list())
    keywords: list[str] = Field(default_factory=list, sa_column=_json_list())
    interventions: list[str] = Field(default_factory=list, sa_column=_json_list())
    min_age: str = ""
    max_age: str = ""
    age_groups: list[str] = Field(default_factory=list, sa_column=_json_list())
    paediatric: bool | None = None
    countries: list[str] = Field(default_factory=list, sa_column=_json_list())
    eligibility_criteria: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    sex: str = ""  # vocab.Sex; "" when not recorded
    healthy_volunteers: bool | None = None
    sites_known: bool = False  # a registry record with contactsLocationsModule was seen: TrialSite rows are its sites
    has_results: bool = False
    diseases: list[str] = Field(default_factory=list, sa_column=_json_list())
    targets: list[str] = Field(default_factory=list, sa_column=_json_list())
    car_construct: str | None = None  # CSV column "construct" (vocab.Construct)
    product: str = ""
    population: str | None = None
    origin: str = RowOrigin.CTGOV.value
    seen_date: str = ""  # curated rows: when the facts were read
    source: str = ""  # curated rows: where they were read
    notes: str = ""
    raw_json: str | None = Field(default=None, sa_column=Column(Text))
    unknown_fields: list[str] = Field(default_factory=list, sa_column=_json_list())  # no record seen gave them
    first_seen: datetime = Field(default_factory=utcnow)
    last_seen: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        CheckConstraint("enrollment IS NULL OR enrollment >= 0", name="ck_trial_enrollment"),
    )


class TrialSite(SQLModel, table=True):
    """One site of a trial as its registry record lists it; never who to contact there."""

    id: int | None = Field(default=None, primary_key=True)
    registry_id: str = Field(foreign_key="trial.registry_id", index=True)
    position: int = 0  # order in the registry record
    facility: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    country: str = ""
    status: str = ""  # vocab.SITE_STATUSES; "" when the record does not say
    lat: float | None = None
    lon: float | None = None


class HarvestRun(SQLModel, table=True):
    """One harvest or import: what was asked, what came back, how it ended."""

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(index=True)  # pubmed | ctgov | import-pubmed | import-ctgov
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    status: str = "running"  # vocab.HarvestStatus
    fetched: int = 0
    new: int = 0
    updated: int = 0
    deleted: int = 0
    changed: int = 0
    error: str | None = Field(default=None, sa_column=Column(Text))
    params: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    cursor: str | None = None  # last good point (date window, page token) to resume from
    pid: int | None = None
    hostname: str | None = None


class TrialChange(SQLModel, table=True):
    """A tracked trial field that changed between two harvests."""

    id: int | None = Field(default=None, primary_key=True)
    registry_id: str = Field(foreign_key="trial.registry_id", index=True)
    field: str
    old: str | None = None
    new: str | None = None
    observed_at: datetime = Field(default_factory=utcnow, index=True)
    harvest_run_id: int | None = Field(default=None, foreign_key="harvestrun.id")


class PublicationTrialLink(SQLModel, table=True):
    """A publication reports a trial, and how we know.

    No foreign keys on purpose: a link found in a trial's references may name a
    PMID not harvested yet (and vice versa); linking must not depend on which
    harvester ran first.
    """

    id: int | None = Field(default=None, primary_key=True)
    pmid: str = Field(index=True)
    registry_id: str = Field(index=True)
    method: str  # vocab.LinkMethod
    matched_text: str = ""
    created_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (UniqueConstraint("pmid", "registry_id", "method", name="uq_link"),)


class Cohort(SQLModel, table=True):
    """A group of patients reported one or more times."""

    cohort_id: str = Field(primary_key=True)
    name: str
    centre: str = ""
    product: str = ""
    registry_ids: list[str] = Field(default_factory=list, sa_column=_json_list())
    grouping_evidence: str = ""
    grouping_inferred: bool = False
    notes: str = ""


class Report(SQLModel, table=True):
    """One publication, abstract or press release reporting a cohort at a cut-off."""

    report_id: str = Field(primary_key=True)
    cohort_id: str = Field(foreign_key="cohort.cohort_id", index=True)
    supersedes: str | None = Field(default=None, foreign_key="report.report_id")
    kind: str  # vocab.ReportKind
    label: str
    first_author: str = ""
    year: int | None = None
    title: str = ""
    journal: str = ""
    pmid: str | None = Field(default=None, index=True)
    doi: str | None = None
    conference: str = ""
    abstract_number: str = ""
    url: str = ""
    registry_ids: list[str] = Field(default_factory=list, sa_column=_json_list())
    diseases: list[str] = Field(default_factory=list, sa_column=_json_list())
    target: str | None = None
    car_construct: str | None = None  # CSV column "construct" (vocab.Construct)
    product: str = ""
    population: str | None = None
    dose: str = ""
    lymphodepletion: str = ""
    n_treated: int | None = None
    n_treated_source: str = ""
    # patients per disease code, where the source of n_treated gives them: {"sle": 4, "iim": 3, "ssc": 1}
    disease_counts: dict[str, int] = Field(default_factory=dict,
                                           sa_column=Column(JSON, nullable=False, default=dict))
    data_cutoff: str = ""
    followup: str = ""
    followup_months: float | None = None
    followup_source: str = ""
    notes: str = ""
    no_numbers_reason: str = ""  # why a report with treated patients has no outcome row

    __table_args__ = (
        CheckConstraint("supersedes IS NULL OR supersedes != report_id", name="ck_report_not_self"),
        CheckConstraint("n_treated IS NULL OR n_treated >= 0", name="ck_report_n_treated"),
    )


class Outcome(SQLModel, table=True):
    """Events among patients for a named outcome in a report (one sourced number)."""

    id: int | None = Field(default=None, primary_key=True)
    report_id: str = Field(foreign_key="report.report_id")
    outcome: str  # vocab.Outcome
    subgroup: str = "all"  # "all" or a vocab.Disease code
    variant: str = ""  # "" for the single value; a tag for alternatives of a conflict
    events: int
    patients: int
    is_default: bool = True
    definition: str = ""
    timepoint: str = ""
    timepoint_months: float | None = None  # months after infusion the number refers to, when stated
    source: str = ""
    source_location: str = ""
    status: str = "verified"  # vocab.NumberStatus
    note: str = ""

    __table_args__ = (
        UniqueConstraint("report_id", "outcome", "subgroup", "variant", name="uq_outcome"),
        CheckConstraint("events >= 0", name="ck_outcome_events_nonneg"),
        CheckConstraint("patients > 0", name="ck_outcome_patients_pos"),
        CheckConstraint("events <= patients", name="ck_outcome_events_le_patients"),
        Index("ix_outcome_lookup", "outcome", "subgroup"),
    )


class ExclusionReason(SQLModel, table=True):
    """A reason a reviewer may give to exclude a record; the team edits the list (seeded with the defaults)."""

    code: str = Field(primary_key=True)
    label: str
    needs_text: bool = False  # "other": the decision must say why in words
    active: bool = True  # retired reasons stay, so old decisions keep their meaning
    position: int = 0


class ScreeningDecision(SQLModel, table=True):
    """One reviewer's current decision on one record at one stage (earlier ones live in the audit trail)."""

    id: int | None = Field(default=None, primary_key=True)
    pmid: str = Field(index=True)
    reviewer: str = Field(index=True)
    stage: str = "title_abstract"  # vocab.ScreeningStage
    decision: str  # vocab.ScreeningDecision
    reason: str | None = Field(default=None, foreign_key="exclusionreason.code")
    reason_text: str = ""
    resolves_conflict: bool = False  # a third reviewer's (or the pair's agreed) decision settles a conflict
    decided_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        UniqueConstraint("pmid", "reviewer", "stage", name="uq_screening_decision"),
        CheckConstraint("decision IN ('include', 'maybe', 'exclude')", name="ck_screening_decision"),
        CheckConstraint("(decision = 'exclude') = (reason IS NOT NULL)", name="ck_screening_reason"),
    )


class AuditEntry(SQLModel, table=True):
    """One changed field: who, when, what, old value, new value, why. Append-only (database triggers)."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    reviewer: str
    action: str  # create | update | delete
    entity: str = Field(index=True)  # screening | exclusion_reason | cohort | report | outcome | trial
    entity_id: str = Field(index=True)
    field: str
    old: str | None = Field(default=None, sa_column=Column(Text))  # JSON text; None = absent
    new: str | None = Field(default=None, sa_column=Column(Text))
    why: str = ""
    change: str = Field(index=True)  # one id per workbench action, so an action can be undone as a whole


class TeamMember(SQLModel, table=True):
    """A person who may sign in to a team's server, and the role that says what they may change (evidence.roles)."""

    email: str = Field(primary_key=True)  # lower case: the identity the sign-in provider vouches for
    name: str = ""
    role: str  # vocab.Role
    added_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        CheckConstraint("role IN ('viewer', 'screener', 'extractor', 'verifier', 'admin')", name="ck_teammember_role"),
    )
