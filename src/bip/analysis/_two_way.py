"""Two-way cluster-robust (CR1) covariance for the engine's fits, from one fit.

V = c·B(M_a + M_b − M_ab)B with M the outer products of the score sums per cluster of a, of b
and of their intersection, c = G/(G − 1)·(N − 1)/(N − K) and t df G − 1 for G = min(G_a, G_b):
the engine's two-way rule (fixest's default). The engine's ``Clustered(a, b)`` gives the same
matrix but indexes the intersection cells by G_a·G_b codes, which at caseworker × citizen size
is slow (and at scale 100 too big to allocate); here every clustering is factorised densely.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import sparse

from bip.analysis.estimation import Clustered, EstimationError, Fit, ols, poisson


def _codes(g) -> np.ndarray:
    codes = pd.factorize(pd.Series(np.asarray(g)))[0]
    if (codes < 0).any():
        raise EstimationError("cluster labels must not be missing; drop those rows first")
    return codes


def two_way_vcov(fit: Fit, design: np.ndarray, a, b) -> Fit:
    """``fit`` with its covariance replaced by the two-way CR1 one; ``design`` is the score
    design (the demeaned regressors, N × K in the order of ``fit.names``), ``a`` and ``b`` the
    two clusterings of the fit's rows."""
    if fit.resid is None:
        raise EstimationError("the fit has no residuals")
    u = np.asarray(fit.resid, dtype=float)
    ca, cb = _codes(a), _codes(b)
    cab = _codes(ca.astype(np.int64) * (int(cb.max()) + 1) + cb)
    rows = np.arange(len(u))

    def meat(codes: np.ndarray) -> np.ndarray:
        # Score sums per cluster as one sparse product (u-weighted indicator times design):
        # no N × K score matrix, each design row read once.
        ind = sparse.csr_matrix((u, (codes, rows)), shape=(int(codes.max()) + 1, len(u)))
        sums = np.asarray(ind @ design)
        return sums.T @ sums

    g = min(int(ca.max()) + 1, int(cb.max()) + 1)
    if g < 2:
        raise EstimationError("two-way clustering needs at least two clusters in each way")
    c = g / (g - 1) * (fit.n_obs - 1) / max(fit.n_obs - fit.n_params, 1)
    V = c * fit.bread @ (meat(ca) + meat(cb) - meat(cab)) @ fit.bread
    return dataclasses.replace(
        fit, vcov=V, n_clusters=g, df=g - 1, covariance=Clustered(np.asarray(a), np.asarray(b))
    )


def _kept(X, fit: Fit, rows: np.ndarray, intercept: bool, names=None) -> np.ndarray:
    cols = [c for c in fit.names if c != "(Intercept)"]
    if isinstance(X, pd.DataFrame):
        Xk = X.loc[rows, cols].to_numpy(dtype=float)
    else:
        Xa = np.asarray(X, dtype=float)
        pos = {c: j for j, c in enumerate(names or [f"x{j}" for j in range(Xa.shape[1])])}
        Xk = Xa[rows][:, [pos[c] for c in cols]]
    return np.column_stack([np.ones(len(Xk)), Xk]) if intercept else Xk


def two_way_poisson(y, X, a, b, *, absorb=None, names=None, overwrite_X=False) -> Fit:
    """Poisson (``poisson``, one factor absorbed if asked) with two-way CR1 errors. The score
    design is X demeaned with the converged means as weights (``Fit.absorbed.design``).
    ``X`` is a DataFrame, or an array with its column ``names`` (with ``absorb``, poisson may
    overwrite it if ``overwrite_X``)."""
    a, b = np.asarray(a), np.asarray(b)
    if isinstance(X, pd.DataFrame):
        X = X.reset_index(drop=True)
    fit = poisson(
        y,
        X,
        names=names,
        absorb=absorb,
        covariance=None,
        overwrite_X=overwrite_X and absorb is not None,
    )
    rows = fit.rows if fit.rows is not None else np.ones(len(a), bool)
    # With a factor, the score design is the one demeaned at the converged mean.
    ab = fit.absorbed
    Xk = ab.design if ab is not None else _kept(X, fit, rows, intercept=True, names=names)
    return two_way_vcov(fit, Xk, a[rows], b[rows])


def two_way_ols(y, X: pd.DataFrame, a, b, *, absorb=None) -> Fit:
    """Least squares (``ols``, one factor absorbed if asked) with two-way CR1 errors."""
    a, b = np.asarray(a), np.asarray(b)
    if isinstance(absorb, tuple):
        raise EstimationError("two-way errors here absorb at most one factor")
    X = X.reset_index(drop=True)
    fit = ols(y, X, absorb=absorb, covariance=None)
    ab = fit.absorbed  # with a factor, ols's own demeaned design
    Xk = ab.design if ab is not None else _kept(X, fit, np.ones(len(a), bool), intercept=True)
    return two_way_vcov(fit, Xk, a, b)
