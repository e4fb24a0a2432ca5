"""ClinicalTrials.gov API v2 JSON → ``TrialRecord``: one parser for harvests and imports.

The parser reads the v2 ``Study`` shape (``protocolSection.<module>.<field>``,
see docs/ctgov.md) and nothing else. Dates are kept exactly as the registry
gives them: a ``PartialDate`` such as ``2024`` or ``2024-03`` is never filled
out to a day. A study without an NCT ID, or a page without a ``studies``
list, raises ``CtgovParseError``: the registry's schema has changed or the
file is not what it claims to be, and guessing would store wrong data.

Sites (``contactsLocationsModule.locations``) are kept with facility, place,
recruitment status and geoPoint; the people to contact (site and central
contacts: names, phones, e-mails) are dropped, from the sites and from the
kept raw JSON, so the store holds no personal contact data. In a full record
a location key the registry leaves out means "none" (``""``); in a partial
record (a ``fields=`` answer keeps only the requested leaves) it means
*unknown*, and the site lists it in ``Site.unknown``.
"""

from __future__ import annotations

import gzip
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from evidence.ages import paediatric_flag
from evidence.linking import StudyReference, study_references
from evidence.registries import identify, normalise
from evidence.vocab import Population, Registry
from harvest.classify import classify_construct, classify_diseases, classify_population, classify_targets

log = logging.getLogger(__name__)

class CtgovParseError(ValueError):
    """The JSON is not a v2 study or page; the message says what was missing and where."""


@dataclass(frozen=True)
class Site:
    """One ``contactsLocationsModule.locations[]`` entry, without its contacts (people's names, phones, e-mails)."""

    facility: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    country: str = ""
    status: str = ""  # vocab.SITE_STATUSES; "" when the registry does not say
    lat: float | None = None
    lon: float | None = None
    unknown: frozenset[str] = frozenset()  # fields a partial record's location does not give (not "none")


#: Where each ``Site`` field sits in a ``locations[]`` entry.
SITE_KEYS: dict[str, str] = {"facility": "facility", "city": "city", "state": "state", "zip": "zip",
                             "country": "country", "status": "status", "lat": "geoPoint", "lon": "geoPoint"}


@dataclass
class TrialRecord:
    """One study as the store wants it: the ``Trial`` columns plus its references."""

    registry_id: str
    brief_title: str = ""
    official_title: str = ""
    acronym: str = ""
    status: str = ""
    why_stopped: str = ""
    phases: list[str] = field(default_factory=list)
    study_type: str = ""
    enrollment: int | None = None
    enrollment_type: str = ""
    start_date: str = ""
    primary_completion_date: str = ""
    completion_date: str = ""
    first_posted: str = ""
    last_update_posted: str = ""
    sponsor: str = ""
    collaborators: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    interventions: list[str] = field(default_factory=list)
    min_age: str = ""
    max_age: str = ""
    age_groups: list[str] = field(default_factory=list)
    paediatric: bool | None = None
    countries: list[str] = field(default_factory=list)
    eligibility_criteria: str = ""  # markup text as the registry gives it ("Inclusion Criteria:\n\n* ...")
    sex: str = ""  # vocab.Sex
    healthy_volunteers: bool | None = None
    has_results: bool = False
    diseases: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    car_construct: str | None = None
    population: str | None = None
    references: list[StudyReference] = field(default_factory=list)
    sites: list[Site] | None = None  # None: the record has no contactsLocationsModule (unknown, not "no site")
    raw_json: str = ""
    unknown_fields: list[str] = field(default_factory=list)  # fields a partial record does not give

    @property
    def partial(self) -> bool:
        return bool(self.unknown_fields)

    @property
    def sites_partial(self) -> bool:
        """The record lists sites, but some of their fields are unknown (a ``fields=``-limited download)."""
        return any(site.unknown for site in self.sites or [])

    def trial_values(self) -> dict[str, Any]:
        """The values of the ``Trial`` columns this record sets (everything but references and sites)."""
        values = {name: getattr(self, name) for name in TRIAL_FIELDS}
        values["registry_name"] = Registry.CTGOV.value
        return values


