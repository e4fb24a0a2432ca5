"""Controlled vocabularies shared by the store, the harvesters and the app.

Each vocabulary is a ``StrEnum`` whose values are the codes stored in the
database and written in ``data/*.csv``; ``label`` gives the human wording.
Keeping them in one module means a new disease or outcome is added in one
place and every loader, classifier and page picks it up.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Iterable


class LabelledEnum(StrEnum):
    """A ``StrEnum`` whose members carry a human label."""

    label: str

    def __new__(cls, code: str, label: str) -> LabelledEnum:
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

    @property
    def phrase(self) -> str:
        """The label inside a sentence: "logit scale", "τ² by maximum likelihood".

        A first word with a capital after its first letter is a name or an
        acronym ("Freeman–Tukey", "DerSimonian–Laird", "REML") and keeps it.
        """
        first = self.label.split(" ", 1)[0]
        return self.label if any(c.isupper() for c in first[1:]) else self.label[:1].lower() + self.label[1:]

    @classmethod
    def parse(cls, code: str) -> LabelledEnum:
        """Return the member for ``code`` or raise a ValueError listing the options."""
        try:
            return cls(code.strip())
        except ValueError:
            options = ", ".join(m.value for m in cls)
            raise ValueError(
                f"unknown {cls.__name__} {code!r}; expected one of: {options}"
            ) from None


class Disease(LabelledEnum):
    SLE = "sle", "Systemic lupus erythematosus"
    LUPUS_NEPHRITIS = "lupus_nephritis", "Lupus nephritis"
    IIM = "iim", "Idiopathic inflammatory myopathy (incl. dermatomyositis, ASyS, IMNM)"
    SSC = "ssc", "Systemic sclerosis"
    MG = "mg", "Myasthenia gravis"
    NMOSD = "nmosd", "Neuromyelitis optica spectrum disorder"
    MS = "ms", "Multiple sclerosis"
    AAV = "aav", "ANCA-associated vasculitis"
    RA = "ra", "Rheumatoid arthritis"
    SJOGREN = "sjogren", "Sjögren's disease"
    ITP = "itp", "Immune thrombocytopenia"
    AIHA = "aiha", "Autoimmune haemolytic anaemia"
    SPS = "sps", "Stiff person syndrome"
    CIDP = "cidp", "Chronic inflammatory demyelinating polyneuropathy"
    MOGAD = "mogad", "MOG antibody-associated disease"
    PEMPHIGUS = "pemphigus", "Pemphigus"
    OTHER = "other", "Other autoimmune disease"


# A disease that is a manifestation of another: its patients are patients of the parent
# (a lupus nephritis series is an SLE series; not every SLE patient has nephritis).
DISEASE_PARENT: dict[str, str] = {Disease.LUPUS_NEPHRITIS.value: Disease.SLE.value}


def parent_disease(code: str) -> str:
    """The disease a code counts under (lupus nephritis → SLE); the code itself otherwise."""
    return DISEASE_PARENT.get(code, code)


def expand_diseases(codes: Iterable[str]) -> list[str]:
    """The codes with their manifestations: asking for SLE also finds lupus nephritis reports."""
    wanted = set(codes)
    return sorted(wanted | {child for child, parent in DISEASE_PARENT.items() if parent in wanted})


class Target(LabelledEnum):
    CD19 = "cd19", "CD19"
    BCMA = "bcma", "BCMA"
    CD19_BCMA = "cd19_bcma", "CD19 + BCMA"
    CD20 = "cd20", "CD20"
    CD7 = "cd7", "CD7"
    CAAR = "caar", "CAAR (autoantigen receptor)"
    OTHER = "other", "Other target"


class Construct(LabelledEnum):
    AUTOLOGOUS = "autologous", "Autologous"
    ALLOGENEIC = "allogeneic", "Allogeneic"
    MRNA = "mrna", "mRNA (transient)"
    IN_VIVO = "in_vivo", "In vivo"


class Population(LabelledEnum):
    ADULT = "adult", "Adult"
    PAEDIATRIC = "paediatric", "Paediatric"
    MIXED = "mixed", "Adult and paediatric"


class ReportKind(LabelledEnum):
    JOURNAL_ARTICLE = "journal_article", "Journal article"
    CASE_REPORT = "case_report", "Case report"
    LETTER = "letter", "Letter / correspondence"
    CONFERENCE_ABSTRACT = "conference_abstract", "Conference abstract"
    PRESS_RELEASE = "press_release", "Press release"
    PREPRINT = "preprint", "Preprint"


class OutcomeCategory(StrEnum):
    EFFICACY = "efficacy"
    SAFETY = "safety"


class Outcome(LabelledEnum):
    """Named outcomes; remission is split by definition, never merged silently."""

    REMISSION_DORIS = "remission_doris", "Remission (DORIS)"
    LLDAS = "lldas", "Lupus low disease activity state (LLDAS)"
    DORIS_AND_LLDAS = "doris_and_lldas", "DORIS remission and LLDAS (both met)"
    COMPLETE_RENAL_RESPONSE = "complete_renal_response", "Complete renal response"
    SRI4 = "sri4", "SLE Responder Index 4"
    DRUG_FREE_REMISSION = "drug_free_remission", "Drug-free remission"
    ACR_EULAR_MAJOR = "acr_eular_major_response", "ACR/EULAR major clinical response (myositis)"
    TIS_RESPONSE = "tis_response", "Myositis TIS moderate or major improvement"
    EUSTAR_IMPROVEMENT = "eustar_activity_improvement", "EUSTAR activity index improvement (SSc)"
    RELAPSE_FREE = "relapse_free", "Relapse-free at last follow-up"
    MG_ADL_IMPROVEMENT = "mg_adl_improvement", "Clinically meaningful MG-ADL improvement"
    MGC_IMPROVEMENT = "mgc_improvement", "MG Composite improvement of 5 points or more"
    CLINICAL_RESPONSE_OTHER = "clinical_response_other", "Clinical response (other definition)"
    COMPLETE_REMISSION_OTHER = "complete_remission_other", "Complete remission (other definition)"
    IMMUNOSUPPRESSION_STOPPED = "immunosuppression_stopped", "Immunosuppression stopped"
    # Durability: the time point is in the code, or (last follow-up) in the row's timepoint_months.
    REMISSION_MAINTAINED_6M = "remission_maintained_6m", "Remission maintained at 6 months"
    REMISSION_MAINTAINED_12M = "remission_maintained_12m", "Remission maintained at 12 months"
    REMISSION_MAINTAINED_24M = "remission_maintained_24m", "Remission maintained at 24 months"
    REMISSION_MAINTAINED_LAST = "remission_maintained_last_fu", "Remission maintained at last follow-up"
    RELAPSE = "relapse", "Relapse after CAR-T"
    RETREATMENT = "retreatment", "Re-treatment with a second CAR-T infusion"
    B_CELL_RECONSTITUTION = "b_cell_reconstitution", "B-cell reconstitution"
    CRS_ANY = "crs_any", "CRS, any grade"
    CRS_GRADE3 = "crs_grade3plus", "CRS, grade ≥3"
    ICANS_ANY = "icans_any", "ICANS, any grade"
    ICANS_GRADE3 = "icans_grade3plus", "ICANS, grade ≥3"
    SERIOUS_INFECTION = "serious_infection", "Serious infection"
    INFECTION_ANY = "infection_any", "Infection, any"
    HYPOGAMMAGLOBULINAEMIA = "hypogammaglobulinaemia", "Hypogammaglobulinaemia or immunoglobulin replacement"
    ICAHT = "icaht", "Prolonged cytopenia (ICAHT)"
    LICATS = "licats", "Local immune effector cell-associated toxicity (LICATS)"
    GVHD = "gvhd", "Graft-versus-host disease"
    SECONDARY_MALIGNANCY = "secondary_malignancy", "Secondary malignancy"
    DEATH = "death", "Death"

    @property
    def category(self) -> OutcomeCategory:
        return OutcomeCategory.SAFETY if self in _SAFETY else OutcomeCategory.EFFICACY

    @property
    def needs_timepoint_months(self) -> bool:
        """An outcome read "at last follow-up": the row must say how many months that was."""
        return self is Outcome.REMISSION_MAINTAINED_LAST

    @property
    def mixed_definitions(self) -> bool:
        """A catch-all outcome whose rows may use different definitions: pool with care."""
        return self in (Outcome.CLINICAL_RESPONSE_OTHER, Outcome.COMPLETE_REMISSION_OTHER)


_SAFETY = frozenset(
    {
        Outcome.CRS_ANY,
        Outcome.CRS_GRADE3,
        Outcome.ICANS_ANY,
        Outcome.ICANS_GRADE3,
        Outcome.SERIOUS_INFECTION,
        Outcome.INFECTION_ANY,
        Outcome.HYPOGAMMAGLOBULINAEMIA,
        Outcome.ICAHT,
        Outcome.LICATS,
        Outcome.GVHD,
        Outcome.SECONDARY_MALIGNANCY,
        Outcome.DEATH,
    }
)


class NumberStatus(LabelledEnum):
    VERIFIED = "verified", "Verified in the primary source"
    SECONDARY = "secondary", "Secondary source only"
    CONFLICTING = "conflicting", "Sources conflict"
    UNVERIFIED = "unverified", "Not verified"


class LinkMethod(LabelledEnum):
    REGISTRY_FIELD = "registry_field", "PubMed registry field (DataBankList)"
    ABSTRACT_TEXT = "abstract_text", "Registry ID in the abstract"
    REGISTRY_REFERENCE = "registry_reference", "Reference in the trial registry"
    MANUAL = "manual", "Curated by hand"


class Registry(LabelledEnum):
    CTGOV = "ctgov", "ClinicalTrials.gov"
    CHICTR = "chictr", "Chinese Clinical Trial Registry"
    EUCTR = "euctr", "EU Clinical Trials Register (EudraCT)"
    CTIS = "ctis", "EU Clinical Trials Information System"
    ISRCTN = "isrctn", "ISRCTN"
    DRKS = "drks", "German Clinical Trials Register"
    JRCT = "jrct", "Japan Registry of Clinical Trials"
    OTHER = "other", "Other registry"


class RunSource(LabelledEnum):
    """What a HarvestRun row records (its ``source`` column)."""

    PUBMED = "pubmed", "PubMed harvest"
    CTGOV = "ctgov", "ClinicalTrials.gov harvest"
    IMPORT_PUBMED = "import-pubmed", "PubMed import (saved files)"
    IMPORT_CTGOV = "import-ctgov", "ClinicalTrials.gov import (saved files)"
    UPDATE = "update", "Update of every registry (around its harvests)"


#: The runs that bring records in from a registry, harvested or imported (PRISMA counts them).
REGISTRY_RUN_SOURCES = tuple(s.value for s in (RunSource.PUBMED, RunSource.CTGOV, RunSource.IMPORT_PUBMED,
                                                RunSource.IMPORT_CTGOV))
#: The scheduled harvests (the digest reports their last success).
HARVEST_RUN_SOURCES = (RunSource.PUBMED.value, RunSource.CTGOV.value)


class RowOrigin(LabelledEnum):
    """Where a stored publication or trial row came from (its ``origin`` column)."""

    PUBMED = "pubmed", "Harvested from PubMed"
    CTGOV = "ctgov", "Harvested from ClinicalTrials.gov"
    IMPORT = "import", "Imported from a saved registry file"
    CURATED = "curated", "Curated (data/)"


class HarvestStatus(LabelledEnum):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    ABANDONED = "abandoned", "Abandoned (process died)"


SUBGROUP_ALL = "all"


class PublicationKind(LabelledEnum):
    """What a harvested PubMed record is, so the app separates evidence from commentary."""

    PRIMARY = "primary", "Primary clinical report"
    REVIEW = "review", "Review"
    PRECLINICAL = "preclinical", "Preclinical"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class TrialStatus(LabelledEnum):
    """ClinicalTrials.gov's overall status enum (curated trials of other registries use it too)."""

    RECRUITING = "RECRUITING", "Recruiting"
    NOT_YET_RECRUITING = "NOT_YET_RECRUITING", "Not yet recruiting"
    ENROLLING_BY_INVITATION = "ENROLLING_BY_INVITATION", "Enrolling by invitation"
    ACTIVE_NOT_RECRUITING = "ACTIVE_NOT_RECRUITING", "Active, not recruiting"
    COMPLETED = "COMPLETED", "Completed"
    SUSPENDED = "SUSPENDED", "Suspended"
    TERMINATED = "TERMINATED", "Terminated"
    WITHDRAWN = "WITHDRAWN", "Withdrawn"
    UNKNOWN = "UNKNOWN", "Unknown"
    AVAILABLE = "AVAILABLE", "Available (expanded access)"
    NO_LONGER_AVAILABLE = "NO_LONGER_AVAILABLE", "No longer available (expanded access)"
    TEMPORARILY_NOT_AVAILABLE = "TEMPORARILY_NOT_AVAILABLE", "Temporarily not available (expanded access)"
    APPROVED_FOR_MARKETING = "APPROVED_FOR_MARKETING", "Approved for marketing"
    WITHHELD = "WITHHELD", "Withheld"


