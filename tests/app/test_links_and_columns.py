"""A shared link with a value that does not exist says it was ignored; the report link comes first.

A colleague's link may carry an outcome that was renamed or a disease code
mistyped: the page opens with the rest of the link, and one notice names the
parameter and value it ignored (as text: the value came from a URL). The
"Details" link to a report's page is the first column of the tables listing
studies, not the last behind a sideways scroll.
"""

from __future__ import annotations

from tests.app.app_test_helpers import frames
from tests.app.conftest import open_page


def _warnings(at) -> list[str]:
    return [w.value for w in at.warning]


def test_an_unknown_outcome_in_a_link_is_named_and_ignored(app_env):
    at = open_page("meta_analysis", {"outcome": "nonexistent"})
    notices = [w for w in _warnings(at) if "ignored" in w]
    assert len(notices) == 1 and "outcome = nonexistent" in notices[0]
    assert at.selectbox(key="outcome").value == "remission_doris"  # the default, not the unknown value


def test_an_unknown_disease_code_is_dropped_and_the_known_one_kept(app_env):
    at = open_page("meta_analysis", {"outcome": "crs_any", "disease": "sle,zzz"})
    notices = [w for w in _warnings(at) if "ignored" in w]
    assert len(notices) == 1 and "disease = zzz" in notices[0] and "sle" not in notices[0].split("disease")[1]
    assert at.multiselect(key="disease").value == ["sle"]
    assert at.query_params["disease"] == "sle"  # the corrected link is what a copy now shares


def test_the_ignored_value_is_shown_as_text_never_markdown(app_env):
    at = open_page("trials", {"status": "[click](http://evil.example)"})
    notice = next(w for w in _warnings(at) if "ignored" in w)
    assert "](" not in notice.replace("\\]\\(", "")  # escaped: no link can be formed
    assert "\\[click\\]" in notice


def test_a_valid_link_says_nothing(app_env):
    at = open_page("meta_analysis", {"outcome": "crs_any", "disease": "sle"})
    assert not [w for w in _warnings(at) if "ignored" in w]


def test_details_is_the_first_column_of_the_studies_table(app_env):
    at = open_page("studies")
    frame = frames(at)[0]
    assert list(frame.columns)[0] == "Details"
    reports = dict(zip(frame["Report"], frame["Details"]))
    assert reports["Beta 2023, ACR"] == "studies?report=beta-2023"
    assert frame["Details"].str.startswith("studies?report=").all()


def test_details_is_the_first_column_of_the_analysis_set(app_env):
    at = open_page("meta_analysis", {"outcome": "crs_any", "view": "set"})
    frame = frames(at)[-1]
    assert list(frame.columns)[0] == "Details"
    assert frame["Details"].str.startswith("studies?report=").all()
