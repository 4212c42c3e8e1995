"""Small planted cells for the coverage of A4's intervals: CR2 with Bell–McCaffrey df against
CR1 with t(G − 1), on A4's own assembly (:func:`bip.analysis.a4_inference.cell_cr2`).

Sixteen cells with planted means; most are large, the ``small`` ones hold few citizens with a
few measurements each; errors share a citizen component (intra-citizen correlation) and a
skewed control whose value is extreme in the small cells gives them high leverage, as an
unusual background does in a rare combination.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from bip.analysis import a4_inference
from bip.analysis.estimation import Clustered, ols

CODES = [format(i, "04b") for i in range(16)]
SMALL = (1, 2, 3)  # cells with few citizens
SMALL_CITIZENS = (6, 10, 16)


def draw(seed: int, n_large: int = 40):
    """(y, cells, clusters, control, true cell means) of one planted sample."""
    rng = np.random.default_rng(seed)
    cells, cits = [], []
    cid = 0
    for c in range(16):
        n_cit = SMALL_CITIZENS[SMALL.index(c)] if c in SMALL else n_large
        for _ in range(n_cit):
            m = rng.integers(1, 5)  # 1-4 repeat measurements per citizen
            cells += [c] * m
            cits += [cid] * m
            cid += 1
    cells_a, cits_a = np.array(cells), np.array(cits)
    n = len(cells_a)
    x = rng.exponential(1.0, cid)[cits_a] * np.where(np.isin(cells_a, SMALL), 3.0, 1.0)
    mu = np.linspace(-0.5, 0.5, 16)
    # Heteroskedastic errors growing with the control, plus a citizen effect.
    u = rng.normal(0, 0.7, cid)[cits_a] + rng.normal(0, 1, n) * (0.5 + 0.5 * x)
    y = mu[cells_a] + 0.3 * (x - x.mean()) + u
    return y, cells_a, cits_a, x, mu


def covered(seed: int, level: float = 0.95) -> dict[str, np.ndarray]:
    """Whether each small cell's interval covers its planted mean, CR2/BM and CR1/t(G−1).

    With the control centred over the sample, each cell's coefficient is the expected value at
    the sample's mean control: the planted mean plus 0.3 × (mean − mean) = the planted mean.
    """
    y, cells, cits, x, mu = draw(seed)
    inf = a4_inference.cell_cr2(y, cells, CODES, cits, x[:, None])
    se2 = np.sqrt(np.diag(inf.parts.vcov))
    q2 = stats.t.ppf(0.5 + level / 2, inf.parts.df)
    d = (cells[:, None] == np.arange(16)[None, :]).astype(float)
    fit1 = ols(y, np.hstack([d, (x - x.mean())[:, None]]), intercept=False,
               covariance=Clustered(cits))  # fmt: skip
    se1, q1 = fit1.se[:16], fit1.t_crit(level)
    small = list(SMALL)
    truth = mu[small]
    return {
        "cr2": np.abs(inf.coef[small] - truth) <= q2[small] * se2[small],
        "cr1": np.abs(fit1.coef[small] - truth) <= q1 * se1[small],
        "df": inf.parts.df[small],
    }


def coverage(seeds, level: float = 0.95) -> dict[str, np.ndarray]:
    """Coverage of each small cell over ``seeds`` (CR2 and CR1) and the mean BM df."""
    runs = [covered(s, level) for s in seeds]
    return {k: np.mean([r[k] for r in runs], axis=0) for k in ("cr2", "cr1", "df")}


def brute_cr2(X: np.ndarray, y: np.ndarray, clusters: np.ndarray):
    """(coef, CR2 covariance, Bell–McCaffrey df) with N × N matrices, for checking: the
    symmetric inverse square root of each cluster's block of I − H, and the df as
    (Σλ)²/Σλ² of G'G (Imbens and Kolesár 2016)."""
    B = np.linalg.pinv(X.T @ X)
    M = np.eye(len(y)) - X @ B @ X.T
    coef = B @ X.T @ y
    u = y - X @ coef
    groups = [np.flatnonzero(clusters == c) for c in np.unique(clusters)]
    A = []
    for r in groups:
        lam, q = np.linalg.eigh(M[np.ix_(r, r)])
        A.append(q @ np.diag(np.where(lam > 1e-10, 1 / np.sqrt(np.abs(lam)), 0)) @ q.T)
    scores = np.array([X[r].T @ a @ u[r] for r, a in zip(groups, A, strict=True)])
    V = B @ scores.T @ scores @ B
    df = []
    for j in range(X.shape[1]):
        G = np.column_stack([M[:, r] @ a @ X[r] @ B[:, j] for r, a in zip(groups, A, strict=True)])
        lam = np.linalg.eigvalsh(G.T @ G)
        df.append(lam.sum() ** 2 / (lam**2).sum())
    return coef, V, np.array(df)