TRIAL_FIELDS: tuple[str, ...] = tuple(
    name for name in TrialRecord.__dataclass_fields__ if name not in ("references", "sites"))


@dataclass
class StudyPage:
    """One ``/studies`` page (or a saved file) parsed: records, the next token, the total."""

    records: list[TrialRecord]
    next_page_token: str | None = None
    total_count: int | None = None


_GZIP_MAGIC = b"\x1f\x8b"
#: Top-level keys of the classic API (v1), retired by ClinicalTrials.gov in June 2024.
_V1_KEYS = ("FullStudiesResponse", "StudyFieldsResponse", "FullStudy", "Study")


def loads(text: str | bytes, where: str) -> Any:
    """``json.loads`` with a message that names the source (a URL, a file, a zip member); gzip is unpacked."""
    if isinstance(text, bytes) and text.startswith(_GZIP_MAGIC):
        try:
            text = gzip.decompress(text)
        except (OSError, EOFError) as exc:
            raise CtgovParseError(f"{where}: a gzip file that cannot be decompressed ({exc})") from exc
    try:
        return json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CtgovParseError(f"{where}: invalid JSON ({exc})") from exc


def _refuse_v1(payload: Any, where: str) -> None:
    if isinstance(payload, dict) and any(key in payload for key in _V1_KEYS):
        key = next(key for key in _V1_KEYS if key in payload)
        raise CtgovParseError(
            f"{where}: this is the retired ClinicalTrials.gov API v1 format ({key!r}); download the studies "
            "again from API v2 (https://clinicaltrials.gov/api/v2/studies) or the website's JSON download")


def parse_page(payload: Any, where: str) -> StudyPage:
    """Parse a ``PagedStudies`` object; every study is parsed before anything is returned."""
    _refuse_v1(payload, where)
    if not isinstance(payload, dict) or not isinstance(payload.get("studies"), list):
        raise CtgovParseError(f"{where}: not an API v2 page (expected an object with a 'studies' list)")
    token = payload.get("nextPageToken")
    if token is not None and not isinstance(token, str):
        raise CtgovParseError(f"{where}: nextPageToken is not a string")
    records = [parse_study(study, f"{where} studies[{i}]") for i, study in enumerate(payload["studies"])]
    total = payload.get("totalCount")
    return StudyPage(records, token or None, total if isinstance(total, int) else None)


def parse_document(payload: Any, where: str) -> list[TrialRecord]:
    """A saved download: one study, a ``{"studies": [...]}`` page, or a JSON list of studies.

    A saved page that says more pages follow (``nextPageToken``) or holds no
    study is imported with a warning: the file is not the whole search.
    """
    _refuse_v1(payload, where)
    if isinstance(payload, list):
        records = [parse_study(study, f"{where}[{i}]") for i, study in enumerate(payload)]
    elif isinstance(payload, dict) and "studies" in payload:
        page = parse_page(payload, where)
        records = page.records
        if page.next_page_token:
            log.warning("%s: this saved page says more pages follow (nextPageToken); the studies of the other "
                        "pages are not in this file%s", where,
                        f" ({len(records)} of {page.total_count})" if page.total_count else "")
    else:
        return [parse_study(payload, where)]
    if not records:
        log.warning("%s holds no study: nothing imported from it", where)
    return records


