"""Least squares with cluster-robust (CR1) standard errors, in numpy.

The convention is SPEC §4 and the same as statsmodels'
``OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": g}, use_t=True)``:

    V = c · (X'X)⁻¹ (Σ_g X_g'u_g u_g'X_g) (X'X)⁻¹,   c = G/(G−1) · (N−1)/(N−K)

with G clusters (citizens), N observations and K estimated coefficients; intervals and
p-values use Student's t with G − 1 degrees of freedom. (statsmodels' default for cluster
covariances is the same factor c but the *normal* distribution unless ``use_t=True``.)

Columns that are all zero or linearly dependent on earlier columns are dropped before the
fit; their coefficients are NaN and K counts only the kept columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import linalg, sparse, stats


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


def cluster_ols(X: np.ndarray, y: np.ndarray, groups: np.ndarray, *, level: float = 0.95) -> Fit:
    """OLS of ``y`` on ``X`` (no intercept added) with CR1 standard errors clustered by ``groups``.

    ``groups`` may hold any hashable labels. Rows must be complete (the caller selects the
    sample). Solved from the column-equilibrated cross-product matrix (K is small, N may be
    millions: one BLAS pass over the data instead of a QR of an N x K matrix).
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, p = X.shape
    codes, G, size = _clusters(groups, n)

    def fitted(keep, b):
        return (X[:, keep] if len(keep) < p else X) @ b

    def scores(keep, w, u):
        # S = W X with W the G x N matrix holding u_i at (cluster_i, i): one sparse pass.
        return np.asarray(w @ (X[:, keep] if len(keep) < p else X))

    return _solve(X.T @ X, X.T @ y, y, codes, G, size, fitted, scores, level)


def _clusters(groups, n: int) -> tuple[np.ndarray, int, int]:
    """Integer cluster codes, the number of clusters present, and the code range.

    Non-negative integer ``groups`` are used as they are (callers factorise the citizen ids
    of the whole panel once and pass subsets; codes of absent clusters only add zero rows to
    the score sums). Anything else is factorised here.
    """
    if n == 0:
        return np.zeros(0, dtype=np.int64), 0, 0
    g = np.asarray(groups)
    if g.dtype.kind in "iu" and g.min() >= 0:
        codes = g.astype(np.int64, copy=False)
        size = int(codes.max()) + 1
        return codes, int(np.count_nonzero(np.bincount(codes, minlength=size))), size
    codes = pd.factorize(g)[0]
    size = int(codes.max()) + 1
    return codes, size, size


def _solve(xtx, xty, y, codes, G, size, fitted, scores, level) -> Fit:
    """Shared core: equilibrate, drop dependent columns, solve, CR1 covariance, t(G-1)."""
    n, p = len(y), xtx.shape[0]
    beta = np.full(p, np.nan)
    se = np.full(p, np.nan)
    norms = np.sqrt(np.clip(np.diag(xtx), 0, None))
    scale = np.where(norms > 0, norms, 1.0)
    gram = xtx / np.outer(scale, scale)
    keep = _independent_columns(gram, norms > 0)
    k = len(keep)
    if n == 0 or k == 0 or n <= k or G < 2:
        nan = np.full(p, np.nan)
        return Fit(beta, se, nan, nan.copy(), nan.copy(), n, G, k, max(G - 1, 0), np.nan, np.nan)
    sk = scale[keep]
    factor = linalg.cho_factor(gram[np.ix_(keep, keep)])
    bk = linalg.cho_solve(factor, xty[keep] / sk) / sk
    u = y - fitted(keep, bk)
    bread = linalg.cho_solve(factor, np.eye(k)) / np.outer(sk, sk)  # (X'X)^-1
    w = sparse.csr_matrix((u, (codes, np.arange(n))), shape=(size, n))
    s = scores(keep, w, u)
    meat = s.T @ s
    c = G / (G - 1) * (n - 1) / (n - k)
    v = c * bread @ meat @ bread
    beta[keep] = bk
    se[keep] = np.sqrt(np.clip(np.diag(v), 0, None))
    return _fit(beta, se, y, u, n, G, k, level)


