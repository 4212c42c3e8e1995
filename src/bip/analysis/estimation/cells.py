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


def _dense(x) -> np.ndarray:
    return x.toarray() if sparse.issparse(x) else np.asarray(x)


def _cell_sums(cells: np.ndarray, n_cells: int, X) -> np.ndarray:
    """Per-cell column sums of X (n_cells × K; X dense or sparse)."""
    d = sparse.csr_matrix(
        (np.ones(len(cells)), (cells, np.arange(len(cells)))), shape=(n_cells, len(cells))
    )
    return _dense(d @ X)


class CellDesign:
    """Cell dummies plus controls demeaned over each sample, for many samples of one frame.

    ``B`` holds the common controls (rows with a missing one never enter); each fit adds one
    sample-specific control ``extra``; ``control_names`` name ``extra`` and B's columns. Each
    fit equals least squares on ``[dummies of the used cells, extra − mean, B − mean]`` over the
    sample, CR1 by cluster. The controls are nuisance: the :class:`Fit` holds the cells'
    coefficients and their covariance (the controls' are never formed). ``B`` is kept sparse
    when mostly zeros (jobcentre dummies), so each fit's passes over it cost its non-zeros.
    """

    def __init__(self, cells, names, B: np.ndarray, clusters: np.ndarray, control_names=()) -> None:
        self.cells = np.asarray(cells, dtype=np.int64)
        self.cell_names = tuple(names)
        self.n_cells = len(self.cell_names)
        self.control_names = tuple(control_names)
        self.valid = ~np.isnan(B).any(axis=1)
        dense = np.where(self.valid[:, None], B, 0.0)  # excluded rows contribute zeros
        sparse_enough = dense.size and np.count_nonzero(dense) < 0.5 * dense.size
        self.B = sparse.csr_matrix(dense) if sparse_enough else dense
        self.codes = np.asarray(clusters, dtype=np.int64)
        self.size = int(self.codes.max()) + 1 if len(self.codes) else 0
        self.btb = _dense(self.B.T @ self.B)
        self.db = _cell_sums(self.cells, self.n_cells, self.B)
        self.b_total = np.asarray(self.B.sum(axis=0)).ravel()

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
        if len(exc) * 2 < n:
            be = B[exc]
            btb = self.btb - _dense(be.T @ be)
            db = self.db - _cell_sums(cells[exc], self.n_cells, be)
            sum_b = self.b_total - np.asarray(be.sum(axis=0)).ravel()
        else:
            bm = B[mask]
            btb = _dense(bm.T @ bm)
            db = _cell_sums(cells[mask], self.n_cells, bm)
            sum_b = np.asarray(B.T @ m).ravel()
        counts = np.bincount(cells, weights=m, minlength=self.n_cells)
        used = counts > 0
        kd = int(used.sum())
        g = int(np.count_nonzero(np.bincount(self.codes[mask], minlength=self.size))) if n else 0
        _check(n, 1, g)
        # Raw cross products with the controls C = [extra, B] over the sample.
        bpy = np.asarray(B.T @ np.column_stack([p0, y0]))  # one pass over B for both
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
        k = len(keep)
        _check(n, k, g)
        full = np.zeros(kd + 1 + kb)
        full[keep] = sol.coef
        cu = (np.cumsum(used) - 1)[cells]
        fitted = full[:kd][cu] + p0 * full[kd] + np.asarray(B @ full[kd + 1 :]) - mean @ full[kd:]
        u_full = np.where(mask, y_full - fitted, 0.0)
        # Covariance of the cells only: V = c · (S A)'(S A) with S the cluster score sums and
        # A the bread's cell rows, from per-row x̃_i'A (N × cells), never S itself (G × K).
        cell_pos = np.flatnonzero(keep < kd)
        A = np.zeros((kd + 1 + kb, len(cell_pos)))
        A[keep] = sol.bread[:, cell_pos]
        xa = A[:kd][cu] + np.outer(p0, A[kd]) + np.asarray(B @ A[kd + 1 :]) - mean @ A[kd:]
        w = sparse.csr_matrix(
            (u_full, (self.codes, np.arange(len(mask)))), shape=(self.size, len(mask))
        )
        t = np.sqrt(cr1_factor(g, n, k)) * np.asarray(w @ xa)
        v = t.T @ t
        names = [nm for nm, ok in zip(self.cell_names, used, strict=True) if ok]
        names += list(self.control_names) or [f"c{j}" for j in range(1 + kb)]
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
