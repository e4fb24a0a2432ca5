"""Input validation and edge cases: k = 1, all zero, all events, non-convergence."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis import (
    PoolResult,
    cumulative,
    leave_one_out,
    metaregression,
    method_sensitivity,
    pool_by_subgroup,
    pool_proportions,
)
from analysis import pooling

SPARSE_TOX = ([0, 0, 1, 0, 2, 0, 1], [3, 6, 10, 4, 20, 12, 9])


@pytest.mark.parametrize("events,totals,labels,needle", [
    ([1, 2], [5], None, "length mismatch"),
    ([1, 6], [5, 5], None, "study 1"),
    ([1, 6], [5, 5], ["Smith", "Jones"], "'Jones'"),
    ([-1, 2], [5, 5], None, "negative"),
    ([1.5, 2], [5, 5], None, "not an integer"),
    ([1, 2], [0, 5], None, "total of study 0 is 0"),
    ([], [], None, "empty"),
    ([1, float("nan")], [5, 5], None, "not finite"),
])
def test_bad_input_raises_value_error_naming_the_study(events, totals, labels, needle):
    with pytest.raises(ValueError, match=None) as err:
        pool_proportions(events, totals, labels=labels)
    assert needle in str(err.value)


@pytest.mark.parametrize("kw", [{"model": "bayes"}, {"transform": "probit"}, {"tau2_method": "SJ"},
                                {"ci": "t"}, {"level": 95}, {"to": "sometimes"}])
def test_unknown_options_raise(kw):
    with pytest.raises(ValueError, match="expected|between"):
        pool_proportions([1, 2], [5, 5], **kw)


def test_single_study_is_the_study_itself():
    res = pool_proportions([3], [10], labels=["Only"])
    assert res.k == 1 and res.estimate == 0.3 and res.fallback == "single study"
    assert res.ci_low == pytest.approx(0.0667395, abs=1e-6)  # Clopper-Pearson
    assert res.tau2 is None and res.pi_low is None
    assert any("k = 1" in note for note in res.notes)


@pytest.mark.parametrize("events,value", [([0, 0, 0], 0.0), ([5, 8, 3], 1.0)])
def test_glmm_all_zero_or_all_events_falls_back(events, value):
    res = pool_proportions(events, [5, 8, 3])
    assert res.estimate == value and not res.converged
    assert "common-effect binomial" in res.fallback
    total = 16
    if value == 0:
        assert res.ci_low == 0 and res.ci_high == pytest.approx(1 - 0.025 ** (1 / total))
    assert res.to_dict()["estimate_t"] is None  # -inf/inf are not JSON


@pytest.mark.parametrize("model", ["re", "fe"])
def test_inverse_variance_on_all_zero_uses_the_correction(model):
    res = pool_proportions([0, 0, 0], [5, 8, 3], model=model)
    assert 0 < res.estimate < 0.2 and res.fallback is None
    assert any("0.5 added" in note for note in res.notes)


def test_glmm_non_convergence_falls_back_to_logit_reml(monkeypatch):
    failed = analysis.glmm.GlmmFit(math.nan, math.nan, math.nan, math.nan, False, False, "boom")
    monkeypatch.setattr(pooling, "fit_glmm", lambda x, n: failed)
    res = pool_proportions(*SPARSE_TOX)
    ref = pool_proportions(*SPARSE_TOX, model="re")
    assert not res.converged and res.fallback.startswith("logit-REML")
    assert res.estimate == ref.estimate
    assert any("did not converge" in note for note in res.notes)


def test_issue_example_sparse_tox_methods_disagree():
    """The issue's sparse toxicity example: 6.3 % GLMM, 9.3 % logit, 3.3 % FT."""
    df = method_sensitivity(*SPARSE_TOX)
    est = dict(zip(df["method"], df["estimate"].round(3)))
    assert est["GLMM (ML, AGQ 7)"] == 0.062
    assert est["Logit REML (z)"] == 0.093
    assert est["Freeman-Tukey REML (z)"] == 0.033
    assert df.attrs["disagree_any"] and df.attrs["sparse"]
    hk = df.set_index("method").loc["Logit REML (Hartung-Knapp)"]
    assert (round(hk["ci_low"], 3), round(hk["ci_high"], 3)) == (0.069, 0.124)
    adhoc = pool_proportions(*SPARSE_TOX, model="re", ci="hk-adhoc")
    assert (round(adhoc.ci_low, 3), round(adhoc.ci_high, 3)) == (0.035, 0.226)