# The statuses a trial filter offers (expanded-access states are rare and listed under "Unknown" otherwise).
TRIAL_FILTER_STATUSES = tuple(TrialStatus)[:9]


class TrialPhase(LabelledEnum):
    """ClinicalTrials.gov's phase enum; a trial may list two (PHASE1 + PHASE2)."""

    EARLY_PHASE1 = "EARLY_PHASE1", "Early phase 1"
    PHASE1 = "PHASE1", "Phase 1"
    PHASE2 = "PHASE2", "Phase 2"
    PHASE3 = "PHASE3", "Phase 3"
    PHASE4 = "PHASE4", "Phase 4"
    NA = "NA", "Not applicable"


def phase_text(phases: Iterable[str]) -> str:
    """``["PHASE1", "PHASE2"]`` → "Phase 1, Phase 2"; "—" when none."""
    return ", ".join(label_of(TrialPhase, p) for p in phases) or "—"


def without_detail(label: str) -> str:
    """A label without its bracketed detail ("Idiopathic inflammatory myopathy", "GLMM"), for tight spaces:
    every label that has one writes it last, after " (", in each language."""
    return label.split(" (")[0]


def label_of(vocab: type[LabelledEnum], code: str | None) -> str:
    """Human label of a code (the code itself when unknown, "—" when empty)."""
    if not code:
        return "—"
    try:
        return vocab(code).label
    except ValueError:
        return str(code)


