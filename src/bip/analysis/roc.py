"""The area under the ROC curve with a cluster-robust DeLong interval, and calibration bins.

The AUC is the Mann–Whitney probability that a random positive scores above a random negative
(ties count one half). Its variance is DeLong's from the placement values, summed within
clusters first (Obuchowski 1997): rows of one citizen are not independent, and with one row
per cluster the formula is DeLong's own. A paired difference of two scores on the same rows
uses the same components, differenced.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from bip.analysis.estimation import cluster_codes, cluster_sums


@dataclass(frozen=True)
class Auc:
    """An AUC (or a difference of two) with its standard error and ``level`` interval."""

    auc: float
    se: float
    ci_low: float
    ci_high: float


def placements(score: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(V10, V01): for each positive the share of negatives it beats, for each negative the
    share of positives that beat it (ties one half). Both average to the AUC."""
    s = np.asarray(score, dtype=float)
    pos, neg = np.sort(s[y == 1]), np.sort(s[y == 0])
    sp, sn = s[y == 1], s[y == 0]
    below_n = np.searchsorted(neg, sp, side="left")
    ties_n = np.searchsorted(neg, sp, side="right") - below_n
    v10 = (below_n + 0.5 * ties_n) / len(neg)
    above_p = len(pos) - np.searchsorted(pos, sn, side="right")
    ties_p = np.searchsorted(pos, sn, side="right") - np.searchsorted(pos, sn, side="left")
    v01 = (above_p + 0.5 * ties_p) / len(pos)
    return v10, v01


def _components(score, y, codes, size):
    v10, v01 = placements(score, y)
    a = float(v10.mean())
    r10 = np.zeros(len(y))
    r01 = np.zeros(len(y))
    r10[y == 1] = v10 - a
    r01[y == 0] = v01 - a
    return a, cluster_sums(codes, r10, size), cluster_sums(codes, r01, size)


def _variance(c10: np.ndarray, c01: np.ndarray, m: int, n: int, k: int) -> float:
    """Var(AUC) from cluster sums of the centred placements (Obuchowski's estimator)."""
    f = k / (k - 1)
    s10 = f * float(c10 @ c10) / m
    s01 = f * float(c01 @ c01) / n
    s11 = f * float(c10 @ c01)
    return s10 / m + s01 / n + 2 * s11 / (m * n)


def _interval(a: float, var: float, level: float) -> Auc:
    se = float(np.sqrt(max(var, 0.0)))
    z = float(stats.norm.ppf(0.5 + level / 2))
    return Auc(a, se, a - z * se, a + z * se)


def auc(score, y, clusters=None, *, level: float = 0.95) -> Auc:
    """AUC of ``score`` for the 0/1 ``y`` with its DeLong interval, cluster-robust when
    ``clusters`` (one label per row) is given; the normal interval is cut to [0, 1]."""
    yv = np.asarray(y, dtype=int)
    codes = np.arange(len(yv)) if clusters is None else cluster_codes(clusters).codes
    size = int(codes.max()) + 1
    a, c10, c01 = _components(np.asarray(score, float), yv, codes, size)
    k = int(np.count_nonzero(np.bincount(codes)))
    r = _interval(a, _variance(c10, c01, int(yv.sum()), int((1 - yv).sum()), k), level)
    return Auc(r.auc, r.se, max(r.ci_low, 0.0), min(r.ci_high, 1.0))


def auc_difference(score_a, score_b, y, clusters=None, *, level: float = 0.95) -> Auc:
    """AUC(a) − AUC(b) on the same rows, with its paired (cluster-robust) DeLong interval."""
    yv = np.asarray(y, dtype=int)
    codes = np.arange(len(yv)) if clusters is None else cluster_codes(clusters).codes
    size = int(codes.max()) + 1
    a1, c10a, c01a = _components(np.asarray(score_a, float), yv, codes, size)
    a2, c10b, c01b = _components(np.asarray(score_b, float), yv, codes, size)
    k = int(np.count_nonzero(np.bincount(codes)))
    var = _variance(c10a - c10b, c01a - c01b, int(yv.sum()), int((1 - yv).sum()), k)
    return _interval(a1 - a2, var, level)


def calibration_bins(predicted, y, clusters, *, bins: int = 10, level: float = 0.95) -> list[dict]:
    """Rows of equal size by predicted probability (deciles): n, citizens, mean predicted,
    observed rate and its interval (CR1 by cluster: rows of one citizen are not independent)."""
    p = np.asarray(predicted, dtype=float)
    yv = np.asarray(y, dtype=float)
    g = pd.factorize(pd.Series(np.asarray(clusters)))[0]
    # ranks, not values, so that ties cannot make a bin empty
    b = np.minimum((stats.rankdata(p, method="ordinal") - 1) * bins // len(p), bins - 1)
    out = []
    for k in range(bins):
        m = b == k
        n = int(m.sum())
        obs = float(yv[m].mean())
        cl = g[m]
        sums = np.bincount(cl, weights=yv[m] - obs)
        n_cl = int(np.count_nonzero(np.bincount(cl)))
        se = np.sqrt(n_cl / max(n_cl - 1, 1) * float(sums @ sums)) / n
        q = float(stats.t.ppf(0.5 + level / 2, max(n_cl - 1, 1)))
        out.append(
            {
                "decile": k + 1,
                "n": n,
                "n_citizens": n_cl,
                "predicted": float(p[m].mean()),
                "observed": obs,
                "observed_low": max(obs - q * se, 0.0),
                "observed_high": min(obs + q * se, 1.0),
            }
        )
    return out
