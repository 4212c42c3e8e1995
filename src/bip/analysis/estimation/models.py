"""The engine's public faces: :func:`ols`, :func:`poisson`, :func:`binomial` (and
:func:`logit`, its logit link with weighted-collinearity refits), :func:`cross_fitted`
(out-of-fold fitted values) and :func:`cell_means`.

Each takes the outcome, the regressors (a DataFrame, or an array with ``names``), the factors
to absorb and a covariance spec (:class:`Iid`, :class:`Robust` or :class:`Clustered`), and
returns one frozen :class:`Fit`. Failures raise :class:`EstimationError` (see ``errors``).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from bip.analysis.estimation.blocks import GroupBlocks
from bip.analysis.estimation.cells import cell_means
from bip.analysis.estimation.covariance import CR2, Clustered, CovarianceSpec, Iid, covariance
from bip.analysis.estimation.design import (
    Factor,
    SortedGroups,
    as_array,
    as_matrix,
    check_rows,
    demean,
    demean_many,
    fixed_effect_count,
)
from bip.analysis.estimation.errors import EmptyDesignError, EstimationError
from bip.analysis.estimation.results import Absorbed, Fit
from bip.analysis.estimation.solve import (
    WeightedCollinearity,
    binomial_information,
    binomial_mean,
    irls_binomial,
    irls_poisson,
    normal_equations,
    weighted_gram,
)

__all__ = ["binomial", "cell_means", "cross_fitted", "logit", "ols", "poisson"]

IID = Iid()  # the default covariance (a frozen record, safe to share)


def _factors(absorb) -> tuple[Factor, ...]:
    if absorb is None:
        return ()
    if isinstance(absorb, Factor):
        return (absorb,)
    if isinstance(absorb, tuple):
        return tuple(a if isinstance(a, Factor) else Factor.of(a) for a in absorb)
    return (Factor.of(absorb),)


def _positive_groups(y: np.ndarray, absorb) -> tuple[Factor, np.ndarray]:
    """The factor of the rows whose group has a positive outcome sum, and those rows: one
    factorisation of the labels (rows without a label are left out, as groupby does)."""
    labels = np.asarray(pd.Series(absorb))
    codes, levels = pd.factorize(pd.Series(labels), sort=True)
    has = codes >= 0
    yh = y[has]
    total = np.bincount(codes[has], weights=np.where(np.isnan(yh), 0.0, yh), minlength=len(levels))
    positive = total > 0
    rows = has.copy()
    rows[has] = positive[codes[has]]
    # Codes among the positive groups keep the sorted order of their labels.
    renumber = np.cumsum(positive) - 1
    return Factor(renumber[codes[rows]].astype(np.int64), np.asarray(levels)[positive]), rows


def _c_view(buf: np.ndarray) -> np.ndarray:
    """A C-ordered array of ``buf``'s shape over ``buf``'s own (contiguous) memory."""
    return np.ravel(buf, order="K").reshape(buf.shape)


def _vcov(spec, bread, X, u, n, k, dispersion=None):
    if spec is None:  # coefficients only (e.g. bootstrap replications)
        return np.full(bread.shape, np.nan), None, max(n - k, 1)
    return covariance(spec, bread, X, u, n=n, k=k, dispersion=dispersion)


def ols(
    y,
    X,
    *,
    names=None,
    intercept: bool = True,
    absorb=None,
    covariance: CovarianceSpec | None = IID,
    collinear: str = "drop",
) -> Fit:
    """Least squares of ``y`` on ``X``, with fixed effects absorbed by demeaning.

    ``absorb`` is one label per row (or a tuple of such, or :class:`Factor`); with one factor
    ``Fit.fixed_effects`` holds each group's effect (intercept included) and ``Fit.absorbed``
    what the within-transformation left. Without ``absorb`` an intercept is added unless
    ``intercept=False``. ``r2`` is the R² of the full model, ``r2_within`` that of the demeaned
    one. Collinear columns are dropped (``Fit.dropped``) unless ``collinear="raise"``.
    ``covariance`` defaults to :class:`Iid`; ``None`` skips it (NaN) when only the coefficients
    are needed (bootstrap replications).
    """
    spec = covariance
    yv = np.asarray(y, dtype=float)
    n = len(yv)
    check_rows(n)
    factors = _factors(absorb)
    if isinstance(spec, CR2) and factors:
        raise EstimationError(
            "CR2 needs the whole model's hat matrix; put the factors in X as dummies "
            "instead of absorbing them"
        )
    # One C-ordered float copy of the design; with one factor it is demeaned in place.
    Xv, cols = as_matrix(X, names, intercept=intercept and not factors)
    n_fe = fixed_effect_count(factors)
    raw_ss = None
    if not factors:
        Xt, yt = Xv, yv
    else:
        raw_ss = np.einsum("ij,ij->j", Xv, Xv)
        if len(factors) == 1:
            f = factors[0]
            xbar, Xt = demean(Xv, f.codes, f.n_groups, inplace=True)
            ybar, yt = demean(yv, f.codes, f.n_groups)
        else:
            Xt, yt = demean_many(Xv, factors), demean_many(yv, factors)
    sol = normal_equations(Xt.T @ Xt, Xt.T @ yt, names=cols, collinear=collinear, raw_ss=raw_ss)
    keep = sol.keep
    dropped = tuple(cols[j] for j in range(len(cols)) if j not in set(keep))
    if len(keep) < Xt.shape[1]:
        Xt = Xt[:, keep]
    e = yt - Xt @ sol.coef
    k = len(keep) + n_fe
    V, g, df = _vcov(spec, sol.bread, Xt, e, n, k)
    ssr = float(e @ e)
    tss = float(((yv - yv.mean()) ** 2).sum())
    fe = absorbed = None
    r2_within = None
    if factors:
        tss_w = float(yt @ yt)
        r2_within = 1 - ssr / tss_w if tss_w > 0 else float("nan")
        if len(factors) == 1:
            f = factors[0]
            fe = pd.Series(ybar - xbar[:, keep] @ sol.coef, index=f.levels)
            absorbed = Absorbed(codes=f.codes, levels=f.levels, xbar=xbar[:, keep], design=Xt)
    return Fit(
        names=tuple(cols[j] for j in keep),
        coef=sol.coef,
        vcov=V,
        covariance=spec,
        n_obs=n,
        n_clusters=g,
        n_params=k,
        df=df,
        bread=sol.bread,
        r2=1 - ssr / tss if tss > 0 else float("nan"),
        r2_within=r2_within,
        dropped=dropped,
        resid=e,
        fitted=yv - e,
        fixed_effects=fe,
        absorbed=absorbed,
    )


def poisson(
    y,
    X,
    *,
    names=None,
    absorb=None,
    covariance: CovarianceSpec | None = IID,
    maxit: int = 100,
    tol: float = 1e-10,
    overwrite_X: bool = False,
) -> Fit:
    """Poisson (log link) regression by IRLS, with one factor absorbed if asked.

    Without ``absorb`` an intercept is added. With it, the groups are absorbed by weighted
    within-transformation at each step; groups whose outcome is zero throughout have no finite
    effect and are left out (``Fit.rows`` marks the rows used, ``Fit.n_dropped_rows`` counts
    the others). Collinearity is judged once, on the unweighted (demeaned) design.
    ``overwrite_X=True`` lets a fit with ``absorb`` reuse a C-ordered float array ``X`` as
    working memory once its rows are copied (X's contents are then undefined; at scale 100 a
    fresh N × K array costs seconds of page faults).
    """
    spec = covariance
    if isinstance(spec, CR2):
        raise EstimationError("CR2 is for least squares; use Clustered(...) with poisson")
    yv = np.asarray(y, dtype=float)
    rows = np.ones(len(yv), dtype=bool)
    factor = groups = None
    if absorb is None:
        Xv, cols = as_matrix(X, names, intercept=True)
    else:
        values, cols = as_array(X, names)
        factor, rows = _positive_groups(yv, absorb)
        groups = SortedGroups.of(factor.codes)
        # One gather of the kept rows in group order: the only copy of the design.
        take = np.flatnonzero(rows)[groups.order]
        yv, Xv = yv[take], np.take(values, take, axis=0)
        if isinstance(spec, Clustered):
            spec = Clustered(*(np.asarray(g)[rows] for g in spec.groups))
    n = len(yv)
    if n == 0 or yv.sum() == 0:
        raise EmptyDesignError(
            "Poisson regression needs some positive outcomes; the sample has none"
        )

    if groups is not None:
        xbar0 = groups.sums(Xv) / groups.sizes[:, None]
        X0 = groups.subtract(Xv, xbar0)  # in place: the raw sorted design is not needed again
    else:
        X0 = Xv
    keep = normal_equations(X0.T @ X0, np.zeros(X0.shape[1])).keep
    dropped = tuple(cols[j] for j in range(len(cols)) if j not in set(keep))
    if len(keep) < X0.shape[1]:  # a column copy of N × K only when one is dropped
        X0 = X0[:, keep]
    names_kept = tuple(cols[j] for j in keep)
    # One N × K buffer for IRLS's weighted copies and the bread's: the caller's X if allowed.
    if groups is not None and overwrite_X and values is X and values.size >= X0.size:
        # The layout of X0 (F-ordered after a column drop), so every product sums alike.
        order = "F" if X0.flags.f_contiguous and not X0.flags.c_contiguous else "C"
        work = values.reshape(-1)[: X0.size].reshape(X0.shape, order=order)
    else:
        work = np.empty_like(X0)
    beta, eta, mu, dev, alpha = irls_poisson(yv, X0, groups, maxit=maxit, tol=tol, work=work)
    # Bread and demeaned design at the converged mean.
    fe = absorbed = None
    Xt = X0
    if factor is not None and groups is not None and alpha is not None:
        xbar_w = groups.sums(np.multiply(X0, mu[:, None], out=work)) / groups.sums(mu)[:, None]
        # eta = X0 beta + alpha_g at convergence, X0 = X minus its group means xbar0: the
        # effect on X's own scale is alpha_g - xbar0_g beta (no pass over the N rows).
        fe = pd.Series(alpha - xbar0[:, keep] @ beta, index=factor.levels)
        inv = groups.inverse()
        # Unsorted into work's memory as a C-ordered array (a row gather, as X0[inv] gives,
        # even when X0 is F-ordered); mode="clip": with out, "raise" copies through a buffer.
        Xt = np.take(groups.subtract(X0, xbar_w), inv, axis=0, out=_c_view(work), mode="clip")
        yv, mu = yv[inv], mu[inv]
        work = _c_view(X0)  # X0's rows now live in Xt: its memory takes the bread's copy
        absorbed = Absorbed(
            codes=factor.codes, levels=factor.levels, xbar=xbar_w + xbar0[:, keep], design=Xt
        )
    wt = np.multiply(Xt, mu[:, None], out=work)
    bread = normal_equations(wt.T @ Xt, np.zeros(len(beta))).bread
    n_fe = factor.n_groups if factor is not None else 0
    k = len(beta) + n_fe
    V, g, df = _vcov(spec, bread, Xt, yv - mu, n, k, dispersion=1.0)
    return Fit(
        names=names_kept,
        coef=beta,
        vcov=V,
        covariance=spec,
        n_obs=n,
        n_clusters=g,
        n_params=k,
        df=df,
        bread=bread,
        dropped=dropped,
        resid=yv - mu,
        fitted=mu,
        rows=rows,
        fixed_effects=fe,
        absorbed=absorbed,
        deviance=dev,
        n_dropped_rows=int((~rows).sum()),
    )


def binomial(
    y,
    X,
    *,
    link: str = "cloglog",
    names=None,
    intercept: bool = True,
    covariance: CovarianceSpec | None = IID,
    maxit: int = 100,
    tol: float = 1e-10,
) -> Fit:
    """Regression of a 0/1 outcome with a complementary log-log or logit link, by IRLS.

    No absorbed factors. With ``intercept=False`` a C-ordered float ``X`` is used without a
    copy (put the constant in it). ``X`` may be a :class:`GroupBlocks` design (row-level and
    group-level columns, the latter never repeated; it carries its own constant, if any). The bread is the inverse observed information at the
    estimate (statsmodels' GLM Hessian; for logit it equals the expected one) and the scores
    are x_i ∂ℓ_i/∂η_i, so ``Clustered`` is the CR1 sandwich of statsmodels'
    ``GLM(...).fit(cov_type="cluster")``. The weighted cross products are summed over row
    blocks, so no second N × K array is formed. ``resid`` is y − μ, ``fitted`` μ.
    """
    spec = covariance
    if isinstance(spec, CR2):
        raise EstimationError("CR2 is for least squares; use Clustered(...) with binomial")
    yv = np.asarray(y, dtype=float)
    n = len(yv)
    check_rows(n)
    if np.isnan(yv).any() or ((yv != 0) & (yv != 1)).any():
        raise EstimationError("a binomial outcome must be 0 or 1 in every row; drop the others")
    if yv.sum() == 0 or yv.sum() == n:
        raise EmptyDesignError(
            "binomial regression needs both outcomes; the sample has only one value"
        )
    Xv: GroupBlocks | np.ndarray
    if isinstance(X, GroupBlocks):  # its own intercept column, if any, is in X.T
        Xv, cols = X, [f"x{j}" for j in range(X.shape[1])] if names is None else list(names)
        if len(cols) != X.shape[1] or X.shape[0] != n:
            raise EstimationError(f"{len(cols)} names and {n} rows for a {X.shape} design")
        gram = X.gram(np.ones(n))[0]
    else:
        if intercept:
            Xv, cols = as_matrix(X, names, intercept=True)
        else:
            Xv, cols = as_array(X, names)
        gram = weighted_gram(np.asarray(Xv), np.ones(n))[0]
    keep = normal_equations(gram, np.zeros(Xv.shape[1])).keep
    dropped = tuple(cols[j] for j in range(len(cols)) if j not in set(keep))
    if len(keep) < Xv.shape[1]:
        Xv = Xv.columns(keep) if isinstance(Xv, GroupBlocks) else Xv[:, keep]
    beta, eta, mu, dev = irls_binomial(yv, Xv, link=link, maxit=maxit, tol=tol)
    mu_c = np.clip(mu, 1e-15, 1 - 1e-15)
    info = binomial_information(yv, eta, link)
    cross = Xv.gram(info) if isinstance(Xv, GroupBlocks) else weighted_gram(Xv, info)
    sol = normal_equations(cross[0], np.zeros(len(beta)))
    if len(sol.keep) < len(beta):  # the weights at the estimate lost a column
        raise WeightedCollinearity(sol.keep)
    bread = sol.bread
    score = (yv - mu_c) * binomial_mean(eta, link)[1] / (mu_c * (1 - mu_c))  # ∂ℓ/∂η
    V, g, df = _vcov(spec, bread, Xv, score, n, len(beta), dispersion=1.0)
    return Fit(
        names=tuple(cols[j] for j in keep),
        coef=beta,
        vcov=V,
        covariance=spec,
        n_obs=n,
        n_clusters=g,
        n_params=len(beta),
        df=df,
        bread=bread,
        dropped=dropped,
        resid=yv - mu,
        fitted=mu,
        deviance=dev,
    )


def cross_fitted(
    y, X, folds, *, names=None, intercept: bool = True, subsets=None
) -> np.ndarray | list[np.ndarray]:
    """Out-of-fold fitted values of least squares: row i's value is from the fit on the rows
    whose ``folds`` label differs from its own (one label per row).

    One copy of the design and its cross products; each fold's fit solves the full cross
    products less the fold's own, so no training copy of N × K rows is formed. Columns
    collinear within a fold's training rows are dropped as :func:`ols` drops them.
    ``subsets``: a list of column-index lists of ``X``; then one array per subset, the model
    on those columns (and the intercept), all from the same cross products."""
    Xv, _ = as_matrix(X, names, intercept=intercept)
    yv = np.asarray(y, dtype=float)
    f = np.asarray(folds)
    check_rows(len(yv))
    if len(f) != len(yv) or len(Xv) != len(yv):
        raise EstimationError("cross_fitted needs one fold label and one row of X per outcome")
    shift = int(intercept)
    cols = [np.arange(Xv.shape[1])]
    if subsets is not None:
        cols = [np.array([*range(shift), *(int(j) + shift for j in sub)]) for sub in subsets]
    gram, rhs = Xv.T @ Xv, Xv.T @ yv
    out = [np.empty(len(yv)) for _ in cols]
    for k in np.unique(f):
        idx = np.flatnonzero(f == k)
        Xk, yk = Xv[idx], yv[idx]
        g, r = gram - Xk.T @ Xk, rhs - Xk.T @ yk
        for c, o in zip(cols, out, strict=True):
            sol = normal_equations(g[np.ix_(c, c)], r[c])
            o[idx] = Xk[:, c[sol.keep]] @ sol.coef
    return out if subsets is not None else out[0]


def logit(
    y,
    X,
    *,
    names=None,
    covariance: CovarianceSpec | None = IID,
    maxit: int = 100,
    tol: float = 1e-10,
) -> Fit:
    """Logistic regression of a 0/1 ``y`` on ``X`` (an intercept added): :func:`binomial` with
    the logit link, refitted without the columns its weights make collinear.

    Collinearity is judged first on the unweighted design, as in :func:`poisson`; a column can
    also be collinear with others only where the weights μ(1 − μ) are large (rows with μ near
    0 or 1 hardly count), and a column the weighted sweep drops during IRLS or at the estimate
    is dropped and the model refitted. The bread is (X'WX)⁻¹ with W = μ(1 − μ) and the score
    x(y − μ), so ``Clustered`` is statsmodels' ``Logit(...).fit(cov_type="cluster")``;
    ``resid`` is y − μ, ``fitted`` μ."""
    Xv, cols = as_matrix(X, names, intercept=True)
    keep = normal_equations(Xv.T @ Xv, np.zeros(Xv.shape[1])).keep
    while True:
        # No copy of the design while every column is kept (about 1 GB in A5 at scale 100).
        Xk = Xv if len(keep) == Xv.shape[1] else np.ascontiguousarray(Xv[:, keep])
        try:
            fit = binomial(
                y,
                Xk,
                link="logit",
                names=[cols[j] for j in keep],
                intercept=False,
                covariance=covariance,
                maxit=maxit,
                tol=tol,
            )
            break
        except WeightedCollinearity as exc:
            # exc.keep indexes Xk's columns: binomial's unweighted sweep drops none of them
            kept = exc.keep
        keep = keep[kept]
    return dataclasses.replace(
        fit, dropped=tuple(cols[j] for j in range(len(cols)) if j not in set(keep))
    )
