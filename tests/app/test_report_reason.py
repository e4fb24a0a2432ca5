"""A report without numbers says why on its page (issue 13)."""

from __future__ import annotations

from sqlmodel import Session

from evidence import models


def test_report_page_shows_why_it_has_no_numbers(engine, page):
    with Session(engine) as s:
        s.get(models.Report, "gamma-2023").no_numbers_reason = "results section not readable, tried: *example*"
        s.commit()
    at = page("studies", {"report": "gamma-2023"})
    assert "Why no numbers" in [c.value for c in at.caption]
    # stored text is shown as text (st.text), never as Markdown
    assert "results section not readable, tried: *example*" in [t.value for t in at.text]
    at = page("studies", {"report": "alpha-2024"})
    assert not any(c.value.startswith("Why no numbers") for c in at.caption)