def _get(node: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _list(node: Any, *path: str) -> list:
    value = _get(node, *path)
    return value if isinstance(value, list) else []


def _text(node: Any, *path: str) -> str:
    value = _get(node, *path)
    return value.strip() if isinstance(value, str) else ""


def _strings(values: Any) -> list[str]:
    return [v.strip() for v in values or [] if isinstance(v, str) and v.strip()] if isinstance(values, list) else []


def _names(items: Any) -> list[str]:
    return _strings([_get(item, "name") for item in items]) if isinstance(items, list) else []


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _nct_id(study: Any, where: str) -> str:
    raw = _text(study, "protocolSection", "identificationModule", "nctId")
    if not raw:
        raise CtgovParseError(f"{where}: no protocolSection.identificationModule.nctId")
    if identify(raw) is not Registry.CTGOV:
        raise CtgovParseError(f"{where}: nctId {raw!r} is not an NCT number")
    return normalise(raw)


def _enrollment(design: Any, where: str) -> tuple[int | None, str]:
    count = _get(design, "enrollmentInfo", "count")
    if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 0):
        raise CtgovParseError(f"{where}: enrollmentInfo.count is not a count: {count!r}")
    return count, _text(design, "enrollmentInfo", "type")


def population_of(age_groups: list[str]) -> str | None:
    """The population code from the registry's own age groups, when it gives them."""
    child = "CHILD" in age_groups
    adult = bool({"ADULT", "OLDER_ADULT"} & set(age_groups))
    if child and adult:
        return Population.MIXED.value
    if child:
        return Population.PAEDIATRIC.value
    return Population.ADULT.value if adult else None


def _criteria(eligibility: Any) -> str:
    """The eligibility text with its line breaks (they carry the bullets), only the ends trimmed."""
    value = _get(eligibility, "eligibilityCriteria")
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else ""


