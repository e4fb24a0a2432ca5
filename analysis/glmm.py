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

from dataclasses import dataclass

import numpy as np
from numpy.polynomial.hermite_e import hermegauss
from scipy import optimize, special

N_AGQ = 7
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


def _modes(x: np.ndarray, n: np.ndarray, mu: float, tau: float) -> np.ndarray:
    """Conditional modes of u_i: safeguarded Newton on a decreasing score.

    The score tau (x - n p) - u is strictly decreasing, its root lies in
    [-|tau| n - 1, |tau| n + 1]; Newton steps that leave the current bracket
    are replaced by bisection, so the iteration cannot cycle (plain Newton
    does for studies far from the pooled rate when tau is large).
    """
    bound = abs(tau) * n + 1.0
    lo, hi = -bound, bound.copy()
    u = np.zeros_like(x)
    for _ in range(200):
        p = special.expit(mu + tau * u)
        g = tau * (x - n * p) - u
        lo = np.where(g > 0, u, lo)
        hi = np.where(g > 0, hi, u)
        new = u + g / (tau * tau * n * p * (1 - p) + 1.0)
        outside = (new <= lo) | (new >= hi)
        new = np.where(outside, 0.5 * (lo + hi), new)
        done = np.max(np.abs(new - u)) < 1e-12 * (1.0 + np.max(np.abs(u)))
        u = new
        if done:
            break
    return u


def _agq_terms(x, n, mu, tau):
    """Mode, scale and node log-integrands for all studies (k x nodes)."""
    uhat = _modes(x, n, mu, tau)
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
    mu, tau = float(params[0]), float(params[1])
    uhat, phat, q, D, sigma, u, eta, a = _agq_terms(x, n, mu, tau)
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
    return ll, np.array([g_mu.sum(), g_tau.sum()])


def _hessian(params: np.ndarray, x: np.ndarray, n: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Hessian by central differences of the analytic gradient."""
    H = np.empty((2, 2))
    for j in range(2):
        e = np.zeros(2)
        e[j] = h
        H[:, j] = (loglik_grad(params + e, x, n)[1] - loglik_grad(params - e, x, n)[1]) / (2 * h)
    return 0.5 * (H + H.T)


def _boundary_fit(x: np.ndarray, n: np.ndarray) -> tuple[float, float, float]:
    """Binomial GLM (tau = 0): pooled logit, its SE and log-likelihood."""
    p = x.sum() / n.sum()
    mu = float(special.logit(p))
    se = float(1.0 / np.sqrt(n.sum() * p * (1 - p)))
    return mu, se, loglik(np.array([mu, 0.0]), x, n)


def _optimise(x: np.ndarray, n: np.ndarray, start: np.ndarray) -> tuple[np.ndarray, bool, str]:
    fun = lambda th: tuple(-t for t in loglik_grad(th, x, n))  # noqa: E731
    res = optimize.minimize(fun, start, jac=True, method="BFGS", options={"gtol": 1e-9, "maxiter": 500})
    theta = res.x
    for _ in range(20):  # Newton polish
        _, g = loglik_grad(theta, x, n)
        if np.max(np.abs(g)) < 1e-10:
            break
        H = _hessian(theta, x, n)
        try:
            step = np.linalg.solve(H, g)
        except np.linalg.LinAlgError:
            break
        if not np.all(np.isfinite(step)) or np.max(np.abs(step)) > 1.0:
            break
        theta = theta - step
    _, g = loglik_grad(theta, x, n)
    ok = bool(np.all(np.isfinite(theta)) and np.max(np.abs(g)) < 1e-5)
    return theta, ok, str(res.message)


def fit_glmm(events: np.ndarray, totals: np.ndarray, tau_start: float = 1.0) -> GlmmFit:
    """Fit the binomial-normal random-intercept model by maximum likelihood.

    Parameters
    ----------
    events, totals : ndarray
        Validated counts; at least one event and one non-event overall
        (otherwise the ML estimate of mu is infinite and callers fall back).
    tau_start : float
        Starting value of tau for the optimiser.

    Returns
    -------
    GlmmFit
        mu (logit), tau2, SE(mu), log-likelihood, convergence flags.
    """
    x = np.asarray(events, dtype=float)
    n = np.asarray(totals, dtype=float)
    mu_b, se_b, ll_b = _boundary_fit(x, n)
    theta, ok, msg = _optimise(x, n, np.array([mu_b, tau_start]))
    ll_opt = loglik(theta, x, n) if ok else -np.inf
    if not ok:
        # a second start guards against a poor first start
        theta, ok, msg = _optimise(x, n, np.array([mu_b, 0.3]))
        ll_opt = loglik(theta, x, n) if ok else -np.inf
    tau = abs(float(theta[1]))
    if ok and (tau < 1e-5 or ll_b >= ll_opt):
        return GlmmFit(mu_b, 0.0, se_b, ll_b, True, True, "tau2 at the boundary 0 (binomial GLM)")
    if not ok:
        return GlmmFit(float("nan"), float("nan"), float("nan"), float("nan"), False, False, msg)
    theta = np.array([theta[0], tau])
    se = _se_mu(theta, x, n)
    return GlmmFit(float(theta[0]), tau * tau, se, ll_opt, bool(np.isfinite(se)), False, msg)


def _se_mu(theta: np.ndarray, x: np.ndarray, n: np.ndarray) -> float:
    """SE of mu from the inverse observed information of (mu, tau)."""
    info = -_hessian(theta, x, n)
    try:
        if np.all(np.linalg.eigvalsh(info) > 0):
            return float(np.sqrt(np.linalg.inv(info)[0, 0]))
    except np.linalg.LinAlgError:
        pass
    return float(1.0 / np.sqrt(info[0, 0])) if info[0, 0] > 0 else float("nan")


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
