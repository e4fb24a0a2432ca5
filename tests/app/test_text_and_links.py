"""Stored text stays text on the pages, links come only from validated identifiers, labels name the method.

Issue 11, items 7 (method labels), 8 (source links), 9 (Studies detail) and 11
(addresses in titles), seen through AppTest; the browser test checks what
only a browser renders.
"""

from __future__ import annotations

import sqlite3


from tests.app.app_test_helpers import fact_lists, frames

INJECTED_DOI = "10.1000/x) **bold** [evil](http://evil.example"
INJECTED_URL = "[click](http://evil.example) **bold**"


def markdown_text(at) -> str:
    return " ".join(m.value for m in (*at.markdown, *at.caption, *at.subheader))


def test_hartung_knapp_is_named_in_the_glmm_label(page):
    plain = page("meta_analysis", {"outcome": "crs_any"})
    hk = page("meta_analysis", {"outcome": "crs_any", "ci": "hk"})
    assert "Hartung–Knapp" not in markdown_text(plain) and "Wald" in markdown_text(plain)
    assert "GLMM" in markdown_text(hk) and "Hartung–Knapp" in markdown_text(hk)
    assert {m.label: m.value for m in plain.metric}["95% CI"] != {m.label: m.value for m in hk.metric}["95% CI"]
    assert "Hartung–Knapp" in hk.metric[0].help


def test_analysis_set_sources_link_to_pubmed_doi_and_the_web(page, app_db):
    with sqlite3.connect(app_db) as conn:
        conn.execute("UPDATE outcome SET source = 'doi:10.1000/alpha.2022' WHERE report_id = 'alpha-2022'")
        conn.execute("UPDATE outcome SET source = 'javascript:alert(1)' WHERE report_id = 'gamma-2023'")
    at = page("meta_analysis", {"outcome": "crs_any", "view": "set"})
    table = frames(at)[-1].set_index("Study")
    links = dict(zip(table["Source"], table["Open source"]))
    assert links["PMID:22222222"] == "https://pubmed.ncbi.nlm.nih.gov/22222222/"
    assert links["doi:10.1000/alpha.2022"] == "https://doi.org/10.1000/alpha.2022"
    assert links["https://example.org/beta"] == "https://example.org/beta"
    assert links["javascript:alert(1)"] == ""  # no link (source_url gave none); the source is shown as text


def test_studies_detail_shows_stored_identifiers_as_text_and_links_only_valid_ones(page, app_db):
    with sqlite3.connect(app_db) as conn:
        conn.execute("UPDATE report SET doi = ?, url = ?, title = ? WHERE report_id = 'alpha-2024'",
                     (INJECTED_DOI, INJECTED_URL, "See https://evil.example/x and **bold**"))
    at = page("studies", {"report": "alpha-2024"})
    assert not any("evil" in m.value or "bold" in m.value for m in (*at.markdown, *at.caption))
    facts = next(f for f in fact_lists(at) if "DOI" in f and "Lymphodepletion" in f)
    assert facts["DOI"] == INJECTED_DOI and facts["Web address"] == INJECTED_URL
    assert [t.value for t in at.text][0] == "See https://evil.example/x and **bold**"
    buttons = {b.proto.label: b.proto.url for b in at.get("link_button")}
    assert buttons == {"PubMed": "https://pubmed.ncbi.nlm.nih.gov/22222222/"}


def test_a_valid_doi_with_brackets_links_to_doi_org(page, app_db):
    with sqlite3.connect(app_db) as conn:
        conn.execute("UPDATE report SET doi = '10.1016/S0140-6736(23)00001-1', url = 'https://example.org/a_b' "
                     "WHERE report_id = 'alpha-2024'")
    at = page("studies", {"report": "alpha-2024"})
    buttons = {b.proto.label: b.proto.url for b in at.get("link_button")}
    assert buttons["DOI"] == "https://doi.org/10.1016/S0140-6736(23)00001-1"
    assert buttons["Source"] == "https://example.org/a_b"


def test_report_page_says_when_its_publication_is_retracted(engine, page):
    from sqlmodel import Session

    from evidence import models

    with Session(engine) as s:
        pub = s.get(models.Publication, "22222222") or models.Publication(pmid="22222222")
        pub.retracted = True
        pub.corrections = [{"type": "RetractionIn", "pmid": "29999999", "source": "Retraction notice"}]
        s.add(pub)
        s.commit()
    at = page("studies", {"report": "alpha-2024"})
    assert any("retracted" in e.value for e in at.error)
    assert any("RetractionIn (PMID 29999999)" in c.value for c in at.caption)
