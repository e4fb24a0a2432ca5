"""Candidate numbers: counts proposed from an abstract, with the sentence and how they were read."""

from __future__ import annotations

import pytest

from evidence.candidates import find_candidates, number, sentences, stated_cohort_size


def _pairs(text: str, cohort: int | None = None) -> list[tuple]:
    return [(c.events, c.patients, c.outcome, c.basis) for c in find_candidates(text, cohort)]


@pytest.mark.parametrize("word, value", [("five", 5), ("Twenty-one", 21), ("12", 12), ("a single", 1)])
def test_number_words(word, value):
    assert number(word) == value


def test_x_of_n_with_the_outcome_the_sentence_names():
    text = "By week 12, 12 of 15 patients (80%) fulfilled both the LLDAS and DORIS remission criteria."
    [c] = find_candidates(text)
    assert (c.events, c.patients, c.outcome) == (12, 15, "doris_and_lldas")
    assert c.sentence == text and c.matched == "12 of 15"  # the share in brackets is not a second count


def test_number_words_and_all_n():
    assert _pairs("All five patients achieved DORIS remission.") == [(5, 5, "remission_doris", "all")]
    assert _pairs("Five out of seven participants had CRS.")[0][:3] == (5, 7, "crs_any")


def test_slash_counts_but_not_grades_doses_or_phases():
    text = "In this phase 1/2 study (fludarabine 25 mg/m2), grade 1/2 CRS occurred in 3/6 patients."
    assert _pairs(text) == [(3, 6, "crs_any", "slash")]


def test_percentage_becomes_a_count_only_when_one_whole_count_gives_it():
    text = "Grade 1 cytokine release syndrome developed in 86.7% of patients."
    [c] = find_candidates(text, cohort_size=15)
    assert (c.events, c.patients, c.outcome) == (13, 15, "crs_any")
    assert "only whole count" in c.note
    [open_] = find_candidates(text)  # no denominator stated: shown, not converted
    assert (open_.events, open_.patients) == (None, None) and not open_.complete
    assert "no denominator" in open_.note
    [wrong] = find_candidates("CRS occurred in 86.7% of patients.", cohort_size=14)  # 12/14 = 85.7, 13/14 = 92.9
    assert wrong.events is None and "not converted" in wrong.note


def test_percentage_of_a_large_cohort_is_ambiguous_and_not_converted():
    [c] = find_candidates("Infections occurred in 50% of patients.", cohort_size=12)
    assert (c.events, c.patients) == (6, 12)
    [c] = find_candidates("Infections occurred in 50% of patients.", cohort_size=300)  # 149, 150, 151 all give 50%
    assert c.events is None
    [c] = find_candidates("Infections occurred in 1% of patients.", cohort_size=250)  # 2/250 = 0.8 → 1, 3/250 = 1.2
    assert c.events is None


def test_denominator_stated_elsewhere_in_the_abstract():
    text = ("Fifteen patients with refractory SLE were treated. Grade 1 CRS occurred in 86.7%. "
            "No ICANS was observed. Six patients had infections.")
    assert stated_cohort_size(text) == 15
    got = _pairs(text)
    assert (13, 15, "crs_any", "percent") in got
    assert (0, 15, "icans_any", "zero") in got
    assert (6, 15, "infection_any", "bare") in got
    assert not any(p[0] == 15 for p in got)  # the cohort size itself is not an event count


def test_zero_events_from_negations_with_severity():
    got = _pairs("No grade ≥3 CRS, ICANS or death was reported.", 10)
    assert got == [(0, 10, "crs_grade3plus", "zero"), (0, 10, "icans_grade3plus", "zero"),
                   (0, 10, "death", "zero")]
    assert _pairs("no severe infections occurred.", 8) == [(0, 8, "serious_infection", "zero")]


def test_percentage_with_n_is_read_as_events_and_checked():
    [c] = find_candidates("CRS events occurred in 82% (n=9), all low grade.", cohort_size=11)
    assert (c.events, c.patients, c.basis) == (9, 11, "n-equals") and "gives 82%" in c.note
    [c] = find_candidates("CRS events occurred in 82% (n=9), all low grade.", cohort_size=12)
    assert (c.events, c.patients) == (9, None)  # 9/12 = 75%: denominator left open


def test_sentences_keep_abbreviations():
    assert len(sentences("Patients (e.g. those with SLE) vs. controls. CRS occurred in 3.")) == 2


def test_nothing_proposed_from_a_sentence_without_counts():
    assert find_candidates("CAR T cells are a promising therapy for autoimmune disease.") == []


def test_a_hospitalised_pneumonia_is_a_serious_infection():
    assert _pairs("1 patient experienced pneumonia-related hospitalization.", 15) == \
        [(1, 15, "serious_infection", "bare")]


def test_severity_does_not_cross_a_clause():
    text = "Seven patients developed infections, but no grade 4 infections occurred."
    assert _pairs(text, 12)[0] == (7, 12, "infection_any", "bare")
    assert _pairs("Deep remission without cytokine release syndrome or other serious adverse events.", 3) == \
        [(0, 3, "crs_any", "zero")]


def test_an_ellipsis_does_not_end_a_sentence():
    assert _pairs("5 out of 7 patients achieved ... DORIS complete remission.") == [(5, 7, "remission_doris", "of")]
