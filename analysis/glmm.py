"""Binomial-normal GLMM (random-intercept logistic model) fitted by ML with AGQ.

For single proportions with few events the exact binomial likelihood avoids
continuity corrections and the bias of treating estimated variances as
known (Stijnen et al. 2010), which is why this is the default model.  The
fit reproduces metafor's ``rma.glmm(measure="PLO", method="ML", nAGQ=7)``,
which calls ``lme4::glmer``:

* model: x_i ~ Bin(n_i, expit(mu + tau u_i)), u_i ~ N(0, 1);
* each study's integral is computed by adaptive Gauss-Hermite quadrature
  with 7 nodes centred at the conditional mode of u_i, scaled by the
  curvature there (lme4's nAGQ = 7);
* (mu, tau) maximise the summed log marginal likelihood; the gradient is
  analytic (it includes the dependence of mode and scale on the parameters)
  so quasi-Newton converges to machine precision and a Newton polish
  follows; the tau = 0 boundary (the binomial GLM) is checked explicitly;
* SE(mu) comes from the inverse of the observed information of (mu, tau),
  as lme4's ``vcov`` does with its finite-difference Hessian; at tau = 0 it
  is the GLM standard error.

References
----------
Stijnen T, Hamza TH, Özdemir P (2010) Stat Med 29:3046-3067.
Hamza TH, van Houwelingen HC, Stijnen T (2008) J Clin Epidemiol 61:41-51.
Liu Q, Pierce DA (1994) Biometrika 81:624-629 (adaptive GH quadrature).
Bates D et al. (2015) J Stat Softw 67(1) (lme4).

Notes
-----
Validated against metafor 3.8 / lme4 1.1 (see ``tests/analysis``).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from numpy.polynomial.hermite_e import hermegauss

from . import special

N_AGQ = 7
#: tau beyond which the fit is declared divergent (tau^2 > 900 on the logit
#: scale): the likelihood then increases without bound as tau grows, which
#: happens when all but a few tiny studies have 0 or n events.
TAU_MAX = 30.0
#: Bounds on one maximisation (a fit normally takes 20 to 60 likelihood
#: evaluations and well under a second; extreme counts such as n ~ 2^53
#: otherwise made the optimiser run for hours).  Beyond either bound the fit
#: is reported as not converged and the caller falls back, saying so.
MAX_EVALS = 1000
MAX_SECONDS = 10.0
_NODES, _W = hermegauss(N_AGQ)
_LOGW = np.log(_W / np.sqrt(2 * np.pi)) + _NODES**2 / 2  # weights / phi(z)


@dataclass(frozen=True)
class GlmmFit:
    """Result of :func:`fit_glmm` on the logit scale.

    ``converged`` is False when the optimiser failed; the caller then falls
    back to an inverse-variance model and says so.
    """

    mu: float
    tau2: float
    se_mu: float
    loglik: float
    converged: bool
    boundary: bool
    message: str


def _h(x, n, mu, tau, u):
    """Log of the integrand in u (binomial kernel times N(0,1), no constants)."""
    eta = mu + tau * u
    return x * eta - n * np.logaddexp(0.0, eta) - 0.5 * u * u


def _modes(x: np.ndarray, n: np.ndarray, mu: float, tau: float,
           u0: np.ndarray | None = None) -> np.ndarray:
    """Conditional modes of u_i by damped Newton (lme4's PIRLS step).

    The log integrand is strictly concave in u, so Newton steps halved until
    the integrand does not decrease converge from any start; a warm start
    from the previous parameter value makes this a few steps.
    """
    u = np.zeros_like(x) if u0 is None else u0.copy()
    for _ in range(200):
        p = special.expit(mu + tau * u)
        step = (tau * (x - n * p) - u) / (tau * tau * n * p * (1 - p) + 1.0)
        if np.max(np.abs(step)) < 1e-11 * (1.0 + np.max(np.abs(u))):
            return u + step
        big = np.abs(step) > 0.1  # near the mode full Newton steps are safe
        if big.any():
            hu = _h(x, n, mu, tau, u)
            for _ in range(50):
                worse = big & (_h(x, n, mu, tau, u + step) < hu - 1e-12 * (1.0 + np.abs(hu)))
                if not worse.any():
                    break
                step = np.where(worse, 0.5 * step, step)
        u = u + step
    return u


class _OutOfBudget(Exception):
    """The maximisation used up :data:`MAX_EVALS` evaluations or :data:`MAX_SECONDS`."""


class _Objective:
    """Log-likelihood and gradient with warm-started conditional modes, within a budget."""

    def __init__(self, x: np.ndarray, n: np.ndarray) -> None:
        self.x, self.n = x, n
        self.u: np.ndarray | None = None
        self.evals = 0
        self.deadline = time.monotonic() + MAX_SECONDS

    def __call__(self, params: np.ndarray) -> tuple[float, np.ndarray]:
        if self.evals >= MAX_EVALS or time.monotonic() > self.deadline:
            raise _OutOfBudget
        self.evals += 1
        ll, g, self.u = _loglik_grad(params, self.x, self.n, self.u)
        return ll, g


def _agq_terms(x, n, mu, tau, u0=None):
    """Mode, scale and node log-integrands for all studies (k x nodes)."""
    uhat = _modes(x, n, mu, tau, u0)
    phat = special.expit(mu + tau * uhat)
    q = phat * (1 - phat)
    D = tau * tau * n * q + 1.0
    sigma = 1.0 / np.sqrt(D)
    u = uhat[:, None] + sigma[:, None] * _NODES[None, :]
    eta = mu + tau * u
    logf = x[:, None] * eta - n[:, None] * np.logaddexp(0.0, eta) - 0.5 * u * u
    return uhat, phat, q, D, sigma, u, eta, logf + _LOGW[None, :]


def _log_choose(x: np.ndarray, n: np.ndarray) -> np.ndarray:
    return special.gammaln(n + 1) - special.gammaln(x + 1) - special.gammaln(n - x + 1)


def loglik(params: np.ndarray, x: np.ndarray, n: np.ndarray) -> float:
    """AGQ(7) log marginal likelihood at (mu, tau), binomial constants included."""
    mu, tau = float(params[0]), float(params[1])
    _, _, _, _, sigma, _, _, a = _agq_terms(x, n, mu, tau)
    li = np.log(sigma) + special.logsumexp(a, axis=1)
    return float(np.sum(li + _log_choose(x, n)))


def loglik_grad(params: np.ndarray, x: np.ndarray, n: np.ndarray) -> tuple[float, np.ndarray]:
    """Log-likelihood and its exact gradient with respect to (mu, tau).

    The AGQ approximation depends on the parameters also through the mode
    and the curvature; both implicit derivatives are included, so the
    gradient is that of the function lme4 maximises, not an approximation.
    """
    ll, g, _ = _loglik_grad(params, x, n)
    return ll, g


def _loglik_grad(params, x, n, u0=None):
    """Core of :func:`loglik_grad`; also returns the modes for warm starts.

    """
    mu, tau = float(params[0]), float(params[1])
    uhat, phat, q, D, sigma, u, eta, a = _agq_terms(x, n, mu, tau, u0)
    lse = special.logsumexp(a, axis=1)
    pi = np.exp(a - lse[:, None])  # normalised node weights
    p = special.expit(eta)
    resid = x[:, None] - n[:, None] * p
    h_u = tau * resid - u
    # implicit derivatives of the mode: du/dtheta = h_u,theta / D
    du_dmu = -tau * n * q / D
    du_dtau = ((x - n * phat) - tau * uhat * n * q) / D
    dq = q * (1 - 2 * phat)
    dD_dmu = tau * tau * n * dq * (1 + tau * du_dmu)
    dD_dtau = 2 * tau * n * q + tau * tau * n * dq * (uhat + tau * du_dtau)
    dsig_dmu = -0.5 * dD_dmu / D**1.5
    dsig_dtau = -0.5 * dD_dtau / D**1.5
    z = _NODES[None, :]
    g_mu = -0.5 * dD_dmu / D + np.sum(pi * (resid + h_u * (du_dmu[:, None] + z * dsig_dmu[:, None])), axis=1)
    g_tau = -0.5 * dD_dtau / D + np.sum(
        pi * (u * resid + h_u * (du_dtau[:, None] + z * dsig_dtau[:, None])), axis=1
    )
    ll = float(np.sum(np.log(sigma) + lse + _log_choose(x, n)))
    return ll, np.array([g_mu.sum(), g_tau.sum()]), uhat


def _hessian(f: _Objective, theta: np.ndarray, h: float = 1e-5, central: bool = True) -> np.ndarray:
    """Hessian by finite differences of the analytic gradient."""
    H = np.empty((2, 2))
    g0 = None if central else f(theta)[1]
    for j in range(2):
        e = np.zeros(2)
        e[j] = h
        if central:
            H[:, j] = (f(theta + e)[1] - f(theta - e)[1]) / (2 * h)
        else:
            H[:, j] = (f(theta + e)[1] - g0) / h
    return 0.5 * (H + H.T)


def _boundary_fit(x: np.ndarray, n: np.ndarray) -> tuple[float, float, float]:
    """Binomial GLM (tau = 0): pooled logit, its SE and log-likelihood."""
    p = x.sum() / n.sum()
    mu = float(special.logit(p))
    se = float(1.0 / np.sqrt(n.sum() * p * (1 - p)))
    return mu, se, loglik(np.array([mu, 0.0]), x, n)


def _newton(f: _Objective, theta: np.ndarray, maxiter: int = 100) -> tuple[np.ndarray, bool]:
    """Damped Newton ascent; Levenberg shift when the Hessian is not negative definite."""
    ll, g = f(theta)
    for _ in range(maxiter):
        if np.max(np.abs(g)) < 1e-10:
            return theta, True
        H = _hessian(f, theta, central=False)
        shift = 0.0
        for _ in range(30):
            Hs = H - shift * np.eye(2)
            if np.all(np.linalg.eigvalsh(Hs) < 0):
                break
            shift = max(2 * shift, 1e-3 + np.max(np.linalg.eigvalsh(H)))
        step = -np.linalg.solve(Hs, g)
        step *= min(1.0, 2.0 / max(np.max(np.abs(step)), 1e-300))  # trust region
        for _ in range(40):
            ll_new, g_new = f(theta + step)
            if np.isfinite(ll_new) and ll_new >= ll - 1e-12 * abs(ll):
                break
            step = 0.5 * step
        else:
            return theta, False
        theta, ll, g = theta + step, ll_new, g_new
        if abs(theta[1]) > TAU_MAX:
            return theta, False
        if np.max(np.abs(step)) < 1e-13 and np.max(np.abs(g)) < 1e-6:
            return theta, True
    return theta, bool(np.max(np.abs(g)) < 1e-6)


def _bfgs(f: _Objective, start: np.ndarray) -> np.ndarray:
    """Quasi-Newton fallback when Newton fails (rare)."""
    from scipy import optimize  # imported only on this rare path: it is slow to load

    res = optimize.minimize(lambda th: tuple(-t for t in f(th)), start, jac=True,
                            method="BFGS", options={"gtol": 1e-9, "maxiter": 1000})
    return res.x


def _optimise(x: np.ndarray, n: np.ndarray, start: np.ndarray) -> tuple[np.ndarray, bool, _Objective]:
    f = _Objective(x, n)
    theta, ok = _newton(f, start)
    if not ok and abs(theta[1]) <= TAU_MAX:
        theta, ok = _newton(f, _bfgs(f, start))
    return theta, ok and bool(np.all(np.isfinite(theta))), f


def fit_glmm(events: np.ndarray, totals: np.ndarray, tau_start: float | None = None) -> GlmmFit:
    """Fit the binomial-normal random-intercept model by maximum likelihood.

    Parameters
    ----------
    events, totals : ndarray
        Validated counts with at least one event and one non-event overall
        (otherwise the ML estimate of mu is infinite and callers fall back).
    tau_start : float, optional
        Starting value of tau (default from the DL estimate on the logit
        scale, at least 0.3).

    Returns
    -------
    GlmmFit
        mu (logit), tau2, SE(mu), log-likelihood, convergence flags.
    """
    x = np.asarray(events, dtype=float)
    n = np.asarray(totals, dtype=float)
    mu_b, se_b, ll_b = _boundary_fit(x, n)
    if tau_start is None:
        tau_start = _default_tau_start(x, n)
    try:
        theta, ok, f = _optimise(x, n, np.array([mu_b, tau_start]))
        if not ok and abs(theta[1]) <= TAU_MAX:
            theta, ok, f = _optimise(x, n, np.array([mu_b, 3.0 * tau_start]))
    except _OutOfBudget:
        return GlmmFit(math.nan, math.nan, math.nan, math.nan, False, False,
                       f"maximisation of the marginal likelihood stopped without converging "
                       f"(limit of {MAX_EVALS} likelihood evaluations or {MAX_SECONDS:g} s)")
    ll_opt = loglik(theta, x, n) if ok else -np.inf
    tau = abs(float(theta[1]))
    if ok and (tau < 1e-5 or ll_b >= ll_opt):
        return GlmmFit(mu_b, 0.0, se_b, ll_b, True, True, "tau2 at the boundary 0 (binomial GLM)")
    if not ok:
        why = ("the likelihood keeps increasing with tau (no finite ML estimate)"
               if abs(theta[1]) > TAU_MAX else "maximisation of the marginal likelihood did not converge")
        return GlmmFit(math.nan, math.nan, math.nan, math.nan, False, False, why)
    theta = np.array([theta[0], tau])
    se = _se_mu(f, theta)
    return GlmmFit(float(theta[0]), tau * tau, se, ll_opt, bool(np.isfinite(se)), False,
                   f"converged after {f.evals} likelihood evaluations")


def _default_tau_start(x: np.ndarray, n: np.ndarray) -> float:
    """sqrt of the DL tau^2 on corrected logits, kept in [0.3, 3]."""
    c = np.where((x == 0) | (x == n), 0.5, 0.0)
    y = np.log((x + c) / (n - x + c))
    v = 1 / (x + c) + 1 / (n - x + c)
    w = 1 / v
    q = np.dot(w, (y - np.dot(w, y) / w.sum()) ** 2)
    denom = w.sum() - np.dot(w, w) / w.sum()
    tau2 = max(0.0, (q - (len(x) - 1)) / denom) if denom > 0 else 0.0
    return float(min(3.0, max(0.3, math.sqrt(tau2))))


def _se_mu(f: _Objective, theta: np.ndarray) -> float:
    """SE of mu from the inverse observed information of (mu, tau).

    lme4's ``vcov`` for nAGQ > 1 inverts the Hessian of the deviance in
    (theta, beta); the mu-block of the inverse does not depend on how tau is
    parametrised at an interior optimum.
    """
    info = -_hessian(f, theta, h=1e-5, central=True)
    try:
        if np.all(np.linalg.eigvalsh(info) > 0):
            return float(np.sqrt(np.linalg.inv(info)[0, 0]))
    except np.linalg.LinAlgError:
        pass
    return float(1.0 / np.sqrt(info[0, 0])) if info[0, 0] > 0 else math.nan


def wald_q(events: np.ndarray, totals: np.ndarray) -> float:
    """Wald-type heterogeneity Q of the saturated binomial model (metafor ``QE.Wld``).

    Studies with 0 or n events have an infinite saturated logit with zero
    information and contribute nothing (glm in R gives them a weight of
    ~1e-9); the others enter with weight x(n - x)/n.
    """
    x = np.asarray(events, dtype=float)
    n = np.asarray(totals, dtype=float)
    inner = (x > 0) & (x < n)
    if inner.sum() < 2:
        return 0.0
    xi, ni = x[inner], n[inner]
    y = np.log(xi / (ni - xi))
    w = xi * (ni - xi) / ni
    mu = np.dot(w, y) / w.sum()
    return float(np.dot(w, (y - mu) ** 2))


def lrt_q(events: np.ndarray, totals: np.ndarray) -> float:
    """Likelihood-ratio heterogeneity statistic (metafor ``QE.LRT``)."""
    x = np.asarray(events, dtype=float)
    n = np.asarray(totals, dtype=float)
    pbar = x.sum() / n.sum()
    ll_sat = np.sum(special.xlogy(x, x / n) + special.xlogy(n - x, 1 - x / n))
    ll_fe = np.sum(special.xlogy(x, pbar) + special.xlogy(n - x, 1 - pbar))
    return float(max(0.0, 2 * (ll_sat - ll_fe)))