def _coordinate(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _sites(protocol: Any, complete: bool) -> list[Site] | None:
    """The study's sites in registry order; None when they are unknown.

    They are unknown when the record has no contactsLocationsModule, or is
    partial and its module has no ``locations`` (a ``fields=`` answer for
    other leaves of the module). In a partial record each location's absent
    keys are its unknown fields.
    """
    module = _get(protocol, "contactsLocationsModule")
    if not isinstance(module, dict) or (not complete and "locations" not in module):
        return None
    sites = []
    for loc in _list(module, "locations"):
        if not isinstance(loc, dict):
            continue
        unknown = frozenset() if complete else frozenset(name for name, key in SITE_KEYS.items() if key not in loc)
        site = Site(facility=_text(loc, "facility"), city=_text(loc, "city"), state=_text(loc, "state"),
                    zip=_text(loc, "zip"), country=_text(loc, "country"), status=_text(loc, "status"),
                    lat=_coordinate(_get(loc, "geoPoint", "lat")), lon=_coordinate(_get(loc, "geoPoint", "lon")),
                    unknown=unknown)
        if site != Site():
            sites.append(site)
    return sites


def without_contacts(study: dict) -> dict:
    """The study without its contact persons, which the store never keeps (investigators' names stay)."""
    protocol = study.get("protocolSection")
    module = _get(protocol, "contactsLocationsModule")
    if not isinstance(module, dict):
        return study
    locations = module.get("locations")
    cleaned = {k: v for k, v in module.items() if k != "centralContacts"}
    if isinstance(locations, list):
        cleaned["locations"] = [{k: v for k, v in loc.items() if k != "contacts"} if isinstance(loc, dict) else loc
                                for loc in locations]
    return {**study, "protocolSection": {**protocol, "contactsLocationsModule": cleaned}}


def _interventions(arms: Any) -> tuple[list[str], list[str]]:
    """Intervention names, and the extra text (other names, descriptions) used to classify them."""
    names, extra = [], []
    for item in _list(arms, "interventions"):
        if not isinstance(item, dict):
            continue
        name = _text(item, "name")
        kind = _text(item, "type")
        if name:
            names.append(f"{kind.title().replace('_', ' ')}: {name}" if kind else name)
        extra += _strings(item.get("otherNames")) + [_text(item, "description")]
    return _unique(names), extra


def _classify(record: TrialRecord, protocol: Any, intervention_text: list[str]) -> None:
    """Classify with the publication rules (harvest/classify.py).

    Diseases come from what the trial is registered for (titles, conditions,
    keywords) so a background sentence in the summary cannot add one; target
    and construct also read the interventions and the brief summary, where the
    product is usually described. The population comes from the registry's
    own age groups when it gives them, else from the text rules. Each rule
    set runs once, on the text it needs: classification is most of the
    parsing time.
    """
    about = "\n".join([record.brief_title, record.official_title, record.acronym,
                       *record.conditions, *record.keywords])
    product = "\n".join([about, *record.interventions, *intervention_text,
                         _text(protocol, "descriptionModule", "briefSummary")])
    record.diseases = classify_diseases(about)
    record.targets = classify_targets(product)
    record.car_construct = classify_construct(product)
    record.population = population_of(record.age_groups) or classify_population(about)


#: Where each field comes from (module, key). In a partial study (a ``fields=``-limited download, a capture
#: that lost modules) a field whose source is absent is unknown, not empty.
FIELD_SOURCES: dict[str, tuple[str, ...]] = {
    "brief_title": ("identificationModule", "briefTitle"), "official_title": ("identificationModule", "officialTitle"),
    "acronym": ("identificationModule", "acronym"), "status": ("statusModule", "overallStatus"),
    "why_stopped": ("statusModule", "whyStopped"), "start_date": ("statusModule", "startDateStruct"),
    "primary_completion_date": ("statusModule", "primaryCompletionDateStruct"),
    "completion_date": ("statusModule", "completionDateStruct"),
    "first_posted": ("statusModule", "studyFirstPostDateStruct"),
    "last_update_posted": ("statusModule", "lastUpdatePostDateStruct"), "phases": ("designModule", "phases"),
    "study_type": ("designModule", "studyType"), "enrollment": ("designModule", "enrollmentInfo"),
    "enrollment_type": ("designModule", "enrollmentInfo"), "sponsor": ("sponsorCollaboratorsModule", "leadSponsor"),
    "collaborators": ("sponsorCollaboratorsModule", "collaborators"),
    "conditions": ("conditionsModule", "conditions"), "keywords": ("conditionsModule", "keywords"),
    "interventions": ("armsInterventionsModule", "interventions"), "min_age": ("eligibilityModule", "minimumAge"),
    "max_age": ("eligibilityModule", "maximumAge"), "age_groups": ("eligibilityModule", "stdAges"),
    "countries": ("contactsLocationsModule", "locations"),
    "eligibility_criteria": ("eligibilityModule", "eligibilityCriteria"), "sex": ("eligibilityModule", "sex"),
    "healthy_volunteers": ("eligibilityModule", "healthyVolunteers"),
}
#: Modules every registered study has; a study missing one, or the registry's derivedSection, is partial.
REQUIRED_MODULES = ("identificationModule", "statusModule", "sponsorCollaboratorsModule", "conditionsModule",
                    "designModule", "eligibilityModule")
#: Fields derived from others (and the classification, which reads the whole record): known only when complete.
DERIVED_FIELDS = ("paediatric", "has_results", "diseases", "targets", "car_construct", "population")


def is_complete(study: dict) -> bool:
    """Whether a study is a full registry record (so an absent optional field means "none")."""
    protocol = study.get("protocolSection")
    status = _get(protocol, "statusModule")
    return (isinstance(study.get("derivedSection"), dict) and isinstance(protocol, dict)
            and all(isinstance(protocol.get(m), dict) for m in REQUIRED_MODULES)
            and bool(_get(status, "overallStatus")) and bool(_get(status, "lastUpdatePostDateStruct"))
            and "hasResults" in study)


def unknown_fields(study: dict) -> list[str]:
    """The fields a study does not give: none for a full record, the absent ones for a partial one."""
    if is_complete(study):
        return []
    protocol = study.get("protocolSection")
    unknown = [name for name, path in FIELD_SOURCES.items() if _get(protocol, *path) is None]
    locations = _list(protocol, "contactsLocationsModule", "locations")
    if locations and not any(isinstance(loc, dict) and "country" in loc for loc in locations):
        unknown.append("countries")  # locations asked for other leaves (fields=LocationFacility)
    if "age_groups" in unknown and "min_age" in unknown:
        unknown.append("paediatric")
    if "hasResults" not in study:
        unknown.append("has_results")
    return unknown + [f for f in DERIVED_FIELDS if f not in ("paediatric", "has_results")]


def parse_study(study: Any, where: str = "study") -> TrialRecord:
    """Parse one v2 ``Study`` object into a ``TrialRecord`` (raw JSON kept, compact, without contact persons)."""
    if not isinstance(study, dict):
        raise CtgovParseError(f"{where}: a study must be a JSON object, not {type(study).__name__}")
    protocol = study.get("protocolSection")
    record = TrialRecord(registry_id=_nct_id(study, where))
    ident, status = _get(protocol, "identificationModule"), _get(protocol, "statusModule")
    design, eligibility = _get(protocol, "designModule"), _get(protocol, "eligibilityModule")
    record.brief_title, record.official_title = _text(ident, "briefTitle"), _text(ident, "officialTitle")
    record.acronym = _text(ident, "acronym")
    record.status, record.why_stopped = _text(status, "overallStatus"), _text(status, "whyStopped")
    record.start_date = _text(status, "startDateStruct", "date")
    record.primary_completion_date = _text(status, "primaryCompletionDateStruct", "date")
    record.completion_date = _text(status, "completionDateStruct", "date")
    record.first_posted = _text(status, "studyFirstPostDateStruct", "date")
    record.last_update_posted = _text(status, "lastUpdatePostDateStruct", "date")
    record.phases = _strings(_get(design, "phases"))
    record.study_type = _text(design, "studyType")
    record.enrollment, record.enrollment_type = _enrollment(design, where)
    sponsors = _get(protocol, "sponsorCollaboratorsModule")
    record.sponsor = _text(sponsors, "leadSponsor", "name")
    record.collaborators = _names(_get(sponsors, "collaborators"))
    record.conditions = _strings(_get(protocol, "conditionsModule", "conditions"))
    record.keywords = _strings(_get(protocol, "conditionsModule", "keywords"))
    record.interventions, intervention_text = _interventions(_get(protocol, "armsInterventionsModule"))
    record.min_age, record.max_age = _text(eligibility, "minimumAge"), _text(eligibility, "maximumAge")
    record.age_groups = _strings(_get(eligibility, "stdAges"))
    record.paediatric = paediatric_flag(record.age_groups, record.min_age)
    record.eligibility_criteria = _criteria(eligibility)
    record.sex = _text(eligibility, "sex")
    volunteers = _get(eligibility, "healthyVolunteers")
    record.healthy_volunteers = volunteers if isinstance(volunteers, bool) else None
    locations = _list(protocol, "contactsLocationsModule", "locations")
    record.countries = _unique(_strings([_get(loc, "country") for loc in locations]))
    record.sites = _sites(protocol, is_complete(study))
    record.has_results = study.get("hasResults") is True
    record.references = study_references(study)
    _classify(record, protocol, intervention_text)
    record.raw_json = json.dumps(without_contacts(study), ensure_ascii=False, separators=(",", ":"))
    record.unknown_fields = unknown_fields(study)
    return record


PHASE_LABELS = {"EARLY_PHASE1": "Early phase 1", "PHASE1": "1", "PHASE2": "2", "PHASE3": "3",
                "PHASE4": "4", "NA": "Not applicable"}


def phase_label(phases: list[str]) -> str:
    """``["PHASE1","PHASE2"]`` → ``"Phase 1/2"``; the registry has no combined enum."""
    numbered = [PHASE_LABELS[p] for p in phases if p in ("PHASE1", "PHASE2", "PHASE3", "PHASE4")]
    others = [PHASE_LABELS.get(p, p) for p in phases if p not in ("PHASE1", "PHASE2", "PHASE3", "PHASE4")]
    parts = (["Phase " + "/".join(numbered)] if numbered else []) + others
    return ", ".join(parts)
