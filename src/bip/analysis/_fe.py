"""Regression engines for A5–A7: least squares and Poisson (log link), each optionally with one
set of fixed effects absorbed by within-transformation, with CR1 intervals clustered by citizen.

One absorbed factor needs no iteration: demeaning by group is exact in one pass (a sparse
group-sum), so the slopes come from the normal equations of the demeaned design and the fixed
effects are recovered as ``mean_g(y) - mean_g(X) @ beta``. SPEC §4 fixes the clustered interval:
CR1 factor G/(G-1)·(N-1)/(N-K) and a t critical value with G-1 degrees of freedom.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.linalg
import scipy.sparse as sp
from scipy import stats


class EstimationError(ValueError):
    """A model that cannot be estimated on the data given (empty sample, no variation...)."""


@dataclass
class Fit:
    """A fitted linear or Poisson model (slopes, clustered covariance, fixed effects)."""

    names: list[str]
    coef: np.ndarray
    vcov: np.ndarray
    n: int
    n_clusters: int
    k_params: int  # slopes + intercept or number of fixed effects, for the CR1 factor
    r2: float | None = None
    r2_within: float | None = None
    resid: np.ndarray | None = None  # response residuals y - fitted (rows used)
    fitted: np.ndarray | None = None
    fe: pd.Series | None = None  # fixed effect per group level (intercept included)
    rows: np.ndarray | None = None  # boolean mask of the input rows used
    dropped: list[str] = field(default_factory=list)  # collinear columns left out
    extra: dict = field(default_factory=dict)

    @property
    def se(self) -> np.ndarray:
        return np.sqrt(np.clip(np.diag(self.vcov), 0, None))

    @property
    def df(self) -> int:
        """Degrees of freedom of the t critical value (clusters - 1)."""
        return max(self.n_clusters - 1, 1)

    def t_crit(self, level: float = 0.95) -> float:
        return float(stats.t.ppf(0.5 + level / 2, self.df))

    def p_values(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            t = self.coef / self.se
        return 2 * stats.t.sf(np.abs(t), self.df)

    def table(self, level: float = 0.95) -> pd.DataFrame:
        """coef, se, t, p, ci_low, ci_high per slope."""
        se = self.se
        q = self.t_crit(level)
        with np.errstate(divide="ignore", invalid="ignore"):
            t = self.coef / se
        return pd.DataFrame(
            {
                "coef": self.coef,
                "se": se,
                "t": t,
                "p": self.p_values(),
                "ci_low": self.coef - q * se,
                "ci_high": self.coef + q * se,
            },
            index=self.names,
        )

    def get(self, name: str) -> tuple[float, float]:
        """(coef, se) of one slope."""
        i = self.names.index(name)
        return float(self.coef[i]), float(self.se[i])


def group_matrix(codes: np.ndarray, n_groups: int) -> sp.csr_matrix:
    """Sparse ``n_groups × n`` indicator matrix: ``G @ X`` sums the rows of each group."""
    n = len(codes)
    return sp.csr_matrix((np.ones(n), (codes, np.arange(n))), shape=(n_groups, n))


def cluster_sums(codes: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Column sums of ``values`` per cluster code (clusters × columns)."""
    n_cl = int(codes.max()) + 1 if len(codes) else 0
    return np.asarray(group_matrix(codes, n_cl) @ values)