class PoolModel(LabelledEnum):
    GLMM = "glmm", "GLMM (binomial-normal, recommended)"
    RE = "re", "Random effects (inverse variance)"
    FE = "fe", "Common effect (inverse variance)"


class PoolTransform(LabelledEnum):
    LOGIT = "logit", "Logit"
    FT = "ft", "Freeman–Tukey double arcsine"
    ARCSINE = "arcsine", "Arcsine"
    RAW = "raw", "Untransformed"


class Tau2Method(LabelledEnum):
    REML = "REML", "REML"
    DL = "DL", "DerSimonian–Laird"
    PM = "PM", "Paule–Mandel"
    ML = "ML", "Maximum likelihood"


class CiMethod(LabelledEnum):
    Z = "z", "Wald (z)"
    HK = "hk", "Hartung–Knapp"
    HK_ADHOC = "hk-adhoc", "Hartung–Knapp (ad hoc, q* ≥ 1)"


class SubgroupBy(LabelledEnum):
    """What a subgroup analysis splits by (analysis-set columns)."""

    NONE = "none", "No subgroups"
    SUBGROUP = "subgroup", "Disease"
    TARGET = "target", "CAR target"
    CONSTRUCT = "construct", "Construct"
    POPULATION = "population", "Population"
    KIND = "kind", "Report kind"


