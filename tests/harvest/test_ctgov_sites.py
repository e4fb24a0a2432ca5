"""Trial sites in the store: an absent module keeps them, a present one replaces them, nobody's phone is kept.

A partial record whose locations lack keys (a `fields=` download) never erases what is stored.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

from evidence.models import Trial, TrialChange, TrialSite
from harvest.ctgov import import_files
from harvest.ctgov_parse import parse_document, parse_study
from harvest.ctgov_store import upsert_records

pytestmark = pytest.mark.both_backends  # store tests: run on SQLite and PostgreSQL

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ctgov"


def study(nct: str) -> dict:
    for name in ("studies_page1.json", "studies_page2.json"):
        for s in json.loads((FIXTURES / name).read_text())["studies"]:
            if s["protocolSection"]["identificationModule"]["nctId"] == nct:
                return s
    raise KeyError(nct)


def later(s: dict, date: str) -> dict:
    s = copy.deepcopy(s)
    s["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"] = {"date": date, "type": "ACTUAL"}
    return s


def store(engine, *studies: dict) -> None:
    with Session(engine) as session:
        upsert_records(session, [parse_study(s) for s in studies])
        session.commit()


def sites(engine, nct: str) -> tuple[bool, list[tuple[str, str, str]]]:
    with Session(engine) as session:
        known = session.get(Trial, nct).sites_known
        rows = session.execute(select(TrialSite).where(TrialSite.registry_id == nct)
                               .order_by(TrialSite.position)).scalars()
        return known, [(r.city, r.country, r.status) for r in rows]


FIRST = [("Shanghai", "China", "RECRUITING"), ("Erlangen", "Germany", "RECRUITING"),
         ("Shanghai", "China", "NOT_YET_RECRUITING")]


def test_sites_and_eligibility_are_stored_without_contacts(engine):
    store(engine, study("NCT06100001"))
    assert sites(engine, "NCT06100001") == (True, FIRST)
    with Session(engine) as session:
        trial = session.get(Trial, "NCT06100001")
        assert trial.eligibility_criteria.startswith("Inclusion Criteria:\n\n* Age 12 to 70")
        assert (trial.sex, trial.healthy_volunteers) == ("ALL", False)
        site = session.execute(select(TrialSite).where(TrialSite.city == "Erlangen")).scalar_one()
        assert (site.facility, site.state, site.zip, site.lat, site.lon) == (
            "Universitätsklinikum Erlangen", "Bavaria", "91054", 49.59099, 11.00783)
        for text in ("Site Contact", "Study Coordinator", "@example.org", "5555"):
            assert text not in trial.raw_json


def test_a_record_without_the_module_keeps_the_sites_and_an_empty_list_empties_them(engine):
    store(engine, study("NCT06100001"))
    no_module = later(study("NCT06100001"), "2025-07-01")
    del no_module["protocolSection"]["contactsLocationsModule"]
    store(engine, no_module)
    assert sites(engine, "NCT06100001") == (True, FIRST)  # unknown is not "no site"
    moved = later(study("NCT06100001"), "2025-08-01")
    moved["protocolSection"]["contactsLocationsModule"]["locations"][0]["status"] = "COMPLETED"
    store(engine, moved)
    assert sites(engine, "NCT06100001") == (True, [("Shanghai", "China", "COMPLETED"), *FIRST[1:]])
    emptied = later(study("NCT06100001"), "2025-09-01")
    emptied["protocolSection"]["contactsLocationsModule"]["locations"] = []
    store(engine, emptied)
    assert sites(engine, "NCT06100001") == (True, [])  # the registry now lists none


def test_an_older_record_replaces_sites_only_where_none_were_known(engine):
    newer = later(study("NCT06100001"), "2025-09-01")
    del newer["protocolSection"]["contactsLocationsModule"]
    store(engine, newer)
    assert sites(engine, "NCT06100001") == (False, [])
    store(engine, study("NCT06100001"))  # older, but the only one that gives the sites
    assert sites(engine, "NCT06100001") == (True, FIRST)
    older = later(study("NCT06100001"), "2024-01-01")
    older["protocolSection"]["contactsLocationsModule"]["locations"] = []
    store(engine, older)
    assert sites(engine, "NCT06100001") == (True, FIRST)  # never moved backwards


def test_a_curated_trial_has_no_sites_until_its_registry_record_is_stored(engine):
    assert sites(engine, "NCT07654321") == (False, [])  # tests/fixtures/curated/trials.csv
    store(engine, study("NCT07654321"))
    assert sites(engine, "NCT07654321") == (True, [("Erlangen", "Germany", "RECRUITING")])


def test_a_full_record_without_the_module_leaves_sites_unknown(engine):
    withdrawn = json.loads((FIXTURES / "corpus" / "NCT05999990_withdrawn.json").read_text())
    assert "contactsLocationsModule" not in withdrawn["protocolSection"]
    store(engine, withdrawn)
    assert sites(engine, "NCT05999990") == (False, [])


# A saved `fields=NCTId,OverallStatus,LastUpdatePostDate,LocationCountry` page (fixture README): newer, country only.
COUNTRY_ONLY = FIXTURES / "NCT06100001_fields_location_country_page.json"
FULL_PAGE = FIXTURES / "studies_page1.json"  # NCT06100001 whole, 2025-06-02, RECRUITING


def imported(engine, *paths: Path) -> None:
    for path in paths:
        import_files(engine, [path])


def trial_state(engine, nct: str) -> tuple:
    with Session(engine) as session:
        trial = session.get(Trial, nct)
        return trial.status, trial.last_update_posted, trial.countries, trial.sites_known


def full_sites(engine, nct: str) -> list[tuple]:
    with Session(engine) as session:
        rows = session.execute(select(TrialSite).where(TrialSite.registry_id == nct)
                               .order_by(TrialSite.position)).scalars()
        return [(r.facility, r.city, r.state, r.zip, r.country, r.status, r.lat, r.lon) for r in rows]


def test_a_fields_limited_location_is_unknown_where_its_keys_are_absent():
    record = parse_document(json.loads(COUNTRY_ONLY.read_text()), str(COUNTRY_ONLY))[0]
    assert record.partial and record.sites_partial and record.countries == ["China", "Germany"]
    assert record.sites[0].country == "China" and record.sites[0].unknown == {
        "facility", "city", "state", "zip", "status", "lat", "lon"}
    given = copy.deepcopy(json.loads(COUNTRY_ONLY.read_text())["studies"][0])
    given["protocolSection"]["contactsLocationsModule"]["locations"] = [
        {"facility": "", "status": "", "city": "Erlangen", "state": "", "zip": "", "country": "Germany",
         "geoPoint": {"lat": 49.59, "lon": 11.0}}]
    assert not parse_study(given).sites_partial  # present but empty is "none", not unknown
    assert not parse_study(study("NCT05900003")).sites_partial  # a full record's absent status is "none"


def test_a_newer_country_only_record_keeps_full_sites_and_applies_the_rest(engine, caplog):
    imported(engine, FULL_PAGE)
    before = full_sites(engine, "NCT06100001")
    assert before[1] == ("Universitätsklinikum Erlangen", "Erlangen", "Bavaria", "91054", "Germany", "RECRUITING",
                         49.59099, 11.00783)
    imported(engine, COUNTRY_ONLY)
    assert full_sites(engine, "NCT06100001") == before  # facility, city and status not erased
    assert trial_state(engine, "NCT06100001") == ("ACTIVE_NOT_RECRUITING", "2025-11-03", ["China", "Germany"], True)
    with Session(engine) as session:
        change = session.execute(select(TrialChange).where(TrialChange.registry_id == "NCT06100001")).scalar_one()
        assert (change.field, change.old, change.new) == ("status", "RECRUITING", "ACTIVE_NOT_RECRUITING")
    assert "list sites without all their fields" in caplog.text

    newer = later(study("NCT06100001"), "2025-12-01")
    newer["protocolSection"]["contactsLocationsModule"]["locations"][0]["status"] = "COMPLETED"
    store(engine, newer)  # a newer full record still replaces them
    assert [s[5] for s in full_sites(engine, "NCT06100001")] == ["COMPLETED", "RECRUITING", "NOT_YET_RECRUITING"]


def test_a_country_only_record_first_leaves_sites_unknown_for_the_full_one(engine):
    imported(engine, COUNTRY_ONLY)
    assert trial_state(engine, "NCT06100001") == ("ACTIVE_NOT_RECRUITING", "2025-11-03", ["China", "Germany"], False)
    assert full_sites(engine, "NCT06100001") == []  # unknown, not three sites with only a country
    imported(engine, FULL_PAGE)  # older, but the only record that gives the sites whole
    assert trial_state(engine, "NCT06100001")[3] is True
    assert full_sites(engine, "NCT06100001")[0][:2] == (
        "Renji Hospital, Shanghai Jiao Tong University School of Medicine", "Shanghai")


@pytest.mark.parametrize("order", [(FULL_PAGE, COUNTRY_ONLY), (COUNTRY_ONLY, FULL_PAGE)])
def test_the_sites_do_not_depend_on_the_import_order(engine, order):
    imported(engine, *order)
    assert trial_state(engine, "NCT06100001") == ("ACTIVE_NOT_RECRUITING", "2025-11-03", ["China", "Germany"], True)
    assert full_sites(engine, "NCT06100001") == [
        ("Renji Hospital, Shanghai Jiao Tong University School of Medicine", "Shanghai", "Shanghai", "200127",
         "China", "RECRUITING", 31.22222, 121.45806),
        ("Universitätsklinikum Erlangen", "Erlangen", "Bavaria", "91054", "Germany", "RECRUITING",
         49.59099, 11.00783),
        ("Shanghai Children's Medical Center", "Shanghai", "Shanghai", "200127", "China", "NOT_YET_RECRUITING",
         31.22222, 121.45806)]


def test_a_partial_module_without_locations_or_countries_is_unknown(engine):
    store(engine, study("NCT06100001"))
    officials = {"protocolSection": {
        "identificationModule": {"nctId": "NCT06100001"},
        "statusModule": {"lastUpdatePostDateStruct": {"date": "2025-11-03", "type": "ACTUAL"}},
        "contactsLocationsModule": {"overallOfficials": [{"name": "Principal Investigator Alpha, MD"}]}}}
    assert parse_study(officials).sites is None  # fields=OverallOfficials: the sites were not asked for
    facilities = copy.deepcopy(officials)
    facilities["protocolSection"]["contactsLocationsModule"] = {"locations": [{"facility": "Renji Hospital"}]}
    assert "countries" in parse_study(facilities).unknown_fields  # fields=LocationFacility gives no country
    store(engine, officials)
    store(engine, facilities)
    assert trial_state(engine, "NCT06100001") == ("RECRUITING", "2025-11-03", ["China", "Germany"], True)
    assert [s[1] for s in full_sites(engine, "NCT06100001")] == ["Shanghai", "Erlangen", "Shanghai"]
