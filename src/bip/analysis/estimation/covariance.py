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
- :class:`CR2` (Bell–McCaffrey), one way, least squares without absorbed factors:
  V = B (Σ_g X_g' A_g u_g u_g' A_g X_g) B with A_g = (I − H_gg)^(−1/2), H_gg the cluster's
  block of the hat matrix; each coefficient's t has its own Bell–McCaffrey degrees of freedom
  (Σλ)²/Σλ² with λ the eigenvalues of G'G, G's column g = (I − H)_{·g} A_g X_g B e_j
  (Imbens and Kolesár 2016), so a coefficient resting on few clusters gets few df.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

from bip.analysis.estimation.design import SortedGroups
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


@dataclass(frozen=True, eq=False, init=False)
class CR2:
    """Cluster-robust CR2 by one clustering, Bell–McCaffrey df per coefficient (least squares
    without absorbed factors: the hat matrix must be the whole model's)."""

    groups: tuple = field()

    def __init__(self, groups) -> None:
        object.__setattr__(self, "groups", (groups,))


CovarianceSpec = Iid | Robust | Clustered | CR2


@dataclass(frozen=True)
class CR2Parts:
    """CR2 of the coefficients ``cols``: covariance, Bell–McCaffrey df per coefficient, and
    each cluster's contribution B X_g' A_g u_g (clusters × cols, rows = cluster codes), so
    that ``vcov = scores' scores`` and the joint covariance of several models on the same
    clusters is the cross product of their scores."""

    vcov: np.ndarray
    df: np.ndarray
    scores: np.ndarray
    n_clusters: int


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


# Eigenvalues of I − H_gg at most this are taken as 0 (a cluster that alone determines a
# coefficient): their inverse square root is set to 0, as with a generalised inverse.
_EIG_TOL = 1e-10


def _cluster_blocks(codes: np.ndarray):
    """Row positions of each cluster, grouped by cluster size: (codes, rows (n_m × m))."""
    sg = SortedGroups.of(codes)
    for m in np.unique(sg.sizes):
        first = sg.starts[sg.sizes == m]
        rows = sg.order[first[:, None] + np.arange(m)[None, :]]
        yield codes[rows[:, 0]], rows


# Clusters per batched step of CR2 (bounds the (clusters, K, p) temporaries to ~100 MB).
_CR2_BATCH = 2048


def _chunks(blocks):
    """The row blocks of ``_cluster_blocks`` in batches of at most ``_CR2_BATCH`` clusters."""
    for _, rows in blocks:
        for start in range(0, len(rows), _CR2_BATCH):
            yield rows[start : start + _CR2_BATCH]


def cr2(X: np.ndarray, bread: np.ndarray, resid: np.ndarray, clusters, cols=None) -> CR2Parts:
    """CR2 covariance and Bell–McCaffrey df of the coefficients ``cols`` (default all) of a
    least-squares fit with design X (N × K), bread B = (X'X)⁻¹ and residuals u."""
    X = np.asarray(X, dtype=float)
    u = np.asarray(resid, dtype=float)
    n, k = X.shape
    cl = cluster_codes(clusters, n)
    if cl.count < 2:
        raise TooFewClustersError(
            f"cluster-robust errors need at least two clusters, the sample has {cl.count}; "
            "widen the sample"
        )
    cols = np.arange(k) if cols is None else np.asarray(cols, dtype=int)
    p = len(cols)
    xb = X @ bread  # row i: x_i'B
    adj_u = np.empty(n)  # A_g u_g, row by row
    # The df's sums over clusters, per coefficient j, with w_g = A_g X_g B e_j and
    # z_g = X_g'w_g: Σ w_g'w_g, Σ (w_g'w_g)², Σ (w_g'w_g)(z_g'B z_g) and C = Σ z_g z_g'.
    s1, s2, s3 = np.zeros(p), np.zeros(p), np.zeros(p)
    c = np.zeros((p, k, k))
    for rows in _chunks(_cluster_blocks(cl.codes)):
        xg, xbg = X[rows], xb[rows]
        h = np.einsum("gik,gjk->gij", xbg, xg)
        lam, q = np.linalg.eigh(np.eye(rows.shape[1])[None] - h)
        inv = np.where(lam > _EIG_TOL, 1 / np.sqrt(np.clip(lam, _EIG_TOL, None)), 0.0)
        a = np.einsum("gik,gk,gjk->gij", q, inv, q)
        adj_u[rows] = np.einsum("gij,gj->gi", a, u[rows])
        wg = np.matmul(a, xbg[:, :, cols])  # (clusters, m, p)
        d = np.einsum("gic,gic->gc", wg, wg)
        z = np.matmul(xg.transpose(0, 2, 1), wg)  # (clusters, K, p)
        s1 += d.sum(axis=0)
        s2 += np.einsum("gc,gc->c", d, d)
        s3 += np.einsum("gc,gkc,kl,glc->c", d, z, bread, z, optimize=True)
        c += np.einsum("gkc,glc->ckl", z, z, optimize=True)
    scores = weighted_cluster_sums(cl, xb[:, cols], adj_u)  # Σ_g (B X_g' A_g u_g)[cols]
    bc = np.matmul(bread[None], c)  # B C_j
    trace = s1 - np.einsum("cii->c", bc)
    trace2 = s2 - 2 * s3 + np.einsum("cij,cji->c", bc, bc)
    with np.errstate(divide="ignore", invalid="ignore"):
        df = np.where(trace2 > 0, trace**2 / trace2, np.nan)
    return CR2Parts(vcov=scores.T @ scores, df=df, scores=scores, n_clusters=cl.count)


def covariance(
    spec: CovarianceSpec,
    bread: np.ndarray,
    X: np.ndarray,
    resid: np.ndarray,
    *,
    n: int,
    k: int,
    dispersion: float | None = None,
) -> tuple[np.ndarray, int | None, int | np.ndarray]:
    """(V, clusters or None, t df) for bread B, score design X (N × K) and residuals u.

    ``dispersion`` replaces σ² of :class:`Iid` (1 for Poisson). :class:`CR2` gives one df
    per coefficient (an array).
    """
    match spec:
        case Iid():
            s2 = float(resid @ resid) / max(n - k, 1) if dispersion is None else dispersion
            return s2 * bread, None, n - k
        case Robust():
            if hasattr(X, "cluster_scores"):
                raise EstimationError("Robust() needs a dense design; use Clustered(...)")
            s = X * np.asarray(resid)[:, None]
            return n / max(n - k, 1) * bread @ (s.T @ s) @ bread, None, n - k
        case Clustered():
            ways = _ways(spec, n)
            g_min = min(w.count for w in ways[:2])
            if hasattr(X, "cluster_scores"):  # a GroupBlocks design (blocks.py)
                meats = [X.cluster_scores(w.codes, w.size, resid) for w in ways]
            else:
                meats = [weighted_cluster_sums(w, X, resid) for w in ways]
            meat = meats[0].T @ meats[0]
            if len(ways) == 3:
                meat = meat + meats[1].T @ meats[1] - meats[2].T @ meats[2]
            return cr1_factor(g_min, n, k) * bread @ meat @ bread, g_min, g_min - 1
        case CR2():
            parts = cr2(X, bread, resid, spec.groups[0])
            return parts.vcov, parts.n_clusters, parts.df
    raise EstimationError(
        f"unknown covariance {spec!r}; use Iid(), Robust(), Clustered(...) or CR2(...)"
    )