class SetExclusion(LabelledEnum):
    """Why a number of an analysis set is not pooled (``evidence.analysis_set.Reason``).

    Each label is the sentence, with the ``{names}`` the reason carries filled
    in the reader's language where it is shown.
    """

    SAME_COHORT = "same_cohort", "same cohort as {report} ({cohort}), which reports this outcome at a later cut-off"
    RETRACTED = "retracted", "retracted: PubMed marks this publication as retracted"
    MIXED_COHORT = "mixed_cohort", "whole-cohort number of a mixed cohort ({diseases}): {disease} in {part} of " \
        "{whole} patients"
    MIXED_COHORT_MINORITY = "mixed_cohort_minority", "whole-cohort number of a mixed cohort ({diseases}): {disease} " \
        "in {part} of {whole} patients (not a majority)"
    MIXED_COHORT_UNSPLIT = "mixed_cohort_unsplit", "whole-cohort number of a mixed cohort ({diseases}): patients per " \
        "disease not recorded"
    WIDER_GROUP = "wider_group", "number for all the report's {within} patients: {disease} in {part} of {whole}"
    WIDER_GROUP_MINORITY = "wider_group_minority", "number for all the report's {within} patients: {disease} in " \
        "{part} of {whole} (not a majority)"
    WIDER_GROUP_UNSPLIT = "wider_group_unsplit", "number for all the report's {within} patients: how many have " \
        "{disease} is not recorded"


