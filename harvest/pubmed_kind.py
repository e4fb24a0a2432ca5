"""What a PubMed record is (vocab.PublicationKind), so the app separates evidence from commentary.

Rules, in order, first match wins:

1. a review publication type (Review, Systematic Review, Meta-Analysis…) → review;
2. a clinical publication type (Clinical Trial*, Case Reports, Observational
   Study…) → primary;
3. a commentary type (Editorial, Comment, News, Letter…) → other, unless the
   text reports treated patients (NEJM-style letters often are case series)
   → primary;
4. text that reports treated patients → primary;
5. text or MeSH of an animal / in-vitro study, with no treated patients → preclinical;
6. a title that calls itself a review → review;
7. nothing matched → unknown (never a guess).

Publication types come first because NLM indexers assigned them by reading
the paper; the text rules only fill in for records not yet indexed.
"""

from __future__ import annotations

import re
from typing import Iterable

from evidence.vocab import PublicationKind

REVIEW_TYPES = frozenset({"review", "systematic review", "meta-analysis", "scoping review",
                          "practice guideline", "guideline", "consensus development conference"})
CLINICAL_TYPE_RE = re.compile(r"^(clinical trial|clinical study|case reports|observational study|"
                              r"randomized controlled trial|controlled clinical trial|pragmatic clinical trial|"
                              r"multicenter study)", re.I)
COMMENTARY_TYPES = frozenset({"editorial", "comment", "news", "newspaper article", "letter", "interview",
                              "published erratum", "retraction of publication", "biography",
                              "expression of concern", "personal narrative", "lecture", "address"})

TREATED_PATIENTS_RE = re.compile(
    r"\b(?:patients?|participants?|adults?|child(?:ren)?|girl|boy|wom[ae]n|m[ae]n|cases?)\b[^.]{0,160}?"
    r"\b(?:received|were treated|was treated|treated with|underwent|infused|were infused|was infused|"
    r"were enrolled|enrolled)\b"
    r"|\b(?:we (?:report|describe|present) (?:a|an|the|two|three|\d+)\b)"
    r"|\bcase (?:series|report)\b"
    r"|\bphase (?:1|2|i|ii|1/2|i/ii|1b|2a)\b[^.]{0,40}\b(?:trial|study)\b"
    r"|\bfirst[- ]in[- ]human\b",
    re.I,
)
PRECLINICAL_RE = re.compile(
    r"\b(?:mice|murine|mouse model|rats?\b|xenograft|in vitro|preclinical|pre-clinical|humanized mice|"
    r"animal model|non-human primates?|cynomolgus|cell lines?)\b", re.I)
REVIEW_TITLE_RE = re.compile(r"\b(?:review|overview|state of the art|meta-analysis|perspectives?)\b", re.I)


def classify_kind(publication_types: Iterable[str], title: str = "", text: str = "",
                  mesh: Iterable[str] = ()) -> PublicationKind:
    """The report kind of a record from its publication types, title, abstract and MeSH."""
    types = {t.strip().lower() for t in publication_types}
    body = f"{title}\n{text}"
    treated = bool(TREATED_PATIENTS_RE.search(body))
    if types & REVIEW_TYPES:
        return PublicationKind.REVIEW
    if any(CLINICAL_TYPE_RE.match(t) for t in types):
        return PublicationKind.PRIMARY
    if types & COMMENTARY_TYPES:
        return PublicationKind.PRIMARY if treated else PublicationKind.OTHER
    if treated:
        return PublicationKind.PRIMARY
    mesh_names = {m.lower() for m in mesh}
    animal_only = ("animals" in mesh_names or "disease models, animal" in mesh_names) and "humans" not in mesh_names
    if animal_only or PRECLINICAL_RE.search(body):
        return PublicationKind.PRECLINICAL
    if REVIEW_TITLE_RE.search(title):
        return PublicationKind.REVIEW
    return PublicationKind.UNKNOWN
