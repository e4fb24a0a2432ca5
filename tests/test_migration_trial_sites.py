"""Migrations 0009_trial_sites (sites and eligibility filled from the stored registry JSON, contacts dropped) and
0010_site_repair (sites 0009 built from a partial record become unknown)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import inspect

from evidence.db import alembic_config, make_engine

pytestmark = pytest.mark.both_backends

FIXTURES = Path(__file__).parent / "fixtures" / "ctgov"
STUDIES = json.loads((FIXTURES / "studies_page1.json").read_text())["studies"]
# NCT06100001 as fields=NCTId,OverallStatus,LastUpdatePostDate,LocationCountry returns it: {"country": ...} per location
COUNTRY_ONLY = json.loads((FIXTURES / "NCT06100001_fields_location_country_page.json").read_text())["studies"][0]


@pytest.fixture
def empty_engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def _blank(column: sa.Column):
    """A value for a NOT NULL column without a server default, as the ORM would have written it."""
    kind = column.type.python_type if not isinstance(column.type, sa.JSON) else list
    return {str: "", int: 0, bool: False, list: [], datetime: datetime.now(timezone.utc)}.get(kind)


def _insert_trial(engine, registry_id: str, raw_json: str | None) -> None:
    trial = sa.Table("trial", sa.MetaData(), autoload_with=engine)
    row = {c.name: _blank(c) for c in trial.columns if not c.nullable and c.server_default is None}
    with engine.begin() as conn:
        conn.execute(trial.insert(), [{**row, "registry_id": registry_id, "raw_json": raw_json}])


def test_upgrade_fills_sites_from_stored_records_and_downgrade_removes_them(empty_engine):
    config = alembic_config(empty_engine)
    command.upgrade(config, "0007_workbench")
    with_sites, without_module = STUDIES[0], json.loads(json.dumps(STUDIES[1]))
    del without_module["protocolSection"]["contactsLocationsModule"]
    _insert_trial(empty_engine, "NCT06100001", json.dumps(with_sites))
    _insert_trial(empty_engine, "NCT07654321", json.dumps(without_module))
    _insert_trial(empty_engine, "ChiCTR2500105227", None)  # curated: no registry record stored
    command.upgrade(config, "0009_trial_sites")
    with empty_engine.connect() as conn:
        sites = conn.execute(sa.text("SELECT registry_id, city, country, status, zip, lat FROM trialsite "
                                     "ORDER BY registry_id, position")).all()
        trials = {r.registry_id: r for r in conn.execute(sa.text(
            "SELECT registry_id, sites_known, sex, healthy_volunteers, eligibility_criteria, raw_json FROM trial"))}
    assert [tuple(s) for s in sites] == [
        ("NCT06100001", "Shanghai", "China", "RECRUITING", "200127", 31.22222),
        ("NCT06100001", "Erlangen", "Germany", "RECRUITING", "91054", 49.59099),
        ("NCT06100001", "Shanghai", "China", "NOT_YET_RECRUITING", "200127", 31.22222)]
    assert bool(trials["NCT06100001"].sites_known) and not trials["NCT07654321"].sites_known
    assert not trials["ChiCTR2500105227"].sites_known and trials["ChiCTR2500105227"].eligibility_criteria == ""
    assert trials["NCT07654321"].eligibility_criteria.startswith("Inclusion Criteria:")  # eligibility still filled
    assert (trials["NCT06100001"].sex, trials["NCT06100001"].healthy_volunteers) == ("ALL", False)
    assert "@example.org" not in trials["NCT06100001"].raw_json and "5555" not in trials["NCT06100001"].raw_json
    assert "Universitätsklinikum Erlangen" in trials["NCT06100001"].raw_json
    command.downgrade(config, "0007_workbench")
    assert "trialsite" not in inspect(empty_engine).get_table_names()
    assert "sites_known" not in {c["name"] for c in inspect(empty_engine).get_columns("trial")}
    command.upgrade(config, "head")
    assert "trialsite" in inspect(empty_engine).get_table_names()


def _partial(nct_id: str, module: dict) -> str:
    """A fields=-limited record: the ID and the contactsLocationsModule leaves asked for."""
    return json.dumps({"protocolSection": {"identificationModule": {"nctId": nct_id},
                                           "contactsLocationsModule": module}})


def _sites_of(engine) -> tuple[dict, dict]:
    with engine.connect() as conn:
        sites: dict[str, list] = {}
        for row in conn.execute(sa.text("SELECT registry_id, facility, city, country, status FROM trialsite "
                                        "ORDER BY registry_id, position")):
            sites.setdefault(row.registry_id, []).append(tuple(row)[1:])
        known = {r.registry_id: bool(r.sites_known) for r in conn.execute(
            sa.text("SELECT registry_id, sites_known FROM trial"))}
    return sites, known


def test_sites_0009_built_from_a_partial_record_become_unknown(empty_engine):
    config = alembic_config(empty_engine)
    command.upgrade(config, "0008_users")
    whole_location = {key: "" for key in ("facility", "city", "state", "zip", "status")}
    _insert_trial(empty_engine, "NCT06100001", json.dumps(COUNTRY_ONLY))
    _insert_trial(empty_engine, "NCT07654321", json.dumps(STUDIES[1]))  # a full record: absent keys mean none
    _insert_trial(empty_engine, "NCT00000003", _partial("NCT00000003", {"overallOfficials": []}))  # no locations
    _insert_trial(empty_engine, "NCT00000004", _partial("NCT00000004", {"locations": [
        {**whole_location, "facility": "Ospedale Pediatrico Bambino Gesù", "city": "Rome", "country": "Italy",
         "status": "RECRUITING", "geoPoint": {"lat": 41.9, "lon": 12.5}}]}))  # every field of every site given
    _insert_trial(empty_engine, "NCT00000005", _partial("NCT00000005", {"locations": [{"country": "Italy"}]}))
    command.upgrade(config, "0009_trial_sites")
    sites, known = _sites_of(empty_engine)
    assert sites["NCT06100001"] == [("", "", "China", ""), ("", "", "Germany", ""), ("", "", "China", "")]
    assert known["NCT06100001"] and known["NCT00000003"]  # what 0009 did: country-only sites, "no site"
    with empty_engine.begin() as conn:  # NCT00000005's sites since came whole from another record: kept
        conn.execute(sa.text("UPDATE trialsite SET facility = 'Policlinico', city = 'Milan' "
                             "WHERE registry_id = 'NCT00000005'"))
    command.upgrade(config, "0010_site_repair")
    sites, known = _sites_of(empty_engine)
    assert "NCT06100001" not in sites and not known["NCT06100001"]
    assert "NCT00000003" not in sites and not known["NCT00000003"]
    assert sites["NCT07654321"] == [("Site 1", "Erlangen", "Germany", "RECRUITING")]
    assert sites["NCT00000004"] == [("Ospedale Pediatrico Bambino Gesù", "Rome", "Italy", "RECRUITING")]
    assert sites["NCT00000005"] == [("Policlinico", "Milan", "Italy", "")]
    assert known["NCT07654321"] and known["NCT00000004"] and known["NCT00000005"]
    command.downgrade(config, "0009_trial_sites")
    command.upgrade(config, "head")
