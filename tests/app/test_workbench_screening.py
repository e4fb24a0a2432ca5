"""The workbench's Screening and Conflicts pages in AppTest: a decision with a reason, keys, bulk, dual screening."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from evidence import audit, screening
from tests.app.conftest import open_page
from tests.workbench.harvested import add_harvest


@pytest.fixture
def workbench(app_env, engine, monkeypatch):
    """The app on the fixture database with six harvested records, the workbench on, acting as ann."""
    add_harvest(engine)
    monkeypatch.setenv("EVIDENCE_WORKBENCH", "true")
    monkeypatch.setenv("EVIDENCE_REVIEWER", "ann")
    return engine


def decisions(engine, reviewer: str | None = None) -> dict[str, str]:
    with Session(engine) as s:
        return {(d.pmid): (f"{d.decision}:{d.reason}" if d.reason else d.decision)
                for p in screening.harvested(s) for d in screening.visible_decisions(s, p.pmid, reviewer or "")
                if reviewer is None or d.reviewer == reviewer}


def first_pmid(at) -> str:
    return next(f.key for f in at.text_input if f.key.startswith("wb_key_")).removeprefix("wb_key_")


def test_exclude_with_a_reason_then_the_next_record_appears(workbench):
    at = open_page("workbench_screening")
    pmid = first_pmid(at)
    at.radio(key=f"wb_decision_{pmid}").set_value("exclude")
    at.button(key=f"FormSubmitter:wb_form_{pmid}-Decide").click().run()
    assert any("needs a reason" in e.value for e in at.error)  # refused, said, nothing written
    assert decisions(workbench, "ann") == {}
    at.radio(key=f"wb_decision_{pmid}").set_value("exclude")
    at.selectbox(key=f"wb_reason_{pmid}").set_value("review")
    at.button(key=f"FormSubmitter:wb_form_{pmid}-Decide").click().run()
    assert not at.exception
    assert decisions(workbench, "ann") == {pmid: "exclude:review"}
    assert first_pmid(at) != pmid  # the next record is on screen
    with Session(workbench) as s:
        trail = audit.history(s, "screening", f"{pmid}|ann|title_abstract")
    assert {e.field: e.new for e in trail}["reason"] == '"review"' and trail[0].reviewer == "ann"


def test_keys_and_quick_buttons_decide_one_record_each(workbench):
    at = open_page("workbench_screening")
    first = first_pmid(at)
    at.text_input(key=f"wb_key_{first}").set_value("e3")  # the third reason of the default list: review
    at.button(key=f"FormSubmitter:wb_form_{first}-Decide").click().run()
    second = first_pmid(at)
    at.button(key=f"wb_include_{second}").click().run()
    assert decisions(workbench, "ann") == {first: "exclude:review", second: "include"}
    at.button(key="wb_undo_last").click().run()  # the undo offered after a decision takes it back
    assert decisions(workbench, "ann") == {first: "exclude:review"} and first_pmid(at) == second
    at.text_input(key=f"wb_key_{second}").set_value("x")
    at.button(key=f"FormSubmitter:wb_form_{second}-Decide").click().run()
    assert any("Type i (include)" in e.value for e in at.error) and not at.exception


def test_bulk_exclusion_of_the_filtered_reviews_is_recorded_per_record(workbench):
    at = open_page("workbench_screening")
    at.multiselect(key="wb_kinds").set_value(["review", "preclinical"]).run()
    at.selectbox(key="wb_bulk_decision").set_value("exclude")
    at.selectbox(key="wb_bulk_reason").set_value("review")
    at.checkbox(key="wb_bulk_sure").check()
    at.button(key="FormSubmitter:wb_bulk-Apply").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert decisions(workbench, "ann") == {"40000003": "exclude:review", "40000004": "exclude:review"}
    with Session(workbench) as s:
        entries = [e for e in audit.history(s, "screening") if e.field == "decision"]
    assert len(entries) == 2 and len({e.change for e in entries}) == 1  # one action, one entry per record


def test_duplicates_are_flagged_on_the_record(workbench):
    at = open_page("workbench_screening")
    at.selectbox(key="wb_order").set_value("newest")
    at.text_input(key="wb_contains").set_value("refractory LUPUS").run()
    assert first_pmid(at) == "40000006"  # the later copy of 40000001's title
    assert any("Possible duplicate of: pmid\\:40000001" in w.value for w in at.warning)  # escaped: text


def test_the_reviewer_shown_is_text_never_a_link(workbench, monkeypatch):
    monkeypatch.setenv("EVIDENCE_REVIEWER", "ann@example.org [x](https://example.org)")
    at = open_page("workbench_screening")
    assert not at.exception
    said = next(c.value for c in at.caption if c.value.startswith("Screening as"))
    assert "@\u2060" in said and "\\[x\\]\\(https\u2060" in said  # no mailto, no link


def test_dual_screening_conflict_is_listed_with_kappa_and_settled(workbench, monkeypatch):
    with Session(workbench) as s:
        for pmid, ann, bob in [("40000001", "include", "include"), ("40000002", "include", "exclude"),
                               ("40000003", "exclude", "exclude"), ("40000004", "exclude", "exclude")]:
            screening.decide(s, pmid, ann, reviewer="ann", reason="review" if ann == "exclude" else None)
            screening.decide(s, pmid, bob, reviewer="bob", reason="preclinical" if bob == "exclude" else None)
        s.commit()
    monkeypatch.setenv("EVIDENCE_REVIEWER", "cat")
    at = open_page("workbench_conflicts")
    kappa = at.dataframe[0].value
    assert kappa.iloc[0]["Reviewers"] == "ann – bob" and kappa.iloc[0]["Records both decided"] == 4
    assert kappa.iloc[0]["Cohen's kappa"] == pytest.approx(0.5)  # po 0.75, pe 0.5
    assert any("Conflicts (1)" in h.value for h in at.subheader)
    at.selectbox(key="wb_settle_d_40000002").set_value("include")
    at.text_input(key="wb_settle_w_40000002").set_value("cites a phase 1 trial")
    at.button(key="FormSubmitter:wb_settle_40000002-Settle").click().run()
    assert not at.exception
    assert any("Conflicts (0)" in h.value for h in at.subheader)
    with Session(workbench) as s:
        assert screening.final_decisions(s)["40000002"] == "include"


def test_no_workbench_page_is_reachable_when_switched_off(app_env, engine, monkeypatch):
    """`make run`: the menu holds the six reading pages only, and a workbench page run directly refuses to act."""
    from streamlit.testing.v1 import AppTest

    from app_pages.common import escape_md
    from app_pages.workbench_common import PAGES, workbench_pages
    from evidence.settings import REPO_ROOT

    add_harvest(engine)
    monkeypatch.delenv("EVIDENCE_WORKBENCH", raising=False)
    monkeypatch.setenv("EVIDENCE_REVIEWER", "ann")
    assert workbench_pages() == []
    at = open_page()
    for path, *_ in PAGES:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(path)
        page = AppTest.from_file(str(REPO_ROOT / path), default_timeout=60).run()
        assert not page.exception
        assert [e.value for e in page.error] == ["The workbench cannot act: " + escape_md(
            "the reviewer's workbench is off; set EVIDENCE_WORKBENCH=true (or workbench = true in the [evidence] "
            "table of the settings file) to switch it on")]  # the library's message as text, never Markdown
        assert not page.button and not page.text_input and not page.get("download_button")
    with Session(engine) as s:
        assert audit.history(s) == []


def test_harvested_text_is_shown_as_text(workbench):
    at = open_page("workbench_screening")
    at.text_input(key="wb_contains").set_value("NMOSD").run()
    assert first_pmid(at) == "44444444"
    shown = "\n".join(m.value for m in at.markdown)
    assert r"\<b\>NMOSD\</b\>" in shown and r"\[click\]\(http" in shown  # escaped: never HTML or a link
    assert "<b>" not in shown and "](http" not in shown
    assert r"\*NMOSD\*" in shown


def test_a_database_kept_busy_by_an_import_is_a_message_to_try_again(workbench, monkeypatch):
    import sqlite3

    from sqlalchemy.exc import OperationalError

    def locked(*_args, **_kwargs):  # what the driver raises once the busy timeout has passed
        raise OperationalError("INSERT INTO screeningdecision ...", {}, sqlite3.OperationalError("database is locked"))

    at = open_page("workbench_screening")
    pmid = first_pmid(at)
    monkeypatch.setattr(screening, "decide", locked)
    at.button(key=f"wb_include_{pmid}").click().run()
    assert not at.exception
    assert any("database is busy" in e.value and "Try again" in e.value for e in at.error), \
        [e.value for e in at.error]
    assert decisions(workbench, "ann") == {} and first_pmid(at) == pmid
