"""Controlled vocabularies shared by the store, the harvesters and the app.

Each vocabulary is a ``StrEnum`` whose values are the codes stored in the
database and written in ``data/*.csv``; ``label`` gives the human wording.
Keeping them in one module means a new disease or outcome is added in one
place and every loader, classifier and page picks it up.
"""

from __future__ import annotations

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A ``StrEnum`` whose members carry a human label."""

    label: str

    def __new__(cls, code: str, label: str) -> LabelledEnum:
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

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
