"""Solvers: least squares from the normal equations, Poisson and logit by IRLS.

K is small and N may be millions, so both work from the cross-product matrix (one BLAS pass
over the data) rather than a QR of the N × K design. The cross products are equilibrated
(scaled to a unit diagonal) before the collinearity sweep and the Cholesky factorisation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg

from bip.analysis.estimation.design import SortedGroups
from bip.analysis.estimation.errors import (
    CollinearityError,
    ConvergenceError,
    EmptyDesignError,
)

# A column is collinear when the share of its sum of squares left after projecting it on the
# earlier kept columns is at most this (pyfixest's collin_tol default).
COLLINEARITY_TOL = 1e-9


def independent_columns(
    gram: np.ndarray, *, tol: float = COLLINEARITY_TOL, raw_ss: np.ndarray | None = None
) -> np.ndarray:
    """Indices of the columns kept by a sequential Cholesky sweep of ``X'X``, earliest first.

    A column is dropped when it is zero, when its residual sum of squares on the columns kept
    before it is at most ``tol`` times its own, or (absorbed designs, ``raw_ss`` the sums of
    squares before demeaning) when demeaning left at most ``tol`` of its sum of squares.
    """
    d_all = np.diag(gram).copy()
    k = gram.shape[0]
    keep: list[int] = []
    chol = np.zeros((k, k))
    for j in range(k):
        d = d_all[j]
        if d <= 0 or (raw_ss is not None and d <= tol * raw_ss[j]):
            continue
        if keep:
            m = len(keep)
            v = linalg.solve_triangular(chol[:m, :m], gram[keep, j], lower=True)
            r = d - v @ v
        else:
            v, r = np.zeros(0), d
        if r <= tol * d:
            continue
        m = len(keep)
        chol[m, :m] = v
        chol[m, m] = np.sqrt(r)
        keep.append(j)
    return np.array(keep, dtype=int)


@dataclass(frozen=True)
class Solution:
    """Kept column indices, their coefficients and the inverse cross products (the bread)."""

    keep: np.ndarray
    coef: np.ndarray
    bread: np.ndarray


def normal_equations(
    gram: np.ndarray,
    rhs: np.ndarray,
    *,
    names: list[str] | None = None,
    collinear: str = "drop",
    raw_ss: np.ndarray | None = None,
) -> Solution:
    """Solve ``gram · b = rhs`` on the linearly independent columns (equilibrated Cholesky)."""
    norms = np.sqrt(np.clip(np.diag(gram), 0, None))
    scale = np.where(norms > 0, norms, 1.0)
    eq = gram / np.outer(scale, scale)
    raw = None if raw_ss is None else raw_ss / scale**2
    keep = independent_columns(eq, raw_ss=raw)
    p = gram.shape[0]
    if len(keep) < p and collinear == "raise":
        gone = [names[j] if names else str(j) for j in range(p) if j not in set(keep)]
        raise CollinearityError(
            f"regressors {', '.join(gone)} are constant or linear combinations of others; "
            "remove them or fit with collinear='drop'"
        )
    if len(keep) == 0:
        raise EmptyDesignError(
            "no regressor is left after dropping constant and collinear columns; "
            "check that the regressors vary within the sample (and within the absorbed groups)"
        )
    sk = scale[keep]
    factor = linalg.cho_factor(eq[np.ix_(keep, keep)])
    coef = linalg.cho_solve(factor, rhs[keep] / sk) / sk
    bread = linalg.cho_solve(factor, np.eye(len(keep))) / np.outer(sk, sk)
    return Solution(keep, coef, bread)


def poisson_deviance(y: np.ndarray, mu: np.ndarray) -> float:
    """2 Σ [y log(y/μ) − (y − μ)]."""
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(y > 0, y * np.log(y / mu), 0.0)
    return float(2 * (t - (y - mu)).sum())


def irls_poisson(
    y,
    X,
    groups: SortedGroups | None = None,
    *,
    maxit: int = 100,
    tol: float = 1e-10,
    work: np.ndarray | None = None,
):
    """Poisson (log link) by iteratively reweighted least squares.

    ``groups`` is one absorbed factor with ``y`` and ``X`` in its sorted row order, or None for
    no fixed effects. Returns (coef, eta, mu, deviance, alpha), alpha the group intercepts of X
    (eta = X·coef + alpha per group; None without groups). Stops when the deviance changes by
    less than ``tol`` relative to 0.1 + deviance (the glm.fit rule).

    With a factor, each step's weighted within cross products come from group sums,
    Σ w x x' − S'S/W, so no demeaned N × K copy is formed: per step one weighted copy and one
    BLAS product instead of four passes. ``X`` should be demeaned by group (unweighted)
    beforehand: that leaves the within-transformation unchanged and keeps the group sums S
    small, so the subtraction loses no precision. ``work`` (the shape of ``X``) takes the
    weighted copy, so the steps reuse one buffer instead of faulting in a fresh N × K each.
    """
    wx = np.empty_like(X) if work is None else work
    mu = (y + y.mean()) / 2
    eta = np.log(mu)
    dev_old = np.inf
    for _ in range(maxit):
        z = eta + (y - mu) / mu
        w = mu
        np.multiply(X, w[:, None], out=wx)
        if groups is None:
            sol = normal_equations(wx.T @ X, wx.T @ z)
        else:
            wsum = groups.sums(w)
            sx = groups.sums(wx)  # S: weighted group sums of X
            xbar, zbar = sx / wsum[:, None], groups.sums(w * z) / wsum
            sol = normal_equations(wx.T @ X - sx.T @ xbar, wx.T @ (z - groups.spread(zbar)))
        if len(sol.keep) < X.shape[1]:  # judged once beforehand; weights cannot add any
            raise ConvergenceError("Poisson weights made the design singular; drop regressors")
        beta = sol.coef
        # eta = z − (z̃ − X̃β): the group means of z plus the within fit X̃β
        eta = X @ beta
        alpha = None
        if groups is not None:
            alpha = zbar - xbar @ beta
            eta += groups.spread(alpha)
        mu = np.exp(eta)
        dev = poisson_deviance(y, mu)
        if abs(dev - dev_old) / (0.1 + abs(dev)) < tol:
            return beta, eta, mu, dev, alpha
        dev_old = dev
    raise ConvergenceError(
        f"Poisson iterations did not converge in {maxit} steps; check for regressors that "
        "separate the zero outcomes perfectly"
    )


# Rows per block of the binomial IRLS's weighted cross products: the weighted copy of a block
# stays in cache and no second N × K array is formed.
_ROW_BLOCK = 32768
LINKS = ("cloglog", "logit")


def binomial_mean(eta: np.ndarray, link: str) -> tuple[np.ndarray, np.ndarray]:
    """(μ, dμ/dη) of a binary outcome under ``link`` ("cloglog" or "logit")."""
    if link == "cloglog":
        s = np.exp(eta)
        mu = -np.expm1(-s)
        return mu, s * np.exp(-s)
    mu = 1.0 / (1.0 + np.exp(-eta))
    return mu, mu * (1.0 - mu)


def binomial_information(y: np.ndarray, eta: np.ndarray, link: str) -> np.ndarray:
    """Each row's observed information −∂²ℓ/∂η² (the bread's weights, as statsmodels' GLM
    Hessian). Logit is canonical, so it is the IRLS weight μ(1 − μ); for cloglog, with
    s = e^η, it is s − s·y/μ + s²·y·(1 − μ)/μ² (the expected value s²(1 − μ)/μ at y = μ)."""
    mu, d = binomial_mean(eta, link)
    if link == "logit":
        return d
    s = np.exp(eta)
    return s - s * y / mu + s * s * y * (1.0 - mu) / (mu * mu)


def binomial_deviance(y: np.ndarray, mu: np.ndarray) -> float:
    """−2 Σ [y log μ + (1 − y) log(1 − μ)] for a 0/1 outcome."""
    with np.errstate(divide="ignore"):
        return float(-2 * np.where(y > 0, np.log(mu), np.log1p(-mu)).sum())


def weighted_gram(X: np.ndarray, w: np.ndarray, z: np.ndarray | None = None):
    """X'WX (and X'Wz) summed over row blocks: no weighted N × K copy.

    With non-negative weights each block is scaled by √w and multiplied by itself, which
    BLAS does as a symmetric rank-k update: ~10x faster here than the general product."""
    k = X.shape[1]
    gram, rhs = np.zeros((k, k)), np.zeros(k)
    root = np.sqrt(w) if (w >= 0).all() else None
    for a in range(0, len(w), _ROW_BLOCK):
        xb = X[a : a + _ROW_BLOCK]
        if root is not None:
            sx = xb * root[a : a + _ROW_BLOCK, None]
            gram += sx.T @ sx
            if z is not None:
                rhs += sx.T @ (root[a : a + _ROW_BLOCK] * z[a : a + _ROW_BLOCK])
        else:
            wx = xb * w[a : a + _ROW_BLOCK, None]
            gram += wx.T @ xb
            if z is not None:
                rhs += wx.T @ z[a : a + _ROW_BLOCK]
    return gram, rhs


class WeightedCollinearity(ConvergenceError):
    """The weighted cross products lost columns the unweighted sweep kept (rows where μ is
    near 0 or 1 hardly count); ``keep`` are the columns the weighted sweep keeps, so a caller
    may drop the others and refit (:func:`~bip.analysis.estimation.logit` does)."""

    def __init__(self, keep: np.ndarray) -> None:
        super().__init__(
            "binomial weights made the design singular; drop regressors that separate the outcome"
        )
        self.keep = keep


def irls_binomial(y, X, *, link: str = "cloglog", maxit: int = 100, tol: float = 1e-10):
    """Binary regression (complementary log-log or logit link) by IRLS, without fixed effects.

    ``X`` is an array or a :class:`~bip.analysis.estimation.blocks.GroupBlocks` design.
    Returns (coef, eta, mu, deviance). Starts from μ = (y + ½)/2 (glm.fit's and statsmodels'
    start) and stops when the deviance changes by less than ``tol`` relative to 0.1 + deviance
    (the glm.fit rule), as :func:`irls_poisson`.
    """
    if link not in LINKS:
        raise ValueError(f"link must be one of {', '.join(LINKS)}, not {link!r}")
    mu = (y + 0.5) / 2
    eta = np.log(-np.log1p(-mu)) if link == "cloglog" else np.log(mu / (1 - mu))
    dev_old = np.inf
    for _ in range(maxit):
        mu, d = binomial_mean(eta, link)
        # Keep the working weights finite where a fitted mean reaches 0 or 1 in floating point.
        mu = np.clip(mu, 1e-15, 1 - 1e-15)
        d = np.maximum(d, 1e-300)
        z = eta + (y - mu) / d
        w = d * d / (mu * (1 - mu))
        gram, rhs = X.gram(w, z) if hasattr(X, "gram") else weighted_gram(X, w, z)
        sol = normal_equations(gram, rhs)
        if len(sol.keep) < X.shape[1]:  # judged once beforehand; weights cannot add any
            raise WeightedCollinearity(sol.keep)
        beta = sol.coef
        eta = X.dot(beta) if hasattr(X, "dot") else X @ beta
        mu = binomial_mean(eta, link)[0]
        dev = binomial_deviance(y, np.clip(mu, 1e-300, 1 - 1e-16))
        if abs(dev - dev_old) / (0.1 + abs(dev)) < tol:
            return beta, eta, mu, dev
        dev_old = dev
    raise ConvergenceError(
        f"binomial iterations did not converge in {maxit} steps; check for regressors that "
        "separate the outcome perfectly"
    )
