"""What the workbench pages ask of the library, and the Key box's reading, checked without the app."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from app_pages.workbench_common import parse_key
from evidence import audit, extraction, screening
from evidence.models import Publication
from tests.workbench.harvested import add_harvest

REASONS = ["not_car", "malignancy", "review", "preclinical", "no_patient_results", "duplicate", "other"]


@pytest.mark.parametrize("typed, read", [
    ("i", ("include", None, "")), ("M", ("maybe", None, "")), ("e3", ("exclude", "review", "")),
    (" e 7 wrong dose ", ("exclude", "other", "wrong dose")), ("e4", ("exclude", "preclinical", "")),
])
def test_the_key_box_reads_one_letter_and_a_reason_number(typed, read):
    assert parse_key(typed, REASONS) == read


@pytest.mark.parametrize("typed", ["x", "e", "e0", "e8", "exclude"])
def test_the_key_box_refuses_what_it_cannot_read(typed):
    with pytest.raises(ValueError):
        parse_key(typed, REASONS)


@pytest.fixture
def session(engine):
    add_harvest(engine)
    with Session(engine) as s:
        pub = s.get(Publication, "40000001")
        pub.diseases, pub.abstract = ["sle"], "Thirteen of fifteen patients had CRS."
        yield s


def test_the_queue_filters_by_words_of_title_or_abstract(session):
    assert {i.pmid for i in screening.screening_queue(session, contains="refractory  LUPUS")} == {"40000001",
                                                                                                  "40000006"}
    assert {i.pmid for i in screening.screening_queue(session, contains="of fifteen")} == {"40000001"}
    items = screening.records(session, ["40000002", "nope"])
    assert list(items) == ["40000002"] and items["40000002"].trials[0].registry_id == "NCT01234567"


def test_included_records_numbers_to_verify_and_recent_actions(session):
    screening.decide(session, "40000001", "include", reviewer="ann")
    screening.decide(session, "40000003", "exclude", reason="review", reviewer="ann")
    assert [r.pmid for r in extraction.included_records(session)] == ["40000001"]
    extraction.create_cohort(session, {"cohort_id": "delta", "name": "Delta"}, reviewer="ann")
    extraction.create_report(session, "40000001", {"report_id": "delta-2026", "cohort_id": "delta"}, reviewer="ann")
    assert extraction.included_records(session)[0].reports == ("delta-2026",)
    extraction.add_outcome(session, {"report_id": "delta-2026", "outcome": "crs_any", "events": 13, "patients": 15,
                                     "source": "PMID:40000001", "source_location": "abstract"}, reviewer="ann")
    waiting = extraction.numbers_to_verify(session)
    assert [(n.key, n.entered_by, n.hands) for n in waiting] == [("delta-2026|crs_any|all|", "ann", ("ann",))]
    extraction.verify_outcome(session, "delta-2026|crs_any|all|", reviewer="bob")
    assert extraction.numbers_to_verify(session) == []
    assert extraction.find_number(session, "delta-2026|crs_any|all|").hands == ("ann",)  # verifying is no hand
    actions = audit.recent_actions(session, 10)
    assert [(a.reviewer, a.entity, a.action) for a in actions] == [
        ("bob", "outcome", "update"), ("ann", "outcome", "create"), ("ann", "report", "create"),
        ("ann", "cohort", "create"), ("ann", "screening", "create"), ("ann", "screening", "create")]
    assert [a.rows for a in audit.recent_actions(session, 10, "report")] == [("delta-2026",)]
