"""Between-study variance (tau^2) estimators and the Q-profile interval.

Inverse-variance random-effects models need tau^2.  The estimators here are
the four metafor offers that reviewers ask for (DL, REML, PM, ML), all
truncated at 0 (statsmodels' DL is not, which gives negative weights on
sparse data).  Each works with an optional design matrix ``X`` so the same
code serves pooling (intercept only) and meta-regression.

All iterative estimators are solved to machine precision (REML/ML by Fisher
scoring to |delta| < 1e-12, PM by Brent's method), so they agree with
metafor run with a tight ``control=list(threshold=1e-12, tol=1e-12)``;
metafor's defaults stop earlier (threshold 1e-5, uniroot tol 1.2e-4).

References
----------
DerSimonian R, Laird N (1986) Control Clin Trials 7:177-188.
Paule RC, Mandel J (1982) J Res Natl Bur Stand 87:377-385.
Viechtbauer W (2005) J Educ Behav Stat 30:261-293.
Viechtbauer W (2007) Stat Med 26:37-52 (Q-profile CI).

Notes
-----
Validated against metafor 3.8 (``rma.uni`` method DL/REML/PM/ML, ``confint``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import special


def _optimize():
    """scipy.optimize, imported on first use: it is slow to load and plain GLMM pooling never needs it."""
    from scipy import optimize

    return optimize


TAU2_METHODS = ("DL", "REML", "PM", "ML")

_TOL = 1e-12
_MAXITER = 1000


@dataclass(frozen=True)
class WLSFit:
    """Weighted least squares pieces at a given tau^2 (internal)."""

    beta: np.ndarray
    vb: np.ndarray
    resid: np.ndarray
    w: np.ndarray
    tr_p: float
    tr_pp: float
    ypy: float
    yppy: float


def chi2_sf(q: float, df: int) -> float:
    """Upper tail of chi^2 (exact for whole df without importing SciPy: see analysis.special)."""
    return float(special.chdtrc(df, q))


def design(k: int, X: np.ndarray | None) -> np.ndarray:
    """Return ``X`` as a (k, p) matrix, the intercept column when None."""
    if X is None:
        return np.ones((k, 1))
    X = np.asarray(X, dtype=float)
    return X.reshape(k, -1)


def wls(y: np.ndarray, v: np.ndarray, tau2: float, X: np.ndarray | None = None) -> WLSFit:
    """Weighted least squares with weights 1/(v + tau2) and the traces of P.

    P = W - W X (X'WX)^-1 X'W is the matrix behind Q, REML and the I^2 of
    metafor; the intercept-only case uses closed forms for speed.
    """
    w = 1.0 / (v + tau2)
    if X is None or X.shape[1] == 1 and np.all(X == 1):
        sw = w.sum()
        mu = float(np.dot(w, y) / sw)
        r = y - mu
        sw2 = np.dot(w, w)
        tr_p = sw - sw2 / sw
        tr_pp = sw2 - 2 * np.dot(w * w, w) / sw + (sw2 / sw) ** 2
        wr = w * r
        return WLSFit(np.array([mu]), np.array([[1.0 / sw]]), r, w, tr_p, tr_pp,
                      float(np.dot(wr, r)), float(np.dot(wr, wr)))
    # QR of W^1/2 X: stable when a covariate is far from 0 (e.g. calendar
    # years), where forming (X'WX)^-1 loses digits of Q.
    sw = np.sqrt(w)
    Q, R = np.linalg.qr(X * sw[:, None])
    beta = np.linalg.solve(R, Q.T @ (sw * y))
    r_inv = np.linalg.inv(R)
    r = y - X @ beta
    wr = w * r  # = P y
    P = sw[:, None] * (np.eye(len(y)) - Q @ Q.T) * sw[None, :]
    return WLSFit(beta, r_inv @ r_inv.T, r, w, float(np.trace(P)), float(np.sum(P * P)),
                  float(np.dot(wr, r)), float(np.dot(wr, wr)))


def q_statistic(y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None) -> float:
    """Cochran's Q (residual heterogeneity with moderators)."""
    return wls(y, v, 0.0, X).ypy


def generalized_q(tau2: float, y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None) -> float:
    """Q computed with random-effects weights 1/(v + tau2) (decreasing in tau2)."""
    if X is None:  # hot path of PM and the Q-profile: skip the traces
        w = 1.0 / (v + tau2)
        r = y - np.dot(w, y) / w.sum()
        return float(np.dot(w * r, r))
    return wls(y, v, tau2, X).ypy


def tau2_dl(y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None) -> float:
    """DerSimonian-Laird moment estimator, truncated at 0."""
    fit = wls(y, v, 0.0, X)
    p = 1 if X is None else X.shape[1]
    df = len(y) - p
    if fit.tr_p <= 0:
        return 0.0
    return max(0.0, (fit.ypy - df) / fit.tr_p)


def _upper_bracket(fun, start: float) -> float:
    """Double ``hi`` until ``fun(hi) < 0`` (for decreasing functions)."""
    hi = max(start, 1.0)
    for _ in range(200):
        if fun(hi) < 0:
            return hi
        hi *= 2
    raise ArithmeticError("could not bracket the root")


def tau2_pm(y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None) -> float:
    """Paule-Mandel: root of Q(tau2) = k - p, 0 when Q(0) <= k - p."""
    p = 1 if X is None else X.shape[1]
    target = len(y) - p
    fun = lambda t2: generalized_q(t2, y, v, X) - target  # noqa: E731
    if target <= 0 or fun(0.0) <= 0:
        return 0.0
    hi = _upper_bracket(fun, float(np.var(y)))
    return float(_optimize().brentq(fun, 0.0, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=500))


def loglik(tau2: float, y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None,
           reml: bool = True) -> float:
    """(Restricted) log-likelihood of the normal random-effects model."""
    fit = wls(y, v, tau2, X)
    k = len(y)
    p = len(fit.beta)
    ll = -0.5 * (np.sum(np.log(v + tau2)) + fit.ypy)
    if reml:
        ll -= 0.5 * np.linalg.slogdet(np.linalg.inv(fit.vb))[1]
        return float(ll - 0.5 * (k - p) * np.log(2 * np.pi))
    return float(ll - 0.5 * k * np.log(2 * np.pi))


def _start_value(y: np.ndarray, v: np.ndarray, X: np.ndarray | None) -> float:
    """Hedges-type start (metafor's default initial value), at least 0."""
    Xd = design(len(y), X)
    p = Xd.shape[1]
    if len(y) <= p:
        return 0.0
    resid = y - Xd @ np.linalg.lstsq(Xd, y, rcond=None)[0]  # OLS
    return max(0.0, float(resid @ resid) / (len(y) - p) - float(np.mean(v)))


def _fisher_scoring(y: np.ndarray, v: np.ndarray, X: np.ndarray | None, reml: bool,
                    stepadj: float = 1.0, maxiter: int = _MAXITER) -> float | None:
    tau2 = _start_value(y, v, X)
    for _ in range(maxiter):
        fit = wls(y, v, tau2, X)
        if reml:
            step = (fit.yppy - fit.tr_p) / fit.tr_pp
        else:
            step = (fit.yppy - fit.w.sum()) / np.dot(fit.w, fit.w)
        new = max(0.0, tau2 + stepadj * step)
        if abs(new - tau2) < _TOL * max(1.0, tau2):
            return new
        tau2 = new
    return None


def tau2_likelihood(y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None,
                    reml: bool = True) -> float:
    """ML or REML estimate by Fisher scoring (metafor's algorithm), truncated at 0.

    Full Fisher steps can oscillate forever on sparse logit data (metafor
    then stops with "Fisher scoring algorithm did not converge"); like
    metafor's documented remedy ``control=list(stepadj=0.5)`` we retry with
    halved and quartered steps, and finally maximise the likelihood directly.
    """
    for stepadj, maxiter in ((1.0, 200), (0.5, _MAXITER), (0.25, 4 * _MAXITER)):
        tau2 = _fisher_scoring(y, v, X, reml, stepadj, maxiter)
        if tau2 is not None:
            return tau2
    hi = max(100.0, 10 * float(np.var(y)))
    res = _optimize().minimize_scalar(lambda t: -loglik(t, y, v, X, reml), bounds=(0.0, hi),
                                      method="bounded", options={"xatol": 1e-12})
    return float(res.x)


def estimate_tau2(y: np.ndarray, v: np.ndarray, method: str = "REML",
                  X: np.ndarray | None = None) -> float:
    """Dispatch to the tau^2 estimator named by ``method`` (DL, REML, PM, ML).

    Parameters
    ----------
    y, v : ndarray
        Effect sizes and sampling variances.
    method : {"DL", "REML", "PM", "ML"}
    X : ndarray, optional
        Design matrix (k, p); intercept only when None.

    Returns
    -------
    float
        tau^2 >= 0.
    """
    if method == "DL":
        return tau2_dl(y, v, X)
    if method == "PM":
        return tau2_pm(y, v, X)
    if method in ("REML", "ML"):
        return tau2_likelihood(y, v, X, reml=method == "REML")
    raise ValueError(f"unknown tau2_method {method!r}; expected one of {TAU2_METHODS}")


def q_profile_ci(y: np.ndarray, v: np.ndarray, level: float = 0.95,
                 X: np.ndarray | None = None) -> tuple[float, float]:
    """Q-profile confidence interval for tau^2 (Viechtbauer 2007).

    The bounds solve Q(tau2) = chi^2 quantiles with k - p df; a bound is 0
    when Q(0) already lies below its quantile, as in metafor's ``confint``.
    """
    p = 1 if X is None else X.shape[1]
    df = len(y) - p
    if df < 1:
        return (float("nan"), float("nan"))
    alpha = 1 - level
    from scipy.special import chdtri  # slow to import; only the Q-profile interval needs it

    q_hi = float(chdtri(df, alpha / 2))  # upper quantile: lower bound of tau2
    q_lo = float(chdtri(df, 1 - alpha / 2))  # lower quantile: upper bound of tau2
    q0 = generalized_q(0.0, y, v, X)

    def solve(target: float) -> float:
        if q0 <= target:
            return 0.0
        fun = lambda t2: generalized_q(t2, y, v, X) - target  # noqa: E731
        hi = _upper_bracket(fun, float(np.var(y)))
        return float(_optimize().brentq(fun, 0.0, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps))

    return solve(q_hi), solve(q_lo)


def i2_tau2_based(tau2: float, v: np.ndarray, X: np.ndarray | None = None) -> tuple[float, float]:
    """metafor/RevMan I^2 (percent) and H^2 from tau^2 and the typical variance.

    s^2 = (k - p) / tr(P) with P from the fixed-effect weights 1/v.
    """
    fit = wls(np.zeros_like(v), v, 0.0, X)
    p = len(fit.beta)
    s2 = (len(v) - p) / fit.tr_p
    return 100.0 * tau2 / (s2 + tau2), tau2 / s2 + 1.0
