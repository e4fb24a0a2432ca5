"""A report without numbers says why on its page (issue 13)."""

from __future__ import annotations

from sqlmodel import Session

from evidence import models


def test_report_page_shows_why_it_has_no_numbers(engine, page):
    with Session(engine) as s:
        s.get(models.Report, "gamma-2023").no_numbers_reason = "results section not readable, tried: *example*"
        s.commit()
    at = page("studies", {"report": "gamma-2023"})
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Why no numbers: results section not readable") for c in captions), captions
    assert any(r"\*example\*" in c for c in captions), "stored text must not become Markdown"
    at = page("studies", {"report": "alpha-2024"})
    assert not any(c.value.startswith("Why no numbers") for c in at.caption)
