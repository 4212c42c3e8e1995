"""Least squares with cluster-robust (CR1) standard errors, in numpy.

The convention is SPEC §4 and the same as statsmodels'
``OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": g}, use_t=True)``:

    V = c · (X'X)⁻¹ (Σ_g X_g'u_g u_g'X_g) (X'X)⁻¹,   c = G/(G−1) · (N−1)/(N−K)

with G clusters (citizens), N observations and K estimated coefficients; intervals and
p-values use Student's t with G − 1 degrees of freedom. (statsmodels' default for cluster
covariances is the same factor c but the *normal* distribution unless ``use_t=True``.)

Columns that are all zero or linearly dependent on earlier columns are dropped before the
fit (QR with a rank check); their coefficients are NaN and K counts only the kept columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg, stats


@dataclass
class Fit:
    """Result of :func:`cluster_ols` (arrays aligned with the columns of X)."""

    beta: np.ndarray
    se: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    p_value: np.ndarray
    n: int
    n_clusters: int
    k: int
    df: int
    t_crit: float
    r2: float


def _cluster_sums(scores: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Sum rows of ``scores`` within each cluster (clusters are integer codes)."""
    order = np.argsort(groups, kind="stable")
    g = groups[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    return np.add.reduceat(scores[order], starts, axis=0)


def cluster_ols(X: np.ndarray, y: np.ndarray, groups: np.ndarray, *, level: float = 0.95) -> Fit:
    """OLS of ``y`` on ``X`` (no intercept added) with CR1 standard errors clustered by ``groups``.

    ``groups`` may hold any hashable labels; they are factorised here. Rows must be complete
    (the caller selects the sample).
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, p = X.shape
    codes = _codes(groups)
    G = int(codes.max()) + 1 if n else 0
    keep = _independent_columns(X)
    Xk = X[:, keep]
    k = Xk.shape[1]
    beta = np.full(p, np.nan)
    se = np.full(p, np.nan)
    if n == 0 or k == 0 or n <= k or G < 2:
        nan = np.full(p, np.nan)
        return Fit(beta, se, nan, nan.copy(), nan.copy(), n, G, k, max(G - 1, 0), np.nan, np.nan)
    q, r = linalg.qr(Xk, mode="economic")
    bk = linalg.solve_triangular(r, q.T @ y)
    u = y - Xk @ bk
    rinv = linalg.solve_triangular(r, np.eye(k))
    bread = rinv @ rinv.T  # (X'X)^-1
    s = _cluster_sums(Xk * u[:, None], codes)
    meat = s.T @ s
    c = G / (G - 1) * (n - 1) / (n - k)
    v = c * bread @ meat @ bread
    sek = np.sqrt(np.clip(np.diag(v), 0, None))
    beta[keep] = bk
    se[keep] = sek
    df = G - 1
    t_crit = float(stats.t.ppf(0.5 + level / 2, df))
    with np.errstate(divide="ignore", invalid="ignore"):
        p_value = 2 * stats.t.sf(np.abs(beta / se), df)
    tss = float(((y - y.mean()) ** 2).sum())
    r2 = 1 - float(u @ u) / tss if tss > 0 else np.nan
    return Fit(beta, se, beta - t_crit * se, beta + t_crit * se, p_value, n, G, k, df, t_crit, r2)


def _codes(groups) -> np.ndarray:
    groups = np.asarray(groups)
    if groups.dtype.kind in "iu":
        _, codes = np.unique(groups, return_inverse=True)
        return codes
    _, codes = np.unique(groups.astype(str), return_inverse=True)
    return codes


def _independent_columns(X: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    """Indices of a maximal set of linearly independent columns, earliest first."""
    if X.shape[1] == 0 or X.shape[0] == 0:
        return np.arange(0)
    norms = np.linalg.norm(X, axis=0)
    nonzero = np.flatnonzero(norms > 0)
    if len(nonzero) == 0:
        return nonzero
    Xs = X[:, nonzero] / norms[nonzero]
    # Gram-Schmidt order: an unpivoted QR keeps earlier columns (the combination dummies
    # come first, so a collinear control is the one dropped).
    r = linalg.qr(Xs, mode="r")[0]
    diag = np.zeros(len(nonzero))
    diag[: min(r.shape)] = np.abs(np.diag(r))  # with fewer rows than columns the rest are dependent
    return nonzero[diag > tol * max(1.0, diag.max())]
