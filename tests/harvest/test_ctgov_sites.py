"""Trial sites in the store: an absent module keeps them, a present one replaces them, nobody's phone is kept."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

from evidence.models import Trial, TrialSite
from harvest.ctgov_parse import parse_study
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
