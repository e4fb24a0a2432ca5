"""The trial detail's drop-down lists every match while they are few; past 200 it offers the open trial only.

A thousand options cost the page 100 KB and the browser about 0.15 s on
every visit of the Trials page; the search box and the list (a click or
Enter on a row) are how a reader finds one trial among hundreds.
"""

from __future__ import annotations

import pytest

from benchmarks.bench_app import build
from tests.app.app_test_helpers import frames
from tests.app.conftest import open_page

CHOOSE = "— choose a trial —"


@pytest.fixture
def many_trials(tmp_path, monkeypatch) -> None:
    """250 synthetic trials (the benchmark's generator), the app pointed at them."""
    db = tmp_path / "many.db"
    build(db, 10, 250, 3)
    monkeypatch.setenv("EVIDENCE_DB", str(db))
    from app_pages.common import get_engine

    get_engine.clear()


def _options(at) -> list[str]:
    return list(at.selectbox(key="trial").options)


def test_past_two_hundred_matches_the_picker_says_how_to_open_one(many_trials):
    at = open_page("trials")
    assert len(frames(at)[0]) == 250  # the list keeps every match
    assert _options(at) == [CHOOSE]
    assert any(c.value.startswith("250 trials match: open one from the list") for c in at.caption)


def test_the_open_trial_stays_in_the_picker_to_be_seen_and_closed(many_trials):
    at = open_page("trials", {"trial": "NCT10000007"})
    assert at.selectbox(key="trial").value == "NCT10000007" and len(_options(at)) == 2
    assert any(h.value.startswith("NCT10000007") for h in at.subheader)
    at.selectbox(key="trial").set_value("").run()
    assert "trial" not in at.query_params and not at.subheader


def test_a_filter_down_to_a_few_offers_every_match_again(many_trials):
    at = open_page("trials", {"status": "RECRUITING"})
    shown = list(frames(at)[0]["Registry ID"])
    assert 0 < len(shown) <= 200
    assert [o.split(" — ")[0] for o in _options(at)[1:]] == shown
    assert not any("trials match: open one" in c.value for c in at.caption)
