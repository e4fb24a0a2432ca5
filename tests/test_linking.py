"""Trial–publication links from both sides, in both orders, stored once, idempotent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

from evidence.linking import relink, study_references
from evidence.models import Publication, PublicationTrialLink, Trial

pytestmark = pytest.mark.both_backends  # store tests: run on SQLite and PostgreSQL

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ctgov"


def study_with_refs(nct: str, refs: list[dict]) -> dict:
    return {"protocolSection": {"identificationModule": {"nctId": nct},
                                "referencesModule": {"references": refs}}, "hasResults": False}


def add_trial(session: Session, nct: str, refs: list[dict]) -> None:
    session.merge(Trial(registry_id=nct, raw_json=json.dumps(study_with_refs(nct, refs))))


def add_publication(session: Session, pmid: str, registry_ids: list[str]) -> None:
    session.merge(Publication(pmid=pmid, title=f"paper {pmid}", registry_ids=registry_ids))


def links(engine) -> set[tuple[str, str, str]]:
    with Session(engine) as session:
        rows = session.execute(select(PublicationTrialLink)).scalars()
        return {(link.pmid, link.registry_id, link.method) for link in rows}


def run_relink(engine) -> int:
    with Session(engine) as session, session.begin():
        return relink(session)


RESULT = {"pmid": "39000001", "type": "RESULT", "citation": "Doe J. CD19 CAR T in SLE. 2025."}
DERIVED = {"pmid": "39000003", "type": "DERIVED", "citation": "Lee K. 2025."}
BACKGROUND = {"pmid": "30000002", "type": "BACKGROUND", "citation": "Roe R. 2019."}


def trial_side(engine) -> None:
    with Session(engine) as session, session.begin():
        add_trial(session, "NCT06100001", [RESULT, BACKGROUND])
        add_trial(session, "NCT05800004", [DERIVED, RESULT])  # one publication, two trials


def publication_side(engine) -> None:
    with Session(engine) as session, session.begin():
        add_publication(session, "39000001", ["NCT06100001", "nct 0590 0003"])  # one publication, two trials
        add_publication(session, "39000009", ["NCT06100001", "not an id"])


EXPECTED = {
    ("39000001", "NCT06100001", "registry_reference"),
    ("39000001", "NCT05800004", "registry_reference"),
    ("39000003", "NCT05800004", "registry_reference"),
    ("39000001", "NCT06100001", "registry_field"),
    ("39000001", "NCT05900003", "registry_field"),  # normalised from "nct 0590 0003"
    ("39000009", "NCT06100001", "registry_field"),
}


@pytest.mark.parametrize("order", ["trials first", "publications first"])
def test_links_are_the_same_whichever_side_arrives_first(engine, order):
    steps = [trial_side, publication_side] if order == "trials first" else [publication_side, trial_side]
    steps[0](engine)
    run_relink(engine)
    steps[1](engine)
    run_relink(engine)
    assert links(engine) == EXPECTED


def test_relink_is_idempotent_and_background_references_do_not_link(engine):
    trial_side(engine)
    publication_side(engine)
    assert run_relink(engine) == len(EXPECTED)
    assert run_relink(engine) == 0
    assert links(engine) == EXPECTED
    assert not any(pmid == "30000002" for pmid, _, _ in links(engine))


def test_reference_type_is_kept_as_matched_text(engine):
    trial_side(engine)
    run_relink(engine)
    with Session(engine) as session:
        rows = session.execute(select(PublicationTrialLink)).scalars()
        texts = {(link.pmid, link.registry_id): link.matched_text for link in rows}
    assert texts[("39000003", "NCT05800004")] == "DERIVED" and texts[("39000001", "NCT06100001")] == "RESULT"


def test_pubmed_harvester_links_are_not_duplicated_as_registry_field(engine):
    with Session(engine) as session, session.begin():
        session.add(PublicationTrialLink(pmid="39000009", registry_id="NCT06100001", method="abstract_text",
                                         matched_text="NCT06100001"))
        add_publication(session, "39000009", ["NCT06100001"])
    assert run_relink(engine) == 0
    assert links(engine) == {("39000009", "NCT06100001", "abstract_text")}


def test_a_reference_removed_from_the_registry_loses_its_link(engine):
    trial_side(engine)
    run_relink(engine)
    with Session(engine) as session, session.begin():
        add_trial(session, "NCT05800004", [DERIVED])  # the RESULT reference was withdrawn
    run_relink(engine)
    assert ("39000001", "NCT05800004", "registry_reference") not in links(engine)
    assert ("39000003", "NCT05800004", "registry_reference") in links(engine)


def test_unreadable_raw_json_is_skipped(engine):
    with Session(engine) as session, session.begin():
        session.add(Trial(registry_id="NCT06100002", raw_json="{not json"))
    trial_side(engine)
    run_relink(engine)
    assert len(links(engine)) == 3


def test_study_references_reads_v2_shape():
    study = json.loads((FIXTURES / "study_NCT05800004.json").read_text())
    assert [(r.pmid, r.type) for r in study_references(study)] == [("39000003", "DERIVED")]
    odd = study_with_refs("NCT06100001", [{"pmid": " 123 ", "type": "result"}, {"pmid": "0"}, {"citation": "x"},
                                          {"pmid": "123", "type": "RESULT"}, "junk"])
    assert [(r.pmid, r.type) for r in study_references(odd)] == [("123", "RESULT")]
    assert study_references({}) == [] and study_references(None) == []
    assert study_references({"protocolSection": []}) == []
    assert study_references({"protocolSection": {"referencesModule": {"references": 5}}}) == []
