"""Cell-means fast paths: least squares on cell dummies (no intercept), with or without controls.

With dummies only, the coefficients are the cell means, X'X is diagonal and the CR1 meat comes
from per-(cluster, cell) residual sums: O(N) instead of an N × cells design. With controls
(:class:`CellDesign`), the cross products over each sample are those over all complete rows minus
those over the few excluded rows, every control is demeaned over the sample algebraically, and a
categorical control's dummies are sums per level, so a fit costs a few passes over the numeric
controls instead of copying and centring a design.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from bip.analysis.estimation.covariance import Clustered, cluster_codes, cr1_factor
from bip.analysis.estimation.design import group_matrix
from bip.analysis.estimation.errors import EmptyDesignError, TooFewClustersError
from bip.analysis.estimation.results import Fit
from bip.analysis.estimation.solve import normal_equations


def _check(n: int, k: int, g: int) -> None:
    if n == 0 or k == 0:
        raise EmptyDesignError("the model has no observations; check the sample selection")
    if n <= k:
        raise EmptyDesignError(
            f"{n} observations for {k} parameters; widen the sample or use fewer cells"
        )
    if g < 2:
        raise TooFewClustersError(
            f"cluster-robust errors need at least two clusters, the sample has {g}; "
            "widen the sample"
        )


def _r2(y: np.ndarray, u: np.ndarray) -> float:
    tss = float(((y - y.mean()) ** 2).sum())
    return 1 - float(u @ u) / tss if tss > 0 else float("nan")


def cell_means(cells, y, clusters, *, names: list[str] | tuple[str, ...]) -> Fit:
    """Least squares of ``y`` on one dummy per cell (no intercept), CR1 by ``clusters``.

    ``cells`` holds each row's cell index into ``names``. Only cells with rows get a
    coefficient (``Fit.names`` lists them in order); the closed form equals the dummy
    regression's numbers exactly.
    """
    cells = np.asarray(cells, dtype=np.int64)
    y = np.asarray(y, dtype=float)
    n_cells, n = len(names), len(y)
    cl = cluster_codes(clusters, n)
    counts = np.bincount(cells, minlength=n_cells)
    used = counts > 0
    k = int(used.sum())
    _check(n, k, cl.count)
    beta = np.bincount(cells, weights=y, minlength=n_cells)[used] / counts[used]
    cu = (np.cumsum(used) - 1)[cells]
    u = y - beta[cu]
    s = np.bincount(cl.codes * k + cu, weights=u, minlength=cl.size * k).reshape(cl.size, k)
    inv = 1.0 / counts[used]
    scores = np.sqrt(cr1_factor(cl.count, n, k)) * s * inv[None, :]
    v = scores.T @ scores
    return Fit(
        names=tuple(nm for nm, ok in zip(names, used, strict=True) if ok),
        coef=beta,
        vcov=v,
        covariance=Clustered(clusters),
        n_obs=n,
        n_clusters=cl.count,
        n_params=k,
        df=cl.count - 1,
        bread=np.diag(inv),
        r2=_r2(y, u),
        scores=scores,
    )


def _cell_sums(cells: np.ndarray, n_cells: int, X: np.ndarray) -> np.ndarray:
    """Per-cell column sums of X (n_cells × K)."""
    return np.asarray(group_matrix(cells, n_cells) @ X)


class CellDesign:
    """Cell dummies plus controls demeaned over each sample, for many samples of one frame.

    ``B`` holds the common numeric controls and ``factor`` (optional) the integer level codes
    (0 … L − 1, negative = missing) of one categorical control entered as dummies against
    level 0; rows with a missing control never enter. Each fit adds one sample-specific
    control ``extra``; ``control_names`` name ``extra``, B's columns and the factor's dummies.
    Each fit equals least squares on ``[dummies of the used cells, extra − mean, B − mean,
    factor dummies − mean]`` over the sample, CR1 by cluster. The controls are nuisance: the
    :class:`Fit` holds the cells' coefficients and their covariance (the controls' are never
    formed). The factor's dummies are never built: every cross product with them is a group
    sum by level, so a fit costs a few passes over the dense ``B`` whatever the number of
    levels (A4's jobcentres).
    """

    def __init__(
        self,
        cells,
        names,
        B: np.ndarray,
        clusters: np.ndarray,
        control_names=(),
        factor: np.ndarray | None = None,
    ) -> None:
        self.cells = np.asarray(cells, dtype=np.int64)
        n = len(self.cells)
        self.cell_names = tuple(names)
        self.n_cells = len(self.cell_names)
        self.control_names = tuple(control_names)
        B = np.asarray(B, dtype=float).reshape(n, -1)
        f = np.zeros(n, dtype=np.int64) if factor is None else np.asarray(factor, dtype=np.int64)
        self.valid = ~np.isnan(B).any(axis=1) & (f >= 0)
        self.B = np.where(self.valid[:, None], B, 0.0)  # excluded rows contribute zeros
        self.factor = np.where(self.valid, f, 0)
        self.n_levels = int(self.factor.max()) + 1 if n else 1
        self.codes = np.asarray(clusters, dtype=np.int64)
        self.size = int(self.codes.max()) + 1 if n else 0
        # Cluster sums as one sparse product.
        self.cluster_sum = group_matrix(self.codes, self.size)
        # The (cluster, cell, level) triples present: a fit's cluster scores sum residuals by
        # triple (one bincount) and multiply by a small table, instead of an N × cells pass.
        width = self.n_cells * self.n_levels
        triple = self.codes * width + self.cells * self.n_levels + self.factor
        uniq, self._triple_of_row = np.unique(triple, return_inverse=True)
        self._triple_cols = uniq % width
        self._triple_ptr = np.searchsorted(uniq // width, np.arange(self.size + 1))
        self.btb = self.B.T @ self.B
        self.db = _cell_sums(self.cells, self.n_cells, self.B)
        self.fb = _cell_sums(self.factor, self.n_levels, self.B)
        self.b_total = self.B.sum(axis=0)

    def _sample_sums(self, mask: np.ndarray, n: int):
        """B'B, per-cell and per-level sums of B, and B's column sums over the sample: those
        of all valid rows minus the excluded ones when few are excluded (most of A4's items)."""
        exc = np.flatnonzero(self.valid & ~mask)
        if len(exc) * 2 < n:
            be = self.B[exc]
            return (
                self.btb - be.T @ be,
                self.db - _cell_sums(self.cells[exc], self.n_cells, be),
                self.fb - _cell_sums(self.factor[exc], self.n_levels, be),
                self.b_total - be.sum(axis=0),
            )
        rows = np.flatnonzero(mask)
        bm = self.B[rows]
        return (
            bm.T @ bm,
            _cell_sums(self.cells[rows], self.n_cells, bm),
            _cell_sums(self.factor[rows], self.n_levels, bm),
            bm.sum(axis=0),
        )

    def fit(self, mask: np.ndarray, extra: np.ndarray, y_full: np.ndarray) -> Fit:
        """Fit on the rows of ``mask`` (within the complete rows); ``y_full`` and ``extra`` are
        full-length arrays whose values outside ``mask`` are ignored."""
        mask = np.asarray(mask, dtype=bool) & self.valid
        n = int(mask.sum())
        kb, L = self.B.shape[1], self.n_levels
        kf = L - 1
        cells, B, f = self.cells, self.B, self.factor
        m = mask.astype(float)
        y0 = np.where(mask, y_full, 0.0)
        p0 = np.where(mask, extra, 0.0)
        btb, db, fb, sum_b = self._sample_sums(mask, n)
        counts = np.bincount(cells, weights=m, minlength=self.n_cells)
        used = counts > 0
        kd = int(used.sum())
        g = int(np.count_nonzero(np.bincount(self.codes[mask], minlength=self.size))) if n else 0
        _check(n, 1, g)
        # Raw cross products with the controls C = [extra, B, factor dummies] over the sample;
        # those with the dummies are sums per level (level 0, the reference, is left out).
        bpy = B.T @ np.column_stack([p0, y0])  # one pass over B for both
        f_n = np.bincount(f, weights=m, minlength=L)[1:]
        f_p = np.bincount(f, weights=p0, minlength=L)[1:]
        f_y = np.bincount(f, weights=y0, minlength=L)[1:]
        cell_f = np.bincount(cells * L + f, weights=m, minlength=self.n_cells * L)
        ctc = np.empty((1 + kb + kf, 1 + kb + kf))
        ctc[0, 0] = p0 @ p0
        ctc[0, 1 : 1 + kb] = ctc[1 : 1 + kb, 0] = bpy[:, 0]
        ctc[0, 1 + kb :] = ctc[1 + kb :, 0] = f_p
        ctc[1 : 1 + kb, 1 : 1 + kb] = btb
        ctc[1 : 1 + kb, 1 + kb :] = fb[1:].T
        ctc[1 + kb :, 1 : 1 + kb] = fb[1:]
        ctc[1 + kb :, 1 + kb :] = np.diag(f_n)
        dc = np.column_stack(
            [
                np.bincount(cells, weights=p0, minlength=self.n_cells),
                db,
                cell_f.reshape(self.n_cells, L)[:, 1:],
            ]
        )[used]
        cty = np.r_[p0 @ y0, bpy[:, 1], f_y]
        dy = np.bincount(cells, weights=y0, minlength=self.n_cells)[used]
        # Centre the controls over the sample.
        mean = np.r_[p0.sum(), sum_b, f_n] / n
        ctc -= n * np.outer(mean, mean)
        dc -= np.outer(counts[used], mean)
        cty -= mean * y0.sum()
        gram = np.block([[np.diag(counts[used]), dc], [dc.T, ctc]])
        sol = normal_equations(gram, np.r_[dy, cty])
        keep = sol.keep
        k = len(keep)
        _check(n, k, g)
        full = np.zeros(kd + 1 + kb + kf)
        full[keep] = sol.coef
        # Rows of cells outside the sample get position 0; their residual is set to 0 below.
        cu = np.maximum(np.cumsum(used) - 1, 0)[cells]
        fitted = self._fitted(full, cu, p0, kd, mean)
        u_full = np.where(mask, y_full - fitted, 0.0)
        # Covariance of the cells only: V = c · (S A)'(S A) with S the cluster score sums and
        # A the bread's cell rows, from sums per (cluster, cell, level): never S (G × K).
        cell_pos = np.flatnonzero(keep < kd)
        A = np.zeros((kd + 1 + kb + kf, len(cell_pos)))
        A[keep] = sol.bread[:, cell_pos]
        t = np.sqrt(cr1_factor(g, n, k)) * self._cluster_scores(A, u_full, p0, used, mean)
        v = t.T @ t
        names = [nm for nm, ok in zip(self.cell_names, used, strict=True) if ok]
        names += list(self.control_names) or [f"c{j}" for j in range(1 + kb + kf)]
        y = y_full[mask]
        return Fit(
            names=tuple(names[j] for j in keep[cell_pos]),
            coef=sol.coef[cell_pos],
            vcov=v,
            covariance=Clustered(self.codes[mask]),
            n_obs=n,
            n_clusters=g,
            n_params=k,
            df=g - 1,
            bread=sol.bread[np.ix_(cell_pos, cell_pos)],
            r2=_r2(y, u_full[mask]),
            dropped=tuple(names[j] for j in range(len(names)) if j not in set(keep)),
            scores=t,
        )

    def _cluster_scores(self, M: np.ndarray, u: np.ndarray, p0, used, mean) -> np.ndarray:
        """Per cluster, the sum over its rows of u_i times the row's centred design times
        ``M`` (one row per cluster code): sums of u by (cluster, cell, level) times the
        table of each pair's part, plus the sums of u·B and u·extra times theirs."""
        kd, kb, L = int(used.sum()), self.B.shape[1], self.n_levels
        table = np.zeros((self.n_cells, L, M.shape[1]))
        table[used] = self._table(M, kd, mean)
        by_triple = np.bincount(self._triple_of_row, weights=u, minlength=len(self._triple_cols))
        pairs = sparse.csr_matrix(
            (by_triple, self._triple_cols, self._triple_ptr), shape=(self.size, self.n_cells * L)
        )
        g = self.cluster_sum
        w = sparse.csr_matrix((u[g.indices], g.indices, g.indptr), shape=g.shape)
        out = np.asarray(pairs @ table.reshape(self.n_cells * L, -1))
        out += np.asarray(w @ self.B) @ M[kd + 1 : kd + 1 + kb]
        out += np.outer(w @ p0, M[kd])
        return out

    def _table(self, M: np.ndarray, kd: int, mean: np.ndarray) -> np.ndarray:
        """Per used cell and level: that part of the centred design times ``M`` (kd × L × m)."""
        kb = self.B.shape[1]
        lev = np.vstack([np.zeros((1, M.shape[1])), M[kd + 1 + kb :]])
        return M[:kd][:, None, :] + lev[None, :, :] - (mean @ M[kd:])[None, None, :]

    def _fitted(self, coef: np.ndarray, cu, p0, kd: int, mean: np.ndarray) -> np.ndarray:
        """Each row's centred design times ``coef`` (cells, extra, B, factor dummies): one
        gather per (cell, level) pair, the B product and the extra column."""
        kb, L = self.B.shape[1], self.n_levels
        out = self._table(coef[:, None], kd, mean).reshape(kd * L)[cu * L + self.factor]
        out += self.B @ coef[kd + 1 : kd + 1 + kb]
        out += p0 * coef[kd]
        return out
