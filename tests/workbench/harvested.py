"""Harvested records for workbench tests, dated from today (tests hold on any date)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from evidence import models
from evidence.models import utcnow


def add_harvest(engine) -> dict[str, str]:
    """Six harvested publications of every kind, one run, one trial link; returns pmid → role."""
    now = utcnow()
    year = now.year
    pubs = [
        ("40000001", "primary", f"{year}-01", "CD19 CAR T cells in refractory lupus: a phase 1 trial", None),
        ("40000002", "primary", f"{year - 1}-06", "BCMA CAR T cells in neuromyelitis optica", None),
        ("40000003", "review", f"{year}-02", "CAR T cells for autoimmune disease: a review", None),
        ("40000004", "preclinical", f"{year}-03", "MuSK CAAR T cells in a mouse model of myasthenia", None),
        # the journal version of the curated report alpha-2024 (same DOI): a duplicate, flagged not dropped
        ("40000005", "primary", f"{year}-04", "CD19 CAR T in autoimmune disease, final results",
         "10.1000/ALPHA.2024"),
        # the same title as 40000001, harvested later (a preprint's journal version)
        ("40000006", "primary", f"{year}-05", "CD19 CAR-T cells in refractory lupus: a phase 1 trial.", None),
    ]
    with Session(engine) as session:
        run = models.HarvestRun(source="pubmed", status="succeeded", started_at=now - timedelta(days=2),
                                finished_at=now - timedelta(days=2), fetched=6, new=6,
                                params={"query": "car-t autoimmune"})
        session.add(run)
        for i, (pmid, kind, date, title, doi) in enumerate(pubs):
            session.add(models.Publication(pmid=pmid, title=title, kind=kind, pub_date=date, doi=doi,
                                           journal="J Test", abstract="Fifteen patients were treated.",
                                           origin="pubmed", first_seen=now - timedelta(days=2, hours=-i)))
        session.add(models.PublicationTrialLink(pmid="40000002", registry_id="NCT01234567", method="abstract_text",
                                                matched_text="NCT01234567"))
        session.commit()
    return {p[0]: p[1] for p in pubs}
