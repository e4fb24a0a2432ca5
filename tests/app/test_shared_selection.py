"""One selection per session: moving between pages by the top menu keeps it (issue 11, item 6).

A click on the top menu clears the URL and opens the other page: these tests
do the same (clear the query parameters, switch page, run) and check that
outcome, filters, method and cohort-awareness survive, in both directions
and through a page that does not show them, and that switching
cohort-awareness off is said on every page.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import open_page

SELECTION = {"outcome": "crs_any", "disease": "sle", "model": "re", "ci": "hk"}


def menu_to(at: AppTest, page: str) -> AppTest:
    """What a click on the top menu does: the URL loses its query, the other page runs."""
    at.query_params.clear()
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown_selection(at: AppTest) -> dict:
    return {"outcome": at.selectbox(key="outcome").value, "disease": at.multiselect(key="disease").value,
            "model": at.selectbox(key="model").value, "ci": at.selectbox(key="ci").value,
            "cohort_aware": at.toggle(key="cohort_aware").value}


EXPECTED = {"outcome": "crs_any", "disease": ["sle"], "model": "re", "ci": "hk", "cohort_aware": True}


@pytest.mark.parametrize("start,then", [("meta_analysis", "export"), ("export", "meta_analysis")])
def test_the_top_menu_keeps_the_selection_both_ways(app_env, start, then):
    at = open_page(start, SELECTION)
    assert shown_selection(at) == EXPECTED
    at = menu_to(at, then)
    assert shown_selection(at) == EXPECTED
    assert dict(at.query_params) == SELECTION  # the URL of the new page can be shared as it is
    assert not at.warning or not any("Cohort-aware selection is off" in w.value for w in at.warning)


def test_the_selection_survives_a_page_that_does_not_show_it(app_env):
    at = open_page("meta_analysis", SELECTION)
    at = menu_to(at, "overview")
    at = menu_to(at, "studies")
    assert at.multiselect(key="disease").value == ["sle"]  # the shared disease filter
    at = menu_to(at, "export")
    assert shown_selection(at) == EXPECTED


def test_a_change_on_one_page_is_what_the_other_page_uses(app_env):
    at = open_page("export", {"outcome": "crs_any"})
    at.multiselect(key="disease").select("nmosd").run()
    at.selectbox(key="outcome").select("remission_doris").run()
    at = menu_to(at, "meta_analysis")
    assert at.multiselect(key="disease").value == ["nmosd"]
    assert at.selectbox(key="outcome").value == "remission_doris"


def test_cohort_awareness_off_is_kept_and_said_on_every_page(app_env):
    at = open_page("meta_analysis", {"outcome": "crs_any"})
    assert not any("Cohort-aware selection is off" in w.value for w in at.warning)
    at.toggle(key="cohort_aware").set_value(False).run()
    for page in ("export", "overview", "studies", "trials", "about", "meta_analysis"):
        at = menu_to(at, page)
        assert any("Cohort-aware selection is off" in w.value for w in at.warning), page
    assert at.toggle(key="cohort_aware").value is False
    at.toggle(key="cohort_aware").set_value(True).run()
    at = menu_to(at, "export")
    assert at.toggle(key="cohort_aware").value is True
    assert not any("Cohort-aware selection is off" in w.value for w in at.warning)


def test_a_shared_link_with_cohort_awareness_off_warns_at_once(app_env):
    at = open_page("overview", {"cohort_aware": "0"})
    assert any("Cohort-aware selection is off" in w.value for w in at.warning)


def _popover_labels(at: AppTest) -> list[str]:
    blocks = [b for b in at.sidebar.children.values() if getattr(b, "type", None) == "popover"]
    return [b.proto.popover.label for b in blocks]


def test_the_sidebar_popovers_say_what_is_chosen_without_being_opened(app_env):
    at = open_page("export", {**SELECTION, "target": "cd19", "cohort_aware": "0", "by": "target"})
    assert _popover_labels(at) == ["Filters: Systemic lupus erythematosus, CD19 +1",
                                   "Method: Random effects; subgroups: CAR target"]
    at = open_page("meta_analysis", {"outcome": "crs_any", "population": "paediatric", "mixed": "1"})
    assert _popover_labels(at) == ["Filters: Paediatric, mixed cohorts", "Method: GLMM"]
    at = open_page("meta_analysis", {"outcome": "crs_any", "population": "paediatric", "mixed": "1"}, lang="it")
    assert _popover_labels(at)[0] == "Filtri: Pediatrica, coorti miste"
    at = open_page("studies", {"population": "paediatric", "year_from": "2023"})
    assert _popover_labels(at) == ["Filters: Paediatric, 2023–"]
    at = open_page("studies", {"disease": "iim", "year_to": "2024"})
    assert _popover_labels(at) == ["Filters: Idiopathic inflammatory myopathy, –2024"]
    at = open_page("studies", {})
    assert _popover_labels(at) == ["Filters"]
