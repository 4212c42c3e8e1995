"""A4's inference: CR2 intervals with each code's Bell–McCaffrey df, d against zero beside the
sources' centred d, and the multiplicity rule over a model's whole grid (docs/estimation.md).

The coefficients come from A4's fast paths; the CR2 correction needs the hat matrix, so each
model's design is built here once more (cell dummies and the controls centred over the sample)
and passed to :func:`bip.analysis.estimation.cr2`. The family of a model is every code of
every item: the Benjamini–Hochberg q-values and the Romano–Wolf stepdown p-values with the
simultaneous band use the joint covariance of all its coefficients, from the CR2 cluster
scores of the items' fits on the same citizens.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from bip.analysis import multiplicity
from bip.analysis.estimation import CR2Parts, Fit, cr2, ols


@dataclass(frozen=True)
class CellInference:
    """CR2 of one model's cells: the cells' codes, their coefficients from the full design,
    the CR2 parts (scores with rows = citizen codes of the whole A4 sample)."""

    codes: tuple[str, ...]
    coef: np.ndarray
    parts: CR2Parts


def cell_cr2(
    y: np.ndarray,
    cells: np.ndarray,
    code_list: list[str],
    clusters: np.ndarray,
    controls: np.ndarray | None,
) -> CellInference:
    """CR2 of the cell dummies' coefficients of y on [dummies, controls − their mean] (the
    rows of one sample; ``clusters`` non-negative integer citizen codes)."""
    used = np.unique(cells)
    D = (cells[:, None] == used[None, :]).astype(float)
    names = [code_list[j] for j in used]
    X = D
    if controls is not None and controls.shape[1]:
        X = np.hstack([D, controls - controls.mean(axis=0)])
        names += [f"_control{j}" for j in range(controls.shape[1])]
    fit = ols(y, X, names=names, intercept=False, covariance=None)
    keep = [names.index(nm) for nm in fit.names]
    cols = [j for j, nm in enumerate(fit.names) if not nm.startswith("_control")]
    assert fit.resid is not None  # least squares always returns its residuals
    parts = cr2(X[:, keep], fit.bread, fit.resid, clusters, cols)
    return CellInference(tuple(fit.names[j] for j in cols), fit.coef[cols], parts)


def cell_cr1(fit: Fit, df: np.ndarray) -> CellInference:
    """CR1 of a fast path's cells in CR2's place, for designs too large for CR2: the fit's own
    covariance and cluster scores, with ``df`` (each code's citizens − 1) for its t."""
    if fit.scores is None:
        raise ValueError("the fit carries no cluster scores; use a cell fast path")
    parts = CR2Parts(
        vcov=fit.vcov,
        df=np.asarray(df, dtype=float),
        scores=fit.scores,
        n_clusters=fit.n_clusters or 0,
    )
    return CellInference(fit.names, fit.coef, parts)


def code_rows(inf: CellInference, level: float, shift: float) -> dict[str, dict]:
    """Per code: CR2 se, BM df, the interval and p-value, and the same measured from zero
    (``shift`` = what moves the centred d to d against zero: mean / SD, or 0)."""
    se = np.sqrt(np.clip(np.diag(inf.parts.vcov), 0, None))
    out = {}
    for j, code in enumerate(inf.codes):
        b, s, df = float(inf.coef[j]), float(se[j]), float(inf.parts.df[j])
        if not (np.isfinite(df) and s > 0):
            out[code] = {"se": _num(s), "df": None}
            continue
        q = float(stats.t.ppf(0.5 + level / 2, df))
        z = b + shift
        out[code] = {
            "se": s,
            "df": df,
            "ci_low": b - q * s,
            "ci_high": b + q * s,
            "p_value": float(2 * stats.t.sf(abs(b) / s, df)),
            "estimate_vs_zero": z,
            "ci_low_vs_zero": z - q * s,
            "ci_high_vs_zero": z + q * s,
            "p_value_vs_zero": float(2 * stats.t.sf(abs(z) / s, df)),
        }
    return out


def _num(x) -> float | None:
    return float(x) if x is not None and np.isfinite(x) else None


def families(
    per_item: dict[str, dict],
    infs: dict[str, CellInference],
    n_clusters: int,
    level: float,
    seed: int = 0,
) -> dict[str, tuple[int, int, int, int, float]]:
    """Adds q-values, familywise p-values and the band to ``per_item[item]["codes"]`` in
    place (one family: every code of every item of the model), against the mean and against
    zero. Returns per centring ``(tests, p < α, q < α, familywise < α, z_crit)``."""
    keys, blocks = [], []
    for item, inf in infs.items():
        idx = [j for j, code in enumerate(inf.codes) if per_item[item]["codes"][code].get("df")]
        keys += [(item, inf.codes[j]) for j in idx]
        blocks.append((inf.parts.scores, idx))
    if not keys:
        return {}
    vcov = _joint_vcov(blocks, len(keys), n_clusters)
    rows = [per_item[i]["codes"][c] for i, c in keys]
    se = np.array([r["se"] for r in rows])
    df = np.array([r["df"] for r in rows])
    alpha = 1 - level
    z_abs = multiplicity.joint_draws(vcov, seed=seed, df=df)  # one draw set for both centrings
    counts = {}
    for against, est_key, suffix in (
        ("mean", "estimate", ""),
        ("zero", "estimate_vs_zero", "_vs_zero"),
    ):
        est = np.array([r[est_key] for r in rows])
        fam = multiplicity.family(est, se, df, vcov, level=level, z_abs=z_abs)
        p = np.array([r["p_value" + suffix] for r in rows])
        for r, q, pf, lo, hi in zip(
            rows, fam.q_value, fam.p_familywise, fam.band_low, fam.band_high, strict=True
        ):
            r["q_value" + suffix] = _num(q)
            r["p_familywise" + suffix] = _num(pf)
            if against == "mean":
                r["band_low"], r["band_high"] = _num(lo), _num(hi)
        counts[against] = (
            len(rows),
            int((p < alpha).sum()),
            int((fam.q_value < alpha).sum()),
            int((fam.p_familywise < alpha).sum()),
            fam.z_crit,
        )
    return counts


# Clusters per step of the joint covariance: a tests × 8,192 buffer (23 MB for A4's 352 tests)
# reused for every step. One clusters × tests array (1 GB at national scale) cost more in
# fresh pages and TLB misses than its product did.
_CHUNK = 8192


def _joint_vcov(blocks, n_tests: int, n_clusters: int) -> np.ndarray:
    """S'S of the joint cluster scores S (clusters × tests; each block's score matrix covers
    the first citizen codes, zero below), accumulated over chunks of clusters."""
    vcov = np.zeros((n_tests, n_tests))
    buf = np.empty((n_tests, _CHUNK))
    for c0 in range(0, n_clusters, _CHUNK):
        c1 = min(c0 + _CHUNK, n_clusters)
        part = buf[:, : c1 - c0]
        at = 0
        for scores, idx in blocks:
            rows = part[at : at + len(idx)]
            stop = min(max(len(scores) - c0, 0), c1 - c0)
            rows[:, :stop] = scores[c0 : c0 + stop, idx].T
            rows[:, stop:] = 0.0
            at += len(idx)
        vcov += part @ part.T
    return vcov
