"""Property-based tests (hypothesis) of the pooling engine's invariants."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from analysis import method_sensitivity, pool_proportions, study_ci

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def counts(draw, min_k: int = 2, max_k: int = 12):
    k = draw(st.integers(min_k, max_k))
    totals = draw(st.lists(st.integers(1, 60), min_size=k, max_size=k))
    events = [draw(st.integers(0, n)) for n in totals]
    return events, totals


MODELS = st.sampled_from([
    {"model": "glmm"}, {"model": "glmm", "ci": "hk"},
    {"model": "re", "transform": "logit"}, {"model": "re", "transform": "ft", "tau2_method": "DL"},
    {"model": "re", "transform": "arcsine", "tau2_method": "PM", "ci": "hk"},
    {"model": "re", "transform": "raw", "tau2_method": "ML", "ci": "hk-adhoc"},
    {"model": "fe", "transform": "logit"},
])


def _finite_or_none(v):
    return v is None or math.isfinite(v)


@FAST
@given(counts(), MODELS)
def test_estimates_inside_unit_interval_and_ci_contains_estimate(data, opts):
    events, totals = data
    res = pool_proportions(events, totals, **opts)
    assert 0.0 <= res.estimate <= 1.0
    assert 0.0 <= res.ci_low <= res.estimate + 1e-12
    assert res.estimate - 1e-12 <= res.ci_high <= 1.0
    if res.pi_low is not None:
        assert 0.0 <= res.pi_low <= res.ci_low + 1e-9
        assert res.ci_high - 1e-9 <= res.pi_high <= 1.0
    assert all(_finite_or_none(v) for v in (res.tau2, res.i2, res.q))


@FAST
@given(counts(), MODELS)
def test_tau2_and_i2_are_non_negative(data, opts):
    res = pool_proportions(*data, **opts)
    if res.tau2 is not None:
        assert res.tau2 >= 0 and res.tau == math.sqrt(res.tau2)
    if res.i2 is not None:
        assert 0 <= res.i2 <= 100 and 0 <= res.i2_q <= 100
    if res.tau2_ci_low is not None:
        assert 0 <= res.tau2_ci_low <= res.tau2 <= res.tau2_ci_high + 1e-9


@FAST
@given(counts(), MODELS, st.randoms(use_true_random=False))
def test_order_invariance(data, opts, rnd):
    events, totals = data
    order = list(range(len(events)))
    rnd.shuffle(order)
    a = pool_proportions(events, totals, **opts)
    b = pool_proportions([events[i] for i in order], [totals[i] for i in order], **opts)
    tol = 1e-5 if opts["model"] == "glmm" else 1e-9
    assert math.isclose(a.estimate, b.estimate, rel_tol=tol, abs_tol=1e-9)
    assert math.isclose(a.ci_high, b.ci_high, rel_tol=tol, abs_tol=1e-9)
    if a.tau2 is not None:
        assert math.isclose(a.tau2, b.tau2, rel_tol=max(tol, 1e-4), abs_tol=1e-7)


@FAST
@given(counts())
def test_common_effect_logit_inside_study_range_without_corrections(data):
    events, totals = data
    assume(all(0 < x < n for x, n in zip(events, totals)))
    res = pool_proportions(events, totals, model="fe")
    props = np.array(events) / np.array(totals)
    assert props.min() - 1e-12 <= res.estimate <= props.max() + 1e-12


@FAST
@given(counts(min_k=1, max_k=8), st.sampled_from(["cp", "wilson"]))
def test_study_ci_contains_proportion(data, method):
    events, totals = data
    lo, hi = study_ci(events, totals, method)
    p = np.array(events) / np.array(totals)
    assert np.all(lo <= p + 1e-12) and np.all(p - 1e-12 <= hi)
    assert np.all(lo >= 0) and np.all(hi <= 1)


@settings(max_examples=15, deadline=None)
@given(counts(max_k=8))
def test_method_sensitivity_table_shape(data):
    df = method_sensitivity(*data)
    assert len(df) == 4 and not df["disagree"].iloc[0]
    assert df["estimate"].between(0, 1).all()
