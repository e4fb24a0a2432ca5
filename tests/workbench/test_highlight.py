"""Search terms and registry IDs located in an abstract, as spans (never markup)."""

from __future__ import annotations

from evidence.highlight import highlights, search_terms, terms_from_file
from evidence.settings import REPO_ROOT


def test_terms_come_from_the_shipped_strategy():
    terms = terms_from_file(REPO_ROOT / "data" / "search" / "pubmed.txt")
    assert "chimeric antigen receptor" in terms and "autoimmun*" in terms
    assert "receptors, chimeric antigen" not in terms  # MeSH headings are not words of the text
    assert search_terms('# "ignored"[tiab]\nlupus[tiab] OR "CAR T"[Title/Abstract]') == ["lupus", "CAR T"]


def test_spans_mark_terms_prefixes_and_registry_ids():
    text = "Anti-CD19 CAR-T cells in autoimmune lupus <b>(NCT 0123 4567)</b>."
    spans = highlights(text, ["CAR T", "autoimmun*", "lupus"])
    assert [(s.kind, s.text) for s in spans] == [("term", "CAR-T"), ("term", "autoimmune"), ("term", "lupus"),
                                                 ("registry", "NCT 0123 4567")]
    assert all(text[s.start:s.end] == s.text for s in spans)
