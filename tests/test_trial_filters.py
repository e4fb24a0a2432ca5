"""Trials a clinician can refer to: place and age filters never drop a trial silently."""

from __future__ import annotations

from sqlmodel import Session

from evidence import models
from evidence.geography import REGION_OF, Region, regions_of
from evidence.queries import TrialFilter, filter_trials, trials_table


def _trials(engine):
    with Session(engine) as session:
        session.add(models.Trial(registry_id="NCT07000001", brief_title="Paediatric lupus CAR-T", status="RECRUITING",
                                 countries=["Italy", "Germany"], min_age="5 Years", max_age="17 Years",
                                 age_groups=["CHILD"], paediatric=True, diseases=["sle"]))
        session.add(models.Trial(registry_id="NCT07000002", brief_title="Adult lupus CAR-T", status="RECRUITING",
                                 countries=["China"], min_age="18 Years", age_groups=["ADULT"], paediatric=False,
                                 diseases=["sle"]))
        session.add(models.Trial(registry_id="NCT07000003", brief_title="Lupus CAR-T, sites not posted",
                                 status="NOT_YET_RECRUITING", diseases=["lupus_nephritis"]))
        session.commit()
        return trials_table(session)


def _ids(frame):
    return sorted(frame["Registry ID"])


def test_region_filter_keeps_trials_without_a_country_apart(engine):
    trials = _trials(engine)
    europe = filter_trials(trials, TrialFilter(diseases=("sle",), regions=(Region.EUROPE.value,)))
    assert _ids(europe.shown) == ["NCT07000001", "NCT07654321"]  # the fixture's lupus trial is in Germany
    assert _ids(europe.apart) == ["NCT07000003"]  # lupus nephritis counts as SLE; no country: shown apart
    assert set(europe.apart["why"]) == {"no country recorded"}
    assert _ids(filter_trials(trials, TrialFilter(diseases=("sle",), countries=("China",))).shown) == [
        "NCT07000002"]


def test_children_filter_uses_age_eligibility_and_lists_unknown_apart(engine):
    trials = _trials(engine)
    kids = filter_trials(trials, TrialFilter(diseases=("sle",), children=True))
    assert _ids(kids.shown) == ["NCT07000001", "NCT07654321"]  # the fixture's: curated population "mixed"
    assert "NCT07000003" in _ids(kids.apart)
    assert trials.set_index("Registry ID").loc["NCT07000001", "Ages"] == "5 Years to 17 Years"


def test_without_place_or_age_filters_nothing_is_apart(engine):
    trials = _trials(engine)
    assert filter_trials(trials, TrialFilter(diseases=("sle",))).apart.empty


def test_regions():
    assert regions_of(["Italy", "China", "Atlantis"]) == {Region.EUROPE, Region.ASIA_PACIFIC}
    assert REGION_OF["United States"] is Region.NORTH_AMERICA