def test_ft_result_carries_the_warning():
    res = pool_proportions(*SPARSE_TOX, model="re", transform="ft")
    assert any("Freeman-Tukey" in note for note in res.notes)


def test_result_frames_and_dict_are_consistent():
    res = pool_proportions(*SPARSE_TOX, labels=list("ABCDEFG"))
    assert isinstance(res, PoolResult)
    frame = res.summary_frame()
    assert list(frame["kind"]) == ["study"] * 7 + ["pooled"]
    assert frame["proportion"].iloc[-1] == res.estimate
    assert sum(s.weight for s in res.studies) == pytest.approx(100)
    d = res.to_dict()
    assert d["studies"][0]["label"] == "A" and d["estimate"] == res.estimate
    with pytest.raises(AttributeError):
        res.estimate = 0.5  # frozen


def test_sensitivity_helpers_shapes():
    events, totals = SPARSE_TOX
    loo = leave_one_out(events, totals)
    assert isinstance(loo, pd.DataFrame) and len(loo) == 7 and (loo["k"] == 6).all()
    cum = cumulative(events, totals, [2020, 2019, 2021, 2022, 2018, 2023, 2024], labels=list("ABCDEFG"))
    assert list(cum["k"]) == list(range(1, 8)) and cum["added"].iloc[0] == "E"
    sub = pool_by_subgroup(events, totals, ["x", "y", "x", "y", "y", "x", "x"])
    assert set(sub.subgroups) == {"x", "y"} and sub.test_between.df == 1
    # a subgroup with no events has no finite GLMM logit: left out of the test, with a note
    sub = pool_by_subgroup(events, totals, ["x", "y", "x", "y", "x", "y", "x"])
    assert sub.subgroups["y"].fallback and sub.test_between.df == 0
    assert any("left out" in note for note in sub.notes)
    assert set(sub.to_dict()) >= {"overall", "subgroups", "test_between"}
    mr = metaregression(events, totals, [1, 2, 3, 4, 5, 6, 7])
    assert mr.qm_df == 1 and mr.summary_frame().shape == (2, 6)
    with pytest.raises(ValueError):
        metaregression(events, totals, [1] * 7)


def test_public_api_is_exported():
    for name in ("pool_proportions", "PoolResult", "StudyEstimate", "SubgroupResult",
                 "pool_by_subgroup", "leave_one_out", "cumulative", "metaregression",
                 "method_sensitivity", "study_ci"):
        assert hasattr(analysis, name)


def test_analysis_does_not_import_app_layers():
    import subprocess
    import sys

    code = ("import sys, analysis; analysis.pool_proportions([1,2],[5,5]); "
            "bad=[m for m in sys.modules if m.split('.')[0] in ('evidence','sqlalchemy','streamlit','sqlmodel')];"
            "print(bad); sys.exit(1 if bad else 0)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0


def test_population_averaged_differs_from_median_when_tau_large():
    res = pool_proportions([1, 2, 3, 18, 0, 1], [20] * 6)
    pa = res.extra["population_averaged"]
    assert 0 < pa < 1 and abs(pa - res.estimate) > 0.01
    assert np.isfinite(res.extra["loglik"])


def test_glmm_is_bounded_and_says_it_did_not_converge(monkeypatch):
    """Extreme counts once kept the optimiser running for hours: a fit now stops within its budget."""
    monkeypatch.setattr(analysis.glmm, "MAX_EVALS", 3)
    fit = analysis.glmm.fit_glmm(np.array([5, 4, 3, 0, 7, 2, 12, 1.0]), np.array([5, 6, 3, 4, 8, 10, 15, 3.0]))
    assert not fit.converged and math.isnan(fit.mu)
    assert "stopped without converging" in fit.message and "3 likelihood evaluations" in fit.message
    res = pool_proportions([5, 4, 3, 0, 7, 2, 12, 1], [5, 6, 3, 4, 8, 10, 15, 3])
    assert res.fallback.startswith("logit-REML")
    assert any("stopped without converging" in note for note in res.notes)
