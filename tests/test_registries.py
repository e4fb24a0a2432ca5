"""One named pattern per registry, with positive and negative examples."""

from __future__ import annotations

import pytest

from evidence.registries import find_registry_ids, identify, normalise, normalise_doi
from evidence.vocab import Registry

POSITIVE = [
    ("Registered at ClinicalTrials.gov (NCT05859997).", Registry.CTGOV, "NCT05859997"),
    ("trial NCT 0585 9997 enrolled", Registry.CTGOV, "NCT05859997"),
    ("nct05859997", Registry.CTGOV, "NCT05859997"),
    ("ChiCTR2300072345 was", Registry.CHICTR, "ChiCTR2300072345"),
    ("ChiCTR-OPC-17013502", Registry.CHICTR, "ChiCTR-OPC-17013502"),
    ("EudraCT 2021-001234-56.", Registry.EUCTR, "2021-001234-56"),
    ("EU CT number 2023-503456-21-00", Registry.CTIS, "2023-503456-21-00"),
    ("ISRCTN12345678", Registry.ISRCTN, "ISRCTN12345678"),
    ("DRKS00012345", Registry.DRKS, "DRKS00012345"),
    ("jRCT2031210123", Registry.JRCT, "jRCT2031210123"),
    ("jRCTs031180123", Registry.JRCT, "jRCTs031180123"),
]

NEGATIVE = ["NCT0585999", "NCT058599971", "phone 2021-001234", "ISRCTN1234567", "DRKS0001234",
            "doi 10.1038/s41591-022-02017-5", "PMID 36109639"]


@pytest.mark.parametrize("text,registry,canonical", POSITIVE)
def test_finds_each_registry(text, registry, canonical):
    assert find_registry_ids(text) == [(registry, canonical)]


@pytest.mark.parametrize("text", NEGATIVE)
def test_ignores_lookalikes(text):
    assert find_registry_ids(text) == []


def test_several_ids_in_order_without_repeats():
    text = "NCT05859997 and ChiCTR2300072345; again NCT05859997 and NCT04561557."
    assert [rid for _, rid in find_registry_ids(text)] == ["NCT05859997", "ChiCTR2300072345", "NCT04561557"]


def test_ctis_number_is_not_also_a_eudract_number():
    assert find_registry_ids("2023-503456-21-00") == [(Registry.CTIS, "2023-503456-21-00")]


def test_normalise_and_identify():
    assert normalise(" nct 0123 4567 ") == "NCT01234567"
    assert identify("NCT01234567") is Registry.CTGOV
    assert identify("NCT01234567 extra") is None
    with pytest.raises(ValueError, match="not a registry ID"):
        normalise("NCT123")


def test_normalise_doi():
    assert normalise_doi("https://doi.org/10.1038/S41591-022-02017-5") == "10.1038/s41591-022-02017-5"
    assert normalise_doi("doi: 10.1056/NEJMoa2308917") == "10.1056/nejmoa2308917"