def cluster_means(
    cells: np.ndarray, n_cells: int, y: np.ndarray, groups: np.ndarray, *, level: float = 0.95
) -> Fit:
    """:func:`cluster_ols` for a design of cell dummies only (no intercept), in O(N).

    ``cells`` holds each row's cell index in ``0..n_cells-1``. The coefficients are the cell
    means and X'X is diagonal, so the same CR1 covariance follows from per-(cluster, cell)
    sums of residuals. Cells without rows get NaN and are not counted in K.
    """
    cells = np.asarray(cells, dtype=np.int64)
    y = np.asarray(y, dtype=float)
    n = len(y)
    codes, G, size = _clusters(groups, n)
    counts = np.bincount(cells, minlength=n_cells)
    used = counts > 0
    k = int(used.sum())
    nan = np.full(n_cells, np.nan)
    if n == 0 or n <= k or G < 2:
        return Fit(
            nan,
            nan.copy(),
            nan.copy(),
            nan.copy(),
            nan.copy(),
            n,
            G,
            k,
            max(G - 1, 0),
            np.nan,
            np.nan,
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        beta = np.bincount(cells, weights=y, minlength=n_cells) / counts
    u = y - beta[cells]
    # Cluster-by-cell residual sums: row g of S is X_g'u_g restricted to the used cells.
    s = np.bincount(codes * n_cells + cells, weights=u, minlength=size * n_cells).reshape(
        size, n_cells
    )[:, used]
    inv = 1.0 / counts[used]
    meat = s.T @ s
    c = G / (G - 1) * (n - 1) / (n - k)
    v = c * inv[:, None] * meat * inv[None, :]
    se = nan.copy()
    se[used] = np.sqrt(np.clip(np.diag(v), 0, None))
    beta[~used] = np.nan
    return _fit(beta, se, y, u, n, G, k, level)


def _fit(beta, se, y, u, n: int, G: int, k: int, level: float) -> Fit:
    """Intervals and p-values from t with G − 1 degrees of freedom, and R², as a Fit."""
    df = G - 1
    t_crit = float(stats.t.ppf(0.5 + level / 2, df))
    with np.errstate(divide="ignore", invalid="ignore"):
        p_value = 2 * stats.t.sf(np.abs(beta / se), df)
    tss = float(((y - y.mean()) ** 2).sum())
    r2 = 1 - float(u @ u) / tss if tss > 0 else np.nan
    return Fit(beta, se, beta - t_crit * se, beta + t_crit * se, p_value, n, G, k, df, t_crit, r2)


def _independent_columns(gram: np.ndarray, nonzero: np.ndarray, tol: float = 1e-10) -> np.ndarray:
    """Indices of a maximal set of linearly independent columns, earliest first.

    Works on the equilibrated cross-product matrix: a column is kept when its squared
    residual norm after projecting on the kept columns is above ``tol`` (its own squared norm
    is 1). The combination dummies come first, so a collinear control is the one dropped.
    """
    kept: list[int] = []
    for j in np.flatnonzero(nonzero):
        if kept:
            a = gram[np.ix_(kept, kept)]
            b = gram[kept, j]
            resid = gram[j, j] - b @ linalg.solve(a, b, assume_a="pos")
        else:
            resid = gram[j, j]
        if resid > tol:
            kept.append(int(j))
    return np.array(kept, dtype=int)


class CellsDesign:
    """The A4 adjusted design, shared by every item: cell dummies, one item-specific control
    (the previous level) and common controls ``B`` (rows with a missing control never enter).

    Each item's sample is a subset (``mask``) of the rows. Cross products over the sample are
    those over all complete rows minus those over the few excluded rows, and every control
    is demeaned over the sample algebraically, so a fit costs three passes over ``B`` instead
    of copying and centring it. Equals :func:`cluster_ols` on
    ``[dummies of used cells, prev - mean, B - mean]`` over the sample.
    """

    def __init__(self, cells: np.ndarray, n_cells: int, B: np.ndarray, codes: np.ndarray):
        self.cells = np.asarray(cells, dtype=np.int64)
        self.n_cells = n_cells
        self.valid = ~np.isnan(B).any(axis=1)
        self.B = np.where(self.valid[:, None], B, 0.0)  # excluded rows contribute zeros
        self.codes = np.asarray(codes, dtype=np.int64)
        self.size = int(self.codes.max()) + 1 if len(self.codes) else 0
        self.btb = self.B.T @ self.B
        self.db = _cell_sums(self.cells, n_cells, self.B)

    def fit(
        self, mask: np.ndarray, prev: np.ndarray, y_full: np.ndarray, *, level: float = 0.95
    ) -> Fit:
        """Fit on the rows of ``mask`` (must be within the complete rows); ``y_full``/``prev``
        are full-length arrays whose values outside ``mask`` are ignored."""
        mask = np.asarray(mask, dtype=bool) & self.valid
        n = int(mask.sum())
        kb = self.B.shape[1]
        cells, B = self.cells, self.B
        m = mask.astype(float)
        y0 = np.where(mask, y_full, 0.0)
        p0 = np.where(mask, prev, 0.0)
        exc = np.flatnonzero(self.valid & ~mask)
        if len(exc) * 2 < n:
            be = B[exc]
            btb = self.btb - be.T @ be
            db = self.db - _cell_sums(cells[exc], self.n_cells, be)
        else:
            bm = B[mask]
            btb = bm.T @ bm
            db = _cell_sums(cells[mask], self.n_cells, bm)
        counts = np.bincount(cells, weights=m, minlength=self.n_cells)
        used = counts > 0
        kd = int(used.sum())
        # Raw cross products with the controls C = [prev, B] over the sample.
        bpy = B.T @ np.column_stack([p0, y0])  # one pass over B for both vectors
        sum_b = B.T @ m if len(exc) * 2 >= n else self._sum_b(exc)
        sum_p, sum_y = p0.sum(), y0.sum()
        ctc = np.empty((1 + kb, 1 + kb))
        ctc[0, 0] = p0 @ p0
        ctc[0, 1:] = ctc[1:, 0] = bpy[:, 0]
        ctc[1:, 1:] = btb
        dc = np.column_stack([np.bincount(cells, weights=p0, minlength=self.n_cells), db])[used]
        cty = np.r_[p0 @ y0, bpy[:, 1]]
        dy = np.bincount(cells, weights=y0, minlength=self.n_cells)[used]
        # Centre the controls over the sample.
        mean = np.r_[sum_p, sum_b] / n if n else np.zeros(1 + kb)
        ctc -= n * np.outer(mean, mean)
        dc -= np.outer(counts[used], mean)
        cty -= mean * sum_y
        gram = np.block([[np.diag(counts[used]), dc], [dc.T, ctc]])
        xty = np.r_[dy, cty]
        cu = (np.cumsum(used) - 1)[cells]
        G = int(np.count_nonzero(np.bincount(self.codes[mask], minlength=self.size))) if n else 0
        sizes = self.size

        def fitted(keep, b):
            full = np.zeros(kd + 1 + kb)
            full[keep] = b
            bd, bc = full[:kd], full[kd:]
            f = bd[cu] + p0 * bc[0] + B @ bc[1:] - mean @ bc
            return f[mask]

        def scores(keep, w, u):
            u_full = np.zeros(len(mask))
            u_full[mask] = u
            codes = self.codes
            sd = np.bincount(codes * kd + cu, weights=u_full, minlength=sizes * kd).reshape(
                sizes, kd
            )
            w_full = sparse.csr_matrix(
                (u_full, (codes, np.arange(len(mask)))), shape=(sizes, len(mask))
            )
            su = np.bincount(codes, weights=u_full, minlength=sizes)
            sp = np.bincount(codes, weights=u_full * p0, minlength=sizes)
            sb = np.asarray(w_full @ B)
            sc = np.column_stack([sp, sb]) - np.outer(su, mean)
            return np.column_stack([sd, sc])[:, keep]

        y = y_full[mask]
        return _solve(gram, xty, y, self.codes[mask], G, sizes, fitted, scores, level)

    def _sum_b(self, exc: np.ndarray) -> np.ndarray:
        if not hasattr(self, "_b_total"):
            self._b_total = self.B.sum(axis=0)
        return self._b_total - self.B[exc].sum(axis=0)


def _cell_sums(cells: np.ndarray, n_cells: int, X: np.ndarray) -> np.ndarray:
    """Per-cell column sums of X (n_cells x K)."""
    d = sparse.csr_matrix(
        (np.ones(len(cells)), (cells, np.arange(len(cells)))), shape=(n_cells, len(cells))
    )
    return np.asarray(d @ X)