def noncollinear(gram: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    """Indices of columns kept by a sequential Cholesky sweep of the Gram matrix ``X'X``.

    A column is dropped when its residual sum of squares on the columns kept before it is below
    ``tol`` times its own sum of squares (exactly collinear, or constant after demeaning).
    """
    k = gram.shape[0]
    keep: list[int] = []
    chol = np.zeros((k, k))
    for j in range(k):
        d = gram[j, j]
        if d <= 0:
            continue
        if keep:
            L = chol[: len(keep), : len(keep)]
            v = scipy.linalg.solve_triangular(L, gram[keep, j], lower=True)
            r = d - v @ v
        else:
            v = np.zeros(0)
            r = d
        if r <= tol * d:
            continue
        m = len(keep)
        chol[m, :m] = v
        chol[m, m] = np.sqrt(r)
        keep.append(j)
    return np.array(keep, dtype=int)


def _solve(gram: np.ndarray, rhs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Solution and inverse of a symmetric positive definite system."""
    try:
        c = scipy.linalg.cho_factor(gram, lower=True)
    except np.linalg.LinAlgError as exc:
        raise EstimationError(f"singular design: {exc}") from exc
    return scipy.linalg.cho_solve(c, rhs), scipy.linalg.cho_solve(c, np.eye(len(gram)))


def _cr1(
    bread: np.ndarray,
    X: np.ndarray,
    resid: np.ndarray,
    cl: np.ndarray,
    n: int,
    k: int,
) -> tuple[np.ndarray, int]:
    """CR1 sandwich covariance from the scores ``X * resid`` clustered by ``cl`` codes.

    The per-cluster score sums come from one sparse product (clusters × rows, weighted by the
    residuals) so that no second n × k matrix is built (scale 100: ~2 GB each).
    """
    g = int(cl.max()) + 1 if len(cl) else 0
    weighted = sp.csr_matrix((np.asarray(resid, dtype=float), (cl, np.arange(n))), shape=(g, n))
    s = np.asarray(weighted @ X)
    if g < 2:
        raise EstimationError("clustered errors need at least two clusters")
    meat = s.T @ s
    factor = g / (g - 1) * (n - 1) / max(n - k, 1)
    return factor * bread @ meat @ bread, g


def _codes(values) -> tuple[np.ndarray, np.ndarray]:
    codes, levels = pd.factorize(pd.Series(values), sort=True)
    if (codes < 0).any():
        raise EstimationError("group or cluster identifiers must not be missing")
    return codes.astype(np.int64), np.asarray(levels)


_CHUNK = 1 << 16


def demean(
    X: np.ndarray,
    codes: np.ndarray,
    n_groups: int,
    weights: np.ndarray | None = None,
    *,
    inplace: bool = False,
):
    """Group means of ``X`` (weighted if given) and ``X`` minus its group mean.

    With ``inplace`` the demeaned values overwrite ``X`` (in row chunks, so no second
    n × k array is allocated).
    """
    G = group_matrix(codes, n_groups)
    if weights is None:
        cnt = np.asarray(G.sum(axis=1)).ravel()
        means = np.asarray(G @ X) / (cnt[:, None] if X.ndim == 2 else cnt)
    else:
        wsum = np.asarray(G @ weights).ravel()
        wx = X * (weights[:, None] if X.ndim == 2 else weights)
        means = np.asarray(G @ wx) / (wsum[:, None] if X.ndim == 2 else wsum)
    if not inplace:
        return means, X - means[codes]
    for start in range(0, len(X), _CHUNK):
        sl = slice(start, start + _CHUNK)
        X[sl] -= means[codes[sl]]
    return means, X


def ols(
    y,
    X: pd.DataFrame,
    *,
    cluster,
    fe=None,
    intercept: bool = True,
    vcov: bool = True,
) -> Fit:
    """Least squares of ``y`` on ``X`` with CR1 covariance clustered by ``cluster``.

    With ``fe`` (one group label per row) the groups are absorbed by within-transformation;
    ``fit.fe`` then holds each group's fixed effect (which contains the intercept), ``r2`` is
    the R² of the full model (fixed effects included) and ``r2_within`` that of the demeaned
    model. Collinear columns are dropped and listed in ``fit.dropped``. ``vcov=False`` skips
    the covariance (NaN) when only the slopes are needed.
    """
    yv = np.asarray(y, dtype=float)
    names = list(X.columns)
    n = len(yv)
    if n == 0:
        raise EstimationError("no observations")
    add_const = fe is None and intercept
    # One C-ordered float copy of the design (the intercept written into it, not stacked on
    # afterwards, which would copy it again); with fixed effects it is demeaned in place below.
    Xv = np.empty((n, len(names) + add_const), order="C")
    if add_const:
        Xv[:, 0] = 1.0
        names = ["(Intercept)", *names]
    Xv[:, int(add_const) :] = X.to_numpy(dtype=float)
    cl, _ = _codes(cluster)
    if fe is None:
        Xt, yt = Xv, yv
        n_fe = 0
    else:
        gcodes, glevels = _codes(fe)
        n_fe = len(glevels)
        xbar, Xt = demean(Xv, gcodes, n_fe, inplace=True)
        ybar, yt = demean(yv, gcodes, n_fe)
    gram = Xt.T @ Xt
    keep = noncollinear(gram)
    dropped = [names[j] for j in range(len(names)) if j not in set(keep)]
    if len(keep) < Xt.shape[1]:
        Xt = Xt[:, keep]
    names = [names[j] for j in keep]
    beta, bread = _solve(gram[np.ix_(keep, keep)], Xt.T @ yt)
    e = yt - Xt @ beta
    k = len(beta) + n_fe
    if vcov:
        V, g = _cr1(bread, Xt, e, cl, n, k)
    else:  # slopes only (bootstrap replications)
        V, g = np.full((len(beta), len(beta)), np.nan), int(cl.max()) + 1
    ssr = float(e @ e)
    tss = float(((yv - yv.mean()) ** 2).sum())
    fit = Fit(
        names=names,
        coef=beta,
        vcov=V,
        n=n,
        n_clusters=g,
        k_params=k,
        r2=1 - ssr / tss if tss > 0 else float("nan"),
        resid=e,
        fitted=yv - e,
        dropped=dropped,
    )
    if fe is not None:
        tss_w = float(yt @ yt)
        fit.r2_within = 1 - ssr / tss_w if tss_w > 0 else float("nan")
        fit.fe = pd.Series(ybar - xbar[:, keep] @ beta, index=glevels)
        fit.extra.update(codes=gcodes, xbar=xbar[:, keep], bread=bread, Xt=Xt)
    return fit


def _poisson_dev(y: np.ndarray, mu: np.ndarray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(y > 0, y * np.log(y / mu), 0.0)
    return float(2 * (t - (y - mu)).sum())


def poisson(
    y,
    X: pd.DataFrame,
    *,
    cluster,
    fe=None,
    maxit: int = 100,
    tol: float = 1e-10,
) -> Fit:
    """Poisson (log link) regression by IRLS, CR1 covariance clustered by ``cluster``.

    Without ``fe`` an intercept is added. With ``fe`` the groups are absorbed by weighted
    within-transformation at each IRLS step; groups whose outcome is zero throughout have no
    finite effect and are left out (their rows are reported in ``fit.extra['n_dropped_rows']``).
    """
    yv = np.asarray(y, dtype=float)
    Xv = np.asarray(X, dtype=float)
    names = list(X.columns)
    rows = np.ones(len(yv), dtype=bool)
    clv = np.asarray(pd.Series(cluster))
    if fe is not None:
        fev = np.asarray(pd.Series(fe))
        pos = pd.Series(yv).groupby(fev).transform("sum").to_numpy() > 0
        rows = pos
        yv, Xv, clv, fev = yv[pos], Xv[pos], clv[pos], fev[pos]
        gcodes, glevels = _codes(fev)
        n_fe = len(glevels)
    else:
        Xv = np.column_stack([np.ones(len(yv)), Xv])
        names = ["(Intercept)", *names]
        n_fe = 0
    n = len(yv)
    if n == 0 or yv.sum() == 0:
        raise EstimationError("Poisson regression needs some positive outcomes")
    cl, _ = _codes(clv)
    # Collinearity is judged once on the (unweighted) demeaned design.
    X0 = demean(Xv, gcodes, n_fe)[1] if fe is not None else Xv
    keep = noncollinear(X0.T @ X0)
    dropped = [names[j] for j in range(len(names)) if j not in set(keep)]
    Xv = Xv[:, keep]
    names = [names[j] for j in keep]
    mu = (yv + yv.mean()) / 2
    eta = np.log(mu)
    dev_old = np.inf
    for _ in range(maxit):
        z = eta + (yv - mu) / mu
        w = mu
        if fe is not None:
            zbar, zt = demean(z, gcodes, n_fe, w)
            xbar, Xt = demean(Xv, gcodes, n_fe, w)
        else:
            zt, Xt = z, Xv
        wx = Xt * w[:, None]
        gram = wx.T @ Xt
        beta, bread = _solve(gram, wx.T @ zt)
        eta = z - (zt - Xt @ beta)
        mu = np.exp(eta)
        dev = _poisson_dev(yv, mu)
        if abs(dev - dev_old) / (0.1 + abs(dev)) < tol:
            break
        dev_old = dev
    else:
        raise EstimationError("Poisson IRLS did not converge")
    # Final weights: recompute the bread and demeaned design at the converged mean.
    w = mu
    if fe is not None:
        xbar, Xt = demean(Xv, gcodes, n_fe, w)
    else:
        Xt = Xv
    bread = _solve((Xt * w[:, None]).T @ Xt, np.zeros(len(beta)))[1]
    k = len(beta) + n_fe
    vcov, g = _cr1(bread, Xt, yv - mu, cl, n, k)
    fit = Fit(
        names=names,
        coef=beta,
        vcov=vcov,
        n=n,
        n_clusters=g,
        k_params=k,
        resid=yv - mu,
        fitted=mu,
        rows=rows,
        dropped=dropped,
        extra={"deviance": dev, "n_dropped_rows": int((~rows).sum())},
    )
    if fe is not None:
        # eta = X beta + alpha_g exactly at convergence, so the effect is the group mean gap.
        alpha = demean(eta - Xv @ beta, gcodes, n_fe)[0]
        fit.fe = pd.Series(alpha, index=glevels)
    return fit
