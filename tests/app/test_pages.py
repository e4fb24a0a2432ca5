"""Every page renders on the fixture database, and the main interactions work (AppTest)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from evidence.vocab import LinkMethod, NumberStatus
from tests.app.app_test_helpers import NOW, day_text, forest_plot, frames, static_tables


PAGES = ["overview", "studies", "trials", "meta_analysis", "export", "about"]


@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_without_error(page, name):
    at = page(name)
    assert not at.exception
    assert not at.error
    assert at.title


def test_default_page_is_the_overview_with_map_headline_and_whats_new(page):
    at = page()
    assert at.title[0].value == "CAR-T cell therapy in autoimmune disease"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Reports"] == "4" and metrics["Registered trials"] == "2" and metrics["Cohorts"] == "3"
    assert metrics["Patients"] == "28"  # latest report per cohort: 15 + 12 + 1
    shown = frames(at)
    headline = next(f for f in shown if "Remission / response" in f.columns)
    assert "Systemic lupus erythematosus" in set(headline["Disease"])
    pubs = next(f for f in shown if "PMID" in f.columns)  # What's new shows one list at a time: the first
    assert list(pubs["PMID"]) == ["44444444"]
    assert {"Title", "Journal", "Kind", "First seen"} <= set(pubs.columns)  # words, not the digest's field names
    assert "_" not in "".join(pubs["Kind"])  # a kind's label, not its code
    assert not any("Field" in f.columns for f in shown)
    assert any(f"last harvested {day_text(NOW)}" in c.value for c in at.caption)
    assert at.segmented_control(key="news").options == ["New publications (1)", "New trials (0)", "Trial changes (1)"]
    assert at.segmented_control(key="news").value == "publications"  # the list shown is drawn as chosen…
    assert "news" not in at.query_params  # …and the link leaves it out: without it, a link opens the same
    at.segmented_control(key="news").set_value("changes").run()
    changes = next(f for f in frames(at) if "Field" in f.columns)
    assert list(changes["New"]) == ["RECRUITING"]
    assert list(changes["Change"]) == ["status: NOT_YET_RECRUITING → RECRUITING"]
    assert at.query_params["news"] == "changes"


def test_studies_lists_the_curated_reports(page):
    at = page("studies")
    frame = frames(at)[0]
    assert sorted(frame["Report"]) == ["Alpha 2022, J Test", "Alpha 2024, J Test", "Beta 2023, ACR",
                                       "Gamma 2023, Case J"]
    assert frame.loc[frame["Report"] == "Alpha 2022, J Test", "PubMed"].item() == \
        "https://pubmed.ncbi.nlm.nih.gov/11111111/"
    assert frame.loc[frame["Report"] == "Beta 2023, ACR", "Registry"].item() == \
        "https://clinicaltrials.gov/study/NCT01234567"


def test_studies_filter_change_updates_table_and_url(page):
    at = page("studies")
    at.multiselect(key="disease").select("nmosd").run()
    assert list(frames(at)[0]["Report"]) == ["Beta 2023, ACR"]
    assert at.query_params["disease"] == "nmosd"
    at.multiselect(key="disease").unselect("nmosd").run()
    assert len(frames(at)[0]) == 4
    assert "disease" not in at.query_params


def test_studies_full_text_search_covers_report_and_pubmed_abstract_text(page):
    at = page("studies", {"q": "nmosd"})
    assert list(frames(at)[0]["Report"]) == ["Beta 2023, ACR"]
    at.text_input(key="q").input("autoimmune").run()  # title of the Alpha 2024 PubMed record
    assert list(frames(at)[0]["Report"]) == ["Alpha 2024, J Test"]
    at.text_input(key="q").input('NOT " * (').run()  # FTS syntax typed by a user must not raise
    assert not at.exception


def test_studies_empty_state_explains_what_to_do(page):
    at = page("studies", {"q": "zzzzunmatched"})
    assert any("No report matches" in i.value for i in at.info)


def test_studies_year_and_lists_filters(page):
    at = page("studies", {"year_from": "2023", "year_to": "2023", "kind": "case_report,conference_abstract"})
    assert sorted(frames(at)[0]["Report"]) == ["Beta 2023, ACR", "Gamma 2023, Case J"]


def test_report_detail_shows_sources_cohort_chain_and_trials(page):
    at = page("studies", {"report": "alpha-2024"})
    outcomes = next(f for f in static_tables(at) if "Source" in f.columns)
    assert set(outcomes["Outcome"]) >= {"CRS, any grade", "Remission (DORIS)"}
    assert set(outcomes["Status"]) >= {"Sources conflict", "Verified in the primary source"}  # words, not codes
    assert "whole cohort" in set(outcomes["Subgroup"]) and "all" not in set(outcomes["Subgroup"])
    text = " ".join(m.value for m in at.markdown)
    assert "Supersedes" in text and "Alpha 2022, J Test" in text
    at = page("studies", {"report": "beta-2023"})
    trials = next(f for f in frames(at) if "Registry ID" in f.columns)
    assert list(trials["Registry ID"]) == ["NCT01234567"]


def test_a_reports_numbers_show_where_each_was_read_and_their_notes_whole(page):
    """The place and the source of every number share a column; notes are plain text under the table."""
    at = page("studies", {"report": "alpha-2024"})
    outcomes = next(f for f in static_tables(at) if "Source" in f.columns)
    assert {"Table 2 — PMID:22222222", "news item — https://example.org/news"} <= set(outcomes["Source"])
    assert "Variant" in outcomes.columns and "secondary" in set(outcomes["Variant"])
    assert "CRS, any grade (whole cohort, —): default: table of the later update" in [t.value for t in at.text]
    beta = page("studies", {"report": "beta-2023"})
    assert "Variant" not in next(f for f in static_tables(beta) if "Source" in f.columns).columns  # none has one


def test_unknown_query_values_are_dropped_not_raised(page):
    at = page("studies", {"disease": "bogus,sle", "report": "no-such-report", "year_from": "x"})
    assert at.multiselect(key="disease").value == ["sle"]
    assert any("not in the database" in w.value for w in at.warning)


def test_trials_filters_detail_change_history_and_links(page):
    at = page("trials", {"status": "RECRUITING"})
    assert list(frames(at)[0]["Registry ID"]) == ["NCT01234567"]
    at.selectbox(key="trial").select("NCT01234567").run()
    assert at.query_params["trial"] == "NCT01234567"
    shown = frames(at)
    changes = next(f for f in shown if "Field" in f.columns)
    assert list(changes["New"]) == ["RECRUITING"]
    pubs = next(f for f in shown if "PMID" in f.columns)
    assert list(pubs["PMID"]) == ["44444444"]
    # harvested text stays text: the title is in a dataframe cell, never rendered as markdown/HTML
    assert not any("<b>" in m.value or "evil" in m.value for m in at.markdown)


def test_trials_country_and_text_filters(page):
    at = page("trials", {"country": "Italy"})
    assert list(frames(at)[0]["Registry ID"]) == ["NCT07654321"]
    at = page("trials", {"q": "nmosd"})
    assert list(frames(at)[0]["Registry ID"]) == ["NCT01234567"]


def test_meta_analysis_default_is_glmm_on_the_cohort_aware_set(page):
    at = page("meta_analysis", {"outcome": "crs_any"})
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Studies (k)"] == "3"  # alpha-2022 excluded: same cohort as alpha-2024
    assert metrics["Patients"] == "28"
    notes = " ".join(t.value for t in at.text)
    assert "Excluded Alpha 2022, J Test" in notes and "Only 3 studies" in notes
    assert "GLMM" in " ".join(m.value for m in at.markdown)
    plot = forest_plot(at)  # HTML: a row per study, the pooled diamond, each study linked to its report's page
    assert plot.count('class="cf-row"') == 3 + 2 and plot.count('class="cf-dia"') == 1
    assert 'href="studies?report=alpha-2024"' in plot and "alpha-2022" not in plot
    assert not at.get("vega_lite_chart")  # Vega's code is not loaded for it


def test_meta_analysis_outcome_method_and_views(page):
    at = page("meta_analysis", {"outcome": "crs_any"})
    at.selectbox(key="model").select("re").run()
    assert at.query_params["model"] == "re"
    assert "Random effects" in " ".join(m.value for m in at.markdown)
    at.selectbox(key="ci").select("hk").run()
    at.selectbox(key="by").select("subgroup").run()
    assert not at.exception
    assert any("subgroup differences" in c.value for c in at.caption)
    for view in ("loo", "cumulative", "set", "sensitivity"):
        at = page("meta_analysis", {"outcome": "crs_any", "view": view})
        assert not at.exception and (frames(at) or static_tables(at))  # sensitivity: a static table
    at.toggle(key="cohort_aware").set_value(False).run()
    assert {m.label: m.value for m in at.metric}["Studies (k)"] == "4"
    assert at.query_params["cohort_aware"] == "0"


def test_analysis_set_view_names_exclusions_and_links_each_report(page):
    at = page("meta_analysis", {"outcome": "crs_any", "view": "set"})
    table = frames(at)[-1]
    excluded = table[table["Included"] != "✓"]
    assert list(excluded["Study"]) == ["Alpha 2022, J Test [SLE]"]
    assert "Alpha 2024, J Test" in excluded["Why excluded"].iloc[0]
    assert set(table["Details"]) == {f"studies?report={r}" for r in
                                     ("alpha-2022", "alpha-2024", "beta-2023", "gamma-2023")}


def test_meta_analysis_sensitivity_table_has_four_methods_and_flag(page):
    at = page("meta_analysis", {"outcome": "crs_any", "view": "sensitivity"})
    table = next(t for t in static_tables(at) if "Disagrees with GLMM" in t.columns)
    assert len(table) == 4 and list(table["Method"])[0].startswith("GLMM")
    assert set(table["Disagrees with GLMM"]) <= {"✓", ""}


def test_meta_analysis_empty_state(page):
    at = page("meta_analysis", {"outcome": "death"})
    assert any("No study reports this outcome" in i.value for i in at.info)


def test_query_parameter_round_trip(page):
    params = {"outcome": "crs_any", "disease": "sle,iim", "model": "re", "transform": "ft", "tau2": "PM",
              "ci": "hk", "by": "target", "cohort_aware": "0", "view": "loo"}
    at = page("meta_analysis", params)
    assert dict(at.query_params) == params
    assert at.multiselect(key="disease").value == ["sle", "iim"]
    assert at.selectbox(key="transform").value == "ft"
    assert at.toggle(key="cohort_aware").value is False


def test_leave_one_out_and_cumulative_tables(page):
    at = page("meta_analysis", {"outcome": "crs_any", "view": "loo"})
    loo = next(t for t in static_tables(at) if "Study" in t.columns)
    assert len(loo) == 3 and set(loo["k"]) == {"2"}
    assert "None" not in loo.to_numpy() and "—" in set(loo["Fallback"])  # no fallback: a dash, as everywhere
    at = page("meta_analysis", {"outcome": "crs_any", "view": "cumulative"})
    cum = next(t for t in static_tables(at) if "Study" in t.columns)
    assert list(cum["k"]) == ["1", "2", "3"]
    pooled = at.metric[0].value
    assert f"{float(cum['Estimate'].iloc[-1].rstrip('%')):.0f}%" == pooled


def test_a_study_with_no_date_is_added_last_without_a_made_up_date(page, app_db):
    import sqlite3

    with sqlite3.connect(app_db) as conn:  # gamma-2023 has no data cut-off; without its year it has no date
        conn.execute("UPDATE report SET year = NULL WHERE report_id = 'gamma-2023'")
    cum = next(t for t in static_tables(page("meta_analysis", {"outcome": "crs_any", "view": "cumulative"}))
               if "Study" in t.columns)
    assert cum["Study"].iloc[-1].startswith("Gamma 2023") and cum["Date"].iloc[-1] == "—"
    assert "9999" not in set(cum["Date"])


def test_harvested_title_is_escaped_in_the_trial_heading(page, app_db):
    import sqlite3

    with sqlite3.connect(app_db) as conn:
        conn.execute("UPDATE trial SET brief_title = '[x](http://evil) <img src=x> :red[y]' "
                     "WHERE registry_id = 'NCT07654321'")
    at = page("trials", {"trial": "NCT07654321"})
    heading = at.subheader[0].value.replace("\u2060", "")  # word joiners keep addresses from autolinking
    assert "\\[x\\]\\(http\\:" in heading and "\\<img" in heading and "\\:red\\[" in heading


def test_overview_map_measure_is_in_the_url(page):
    at = page("overview", {"map": "Trials"})
    assert at.segmented_control(key="map").value == "Trials"
    grid = static_tables(at)[0].set_index("")  # the map: diseases × targets, the count chosen; no Vega chart
    assert not at.get("vega_lite_chart") and not at.table  # nor Streamlit's Arrow table
    assert grid.loc["Neuromyelitis optica spectrum disorder", "BCMA"] == "1" and "Systemic sclerosis" not in grid.index
    at.segmented_control(key="map").set_value("Patients").run()
    assert at.query_params["map"] == "Patients"
    at.segmented_control(key="map").set_value("Reports").run()
    assert "map" not in at.query_params
    grid = static_tables(at)[0].set_index("")
    assert list(grid.columns) == ["CD19", "BCMA"] and grid.loc["Systemic sclerosis", "CD19"] == "1"


def test_whats_new_window_is_in_the_url(page):
    at = page("overview", {"days": "7"})
    assert at.segmented_control(key="days").value == 7
    assert at.query_params["days"] == "7"
    assert any(f"Since {day_text(NOW - timedelta(days=7))}" in c.value for c in at.caption)
    at = page("overview", {"days": "12345"})  # not a window offered: back to the default
    assert at.segmented_control(key="days").value == 30


def test_trials_region_filter_is_in_the_url(page):
    at = page("trials", {"region": "Europe"})
    shown = frames(at)
    assert list(shown[0]["Registry ID"]) == ["NCT07654321"]  # Germany, Italy; the other trial is in China
    assert at.query_params["region"] == "Europe"


def test_trials_show_the_table_or_the_timeline_one_at_a_time(page):
    at = page("trials")
    assert at.segmented_control(key="show").value == "table"
    assert not at.get("vega_lite_chart") and list(frames(at)[0]["Registry ID"])
    at.segmented_control(key="show").set_value("timeline").run()
    assert at.query_params["show"] == "timeline"
    assert not any("Registry ID" in f.columns for f in frames(at))  # no table beside the chart
    spec = at.get("vega_lite_chart")[0].proto.spec
    assert "NCT01234567" in spec
    at = page("trials", {"show": "timeline", "status": "RECRUITING"})  # a shared link opens the timeline
    assert "NCT01234567" in at.get("vega_lite_chart")[0].proto.spec
    at.segmented_control(key="show").set_value("table").run()
    assert "show" not in at.query_params and not at.get("vega_lite_chart")


def test_about_lists_each_source_last_run_in_words_in_a_static_table(page):
    at = page("about")
    assert not frames(at)  # a few rows: no grid to load
    runs = static_tables(at)[0]
    assert set(runs["Source"]) == {"PubMed harvest", "ClinicalTrials.gov harvest"}  # labels, not codes
    assert set(runs["Status"]) == {"Succeeded"} and all(v.endswith("UTC") for v in runs["Finished"])
    italian = static_tables(page("about", lang="it"))[0]
    assert "Fonte" in italian.columns and "Aggiornamento da PubMed" in set(italian["Fonte"])


def test_whats_new_follows_its_first_list_with_entries_until_the_reader_chooses(page, app_db):
    import sqlite3

    with sqlite3.connect(app_db) as conn:  # the one new publication: 20 days before the last update
        conn.execute("UPDATE publication SET first_seen = ?", ((NOW - timedelta(days=20)).strftime(
            "%Y-%m-%d %H:%M:%S.%f"),))
    at = page("overview")
    assert at.segmented_control(key="news").value == "publications"
    at.segmented_control(key="days").set_value(7).run()  # no publication in 7 days: the changes open, chosen
    assert at.segmented_control(key="news").value == "changes" and "news" not in at.query_params
    assert any("Field" in f.columns for f in frames(at))
    at.segmented_control(key="news").set_value("publications").run()  # the reader's choice stays, in the link
    at.segmented_control(key="days").set_value(30).run()
    at.segmented_control(key="days").set_value(7).run()
    assert at.segmented_control(key="news").value == "publications" and at.query_params["news"] == "publications"
    linked = page("overview", {"news": "trials"})  # a link's list is the reader's choice: kept, in the URL
    assert linked.segmented_control(key="news").value == "trials" and linked.query_params["news"] == "trials"


def test_overview_map_says_so_when_nothing_has_the_count_chosen(page, app_db):
    import sqlite3

    with sqlite3.connect(app_db) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        for table in ("trialsite", "trialchange", "publicationtriallink", "trial"):
            conn.execute(f"DELETE FROM {table}")
    at = page("overview", {"map": "Trials"})
    assert any("no disease has any trials to map" in i.value for i in at.info)
    assert not any("CD19" in t.columns for t in static_tables(at))


def test_english_tables_show_words_where_the_library_stored_codes(page):
    """A column shown as stored (a number's status, how a publication was linked) is labelled in English too."""
    analysis_set = page("meta_analysis", {"outcome": "crs_any", "view": "set"})
    statuses = set(next(f for f in frames(analysis_set) if "Why excluded" in f.columns)["Status"])
    assert statuses and statuses <= {s.label for s in NumberStatus}, statuses
    trial = page("trials", {"trial": "NCT01234567"})
    linked = next(f for f in frames(trial) if "How linked" in f.columns)
    assert list(linked["How linked"]) == [LinkMethod.ABSTRACT_TEXT.label]


def test_notes_name_a_flagged_status_in_words_and_what_makes_events_extreme(page):
    at = page("meta_analysis", {"outcome": "crs_any"})
    notes = "\n".join(t.value for t in at.text)
    assert "number is 'Sources conflict'" in notes and "'conflicting'" not in notes  # a word, not the code
    # 22 events in 28 patients is not sparse; what calls for the GLMM is the studies at 0% or 100%
    assert "Studies with 0 events or with events in every patient: 2 of 3." in notes and "Sparse" not in notes


def test_whats_new_before_any_harvest_says_none_has_run(page, app_db):
    """Not "nothing new in the last 30 days before the last update" when there has been no update."""
    import sqlite3

    old = (NOW - timedelta(days=400)).strftime("%Y-%m-%d %H:%M:%S.%f")
    with sqlite3.connect(app_db) as conn:  # no harvest run, and nothing first seen lately
        conn.execute("DELETE FROM harvestrun")
        conn.execute("DELETE FROM trialchange")
        for table in ("publication", "trial"):
            conn.execute(f"UPDATE {table} SET first_seen = ?", (old,))
    infos = [i.value for i in page().info]
    assert any(v.startswith("No registry harvest has run yet") for v in infos), infos
    assert not any("before the last update" in v for v in infos)
