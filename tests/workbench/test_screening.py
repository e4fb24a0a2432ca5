"""Screening: the queue, decisions with reasons, bulk actions, dual screening, kappa, duplicates."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session

from evidence import audit, screening
from evidence.duplicates import duplicate_groups, later_copies, normalise_title
from evidence.screening import ScreeningError, cohens_kappa
from tests.workbench.harvested import add_harvest


@pytest.fixture
def session(engine):
    add_harvest(engine)
    with Session(engine) as session:
        yield session


def test_queue_puts_primary_reports_citing_a_base_trial_first(session):
    queue = screening.screening_queue(session)
    assert [i.pmid for i in queue][:1] == ["40000002"]  # primary, cites NCT01234567, a trial of the base
    kinds = [i.kind for i in queue]
    assert kinds == sorted(kinds, key=lambda k: k != "primary")  # primary reports before reviews, preclinical
    assert queue[0].trials[0].registry_id == "NCT01234567" and queue[0].trials[0].in_base
    newest = screening.screening_queue(session, order="newest")
    dates = [i.pub_date for i in newest]
    assert dates == sorted(dates, reverse=True)
    assert {i.pmid for i in screening.screening_queue(session, kinds=["review"])} == {"40000003"}


def test_curated_stand_ins_are_not_screened(session):
    pmids = {i.pmid for i in screening.screening_queue(session)}
    assert "11111111" not in pmids and len(pmids) == 6


def test_exclusion_needs_a_reason_from_the_team_list(session):
    with pytest.raises(ScreeningError, match="needs a reason"):
        screening.decide(session, "40000003", "exclude", reviewer="ann")
    with pytest.raises(ScreeningError, match="unknown exclusion reason"):
        screening.decide(session, "40000003", "exclude", reviewer="ann", reason="boring")
    with pytest.raises(ScreeningError, match="needs a few words"):
        screening.decide(session, "40000003", "exclude", reviewer="ann", reason="other")
    with pytest.raises(ScreeningError, match="only to exclude"):
        screening.decide(session, "40000003", "include", reviewer="ann", reason="review")
    with pytest.raises(ScreeningError, match="no record"):
        screening.decide(session, "49999999", "include", reviewer="ann")
    row = screening.decide(session, "40000003", "exclude", reviewer="ann", reason="other",
                           reason_text="veterinary use")
    assert (row.reason, row.reason_text) == ("other", "veterinary use")
    assert "40000003" not in {i.pmid for i in screening.screening_queue(session, reviewer="ann")}


def test_the_team_edits_its_reasons_and_retired_ones_cannot_be_chosen(session):
    screening.save_exclusion_reason(session, "wrong_population", "Paediatric only", reviewer="lead")
    assert "wrong_population" in [r.code for r in screening.exclusion_reasons(session)]
    screening.decide(session, "40000004", "exclude", reviewer="ann", reason="wrong_population")
    screening.save_exclusion_reason(session, "wrong_population", "Paediatric only", reviewer="lead", active=False)
    with pytest.raises(ScreeningError, match="unknown exclusion reason"):
        screening.decide(session, "40000003", "exclude", reviewer="ann", reason="wrong_population")
    assert [e.field for e in audit.history(session, "exclusion_reason", "wrong_population")][-1] == "active"


def test_bulk_exclusion_is_recorded_per_record_and_undone_as_one_action(session):
    reviews = [i.pmid for i in screening.screening_queue(session, kinds=["review", "preclinical"])]
    change = screening.bulk_decide(session, reviews, "exclude", reviewer="ann", reason="review",
                                   why="bulk: classified as review")
    trail = audit.history(session, change=change)
    assert {e.entity_id.split("|")[0] for e in trail} == set(reviews)
    assert all(e.reviewer == "ann" and e.why == "bulk: classified as review" for e in trail)
    audit.undo(session, change, reviewer="ann")
    assert screening.final_decisions(session) == {}


def test_bulk_decision_writes_nothing_when_one_record_is_unknown(session):
    with pytest.raises(ScreeningError):
        screening.bulk_decide(session, ["40000003", "49999999"], "exclude", reviewer="ann", reason="review")
    assert screening.final_decisions(session) == {}


def test_dual_screening_is_blind_lists_conflicts_and_settles_them(session):
    screening.decide(session, "40000001", "include", reviewer="ann")
    screening.decide(session, "40000001", "exclude", reviewer="bob", reason="no_patient_results")
    screening.decide(session, "40000003", "exclude", reviewer="ann", reason="review")
    screening.decide(session, "40000003", "exclude", reviewer="bob", reason="review")
    assert [d.reviewer for d in screening.visible_decisions(session, "40000001", "bob")] == ["bob"]
    assert "40000001" in {i.pmid for i in screening.screening_queue(session, reviewer="cai")}
    [conflict] = screening.conflicts(session)
    assert conflict.pmid == "40000001"
    assert conflict.decisions == {"ann": "include", "bob": "exclude:no_patient_results"}
    screening.decide(session, "40000001", "include", reviewer="cai", resolves_conflict=True)
    assert screening.conflicts(session) == []
    assert screening.final_decisions(session) == {"40000001": "include", "40000003": "exclude"}


def test_changing_a_decision_keeps_the_old_one_in_the_trail(session):
    screening.decide(session, "40000001", "maybe", reviewer="ann")
    screening.decide(session, "40000001", "include", reviewer="ann", why="read the methods")
    fields = [(e.field, e.old, e.new, e.why) for e in audit.history(session, "screening")
              if e.action == "update" and e.field == "decision"]
    assert fields == [("decision", '"maybe"', '"include"', "read the methods")]


def test_cohens_kappa_matches_a_hand_computation():
    # 10 records: both include 4, both exclude 3, ann include / bob exclude 2, ann exclude / bob include 1.
    ann = ["include"] * 4 + ["exclude"] * 3 + ["include"] * 2 + ["exclude"]
    bob = ["include"] * 4 + ["exclude"] * 3 + ["exclude"] * 2 + ["include"]
    # po = 0.7; pe = 0.6*0.5 + 0.4*0.5 = 0.5; kappa = 0.4
    assert cohens_kappa(ann, bob) == pytest.approx(0.4)
    assert cohens_kappa(["include"] * 3, ["include"] * 3) is None  # chance agreement 1: undefined
    assert cohens_kappa([], []) is None


def test_agreement_per_pair_of_reviewers(session):
    for pmid, a, b in [("40000001", "include", "include"), ("40000002", "include", "maybe"),
                       ("40000003", "exclude", "exclude"), ("40000004", "exclude", "exclude")]:
        for reviewer, decision in (("ann", a), ("bob", b)):
            screening.decide(session, pmid, decision, reviewer=reviewer,
                             reason="review" if decision == "exclude" else None)
    screening.decide(session, "40000001", "include", reviewer="cai")
    pairs = {p.reviewers: p for p in screening.agreement(session)}
    assert set(pairs) == {("ann", "bob"), ("ann", "cai"), ("bob", "cai")}
    ab = pairs[("ann", "bob")]
    assert ab.records == 4 and ab.agreement == pytest.approx(0.75)
    # po = .75; ann: inc .5 exc .5; bob: inc .25 maybe .25 exc .5 → pe = .125 + .25 = .375
    assert ab.kappa == pytest.approx((0.75 - 0.375) / 0.625)


def test_duplicates_are_grouped_and_flagged_never_dropped(session):
    groups = {g.members: g for g in duplicate_groups(session)}
    assert ("pmid:40000005", "report:alpha-2024") in groups  # same DOI, case aside
    assert groups[("pmid:40000005", "report:alpha-2024")].anchored
    assert ("pmid:40000001", "pmid:40000006") in groups  # same normalised title
    queue = {i.pmid: i for i in screening.screening_queue(session)}
    assert queue["40000005"].duplicate_of == ("report:alpha-2024",)  # still in the queue, flagged
    assert queue["40000006"].duplicate_of == ("pmid:40000001",)
    assert later_copies(session) == {"40000006"}
    assert normalise_title("CD19 CAR-T cells: Phase 1.") == "cd19 car t cells phase 1"


def test_the_audit_trail_is_append_only_in_the_database(session):
    screening.decide(session, "40000001", "include", reviewer="ann")
    session.commit()
    with pytest.raises(DatabaseError, match="append-only"):
        session.execute(text("UPDATE auditentry SET new = 'x'"))
    session.rollback()
    with pytest.raises(DatabaseError, match="append-only"):
        session.execute(text("DELETE FROM auditentry"))
