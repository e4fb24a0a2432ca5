"""Trials a clinician can refer to: place and age filters never drop a trial silently."""

from __future__ import annotations

from sqlmodel import Session

from evidence import models
from evidence.geography import REGION_OF, Region, regions_of
from evidence.queries import NO_SITE_STATUS, NO_SITES, TrialFilter, filter_trials, trial_detail, trials_table


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


def _with_sites(engine):
    """NCT07000001 recruits in Rome, only plans Erlangen; NCT07000002's site status is not recorded."""
    with Session(engine) as session:
        session.add(models.TrialSite(registry_id="NCT07000001", position=9, facility="Ospedale Pediatrico Bambino Gesù",
                                     city="Rome", country="Italy", status="RECRUITING"))
        for registry_id, sites in (("NCT07000001", [("Rome", "Italy", "RECRUITING"),
                                                    ("Erlangen", "Germany", "NOT_YET_RECRUITING")]),
                                   ("NCT07000002", [("Shanghai", "China", "")])):
            session.get(models.Trial, registry_id).sites_known = True
            session.add_all(models.TrialSite(registry_id=registry_id, position=i, city=city, country=country,
                                             status=status) for i, (city, country, status) in enumerate(sites))
        session.add(models.Trial(registry_id="NCT07000004", brief_title="Lupus CAR-T, no site listed",
                                 countries=["France"], diseases=["sle"], sites_known=True))
        session.commit()
        return trials_table(session)


def test_recruiting_site_filter_reads_each_sites_status_and_lists_unknown_sites_apart(engine):
    _trials(engine)
    trials = _with_sites(engine)
    anywhere = filter_trials(trials, TrialFilter(diseases=("sle",), recruiting_site=True))
    assert _ids(anywhere.shown) == ["NCT07000001"]  # NCT07000004 lists no site: not recruiting anywhere
    why = dict(zip(anywhere.apart["Registry ID"], anywhere.apart["why"]))
    assert why == {"NCT07000002": NO_SITE_STATUS, "NCT07000003": NO_SITES, "NCT07654321": NO_SITES}
    italy = filter_trials(trials, TrialFilter(recruiting_site=True, countries=("Italy",)))
    assert _ids(italy.shown) == ["NCT07000001"]
    germany = filter_trials(trials, TrialFilter(recruiting_site=True, countries=("Germany",)))
    assert _ids(germany.shown) == [] and _ids(germany.apart) == ["NCT07000003", "NCT07654321"]  # no country; no sites
    europe = filter_trials(trials, TrialFilter(recruiting_site=True, regions=(Region.EUROPE.value,)))
    assert _ids(europe.shown) == ["NCT07000001"] and "NCT07000004" not in _ids(europe.apart)
    asia = filter_trials(trials, TrialFilter(recruiting_site=True, regions=(Region.ASIA_PACIFIC.value,)))
    assert _ids(asia.shown) == []
    assert dict(zip(asia.apart["Registry ID"], asia.apart["why"]))["NCT07000002"] == NO_SITE_STATUS


def test_trial_detail_gives_sites_and_eligibility_or_says_they_are_not_recorded(engine):
    _trials(engine)
    _with_sites(engine)
    with Session(engine) as session:
        session.get(models.Trial, "NCT07000001").eligibility_criteria = "Inclusion Criteria:\n\n* Age 5 to 17"
        session.get(models.Trial, "NCT07000001").sex = "ALL"
        session.commit()
        detail = trial_detail(session, "NCT07000001")
        curated = trial_detail(session, "NCT07654321")
    assert detail["sites_known"] is True
    assert detail["sites"][["City", "Country", "Status"]].values.tolist() == [
        ["Rome", "Italy", "Recruiting"], ["Erlangen", "Germany", "Not yet recruiting"],
        ["Rome", "Italy", "Recruiting"]]
    assert detail["eligibility"]["criteria"] == "Inclusion Criteria:\n\n* Age 5 to 17"
    assert (detail["eligibility"]["Sex"], detail["eligibility"]["Ages"]) == ("All", "5 Years to 17 Years")
    assert curated["sites_known"] is False and curated["sites"].empty


def test_text_search_reads_site_names_and_cities_without_accents(engine):
    _trials(engine)
    trials = _with_sites(engine)
    for typed in ("bambino gesu", "Bambino Gesù", "ERLANGEN"):
        assert "NCT07000001" in _ids(filter_trials(trials, TrialFilter(text=typed)).shown), typed
    assert _ids(filter_trials(trials, TrialFilter(text="shanghai")).shown) == ["NCT07000002"]