class AuditAction(LabelledEnum):
    """What one audit-trail entry did to its row (``AuditEntry.action``)."""

    CREATE = "create", "Row created"
    UPDATE = "update", "Row changed"
    DELETE = "delete", "Row deleted"


class ScreeningDecision(LabelledEnum):
    """A reviewer's decision on a harvested record (Rayyan's include / maybe / exclude)."""

    INCLUDE = "include", "Include"
    MAYBE = "maybe", "Maybe"
    EXCLUDE = "exclude", "Exclude"


class ScreeningStage(LabelledEnum):
    TITLE_ABSTRACT = "title_abstract", "Title and abstract"
    FULL_TEXT = "full_text", "Full text"


class DefaultExclusionReason(LabelledEnum):
    """The exclusion reasons a new database starts with; the team edits its own list in the store."""

    NOT_CAR = "not_car", "Not CAR or relative"
    MALIGNANCY = "malignancy", "Malignancy indication"
    REVIEW = "review", "Review or commentary"
    PRECLINICAL = "preclinical", "Preclinical"
    NO_PATIENT_RESULTS = "no_patient_results", "No patient-level results"
    DUPLICATE = "duplicate", "Duplicate of a report in the base"
    OTHER = "other", "Other (with text)"


# The reason whose decisions must say in words why (free text required).
EXCLUSION_REASON_OTHER = DefaultExclusionReason.OTHER.value


class Role(LabelledEnum):
    """What a team member may change; each role may do what the roles above it may (evidence.roles)."""

    VIEWER = "viewer", "Viewer"
    SCREENER = "screener", "Screener"
    EXTRACTOR = "extractor", "Extractor"
    VERIFIER = "verifier", "Verifier"
    ADMIN = "admin", "Administrator"


# A site's status (``locations[].status``) is ClinicalTrials.gov's RecruitmentStatus: these TrialStatus codes.
SITE_STATUSES: tuple[TrialStatus, ...] = (
    TrialStatus.RECRUITING, TrialStatus.NOT_YET_RECRUITING, TrialStatus.ENROLLING_BY_INVITATION,
    TrialStatus.ACTIVE_NOT_RECRUITING, TrialStatus.COMPLETED, TrialStatus.SUSPENDED, TrialStatus.TERMINATED,
    TrialStatus.WITHDRAWN, TrialStatus.AVAILABLE)


class Sex(LabelledEnum):
    """Who may enrol by sex (``eligibilityModule.sex``)."""

    ALL = "ALL", "All"
    FEMALE = "FEMALE", "Female"
    MALE = "MALE", "Male"


# Product names as people type them: each tuple is one product, its code names, INN and short name.
# Search treats them as one word (evidence.search): "obe-cel", "Obecabtagene autoleucel" and "AUTO1" find the same.
PRODUCT_ALIASES: tuple[tuple[str, ...], ...] = (
    ("obecabtagene autoleucel", "obe-cel", "AUTO1"),
    ("resecabtagene autoleucel", "rese-cel", "CABA-201"),
    ("mivocabtagene autoleucel", "miv-cel", "KYV-101"),
    ("zorpocabtagene autoleucel", "zorpo-cel", "MB-CART19.1"),
    ("rapcabtagene autoleucel", "rapca-cel", "YTB323"),
    ("equecabtagene autoleucel", "eque-cel", "CT103A"),
    ("GC012F", "AZD0120"),
    ("BMS-986353", "CC-97540"),
    ("Descartes-08",),
)

# Words people type for the same thing, as word beginnings (evidence.search): "paediatric", "pediatric",
# "children" and the Italian "pediatrico" find the same reports.
SEARCH_SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("paediatr", "pediatr", "child"),
)
