"""A result's label names every option that changes its numbers."""

from __future__ import annotations

import pytest

import analysis

EVENTS, TOTALS = [3, 5, 8, 2], [10, 10, 12, 9]


@pytest.mark.parametrize("ci,shown", [("hk", "Hartung-Knapp CI"), ("hk-adhoc", "Hartung-Knapp ad hoc CI")])
def test_glmm_label_names_a_non_default_ci(ci, shown):
    plain = analysis.pool_proportions(EVENTS, TOTALS)
    other = analysis.pool_proportions(EVENTS, TOTALS, ci=ci)
    assert (other.ci_low, other.ci_high) != (plain.ci_low, plain.ci_high)
    assert shown in other.method_label and shown not in plain.method_label
    assert other.method_label.startswith("GLMM")
