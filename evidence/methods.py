"""How a pooled number was computed, in words: one label for the page, the exports and the command line.

A label names every option that changes a number: the model, the scale
(transformation) of inverse-variance models, the τ² estimator of random
effects, how the confidence and prediction intervals are formed (normal
quantile, or t with k − 1 df under Hartung–Knapp), their level, and any
fallback the engine took. It is built from the result, not from the
request, so a GLMM that fell back to logit-REML is labelled logit-REML.
The pooling engine's own ``method_label`` leaves the interval out for the
GLMM, where Hartung–Knapp changes the interval (37–84 % → 32–86 %) but not
the label; hence this module.
"""

from __future__ import annotations

from typing import Any

from evidence.vocab import LabelledEnum, PoolTransform, Tau2Method


def _phrase(vocab: type[LabelledEnum], code: str) -> str:
    """The vocabulary's label of ``code`` inside a sentence (the code itself when unknown)."""
    try:
        return vocab(code).phrase
    except ValueError:
        return str(code)


def interval_label(ci: str, level: float, model: str = "re") -> str:
    """'95% CI: Hartung–Knapp (t, k − 1 df)' and the like; the GLMM has no HK, only the t quantile."""
    pct = f"{100 * level:g}%"
    if ci == "z":
        return f"{pct} CI: Wald (normal quantile)"
    if ci == "cp":
        return f"{pct} CI: exact (Clopper–Pearson) on the total"
    if model == "glmm":
        return f"{pct} CI: t quantile with k − 1 df (Hartung–Knapp option; model SE)"
    if ci == "hk-adhoc":
        return f"{pct} CI: Hartung–Knapp ad hoc (q* ≥ 1, t, k − 1 df)"
    return f"{pct} CI: Hartung–Knapp (t, k − 1 df)"


def method_label(result: Any) -> str:
    """Every option behind a pooled result (an ``analysis.PoolResult``), as one line.

    Examples: 'GLMM (binomial-normal, ML, 7-point AGQ); 95% CI: Wald (normal quantile)';
    'Random effects (inverse variance, logit scale, τ² by REML); 95% CI:
    Hartung–Knapp (t, k − 1 df)'.
    """
    model, ci, level = result.model, result.ci_method, result.level
    if result.k == 1:
        return f"Single study (nothing pooled); {100 * level:g}% CI: exact (Clopper–Pearson)"
    if ci == "cp":  # the GLMM's fallback when every study has 0 (or all) events
        core = "Common-effect binomial model (GLMM not estimable)"
    elif model == "glmm":
        core = result.method_label  # the engine's: 'GLMM (binomial-normal, ML, 7-point AGQ)'
    else:
        scale = f"{_phrase(PoolTransform, result.transform)} scale"
        if model == "fe":
            core = f"Common effect (inverse variance, {scale})"
        else:
            core = (f"Random effects (inverse variance, {scale}, "
                    f"τ² by {_phrase(Tau2Method, result.tau2_method)})")
    label = f"{core}; {interval_label(ci, level, model)}"
    if result.fallback and result.k > 1:
        label += f" [fallback: {result.fallback}]"
    return label


def method_slug(model: str, transform: str, tau2: str, ci: str) -> str:
    """A short file-name part for the requested method: 'glmm', 'glmm-hk', 're-logit-reml-hk', 'fe-ft'."""
    parts = [model]
    if model != "glmm":
        parts.append(transform)
    if model == "re":
        parts.append(tau2.lower())
    if ci != "z":
        parts.append(ci)
    return "-".join(parts)
