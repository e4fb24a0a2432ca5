"""Vocabularies: codes parse, labels exist, outcome categories and catch-alls are right."""

from __future__ import annotations

import pytest

from evidence.vocab import Disease, Outcome, OutcomeCategory


def test_parse_lists_the_options_on_a_typo():
    assert Disease.parse(" sle ") is Disease.SLE
    with pytest.raises(ValueError, match="unknown Outcome 'crs'.*crs_any"):
        Outcome.parse("crs")


def test_safety_and_efficacy_outcomes():
    assert Outcome.CRS_GRADE3.category is OutcomeCategory.SAFETY
    assert Outcome.DORIS_AND_LLDAS.category is OutcomeCategory.EFFICACY


def test_only_the_catch_all_outcomes_mix_definitions():
    mixed = {o for o in Outcome if o.mixed_definitions}
    assert mixed == {Outcome.CLINICAL_RESPONSE_OTHER, Outcome.COMPLETE_REMISSION_OTHER}


def test_every_code_has_a_label():
    for enum in (Disease, Outcome):
        assert all(member.label and member.label != member.value for member in enum)


def test_durability_and_late_harm_outcomes():
    assert Outcome.LICATS.category is OutcomeCategory.SAFETY and Outcome.GVHD.category is OutcomeCategory.SAFETY
    assert Outcome.RELAPSE.category is OutcomeCategory.EFFICACY
    assert [o for o in Outcome if o.needs_timepoint_months] == [Outcome.REMISSION_MAINTAINED_LAST]


def test_labels_read_inside_a_sentence_keep_names_and_acronyms():
    from evidence.vocab import PoolTransform, Tau2Method

    assert [t.phrase for t in PoolTransform] == ["logit", "Freeman–Tukey double arcsine", "arcsine", "untransformed"]
    assert [m.phrase for m in Tau2Method] == ["REML", "DerSimonian–Laird", "Paule–Mandel", "maximum likelihood"]


def test_every_run_source_and_row_origin_is_a_code_the_store_holds():
    from evidence.vocab import HARVEST_RUN_SOURCES, REGISTRY_RUN_SOURCES, RowOrigin, RunSource

    assert set(HARVEST_RUN_SOURCES) <= set(REGISTRY_RUN_SOURCES) <= {s.value for s in RunSource}
    assert {o.value for o in RowOrigin} == {"pubmed", "ctgov", "import", "curated"}
