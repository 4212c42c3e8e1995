"""Logistic regression by Newton's method and its average marginal effects (delta method).

The engine's third model beside least squares and Poisson: same design handling (intercept
added, collinear columns judged once on the unweighted design and dropped) and the same
covariance specs (the score of observation i is x_i (y_i − p_i), the bread (X'WX)⁻¹).
"""

from __future__ import annotations

import numpy as np
from scipy import special

from bip.analysis.estimation.covariance import CR2, CovarianceSpec, Iid, covariance
from bip.analysis.estimation.design import as_matrix, check_rows
from bip.analysis.estimation.errors import ConvergenceError, EmptyDesignError, EstimationError
from bip.analysis.estimation.results import Fit
from bip.analysis.estimation.solve import normal_equations

__all__ = ["average_marginal_effects", "logit", "logit_newton"]


def _deviance(y: np.ndarray, eta: np.ndarray) -> float:
    # -2 log-likelihood, computed stably from the linear predictor
    return float(2 * (np.logaddexp(0.0, eta) - y * eta).sum())


def logit_newton(
    y: np.ndarray, X: np.ndarray, *, start=None, maxit: int = 50, tol: float = 1e-10
) -> tuple[np.ndarray, np.ndarray, float]:
    """(coef, fitted probabilities, deviance) of the logit of ``y`` on the full-rank ``X``.

    Newton steps, halved while they raise the deviance; stops when the deviance changes by less
    than ``tol`` relative to 0.1 + deviance (the glm.fit rule).
    ``start`` (e.g. the estimate on a larger sample) saves iterations.
    """
    beta = np.zeros(X.shape[1]) if start is None else np.asarray(start, dtype=float).copy()
    eta = X @ beta
    dev = _deviance(y, eta)
    for _ in range(maxit):
        p = special.expit(eta)
        w = p * (1 - p)
        gram = (X * w[:, None]).T @ X
        sol = normal_equations(gram, X.T @ (y - p))
        # A column whose rows all have p near 0 or 1 (quasi-separation, e.g. a rare dummy in
        # a cross-validation fold) may drop out of the weighted sweep: it keeps its value.
        # Its estimate runs off to infinity while the deviance settles, so the deviance rule
        # ends the iterations (Newton's quadratic convergence leaves the others exact).
        step = np.zeros(X.shape[1])
        step[sol.keep] = sol.coef
        for _half in range(30):
            new_eta = X @ (beta + step)
            new_dev = _deviance(y, new_eta)
            if new_dev <= dev * (1 + 1e-12) + 1e-12:
                break
            step = step / 2
        beta, eta = beta + step, new_eta
        change = abs(new_dev - dev) / (0.1 + abs(new_dev))
        dev = new_dev
        if change < tol:
            return beta, special.expit(eta), dev
    raise ConvergenceError(
        f"logit iterations did not converge in {maxit} steps; check for regressors that "
        "separate the outcomes perfectly"
    )


def logit(
    y,
    X,
    *,
    names=None,
    covariance: CovarianceSpec | None = None,
    maxit: int = 50,
    tol: float = 1e-10,
) -> Fit:
    """Logit (maximum likelihood) of a 0/1 ``y`` on ``X`` with an intercept added.

    ``covariance`` defaults to :class:`Iid` (the inverse information); :class:`Clustered`
    gives the CR1 sandwich G/(G − 1)·(N − 1)/(N − K) · B (Σ_g s_g s_g') B with the scores
    s_g = Σ_{i∈g} x_i (y_i − p_i), which is statsmodels' ``cov_type="cluster"``. ``fitted``
    holds the probabilities, ``resid`` y − p, ``deviance`` −2 log-likelihood.
    """
    spec = Iid() if covariance is None else covariance
    if isinstance(spec, CR2):
        raise EstimationError("CR2 is for least squares; use Clustered(...) with logit")
    yv = np.asarray(y, dtype=float)
    check_rows(len(yv))
    if not np.isin(yv, (0.0, 1.0)).all():
        raise EstimationError("logit needs a 0/1 outcome; recode it or drop the missing rows")
    if yv.min() == yv.max():
        raise EmptyDesignError("logit needs both outcomes; the sample has only one")
    Xv, cols = as_matrix(X, names, intercept=True)
    keep = normal_equations(Xv.T @ Xv, np.zeros(Xv.shape[1])).keep
    dropped = tuple(cols[j] for j in range(len(cols)) if j not in set(keep))
    Xv = Xv[:, keep]
    beta, p, dev = logit_newton(yv, Xv, maxit=maxit, tol=tol)
    w = p * (1 - p)
    bread = normal_equations((Xv * w[:, None]).T @ Xv, np.zeros(len(beta))).bread
    n, k = len(yv), len(beta)
    V, g, df = covariance_of(spec, bread, Xv, yv - p, n, k)
    return Fit(
        names=tuple(cols[j] for j in keep),
        coef=beta,
        vcov=V,
        covariance=spec,
        n_obs=n,
        n_clusters=g,
        n_params=k,
        df=df,
        bread=bread,
        dropped=dropped,
        resid=yv - p,
        fitted=p,
        deviance=dev,
    )


def covariance_of(spec, bread, X, u, n, k):
    """The engine's covariance with the logit's dispersion (1) for :class:`Iid`."""
    return covariance(spec, bread, X, u, n=n, k=k, dispersion=1.0)


def average_marginal_effects(fit: Fit, X, names=None) -> tuple[np.ndarray, np.ndarray]:
    """(AME, covariance) of every slope of a :func:`logit` fit on the same regressors ``X``.

    AME_j = β_j · mean p(1 − p), every regressor treated as continuous (statsmodels'
    ``get_margeff(at="overall", method="dydx")``); the covariance is J V J' with
    J_jk = δ_jk mean p(1 − p) + β_j mean[p(1 − p)(1 − 2p) x_k] (the delta method). Returned in
    the order of ``fit.names`` without the intercept.
    """
    Xv, cols = as_matrix(X, names, intercept=True)
    pos = [cols.index(c) for c in fit.names]
    Xv = Xv[:, pos]
    p = special.expit(Xv @ fit.coef)
    w = p * (1 - p)
    slopes = np.array([c != "(Intercept)" for c in fit.names])
    mean_w = float(w.mean())
    ame = fit.coef * mean_w
    # d mean w / d beta_k = mean[w (1 - 2p) x_k]
    grad = (w * (1 - 2 * p)) @ Xv / len(p)
    J = mean_w * np.eye(len(fit.coef)) + np.outer(fit.coef, grad)
    V = J @ fit.vcov @ J.T
    return ame[slopes], V[np.ix_(slopes, slopes)]
