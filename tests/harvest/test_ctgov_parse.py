"""Parsing API v2 study JSON: every field the issue names, partial dates, bad shapes."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from harvest.ctgov_parse import (
    CtgovParseError,
    loads,
    parse_document,
    parse_page,
    parse_study,
    phase_label,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ctgov"


def _page(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def _study(nct: str) -> dict:
    for name in ("studies_page1.json", "studies_page2.json"):
        for study in _page(name)["studies"]:
            if study["protocolSection"]["identificationModule"]["nctId"] == nct:
                return study
    raise KeyError(nct)


def test_interventional_phase_1_2_study_all_fields():
    r = parse_study(_study("NCT06100001"))
    assert r.registry_id == "NCT06100001"
    assert r.brief_title.startswith("CD19 CAR-T Cells") and r.official_title.startswith("A Phase 1/2")
    assert r.acronym == "CASTLE-19"
    assert (r.status, r.why_stopped, r.study_type) == ("RECRUITING", "", "INTERVENTIONAL")
    assert r.phases == ["PHASE1", "PHASE2"] and phase_label(r.phases) == "Phase 1/2"
    assert (r.enrollment, r.enrollment_type) == (24, "ESTIMATED")
    # Partial dates are stored exactly as given, never padded to a day.
    assert (r.start_date, r.primary_completion_date, r.completion_date) == ("2024-03", "2026-12", "2028")
    assert (r.first_posted, r.last_update_posted) == ("2024-01-10", "2025-06-02")
    assert r.sponsor == "Alpha Cell Therapeutics"
    assert r.collaborators == ["Friedrich-Alexander University Erlangen-Nürnberg"]
    assert r.conditions == ["Systemic Lupus Erythematosus", "Lupus Nephritis"] and r.keywords == ["CAR-T", "CD19"]
    assert r.interventions == ["Biological: CD19 CAR-T cells", "Drug: Fludarabine"]
    assert (r.min_age, r.max_age, r.age_groups) == ("12 Years", "70 Years", ["CHILD", "ADULT"])
    assert r.paediatric is True and r.population == "mixed"
    assert r.countries == ["China", "Germany"]  # one per country, in order of first site
    assert [(ref.pmid, ref.type) for ref in r.references] == [("39000001", "RESULT"), ("30000002", "BACKGROUND")]
    assert r.has_results is False
    assert r.diseases == ["lupus_nephritis", "sle"] and r.targets == ["cd19"] and r.car_construct == "autologous"
    kept = json.loads(r.raw_json)  # the record as given, less the people to contact
    assert "centralContacts" not in kept["protocolSection"]["contactsLocationsModule"]
    assert kept["protocolSection"]["contactsLocationsModule"]["overallOfficials"][0]["role"] == "STUDY_DIRECTOR"
    kept["protocolSection"]["contactsLocationsModule"] = _study("NCT06100001")["protocolSection"][
        "contactsLocationsModule"]
    assert kept == _study("NCT06100001")


def test_sites_and_eligibility_without_anyone_to_call():
    r = parse_study(_study("NCT06100001"))
    assert [(s.city, s.state, s.zip, s.country, s.status) for s in r.sites] == [
        ("Shanghai", "Shanghai", "200127", "China", "RECRUITING"),
        ("Erlangen", "Bavaria", "91054", "Germany", "RECRUITING"),
        ("Shanghai", "Shanghai", "200127", "China", "NOT_YET_RECRUITING")]
    assert r.sites[1].facility == "Universitätsklinikum Erlangen" and (r.sites[1].lat, r.sites[1].lon) == (
        49.59099, 11.00783)
    assert r.eligibility_criteria.startswith("Inclusion Criteria:\n\n* Age 12 to 70 years")
    assert "  * proteinuria > 0.5 g/24 h\n\nExclusion Criteria:" in r.eligibility_criteria  # bullets kept
    assert (r.sex, r.healthy_volunteers) == ("ALL", False)
    for text in ("Site Contact", "Study Coordinator", "example.org", "+86 21 5555", "+49 9131"):
        assert text not in r.raw_json and text not in repr(r.sites)
    assert parse_study(_study("NCT05900003")).sites[0].status == ""  # the record does not say: unknown


def test_absent_locations_module_is_unknown_and_an_empty_list_is_no_site():
    study = copy.deepcopy(_study("NCT07654321"))
    del study["protocolSection"]["contactsLocationsModule"]
    assert parse_study(study).sites is None
    study["protocolSection"]["contactsLocationsModule"] = {"overallOfficials": [{"name": "X", "role": "STUDY_CHAIR"}]}
    assert parse_study(study).sites == []
    study["protocolSection"]["contactsLocationsModule"]["locations"] = [{}, "junk", {"city": "Erlangen"}]
    assert [s.city for s in parse_study(study).sites] == ["Erlangen"]
    del study["protocolSection"]["eligibilityModule"]
    partial = parse_study(study)
    assert {"eligibility_criteria", "sex", "healthy_volunteers"} <= set(partial.unknown_fields)
    assert partial.healthy_volunteers is None


def test_observational_study_without_phases_and_a_study_with_results():
    obs = parse_study(_study("NCT05900003"))
    assert obs.study_type == "OBSERVATIONAL" and obs.phases == [] and phase_label(obs.phases) == ""
    assert obs.diseases == ["mg"] and obs.paediatric is False and obs.population == "adult"
    done = parse_study(_study("NCT05800004"))
    assert done.has_results is True and done.status == "COMPLETED"
    assert (done.enrollment, done.enrollment_type, done.completion_date) == (12, "ACTUAL", "2025")
    assert done.targets == ["bcma"] and done.car_construct == "allogeneic" and done.diseases == ["nmosd"]


def test_sparse_study_parses_with_empty_values():
    r = parse_study({"protocolSection": {"identificationModule": {"nctId": "nct 0610 0009"}}})
    assert r.registry_id == "NCT06100009"  # normalised spelling
    assert r.phases == [] and r.enrollment is None and r.start_date == "" and r.paediatric is None
    assert r.countries == [] and r.references == [] and r.has_results is False and r.diseases == []


@pytest.mark.parametrize("phases, label", [
    (["PHASE1", "PHASE2"], "Phase 1/2"), (["EARLY_PHASE1"], "Early phase 1"), (["PHASE2", "PHASE3"], "Phase 2/3"),
    (["NA"], "Not applicable"),
])
def test_phase_labels(phases, label):
    assert phase_label(phases) == label


def test_page_with_token_total_and_empty_page():
    page = parse_page(_page("studies_page1.json"), "page1")
    assert [r.registry_id for r in page.records] == ["NCT06100001", "NCT07654321"]
    assert page.next_page_token.startswith("ZVNj7o2E") and page.total_count == 4
    empty = parse_page(_page("studies_page_empty.json"), "empty")
    assert empty.records == [] and empty.next_page_token == "NF0g5JGBlPMuwQY"
    last = parse_page(_page("studies_page2.json"), "page2")
    assert last.next_page_token is None and last.total_count is None


@pytest.mark.parametrize("payload, message", [
    ({"totalCount": 3}, "not an API v2 page"),
    ({"studies": {"nctId": "NCT06100001"}}, "not an API v2 page"),
    ([], "not an API v2 page"),
    ({"studies": [{"protocolSection": {}}]}, r"studies\[0\]: no protocolSection.identificationModule.nctId"),
    ({"studies": ["NCT06100001"]}, "must be a JSON object"),
    ({"studies": [], "nextPageToken": 5}, "nextPageToken is not a string"),
])
def test_page_missing_expected_fields_is_an_error(payload, message):
    with pytest.raises(CtgovParseError, match=message):
        parse_page(payload, "page")


def test_bad_enrollment_and_bad_nct_are_errors():
    study = _study("NCT06100001")
    broken = copy.deepcopy(study)
    broken["protocolSection"]["designModule"]["enrollmentInfo"]["count"] = "24"
    with pytest.raises(CtgovParseError, match="enrollmentInfo.count"):
        parse_study(broken)
    broken = copy.deepcopy(study)
    broken["protocolSection"]["identificationModule"]["nctId"] = "ISRCTN12345678"
    with pytest.raises(CtgovParseError, match="not a registry ID|NCT"):
        parse_study(broken)


def test_protocol_section_of_the_wrong_type_is_an_error():
    with pytest.raises(CtgovParseError, match="no protocolSection"):
        parse_study({"protocolSection": ["NCT06100001"]})


def test_invalid_json_names_its_source():
    with pytest.raises(CtgovParseError, match="page 2: invalid JSON"):
        loads('{"studies": [', "page 2")


def test_documents_study_page_or_list():
    study = _study("NCT05800004")
    assert [r.registry_id for r in parse_document(study, "one")] == ["NCT05800004"]
    assert len(parse_document(_page("studies_page2.json"), "page")) == 2
    assert len(parse_document([study, _study("NCT05900003")], "list")) == 2


def _json_values():
    from hypothesis import strategies as st

    scalars = st.none() | st.booleans() | st.integers(-5, 10**6) | st.text(max_size=12)
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                        | st.dictionaries(st.sampled_from(KEYS), inner, max_size=4), max_leaves=12)


KEYS = ["nctId", "briefTitle", "statusModule", "overallStatus", "phases", "date", "type", "count",
        "enrollmentInfo", "locations", "country", "references", "pmid", "interventions", "name",
        "stdAges", "minimumAge", "conditions", "leadSponsor", "collaborators", "startDateStruct"]


def test_odd_shapes_never_crash_the_parser():
    """Whatever sits under the modules, a study parses or raises CtgovParseError, never anything else."""
    from hypothesis import given
    from hypothesis import settings as hsettings
    from hypothesis import strategies as st

    modules = ["statusModule", "designModule", "conditionsModule", "armsInterventionsModule",
               "eligibilityModule", "contactsLocationsModule", "referencesModule", "sponsorCollaboratorsModule"]

    @hsettings(max_examples=150, deadline=None)
    @given(st.dictionaries(st.sampled_from(modules), _json_values(), max_size=5), _json_values())
    def check(protocol, has_results):
        study = {"protocolSection": {"identificationModule": {"nctId": "NCT06100001"}, **protocol},
                 "hasResults": has_results}
        try:
            parse_study(study)
        except CtgovParseError:
            pass

    check()
