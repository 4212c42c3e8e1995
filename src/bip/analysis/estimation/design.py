"""Design matrices and absorbed fixed-effect factors.

One absorbed factor needs no iteration: demeaning by group is exact in one pass (a sparse group
sum). Two or more factors are absorbed by alternating projections (demean by each in turn until
the largest change is below ``tol``), the method of fixest and pyfixest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from bip.analysis.estimation.errors import EmptyDesignError, EstimationError

_CHUNK = 1 << 16
# Rows per in-place step of SortedGroups.subtract (its temporary stays in cache).
_SUB_CHUNK = 1 << 13
# Rows per transposed run of SortedGroups.sums (whole groups; a larger group is one run).
_SUM_ROWS = 1 << 10


@dataclass(frozen=True)
class Factor:
    """An absorbed factor: each row's group code (groups sorted by label) and the labels."""

    codes: np.ndarray
    levels: np.ndarray

    @property
    def n_groups(self) -> int:
        return len(self.levels)

    @classmethod
    def of(cls, labels) -> Factor:
        """The factor of one label per row; missing labels are refused."""
        codes, levels = pd.factorize(pd.Series(labels), sort=True)
        if (codes < 0).any():
            raise EstimationError(
                "fixed-effect labels must not be missing; drop the rows without a label first"
            )
        return cls(codes.astype(np.int64), np.asarray(levels))

    def subset(self, rows: np.ndarray) -> Factor:
        """The factor on a boolean subset of rows (absent groups removed)."""
        return Factor.of(self.levels[self.codes[rows]])


