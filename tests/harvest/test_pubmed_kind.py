"""Report kind rules: evidence versus commentary, unknown when nothing matches."""

from __future__ import annotations

import pytest

from harvest.pubmed_kind import classify_kind

CASES = [
    # publication types decide first
    (["Journal Article", "Review"], "CAR T cells in lupus", "", [], "review"),
    (["Systematic Review", "Meta-Analysis"], "Pooled remission rates", "", [], "review"),
    (["Clinical Trial, Phase I", "Journal Article"], "CD19 CAR T in SLE", "", [], "primary"),
    (["Case Reports"], "A man with MG", "", [], "primary"),
    (["Observational Study"], "Registry data", "", [], "primary"),
    (["Editorial"], "A new dawn for lupus", "CAR T cells may change care.", [], "other"),
    (["Comment"], "Reply", "We thank the authors.", [], "other"),
    # a letter that reports treated patients is evidence
    (["Letter"], "CAR T cells in refractory myositis", "Three patients received CD19 CAR T cells.", [], "primary"),
    # text rules for records not yet indexed
    (["Journal Article"], "Anti-BCMA CAR T in NMOSD",
     "Twelve patients were treated with a single infusion.", [], "primary"),
    (["Journal Article"], "CAAR T cells in a mouse model", "Humanized mice were engrafted.", [], "preclinical"),
    (["Journal Article"], "Target discovery", "", ["Animals", "Mice", "Disease Models, Animal"], "preclinical"),
    (["Journal Article"], "CAR T cells for autoimmunity: an overview", "", [], "review"),
    (["Journal Article"], "Regulatory considerations", "Agencies discussed the pathway.", [], "unknown"),
    ([], "", "", [], "unknown"),
]


@pytest.mark.parametrize("types,title,text,mesh,expected", CASES)
def test_kind_rules(types, title, text, mesh, expected):
    assert classify_kind(types, title, text, mesh).value == expected


def test_clinical_signal_wins_over_preclinical_text():
    kind = classify_kind(["Journal Article"], "From mice to patients",
                         "After xenograft studies, 5 patients received the product.")
    assert kind.value == "primary"
