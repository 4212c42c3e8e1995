"""Cell-means fast paths: least squares on cell dummies (no intercept), with or without controls.

With dummies only, the coefficients are the cell means, X'X is diagonal and the CR1 meat comes
from per-(cluster, cell) residual sums: O(N) instead of an N × cells design. With controls
(:class:`CellDesign`), the cross products over each sample are those over all complete rows minus
those over the few excluded rows, and every control is demeaned over the sample algebraically, so
a fit costs three passes over the controls instead of copying and centring them.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from bip.analysis.estimation.covariance import Clustered, cluster_codes, cr1_factor
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
    v = cr1_factor(cl.count, n, k) * inv[:, None] * (s.T @ s) * inv[None, :]
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
    )


def _cell_sums(cells: np.ndarray, n_cells: int, X: np.ndarray) -> np.ndarray:
    """Per-cell column sums of X (n_cells × K)."""
    d = sparse.csr_matrix(
        (np.ones(len(cells)), (cells, np.arange(len(cells)))), shape=(n_cells, len(cells))
    )
    return np.asarray(d @ X)


class CellDesign:
    """Cell dummies plus controls demeaned over each sample, for many samples of one frame.

    ``B`` holds the common controls (rows with a missing one never enter); each fit adds one
    sample-specific control ``extra``; ``control_names`` name ``extra`` and B's columns. Each fit equals least squares on
    ``[dummies of the used cells, extra − mean, B − mean]`` over the sample, CR1 by cluster.
    """

    def __init__(self, cells, names, B: np.ndarray, clusters: np.ndarray, control_names=()) -> None:
        self.cells = np.asarray(cells, dtype=np.int64)
        self.cell_names = tuple(names)
        self.n_cells = len(self.cell_names)
        self.control_names = tuple(control_names)
        self.valid = ~np.isnan(B).any(axis=1)
        self.B = np.where(self.valid[:, None], B, 0.0)  # excluded rows contribute zeros
        self.codes = np.asarray(clusters, dtype=np.int64)
        self.size = int(self.codes.max()) + 1 if len(self.codes) else 0
        self.btb = self.B.T @ self.B
        self.db = _cell_sums(self.cells, self.n_cells, self.B)
        self.b_total = self.B.sum(axis=0)

    def fit(self, mask: np.ndarray, extra: np.ndarray, y_full: np.ndarray) -> Fit:
        """Fit on the rows of ``mask`` (within the complete rows); ``y_full`` and ``extra`` are
        full-length arrays whose values outside ``mask`` are ignored."""
        mask = np.asarray(mask, dtype=bool) & self.valid
        n = int(mask.sum())
        kb = self.B.shape[1]
        cells, B = self.cells, self.B
        m = mask.astype(float)
        y0 = np.where(mask, y_full, 0.0)
        p0 = np.where(mask, extra, 0.0)
        exc = np.flatnonzero(self.valid & ~mask)
        few_excluded = len(exc) * 2 < n
        if few_excluded:
            be = B[exc]
            btb = self.btb - be.T @ be
            db = self.db - _cell_sums(cells[exc], self.n_cells, be)
            sum_b = self.b_total - be.sum(axis=0)
        else:
            bm = B[mask]
            btb = bm.T @ bm
            db = _cell_sums(cells[mask], self.n_cells, bm)
            sum_b = B.T @ m
        counts = np.bincount(cells, weights=m, minlength=self.n_cells)
        used = counts > 0
        kd = int(used.sum())
        g = int(np.count_nonzero(np.bincount(self.codes[mask], minlength=self.size))) if n else 0
        _check(n, 1, g)
        # Raw cross products with the controls C = [extra, B] over the sample.
        bpy = B.T @ np.column_stack([p0, y0])  # one pass over B for both vectors
        ctc = np.empty((1 + kb, 1 + kb))
        ctc[0, 0] = p0 @ p0
        ctc[0, 1:] = ctc[1:, 0] = bpy[:, 0]
        ctc[1:, 1:] = btb
        dc = np.column_stack([np.bincount(cells, weights=p0, minlength=self.n_cells), db])[used]
        cty = np.r_[p0 @ y0, bpy[:, 1]]
        dy = np.bincount(cells, weights=y0, minlength=self.n_cells)[used]
        # Centre the controls over the sample.
        mean = np.r_[p0.sum(), sum_b] / n
        ctc -= n * np.outer(mean, mean)
        dc -= np.outer(counts[used], mean)
        cty -= mean * y0.sum()
        gram = np.block([[np.diag(counts[used]), dc], [dc.T, ctc]])
        sol = normal_equations(gram, np.r_[dy, cty])
        keep = sol.keep
        full = np.zeros(kd + 1 + kb)
        full[keep] = sol.coef
        cu = (np.cumsum(used) - 1)[cells]
        fitted = full[:kd][cu] + p0 * full[kd] + B @ full[kd + 1 :] - mean @ full[kd:]
        y = y_full[mask]
        u = y - fitted[mask]
        # Cluster score sums of the dummies and the centred controls, without the design.
        u_full = np.zeros(len(mask))
        u_full[mask] = u
        codes, size = self.codes, self.size
        sd = np.bincount(codes * kd + cu, weights=u_full, minlength=size * kd).reshape(size, kd)
        w = sparse.csr_matrix((u_full, (codes, np.arange(len(mask)))), shape=(size, len(mask)))
        su = np.bincount(codes, weights=u_full, minlength=size)
        sp = np.bincount(codes, weights=u_full * p0, minlength=size)
        sc = np.column_stack([sp, np.asarray(w @ B)]) - np.outer(su, mean)
        s = np.column_stack([sd, sc])[:, keep]
        k = len(keep)
        _check(n, k, g)
        v = cr1_factor(g, n, k) * sol.bread @ (s.T @ s) @ sol.bread
        names = [nm for nm, ok in zip(self.cell_names, used, strict=True) if ok]
        names += list(self.control_names) or [f"c{j}" for j in range(1 + kb)]
        return Fit(
            names=tuple(names[j] for j in keep),
            coef=sol.coef,
            vcov=v,
            covariance=Clustered(codes[mask]),
            n_obs=n,
            n_clusters=g,
            n_params=k,
            df=g - 1,
            bread=sol.bread,
            r2=_r2(y, u),
            dropped=tuple(names[j] for j in range(len(names)) if j not in set(keep)),
        )