@dataclass(frozen=True)
class SortedGroups:
    """Rows sorted by group once (``order``), so that every group sum is one contiguous
    ``np.add.reduceat`` and every group value spreads back with ``np.repeat``."""

    order: np.ndarray
    starts: np.ndarray
    sizes: np.ndarray

    @classmethod
    def of(cls, codes: np.ndarray) -> SortedGroups:
        """The sorting of rows with these group codes (every group non-empty)."""
        order = np.argsort(codes, kind="stable")
        sc = codes[order]
        starts = np.flatnonzero(np.r_[True, sc[1:] != sc[:-1]])
        return cls(order, starts, np.diff(np.r_[starts, len(codes)]))

    def sums(self, values: np.ndarray) -> np.ndarray:
        """Per-group sums of sorted ``values`` (N, or N × K).

        ``np.add.reduceat`` down the rows of an N × K array walks each column with a stride of
        K values (3-5x slower than contiguous at scale 100). So runs of whole groups of about
        ``_SUM_ROWS`` rows are transposed (in cache) and summed along contiguous rows: the
        same pairwise sum over the same values in the same order, so the same result bits.
        """
        if values.ndim == 1:
            return np.add.reduceat(values, self.starts)
        out = np.empty((len(self.starts), values.shape[1]))
        ends = self.starts + self.sizes
        g = 0
        while g < len(self.starts):
            a = self.starts[g]
            h = max(int(np.searchsorted(ends, a + _SUM_ROWS, side="right")), g + 1)
            block = np.ascontiguousarray(values[a : ends[h - 1]].T)
            out[g:h] = np.add.reduceat(block, self.starts[g:h] - a, axis=1).T
            g = h
        return out

    def spread(self, per_group: np.ndarray) -> np.ndarray:
        """Each group's value repeated over its sorted rows."""
        return np.repeat(per_group, self.sizes, axis=0)

    def subtract(self, X: np.ndarray, per_group: np.ndarray) -> np.ndarray:
        """``X - spread(per_group)`` written into sorted ``X`` in row chunks: no N × K
        temporary (at scale 100 each is ~0.5 GB of fresh pages to fault in)."""
        group = np.repeat(np.arange(len(self.sizes)), self.sizes)
        for a in range(0, len(X), _SUB_CHUNK):
            sl = slice(a, a + _SUB_CHUNK)
            X[sl] -= np.take(per_group, group[sl], axis=0)  # take: ~3x fancy indexing
        return X

    def inverse(self) -> np.ndarray:
        """Positions in sorted order of the original rows: ``sorted[inverse()]`` unsorts."""
        inv = np.empty_like(self.order)
        inv[self.order] = np.arange(len(self.order))
        return inv

    def unsort(self, values: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Sorted rows back in their original order (into ``out`` if given)."""
        # mode="clip": with ``out``, the default mode="raise" copies through a buffer (~10x).
        return np.take(values, self.inverse(), axis=0, out=out, mode="clip")


def group_matrix(codes: np.ndarray, n_groups: int) -> sparse.csr_matrix:
    """Sparse ``n_groups × n`` indicator matrix: ``G @ X`` sums the rows of each group."""
    n = len(codes)
    return sparse.csr_matrix((np.ones(n), (codes, np.arange(n))), shape=(n_groups, n))


def demean(
    X: np.ndarray,
    codes: np.ndarray,
    n_groups: int,
    weights: np.ndarray | None = None,
    *,
    inplace: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Group means of ``X`` (weighted if given) and ``X`` minus its group mean.

    With ``inplace`` the demeaned values overwrite ``X`` in row chunks, so no second N × K
    array is allocated (scale 100: ~2 GB each).
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


def demean_many(
    X: np.ndarray,
    factors: tuple[Factor, ...],
    weights: np.ndarray | None = None,
    *,
    tol: float = 1e-12,
    maxiter: int = 10_000,
) -> np.ndarray:
    """``X`` with every factor absorbed (alternating projections; exact for one factor)."""
    if len(factors) == 1:
        f = factors[0]
        return demean(X, f.codes, f.n_groups, weights)[1]
    out = np.array(X, dtype=float, copy=True)
    scale = max(float(np.abs(out).max()) if out.size else 0.0, 1.0)
    for _ in range(maxiter):
        prev = out.copy()
        for f in factors:
            out = demean(out, f.codes, f.n_groups, weights)[1]
        if float(np.abs(out - prev).max(initial=0.0)) <= tol * scale:
            return out
    raise EstimationError(
        f"absorbing {len(factors)} fixed-effect factors did not converge in {maxiter} sweeps; "
        "check for a factor nested in another or absorb fewer"
    )


def fixed_effect_count(factors: tuple[Factor, ...]) -> int:
    """Parameters the absorbed factors stand for: Σ levels − (factors − 1) (one redundant level
    per extra factor, as for connected factors)."""
    return sum(f.n_groups for f in factors) - max(len(factors) - 1, 0)


def as_matrix(X, names=None, *, intercept: bool) -> tuple[np.ndarray, list[str]]:
    """A C-ordered float copy of the regressors (intercept written in first when asked for)
    and their names (DataFrame columns, ``names``, or x0, x1, ...)."""
    if isinstance(X, pd.DataFrame):
        cols = list(X.columns) if names is None else list(names)
        values = X
    else:
        values = np.asarray(X, dtype=float)
        if values.ndim == 1:
            values = values[:, None]
        cols = [f"x{j}" for j in range(values.shape[1])] if names is None else list(names)
    n = len(values)
    if len(cols) != values.shape[1]:
        raise EstimationError(f"{len(cols)} names for {values.shape[1]} regressor columns")
    out = np.empty((n, len(cols) + intercept), order="C")
    if intercept:
        out[:, 0] = 1.0
        cols = ["(Intercept)", *cols]
    out[:, int(intercept) :] = (
        values.to_numpy(dtype=float) if isinstance(values, pd.DataFrame) else values
    )
    if np.isnan(out).any():
        raise EstimationError(
            "regressors contain missing values; select complete rows or impute before fitting"
        )
    return out, cols


def as_array(X, names=None) -> tuple[np.ndarray, list[str]]:
    """The regressors as a C-ordered float array and their names, without a copy when ``X``
    already is one (callers that gather rows copy anyway); missing values are refused."""
    if isinstance(X, pd.DataFrame):
        return as_matrix(X, names, intercept=False)
    values = np.ascontiguousarray(X, dtype=float)
    if values.ndim == 1:
        values = values[:, None]
    cols = [f"x{j}" for j in range(values.shape[1])] if names is None else list(names)
    if len(cols) != values.shape[1]:
        raise EstimationError(f"{len(cols)} names for {values.shape[1]} regressor columns")
    if np.isnan(values).any():
        raise EstimationError(
            "regressors contain missing values; select complete rows or impute before fitting"
        )
    return values, cols


def check_rows(n: int, what: str = "the model") -> None:
    """Refuse an empty sample with a message saying so."""
    if n == 0:
        raise EmptyDesignError(f"{what} has no observations; check the sample selection")
