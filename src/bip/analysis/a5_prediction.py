"""A5: how well the job model predicts a job out of sample (docs/a5-a7.md).

Citizens are split into :data:`FOLDS` folds at random (a fixed seed), never the rows of one
citizen apart; every measurement's predicted chance comes from the linear probability model
fitted on the other folds. The area under the ROC curve (AUC) of those predictions is set
beside that of a model with the background controls alone, so the reader sees what the
indicators add; intervals are DeLong's, summed by citizen. A calibration table compares the
mean predicted chance with the observed rate in each decile of predicted chance.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from bip.analysis.estimation import EstimationError, cross_fitted

FOLDS = 5
DECILES = 10
LEVEL = 0.95


def citizen_folds(citizens: np.ndarray, n_folds: int = FOLDS, seed: int = 0) -> np.ndarray:
    """A fold label 0..n_folds-1 per row, the same for all rows of a citizen: the citizens
    (codes 0..G-1) are shuffled with ``seed`` and dealt out in turn, so folds differ in size
    by at most one citizen."""
    codes = np.asarray(citizens)
    rng = np.random.default_rng(seed)
    deal = rng.permutation(int(codes.max()) + 1 if len(codes) else 0) % n_folds
    return deal[codes]


def placements(score: np.ndarray, y: np.ndarray) -> np.ndarray:
    """DeLong's placement value of every row: for a row with y = 1 the share of y = 0 rows
    scored lower (ties half), for a row with y = 0 the share of y = 1 rows scored higher
    (ties half). Their mean over either class is the AUC. From ranks: O(N log N)."""
    pos = y == 1
    n1, n0 = int(pos.sum()), int((~pos).sum())
    r_all = stats.rankdata(score)
    out = np.empty(len(score))
    out[pos] = (r_all[pos] - stats.rankdata(score[pos])) / n0
    out[~pos] = 1.0 - (r_all[~pos] - stats.rankdata(score[~pos])) / n1
    return out


def _influence(v: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """The AUC and each row's linear influence on it: (V − AUC)/N₁ or (V − AUC)/N₀."""
    pos = y == 1
    auc = float(v[pos].mean())
    n1, n0 = pos.sum(), (~pos).sum()
    return auc, np.where(pos, (v - auc) / n1, (v - auc) / n0)


def _clustered_se(psi: np.ndarray, clusters: np.ndarray) -> float:
    """√(G/(G−1) Σ_g (Σ_{i∈g} ψ_i)²): the influences summed by citizen first."""
    s = np.bincount(clusters, weights=psi)
    g = int((np.bincount(clusters) > 0).sum())
    return float(np.sqrt(g / (g - 1) * (s @ s))) if g > 1 else float("nan")


def _interval(est: float, se: float, lo: float, hi: float) -> tuple[float | None, float | None]:
    if not np.isfinite(se):
        return None, None
    z = stats.norm.ppf(0.5 + LEVEL / 2)
    return max(est - z * se, lo), min(est + z * se, hi)


def auc(score, y, clusters) -> dict:
    """AUC of ``score`` for the 0/1 outcome ``y`` with its citizen-clustered DeLong interval
    (``clusters`` integer codes); the interval is cut to [0, 1]."""
    yv = np.asarray(y)
    a, psi = _influence(placements(np.asarray(score, dtype=float), yv), yv)
    se = _clustered_se(psi, np.asarray(clusters))
    lo, hi = _interval(a, se, 0.0, 1.0)
    return {"auc": a, "se": se, "ci_low": lo, "ci_high": hi}


def auc_difference(score_a, score_b, y, clusters) -> dict:
    """AUC(a) − AUC(b) on the same rows, its interval from the difference of the two
    influences summed by citizen (the two AUCs are correlated)."""
    yv = np.asarray(y)
    a, psi_a = _influence(placements(np.asarray(score_a, dtype=float), yv), yv)
    b, psi_b = _influence(placements(np.asarray(score_b, dtype=float), yv), yv)
    d = a - b
    se = _clustered_se(psi_a - psi_b, np.asarray(clusters))
    lo, hi = _interval(d, se, -1.0, 1.0)
    return {"difference": d, "se": se, "ci_low": lo, "ci_high": hi}


def calibration(pred: np.ndarray, y: np.ndarray, clusters: np.ndarray) -> list[dict]:
    """Per decile of predicted chance (equal numbers of rows, ties broken by row order): n,
    citizens, mean predicted chance and observed rate."""
    n = len(pred)
    dec = np.empty(n, dtype=np.int64)
    dec[np.argsort(pred, kind="stable")] = np.arange(n) * DECILES // n
    cnt = np.bincount(dec, minlength=DECILES)
    mp = np.bincount(dec, weights=pred, minlength=DECILES)
    ob = np.bincount(dec, weights=y, minlength=DECILES)
    g = int(clusters.max()) + 1
    pairs = np.unique(dec * g + clusters)
    cits = np.bincount(pairs // g, minlength=DECILES)
    return [
        {
            "decile": k + 1,
            "n": int(cnt[k]),
            "n_citizens": int(cits[k]),
            "mean_predicted": float(mp[k] / cnt[k]) if cnt[k] else None,
            "observed": float(ob[k] / cnt[k]) if cnt[k] else None,
        }
        for k in range(DECILES)
    ]


def out_of_sample(
    y: np.ndarray,
    X: np.ndarray,
    background: list[int],
    clusters: np.ndarray,
    *,
    seed: int = 0,
) -> dict:
    """Out-of-sample AUC of the full model (``X``) and of its ``background`` columns alone,
    their difference and the full model's calibration by decile; ``clusters`` are citizen
    codes 0..G-1. Both models come from one set of cross products."""
    folds = citizen_folds(clusters, FOLDS, seed)
    base = {"n_folds": FOLDS, "seed": seed}
    try:
        full, bg = cross_fitted(y, X, folds, subsets=[list(range(X.shape[1])), background])
    except EstimationError as exc:
        return {**base, "status": "not_estimable", "reason": str(exc)}
    if not (0 < y.sum() < len(y)):
        return {**base, "status": "not_estimable", "reason": "the outcome does not vary"}
    a, b = auc(full, y, clusters), auc(bg, y, clusters)
    d = auc_difference(full, bg, y, clusters)
    return {
        **base,
        "status": "ok",
        "auc": a["auc"],
        "auc_ci_low": a["ci_low"],
        "auc_ci_high": a["ci_high"],
        "auc_background": b["auc"],
        "auc_background_ci_low": b["ci_low"],
        "auc_background_ci_high": b["ci_high"],
        "auc_gain": d["difference"],
        "auc_gain_ci_low": d["ci_low"],
        "auc_gain_ci_high": d["ci_high"],
        "calibration": calibration(full, y, clusters),
    }
