"""Classification rules, shared by publications and trials."""

from __future__ import annotations

import pytest

from harvest.classify import classify, classify_diseases, classify_targets

CASES = [
    ("CD19 CAR T-cell therapy for refractory systemic lupus erythematosus", ["sle"], ["cd19"]),
    ("Anti-BCMA CAR T cells in AQP4-IgG positive neuromyelitis optica spectrum disorder", ["nmosd"], ["bcma"]),
    ("BCMA-CD19 compound CAR T cells for lupus nephritis", ["lupus_nephritis", "sle"], ["cd19_bcma"]),
    ("mRNA CAR-T (Descartes-08) in generalized myasthenia gravis", ["mg"], ["bcma"]),
    ("Allogeneic CD19 CAR T in myositis and systemic sclerosis", ["iim", "ssc"], ["cd19"]),
    ("Desmoglein 3 CAAR-T cells for pemphigus vulgaris", ["pemphigus"], ["caar"]),
    ("Outcomes of statin therapy in heart failure", [], []),
]


@pytest.mark.parametrize("text,diseases,targets", CASES)
def test_disease_and_target_rules(text, diseases, targets):
    assert classify_diseases(text) == diseases
    assert classify_targets(text) == targets


def test_construct_population_and_car_mention():
    c = classify("Healthy-donor CRISPR-edited CD19 CAR-T in children with SLE", "adolescents aged 12-17")
    assert c.construct == "allogeneic" and c.population == "paediatric" and c.mentions_car
    assert classify("Descartes-08 mRNA CAR-T for adults with MG").construct == "mrna"
    assert classify("statins").population is None and not classify("statins").mentions_car


def test_unmatched_record_is_left_unclassified():
    c = classify("A randomised trial of exercise")
    assert c.diseases == () and c.targets == () and c.construct is None


@pytest.mark.parametrize("text,absent", [
    ("lymphodepletion with fludarabine 25 mg/m2 and cyclophosphamide 1000 mg/m2", "mg"),
    ("a dose of 1 MG/KG", "mg"),
    ("in vivo CAR T cells generated with an AAV vector (AAV6) in mice", "aav"),
    ("authors from Casablanca, Morocco", "aav"),
])
def test_units_vectors_and_places_are_not_diseases(text, absent):
    assert absent not in classify_diseases(text)


@pytest.mark.parametrize("text,disease", [
    ("anti-BCMA CAR T cells in gMG", "mg"),
    ("refractory MG with AChR antibodies", "mg"),
    ("CD19 CAR T cells in refractory AAV", "aav"),
    ("MPO-ANCA vasculitis", "aav"),
])
def test_case_sensitive_abbreviations_still_match(text, disease):
    assert disease in classify_diseases(text)
