"""Meta-analysis of single proportions: the ``pool_proportions`` entry point.

Two families of models, chosen by ``model``:

* ``"glmm"`` (default): binomial-normal random-intercept logistic model by
  ML with 7-point adaptive Gauss-Hermite quadrature, as metafor's
  ``rma.glmm(measure="PLO")`` and meta::metaprop's default.  Exact binomial
  likelihood, so no continuity correction touches the estimate.
* ``"re"`` / ``"fe"``: two-step inverse-variance models on a transformed
  scale (logit, Freeman-Tukey, arcsine, raw) as ``rma.uni``; tau^2 by DL,
  REML (default), PM or ML, always >= 0; CI by z, Hartung-Knapp-Sidik-
  Jonkman or its ad hoc variant that never narrows the z interval.

Prediction intervals follow metafor's ``predict``: mu +- crit *
sqrt(SE^2 + tau^2) on the model scale, crit the normal quantile with a z
CI and t(k-1) with Hartung-Knapp (the SE then being the HK one), then
back-transformed.

Validated against metafor 3.8 on 45 reference datasets (see
``tests/analysis/reference``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from . import special
from .glmm import fit_glmm, lrt_q, wald_q
from .proportions import (
    CORRECTION_RULES,
    STUDY_CI_METHODS,
    TRANSFORMS,
    back_transform,
    continuity_correct,
    study_ci,
    transform_arrays,
    validate_counts,
)
from .results import PoolResult, StudyEstimate
from .tau2 import TAU2_METHODS, chi2_sf, estimate_tau2, i2_tau2_based, q_profile_ci, q_statistic, wls

MODELS = ("glmm", "re", "fe")
CI_METHODS = ("z", "hk", "hk-adhoc")

GLMM_LABEL = "GLMM (binomial-normal, ML, 7-point AGQ)"
FT_WARNING = (
    "Freeman-Tukey back-transform uses the harmonic mean of the study sizes "
    "(Miller 1978); with unequal sizes it can misstate the pooled proportion "
    "(Schwarzer et al. 2019; Röver & Friede 2022). Prefer the GLMM or logit."
)
_TRANSFORM_NAMES = {"logit": "logit", "ft": "Freeman-Tukey double arcsine",
                    "arcsine": "arcsine", "raw": "raw proportion"}
_CI_NAMES = {"z": "z", "hk": "Hartung-Knapp", "hk-adhoc": "Hartung-Knapp ad hoc"}


def _check_options(model: str, transform: str, tau2_method: str, ci: str, level: float,
                   to: str, add: float, study_ci_method: str) -> None:
    choices = [("model", model, MODELS), ("transform", transform, TRANSFORMS),
               ("tau2_method", tau2_method, TAU2_METHODS), ("ci", ci, CI_METHODS),
               ("to", to, CORRECTION_RULES), ("study_ci_method", study_ci_method, STUDY_CI_METHODS)]
    for name, value, allowed in choices:
        if value not in allowed:
            raise ValueError(f"unknown {name} {value!r}; expected one of {', '.join(allowed)}")
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level!r}")
    if add < 0:
        raise ValueError(f"add must be >= 0, got {add!r}")


def _crit(ci: str, level: float, df: int) -> tuple[float, int | None]:
    """Critical value and its df (None for the normal quantile)."""
    if ci == "z":
        return float(special.ndtri(0.5 + level / 2)), None
    from scipy.special import stdtrit  # slow to import; only the t-based intervals need it

    return float(stdtrit(df, 0.5 + level / 2)), df


def _i2_q(q: float, df: int) -> float:
    """Higgins-Thompson I^2 (percent) from Q, as meta reports it."""
    return 100.0 * max(0.0, (q - df) / q) if q > 0 else 0.0


def _studies(x, n, labels, lo, hi, weights, y, v) -> tuple[StudyEstimate, ...]:
    return tuple(
        StudyEstimate(labels[i], int(x[i]), int(n[i]), float(x[i] / n[i]), float(lo[i]),
                      float(hi[i]), None if weights is None else float(weights[i]),
                      float(y[i]), float(v[i]))
        for i in range(len(x))
    )


def _correction_note(x, n, transform, add, to) -> tuple[str, ...]:
    if transform not in ("logit", "raw"):
        return ()
    _, _, mask = continuity_correct(x, n, add, to)
    if not mask.any():
        return ()
    return (f"{add:g} added to events and non-events of {int(mask.sum())} "
            f"stud{'y' if mask.sum() == 1 else 'ies'} (rule {to!r}) on the {transform} scale",)


def _to_prop(values: Sequence[float | None], transform: str, n: np.ndarray) -> list[float | None]:
    """Back-transform, keeping None, clipping the raw scale to [0, 1]."""
    out: list[float | None] = []
    for val in values:
        if val is None:
            out.append(None)
            continue
        p = float(back_transform(val, transform, n))
        out.append(min(1.0, max(0.0, p)) if transform == "raw" else p)
    return out


def pool_proportions(
    events: Sequence[float],
    totals: Sequence[float],
    *,
    labels: Sequence[str] | None = None,
    model: str = "glmm",
    transform: str = "logit",
    tau2_method: str = "REML",
    ci: str = "z",
    level: float = 0.95,
    add: float = 0.5,
    to: str = "only0",
    study_ci_method: str = "cp",
    prediction: bool = True,
) -> PoolResult:
    """Pool single proportions (e.g. remission or CRS rates) across studies.

    Parameters
    ----------
    events, totals : sequence of int
        Events and patients per study.
    labels : sequence of str, optional
        Study labels (default "1".."k").
    model : {"glmm", "re", "fe"}
        Binomial-normal GLMM (default; recommended for sparse data), random
        effects or common effect inverse-variance model.
    transform : {"logit", "ft", "arcsine", "raw"}
        Scale of the inverse-variance models (ignored by the GLMM, which is
        logit).  ``"ft"`` adds a warning note.
    tau2_method : {"DL", "REML", "PM", "ML"}
        Estimator of tau^2 for ``model="re"``; always truncated at 0.
    ci : {"z", "hk", "hk-adhoc"}
        Wald z interval, Hartung-Knapp-Sidik-Jonkman (metafor
        ``test="knha"``) or its ad hoc version q* = max(1, q) (metafor
        ``test="adhoc"``).  For the GLMM both HK options give t(k-1) with
        the unmodified SE (metafor ``test="t"``, meta's "HK" for GLMMs).
    level : float
        Confidence level of CIs and the prediction interval.
    add, to : float, str
        Continuity correction for logit/raw (metafor ``add``/``to``).  For
        the GLMM it only feeds I^2's typical within-study variance, exactly
        as in metafor.
    study_ci_method : {"cp", "wilson"}
        Study-level CIs (Clopper-Pearson default).
    prediction : bool
        Compute the prediction interval (not for the common-effect model,
        for which metafor gives none).

    Returns
    -------
    PoolResult

    Raises
    ------
    ValueError
        Bad counts (message names the study) or unknown options.

    References
    ----------
    Stijnen T et al. (2010) Stat Med 29:3046-3067.
    Viechtbauer W (2010) J Stat Softw 36(3).
    Hartung J, Knapp G (2001) Stat Med 20:3875-3889; Knapp G, Hartung J
    (2003) Stat Med 22:2693-2710; Röver C et al. (2015) BMC MRM 15:99.
    Higgins JPT, Thompson SG, Spiegelhalter DJ (2009) JRSS-A 172:137-159.

    Notes
    -----
    Validated against metafor 3.8: inverse-variance results to <= 1e-6
    relative, GLMM to <= 1e-4 on the proportion and 1e-3 on tau^2.

    Examples
    --------
    >>> r = pool_proportions([0, 0, 1, 0, 2, 0, 1], [3, 6, 10, 4, 20, 12, 9])
    >>> round(r.estimate, 4)
    0.0625
    """
    _check_options(model, transform, tau2_method, ci, level, to, add, study_ci_method)
    x, n, labs = validate_counts(events, totals, labels)
    lo, hi = study_ci(x, n, study_ci_method, level)
    opts = dict(model=model, transform=transform, tau2_method=tau2_method, ci=ci, level=level,
                add=add, to=to, prediction=prediction)
    if len(x) == 1:
        return _single_study(x, n, labs, lo, hi, opts)
    if model == "glmm":
        return _pool_glmm(x, n, labs, lo, hi, opts)
    return _pool_iv(x, n, labs, lo, hi, opts)


def _single_study(x, n, labs, lo, hi, opts) -> PoolResult:
    """k = 1: nothing to pool; report the study with its own CI."""
    tr = "logit" if opts["model"] == "glmm" else opts["transform"]
    y, v = transform_arrays(x, n, tr, opts["add"], opts["to"])
    return PoolResult(
        k=1, estimate=float(x[0] / n[0]), ci_low=float(lo[0]), ci_high=float(hi[0]),
        pi_low=None, pi_high=None, pi_df=None, tau2=None, tau=None,
        tau2_ci_low=None, tau2_ci_high=None, i2=None, i2_q=None, h2=None,
        q=None, q_df=0, q_p=None, model=opts["model"], transform=tr,
        tau2_method=None, ci_method=opts["ci"], level=opts["level"],
        method_label="Single study (nothing pooled)", converged=True, fallback="single study",
        notes=("k = 1: the study itself is shown with its exact CI; nothing is pooled.",),
        studies=_studies(x, n, labs, lo, hi, np.array([100.0]), y, v),
        estimate_t=float(y[0]), se_t=float(math.sqrt(v[0])),
    )


def _pool_iv(x, n, labs, lo, hi, opts, notes: tuple[str, ...] = (),
             fallback: str | None = None, converged: bool = True) -> PoolResult:
    """Two-step inverse-variance model (metafor ``rma.uni``)."""
    model, tr, ci, level = opts["model"], opts["transform"], opts["ci"], opts["level"]
    k = len(x)
    y, v = transform_arrays(x, n, tr, opts["add"], opts["to"])
    q = q_statistic(y, v)
    tau2 = 0.0 if model == "fe" else estimate_tau2(y, v, opts["tau2_method"])
    fit = wls(y, v, tau2)
    mu, se = float(fit.beta[0]), float(math.sqrt(fit.vb[0, 0]))
    se_ci = se
    if ci != "z":
        s2w = fit.ypy / (k - 1)
        se_ci = se * math.sqrt(max(1.0, s2w) if ci == "hk-adhoc" else s2w)
    crit, df = _crit(ci, level, k - 1)
    ci_t = (mu - crit * se_ci, mu + crit * se_ci)
    pi_t: tuple[float | None, float | None] = (None, None)
    if opts["prediction"] and model == "re":
        half = crit * math.sqrt(se_ci**2 + tau2)
        pi_t = (mu - half, mu + half)
    if model == "re":
        i2, h2 = i2_tau2_based(tau2, v)
        tau2_ci = q_profile_ci(y, v, level)
    else:  # metafor reports the Q-based I^2 for equal-effects models
        i2, h2, tau2_ci = _i2_q(q, k - 1), q / (k - 1), (None, None)
    est, c_lo, c_hi, p_lo, p_hi = _to_prop([mu, *ci_t, *pi_t], tr, n)
    weights = 100 * fit.w / fit.w.sum()
    extra_notes = _correction_note(x, n, tr, opts["add"], opts["to"])
    if tr == "ft":
        extra_notes += (FT_WARNING,)
    return PoolResult(
        k=k, estimate=est, ci_low=c_lo, ci_high=c_hi, pi_low=p_lo, pi_high=p_hi,
        pi_df=df if pi_t[0] is not None else None,
        tau2=tau2, tau=math.sqrt(tau2), tau2_ci_low=tau2_ci[0], tau2_ci_high=tau2_ci[1],
        i2=i2, i2_q=_i2_q(q, k - 1), h2=h2, q=q, q_df=k - 1,
        q_p=chi2_sf(q, k - 1), model=model, transform=tr,
        tau2_method=opts["tau2_method"] if model == "re" else None, ci_method=ci, level=level,
        method_label=_iv_label(model, tr, opts["tau2_method"], ci),
        converged=converged, fallback=fallback, notes=notes + extra_notes,
        studies=_studies(x, n, labs, lo, hi, weights, y, v), estimate_t=mu, se_t=se_ci,
        ci_low_t=ci_t[0], ci_high_t=ci_t[1], pi_low_t=pi_t[0], pi_high_t=pi_t[1], ci_df=df,
        extra={"se_t_wald": se},
    )


def _glmm_label(ci: str) -> str:
    """The label names every option that changes a number: the CI method when it is not z."""
    return GLMM_LABEL if ci == "z" else f"{GLMM_LABEL[:-1]}, {_CI_NAMES[ci]} CI)"


def _iv_label(model: str, tr: str, tau2_method: str, ci: str) -> str:
    scale = _TRANSFORM_NAMES[tr]
    if model == "fe":
        return f"Common effect (inverse variance, {scale}, {_CI_NAMES[ci]} CI)"
    return f"Random effects (inverse variance, {scale}, {tau2_method}, {_CI_NAMES[ci]} CI)"


def _pool_glmm(x, n, labs, lo, hi, opts) -> PoolResult:
    """GLMM with its documented fallbacks."""
    total_x, total_n = x.sum(), n.sum()
    if total_x == 0 or total_x == total_n:
        return _binomial_fallback(x, n, labs, lo, hi, opts)
    fit = fit_glmm(x, n)
    if not fit.converged:
        iv = dict(opts, model="re", transform="logit", tau2_method="REML")
        note = (f"GLMM did not converge ({fit.message}); logit random-effects (REML) shown instead.",)
        return _pool_iv(x, n, labs, lo, hi, iv, notes=note,
                        fallback="logit-REML (GLMM did not converge)", converged=False)
    return _glmm_result(x, n, labs, lo, hi, opts, fit)


def _glmm_result(x, n, labs, lo, hi, opts, fit) -> PoolResult:
    k, ci, level = len(x), opts["ci"], opts["level"]
    crit, df = _crit(ci, level, k - 1)
    ci_t = (fit.mu - crit * fit.se_mu, fit.mu + crit * fit.se_mu)
    pi_t: tuple[float | None, float | None] = (None, None)
    if opts["prediction"]:
        half = crit * math.sqrt(fit.se_mu**2 + fit.tau2)
        pi_t = (fit.mu - half, fit.mu + half)
    y, v = transform_arrays(x, n, "logit", opts["add"], opts["to"])
    i2, h2 = i2_tau2_based(fit.tau2, v)
    q, q_lrt = wald_q(x, n), lrt_q(x, n)
    est, c_lo, c_hi, p_lo, p_hi = _to_prop([fit.mu, *ci_t, *pi_t], "logit", n)
    w = 1.0 / (v + fit.tau2)
    notes = ["Pooled value is expit(mu), the median study-level proportion; the "
             "population-averaged proportion is in extra['population_averaged'].",
             "Study weights are approximate (inverse-variance logit weights at the GLMM τ²); "
             "the GLMM itself has no study weights.",
             "I² uses the typical within-study variance of the continuity-corrected logits, as metafor."]
    if ci != "z":
        notes.append("Hartung-Knapp is not defined for the GLMM: t(k-1) quantile with the "
                     "model SE is used (metafor test='t').")
    if fit.boundary:
        notes.append("τ² estimated at 0: the fit equals the common-effect binomial model.")
    return PoolResult(
        k=k, estimate=est, ci_low=c_lo, ci_high=c_hi, pi_low=p_lo, pi_high=p_hi,
        pi_df=df if pi_t[0] is not None else None, tau2=fit.tau2, tau=math.sqrt(fit.tau2),
        tau2_ci_low=None, tau2_ci_high=None, i2=i2, i2_q=_i2_q(q, k - 1), h2=h2,
        q=q, q_df=k - 1, q_p=chi2_sf(q, k - 1), model="glmm", transform="logit",
        tau2_method="ML", ci_method=ci, level=level, method_label=_glmm_label(ci),
        converged=True, fallback=None, notes=tuple(notes),
        studies=_studies(x, n, labs, lo, hi, 100 * w / w.sum(), y, v),
        estimate_t=fit.mu, se_t=fit.se_mu, ci_low_t=ci_t[0], ci_high_t=ci_t[1],
        pi_low_t=pi_t[0], pi_high_t=pi_t[1], ci_df=df,
        q_lrt=q_lrt, q_lrt_p=chi2_sf(q_lrt, k - 1),
        extra={"population_averaged": population_averaged(fit.mu, fit.tau2),
               "loglik": fit.loglik},
    )


def population_averaged(mu: float, tau2: float) -> float:
    """Marginal mean proportion E[expit(mu + tau u)] (Lin & Chu 2020)."""
    z, w = np.polynomial.hermite_e.hermegauss(40)
    return float(np.dot(w, special.expit(mu + math.sqrt(tau2) * z)) / math.sqrt(2 * math.pi))


def _binomial_fallback(x, n, labs, lo, hi, opts) -> PoolResult:
    """All studies 0 events (or all events): common-effect binomial model."""
    k, level = len(x), opts["level"]
    total_x, total_n = x.sum(), n.sum()
    p = float(total_x / total_n)
    p_lo, p_hi = study_ci([total_x], [total_n], "cp", level)
    what = "0 events" if total_x == 0 else "all patients with events"
    y, v = transform_arrays(x, n, "logit", opts["add"], opts["to"])
    return PoolResult(
        k=k, estimate=p, ci_low=float(p_lo[0]), ci_high=float(p_hi[0]),
        pi_low=None, pi_high=None, pi_df=None, tau2=None, tau=None,
        tau2_ci_low=None, tau2_ci_high=None, i2=None, i2_q=None, h2=None,
        q=0.0, q_df=k - 1, q_p=1.0, model="glmm", transform="logit", tau2_method=None,
        ci_method="cp", level=level,
        method_label="Common-effect binomial model (GLMM not estimable), exact CI",
        converged=False, fallback=f"common-effect binomial (every study has {what})",
        notes=(f"Every study has {what}: no random-effects GLMM is estimable (metafor's rma.glmm "
               "errors). Pooled proportion is total events / total patients with a "
               "Clopper-Pearson CI; no τ² or prediction interval.",),
        studies=_studies(x, n, labs, lo, hi, 100 * n / total_n, y, v),
        estimate_t=float(special.logit(p)), se_t=math.inf,
    )
