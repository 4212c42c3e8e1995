"""A design whose columns are partly per row and partly per group (a citizen's background).

``GroupBlocks(T, B, who)`` stands for the N × (Kt + Kb) matrix [T | B[who]]: the row-level
columns T and the group-level columns B, one row per group, repeated over the group's rows
(rows sorted by group). The binary model's IRLS and its clustered covariance only need
cross products, products with a vector and cluster sums of scores, and each of those splits:
B'WB = B' diag(Σ_g w) B over the G groups, T'WB = (Σ_g w t)' B, so the repeated block is never
formed. For A5's hazard model (N person-periods, G ≈ N/3.5 citizens, Kb ≈ 63 of 86 columns)
that is about a quarter of the flops and of the memory of the dense design.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from bip.analysis.estimation.design import SortedGroups
from bip.analysis.estimation.errors import EstimationError


@dataclass(frozen=True)
class GroupBlocks:
    """[T | B[who]] with ``who`` the group (row of B) of each row, non-decreasing, every group
    present."""

    T: np.ndarray
    B: np.ndarray
    who: np.ndarray

    def __post_init__(self) -> None:
        who = np.asarray(self.who)
        n = len(who)
        if self.T.shape[0] != n:
            raise EstimationError(f"T has {self.T.shape[0]} rows, who {n}; pass one per row")
        if n and (np.any(np.diff(who) < 0) or who[0] != 0 or who[-1] != len(self.B) - 1):
            raise EstimationError("rows must be sorted by group and every group must have rows")
        if n and np.any(np.diff(who) > 1):
            raise EstimationError("every group of B must have rows; drop the empty ones")
        starts = np.flatnonzero(np.r_[True, who[1:] != who[:-1]]) if n else np.zeros(0, int)
        sizes = np.diff(np.r_[starts, n])
        object.__setattr__(self, "groups", SortedGroups(np.arange(n), starts, sizes))

    @property
    def shape(self) -> tuple[int, int]:
        return (self.T.shape[0], self.T.shape[1] + self.B.shape[1])

    @property
    def kt(self) -> int:
        return self.T.shape[1]

    def group_sums(self, values: np.ndarray) -> np.ndarray:
        """Sums of ``values`` (N, or N × k) over each group's rows (the engine's contiguous
        group sums: ``np.add.reduceat`` down the rows of a matrix is several times slower)."""
        return self.groups.sums(values)  # type: ignore[attr-defined]

    def gram(self, w: np.ndarray, z: np.ndarray | None = None):
        """X'WX and X'Wz (zeros when ``z`` is None)."""
        from bip.analysis.estimation.solve import weighted_gram

        kt = self.kt
        tt, tz = weighted_gram(self.T, w, z)
        wg = self.group_sums(w)
        bb, _ = weighted_gram(self.B, wg)
        tb = self.group_sums(self.T * w[:, None]).T @ self.B
        gram = np.block([[tt, tb], [tb.T, bb]])
        rhs = np.zeros(gram.shape[0])
        if z is not None:
            rhs[:kt] = tz
            rhs[kt:] = self.B.T @ self.group_sums(w * z)
        return gram, rhs

    def dot(self, beta: np.ndarray) -> np.ndarray:
        """X β."""
        kt = self.kt
        return self.T @ beta[:kt] + (self.B @ beta[kt:])[self.who]

    def tdot(self, v: np.ndarray) -> np.ndarray:
        """X'v."""
        return np.concatenate([self.T.T @ v, self.B.T @ self.group_sums(v)])

    def cluster_scores(self, codes: np.ndarray, size: int, u: np.ndarray) -> np.ndarray:
        """Σ_{i in c} x_i u_i per cluster code (size × K), the repeated block through a sparse
        clusters × groups matrix of summed u."""
        n = len(u)
        rows = sparse.csr_matrix((u, (codes, np.arange(n))), shape=(size, n))
        per_group = sparse.csr_matrix((u, (codes, self.who)), shape=(size, len(self.B)))
        return np.hstack([np.asarray(rows @ self.T), np.asarray(per_group @ self.B)])

    def columns(self, keep: np.ndarray) -> GroupBlocks:
        """The design of the columns ``keep`` (indices into [T | B])."""
        keep = np.asarray(keep)
        kt = self.kt
        t, b = keep[keep < kt], keep[keep >= kt] - kt
        return GroupBlocks(
            np.ascontiguousarray(self.T[:, t]), np.ascontiguousarray(self.B[:, b]), self.who
        )

    def dense(self) -> np.ndarray:
        """The N × K matrix itself (tests, small designs)."""
        return np.hstack([self.T, self.B[self.who]])
