"""The trial detail shows sites and eligibility from the registry record, as text (AppTest)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import Session

from evidence.db import make_engine
from harvest.ctgov_parse import parse_study
from harvest.ctgov_store import upsert_records
from tests.app.app_test_helpers import frames

PAGE1 = Path(__file__).parent.parent / "fixtures" / "ctgov" / "studies_page1.json"
MARKUP = "Inclusion Criteria:\n\n* Age 12 to 70 years\n* **bold** [link](http://evil) <b>x</b>\n- dash item"


@pytest.fixture
def harvested(app_env):
    """The fixture's NCT06100001 stored as a harvest would, its criteria holding Markdown and HTML."""
    study = json.loads(PAGE1.read_text())["studies"][0]
    study["protocolSection"]["eligibilityModule"]["eligibilityCriteria"] = MARKUP
    engine = make_engine(f"sqlite:///{app_env}")
    with Session(engine) as session:
        upsert_records(session, [parse_study(study)])
        session.commit()
    engine.dispose()


def test_detail_shows_sites_and_criteria_as_plain_text(page, harvested):
    at = page("trials", {"trial": "NCT06100001"})
    sites = next(f for f in frames(at) if "Facility" in f.columns)
    assert sites[["City", "Country", "Status"]].values.tolist() == [
        ["Shanghai", "China", "Recruiting"], ["Erlangen", "Germany", "Recruiting"],
        ["Shanghai", "China", "Not yet recruiting"]]
    assert MARKUP in [t.value for t in at.text]  # bullets kept as typed, never rendered
    assert not any("evil" in m.value or "<b>" in m.value for m in at.markdown)
    assert any("3 sites, 2 recruiting" in c.value for c in at.caption)
    assert not any("5555" in str(f.to_dict()) for f in frames(at))  # no contact's phone anywhere


def test_curated_trial_says_its_sites_are_not_recorded(page):
    at = page("trials", {"trial": "NCT07654321"})
    captions = [c.value for c in at.caption]
    assert "Sites not recorded (registry record not yet harvested)." in captions
    assert not any("Facility" in f.columns for f in frames(at))


def test_recruiting_site_filter_is_in_the_url_and_lists_unknown_sites_apart(page, harvested):
    at = page("trials", {"recruiting": "true", "region": "Europe"})
    assert at.toggle(key="recruiting").value is True
    assert list(frames(at)[0]["Registry ID"]) == ["NCT06100001"]  # recruits in Erlangen
    apart = next(f for f in frames(at) if "Not shown above because" in f.columns)
    assert dict(zip(apart["Registry ID"], apart["Not shown above because"])) == {
        "NCT07654321": "sites not recorded"}  # curated Germany/Italy trial: not dropped, listed apart
    assert [e.label for e in at.expander if "may match" in e.label] == [
        "1 more trial may match: its registry record lacks what a filter asks (country, sites or age eligibility)"]
    italian = page("trials", {"recruiting": "true", "region": "Europe"}, lang="it")
    assert any(e.label.startswith("1 altra sperimentazione potrebbe corrispondere") for e in italian.expander)


def test_an_identifier_typed_alone_goes_straight_to_its_report_or_trial(page):
    at = page("studies", {"q": "PMID 22222222"})
    assert at.selectbox(key="report").value == "alpha-2024"
    at = page("trials", {"q": "nct 0765 4321"})
    assert at.selectbox(key="trial").value == "NCT07654321"
    assert any(s.value for s in at.subheader if "NCT07654321" in s.value)
    at = page("studies", {"q": "NCT01234567"})
    links = [link.proto for link in at.get("page_link")]
    assert [(p.page, p.query_string) for p in links if p.page == "trials"] == [("trials", "trial=NCT01234567")]


def test_trials_listed_apart_are_told_of_and_their_detail_can_be_opened(page, harvested):
    """When no trial is known to match but some may, the page says so (not "no trial matches") and offers them."""
    at = page("trials", {"recruiting": "true", "country": "Italy"})
    assert [i.value for i in at.info] == [
        "No trial is known to match these filters; 1 may, listed below with what its registry record lacks."]
    assert at.selectbox(key="trial").options[1:] == ["NCT07654321 — CD19 CAR T in lupus (fixture)"]
    at.selectbox(key="trial").set_value("NCT07654321").run()
    assert any(h.value.startswith("NCT07654321") for h in at.subheader)
