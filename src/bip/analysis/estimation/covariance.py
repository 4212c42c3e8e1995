"""The engine's covariance estimators, with the kind asked for kept as data.

For a bread B = (X'WX)⁻¹ (W = I for least squares, the Poisson weights otherwise), scores
s_i = x_i·u_i, N observations and K parameters (slopes, intercept and absorbed fixed effects):

- :class:`Iid`: V = σ²·B with σ² = u'u/(N − K) (least squares; 1 for Poisson); t with N − K df.
- :class:`Robust` (HC1): V = N/(N − K) · B (Σ s_i s_i') B; t with N − K df.
- :class:`Clustered` (CR1), one way: V = c · B (Σ_g S_g S_g') B with S_g the score sum of
  cluster g and c = G/(G − 1) · (N − 1)/(N − K); t with G − 1 df.
  Two ways (A, B): V = c · B (M_A + M_B − M_AB) B with M_AB over the intersection cells, and
  c from G = min(G_A, G_B) for all three terms; t with min(G_A, G_B) − 1 df (fixest's
  default ``cluster.df = "min"``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

from bip.analysis.estimation.errors import EstimationError, TooFewClustersError


@dataclass(frozen=True)
class Iid:
    """Homoskedastic errors."""


@dataclass(frozen=True)
class Robust:
    """Heteroskedasticity-robust (HC1)."""


@dataclass(frozen=True, eq=False, init=False)
class Clustered:
    """Cluster-robust (CR1) by one or two clusterings, each one label per row."""

    groups: tuple = field()

    def __init__(self, *groups) -> None:
        if not 1 <= len(groups) <= 2:
            raise EstimationError(
                f"Clustered takes one or two clusterings, got {len(groups)}; "
                "pass Clustered(citizen_ids) or Clustered(citizen_ids, caseworker_ids)"
            )
        object.__setattr__(self, "groups", tuple(groups))


CovarianceSpec = Iid | Robust | Clustered


@dataclass(frozen=True)
class Clusters:
    """Integer cluster codes (``size`` = code range, ``count`` = clusters present)."""

    codes: np.ndarray
    count: int
    size: int


def cluster_codes(groups, n: int | None = None) -> Clusters:
    """Codes of one clustering. Non-negative integers are used as they are (callers factorise
    the ids of a whole panel once and pass subsets; absent codes add zero rows only)."""
    g = np.asarray(groups)
    if n is not None and len(g) != n:
        raise EstimationError(f"cluster labels have {len(g)} rows, the data {n}; pass one per row")
    if len(g) == 0:
        return Clusters(np.zeros(0, dtype=np.int64), 0, 0)
    if g.dtype.kind in "iu" and g.min() >= 0:
        codes = g.astype(np.int64, copy=False)
        size = int(codes.max()) + 1
        return Clusters(codes, int(np.count_nonzero(np.bincount(codes, minlength=size))), size)
    codes = pd.factorize(pd.Series(g), sort=True)[0]
    if (codes < 0).any():
        raise EstimationError(
            "cluster labels must not be missing; drop the rows without a label first"
        )
    size = int(codes.max()) + 1
    return Clusters(codes.astype(np.int64), size, size)


def cluster_sums(codes: np.ndarray, values: np.ndarray, size: int | None = None) -> np.ndarray:
    """Column sums of ``values`` (N × K, or N) per cluster code: one sparse pass, no copy."""
    n = len(codes)
    size = (int(codes.max()) + 1 if n else 0) if size is None else size
    ind = sparse.csr_matrix((np.ones(n), (codes, np.arange(n))), shape=(size, n))
    return np.asarray(ind @ values)


def weighted_cluster_sums(cl: Clusters, X: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Σ_{i in g} x_i u_i per cluster (G × K) without forming the N × K score matrix."""
    n = len(u)
    w = sparse.csr_matrix(
        (np.asarray(u, dtype=float), (cl.codes, np.arange(n))), shape=(cl.size, n)
    )
    return np.asarray(w @ X)


def cr1_factor(n_clusters: int, n: int, k: int) -> float:
    """The CR1 small-sample factor G/(G − 1) · (N − 1)/(N − K)."""
    return n_clusters / (n_clusters - 1) * (n - 1) / max(n - k, 1)


def _ways(spec: Clustered, n: int) -> list[Clusters]:
    ways = [cluster_codes(g, n) for g in spec.groups]
    for w in ways:
        if w.count < 2:
            raise TooFewClustersError(
                f"cluster-robust errors need at least two clusters, the sample has {w.count}; "
                "use Robust() or Iid(), or widen the sample"
            )
    if len(ways) == 2:
        a, b = ways
        both = cluster_codes(a.codes * b.size + b.codes)
        ways.append(both)
    return ways


def covariance(
    spec: CovarianceSpec,
    bread: np.ndarray,
    X: np.ndarray,
    resid: np.ndarray,
    *,
    n: int,
    k: int,
    dispersion: float | None = None,
) -> tuple[np.ndarray, int | None, int]:
    """(V, clusters or None, t df) for bread B, score design X (N × K) and residuals u.

    ``dispersion`` replaces σ² of :class:`Iid` (1 for Poisson).
    """
    match spec:
        case Iid():
            s2 = float(resid @ resid) / max(n - k, 1) if dispersion is None else dispersion
            return s2 * bread, None, n - k
        case Robust():
            s = X * np.asarray(resid)[:, None]
            return n / max(n - k, 1) * bread @ (s.T @ s) @ bread, None, n - k
        case Clustered():
            ways = _ways(spec, n)
            g_min = min(w.count for w in ways[:2])
            meats = [weighted_cluster_sums(w, X, resid) for w in ways]
            meat = meats[0].T @ meats[0]
            if len(ways) == 3:
                meat = meat + meats[1].T @ meats[1] - meats[2].T @ meats[2]
            return cr1_factor(g_min, n, k) * bread @ meat @ bread, g_min, g_min - 1
    raise EstimationError(f"unknown covariance {spec!r}; use Iid(), Robust() or Clustered(...)")
