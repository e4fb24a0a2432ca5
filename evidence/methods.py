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

from evidence.i18n import DEFAULT_LANGUAGE, N_, translator
from evidence.vocab import CiMethod, LabelledEnum, PoolTransform, Tau2Method

ENGINE_LABELS = (N_("GLMM (binomial-normal, ML, 7-point AGQ)"),)  # the pooling engine's, translated when shown


def _phrase(vocab: type[LabelledEnum], code: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The vocabulary's label of ``code`` inside a sentence, in ``lang`` (the code itself when unknown)."""
    try:
        member = vocab(code)
    except ValueError:
        return str(code)
    if lang == DEFAULT_LANGUAGE:
        return member.phrase
    text = translator(lang)(member.label)
    first = text.split(" ", 1)[0]
    return text if any(c.isupper() for c in first[1:]) else text[:1].lower() + text[1:]


def interval_label(ci: str, level: float, model: str = "re", lang: str = DEFAULT_LANGUAGE) -> str:
    """'95% CI: Hartung–Knapp, t quantile with k − 1 df' and the like; the GLMM has no HK, only the t quantile.

    The method's name is the vocabulary's label (``CiMethod``, as the app's
    choice and the command's ``--ci`` show it); the rest says how it forms the interval.
    """
    _ = translator(lang)
    pct = f"{100 * level:g}%"
    if ci == "cp":  # the engine's fallback, not a choice: no vocabulary label
        return _("{level} CI: exact (Clopper–Pearson) on the total").format(level=pct)
    try:
        name = _(CiMethod(ci).label)
    except ValueError:  # a method this vocabulary does not list: named by its code
        name = str(ci)
    if ci == CiMethod.Z:
        return _("{level} CI: {method}, normal quantile").format(level=pct, method=name)
    if model == "glmm":
        return _("{level} CI: t quantile with k − 1 df ({method} option; model SE)").format(level=pct, method=name)
    return _("{level} CI: {method}, t quantile with k − 1 df").format(level=pct, method=name)


def method_label(result: Any, lang: str = DEFAULT_LANGUAGE) -> str:
    """Every option behind a pooled result (an ``analysis.PoolResult``), as one line.

    Examples: 'GLMM (binomial-normal, ML, 7-point AGQ); 95% CI: Wald (z), normal quantile';
    'Random effects (inverse variance, logit scale, τ² by REML); 95% CI:
    Hartung–Knapp, t quantile with k − 1 df'.
    """
    _ = translator(lang)
    model, ci, level = result.model, result.ci_method, result.level
    if result.k == 1:
        return _("Single study (nothing pooled); {level}% CI: exact (Clopper–Pearson)").format(level=f"{100 * level:g}")
    if ci == "cp":  # the GLMM's fallback when every study has 0 (or all) events
        core = _("Common-effect binomial model (GLMM not estimable)")
    elif model == "glmm":
        core = _(result.method_label)  # the engine's: 'GLMM (binomial-normal, ML, 7-point AGQ)'
    else:
        scale = _("{transform} scale").format(transform=_phrase(PoolTransform, result.transform, lang))
        if model == "fe":
            core = _("Common effect (inverse variance, {scale})").format(scale=scale)
        else:
            core = _("Random effects (inverse variance, {scale}, τ² by {tau2})").format(
                scale=scale, tau2=_phrase(Tau2Method, result.tau2_method, lang))
    label = f"{core}; {interval_label(ci, level, model, lang)}"
    if result.fallback and result.k > 1:
        label += " " + _("[fallback: {fallback}]").format(fallback=result.fallback)
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
