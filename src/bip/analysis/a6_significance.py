"""A6: are the caseworker differences more than chance? The joint F test of the caseworker
effects, adjusted R², a permutation test that shuffles caseworkers within jobcentre, and the
caseworkers ranked within their jobcentre.

004 argues from the gap between the best and the worst quarter that caseworkers differ. Ranking
noisy effects produces a gap even when they do not; the permutation test measures that gap
directly: each citizen's measurements with one caseworker (a cell) are given to another
caseworker of the same jobcentre at random, the effects are recomputed from the same partial
residuals, and the gap of the shuffled ranking is what noise alone gives.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from bip.analysis.a6_effects import _f, policy, quartile_codes, shrink
from bip.analysis.a6_inference import _gap, eb_inference
from bip.analysis.estimation import Fit


def _adj_r2(fit: Fit) -> float:
    n, k = fit.n_obs, fit.n_params
    return 1 - (1 - fit.r2) * (n - 1) / (n - k) if n > k else float("nan")


def f_test(fit0: Fit, fit: Fit) -> dict:
    """Classical F test that every caseworker effect is equal (restricted: no fixed effects),
    and the adjusted R² of both models."""
    assert fit0.resid is not None and fit.resid is not None
    rss0, rss1 = float(fit0.resid @ fit0.resid), float(fit.resid @ fit.resid)
    q = fit.n_params - fit0.n_params
    df2 = fit.n_obs - fit.n_params
    f = ((rss0 - rss1) / q) / (rss1 / df2) if q > 0 and df2 > 0 and rss1 > 0 else float("nan")
    return {
        "f_statistic": _f(f),
        "df_num": max(q, 0),
        "df_den": max(df2, 0),
        "p_value": _f(stats.f.sf(f, q, df2)) if np.isfinite(f) else None,
        "adj_r2_without_fe": _f(_adj_r2(fit0)),
        "adj_r2_with_fe": _f(_adj_r2(fit)),
    }


# Above this many caseworkers the G × G covariance of the robust Wald test is not formed.
MAX_WALD_GROUPS = 3000


def robust_wald(fit: Fit, citizen: np.ndarray) -> dict:
    """Cluster-robust (CR1 by citizen) Wald test that all caseworker effects are equal.

    Each effect is α_g = ȳ_g − x̄_g'β, so a citizen's influence on the effects is
    S_c = Σ_i∈c e_i·(1[g_i]/n_g − X̄·B·x̃_i) (B the bread); V = factor·Σ_c S_c S_c'. The test
    uses the G − 1 differences from the first caseworker (any basis gives the same W);
    F = W/(G − 1) on (G − 1, C − 1) degrees of freedom, C citizens.
    """
    ab = fit.absorbed
    assert ab is not None and fit.resid is not None and fit.fixed_effects is not None
    g_codes, e = ab.codes, fit.resid
    n_groups = int(g_codes.max()) + 1
    if n_groups > MAX_WALD_GROUPS or n_groups < 2:
        return {}
    from scipy import sparse

    n_cl = int(citizen.max()) + 1
    n_g = np.bincount(g_codes, minlength=n_groups).astype(float)
    m = sparse.csr_matrix((e / n_g[g_codes], (citizen, g_codes)), shape=(n_cl, n_groups))
    u = np.zeros((n_cl, ab.design.shape[1]))
    np.add.at(u, citizen, ab.design * e[:, None])
    a = ab.xbar @ fit.bread  # G × K
    mu = np.asarray(m.T @ u)  # G × K
    v = (m.T @ m).toarray() - mu @ a.T - a @ mu.T + a @ (u.T @ u) @ a.T
    v *= (n_cl / (n_cl - 1)) * (fit.n_obs - 1) / max(fit.n_obs - fit.n_params, 1)
    alpha = fit.fixed_effects.to_numpy()
    d = alpha[1:] - alpha[0]
    vd = v[1:, 1:] - v[1:, :1] - v[:1, 1:] + v[0, 0]
    w = float(d @ np.linalg.pinv(vd, hermitian=True) @ d)
    q = n_groups - 1
    f = w / q
    return {
        "wald": _f(w),
        "robust_f_statistic": _f(f),
        "robust_df_den": n_cl - 1,
        "robust_p_value": _f(stats.f.sf(f, q, n_cl - 1)),
    }


def _raw_stats(r, gcodes, n_groups, n_g):
    """SD of the raw effects, their quartile gap and the raw policy increase."""
    alpha = np.bincount(gcodes, weights=r, minlength=n_groups) / n_g
    raw = alpha - alpha.mean()
    inc = policy(0.0, raw, n_g, quartile_codes(raw))["increase"]
    return float(np.std(raw, ddof=1)), float(_gap(raw)), inc


def _order_within(groups: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """``np.lexsort((keys, groups))`` for keys from ``Generator.random`` (multiples of 2⁻⁵³
    in [0, 1)): one stable sort of the exact 64-bit integer (group << 53) | keys·2⁵³, the
    same order (ties included) 6x faster; lexsort when the group codes need more bits."""
    if len(groups) == 0 or int(groups.max()) >= 2**11 or int(groups.min()) < 0:
        return np.lexsort((keys, groups))
    packed = (groups.astype(np.uint64) << np.uint64(53)) | (keys * 2.0**53).astype(np.uint64)
    return np.argsort(packed, kind="stable")


def permutation_test(
    r: np.ndarray,
    gcodes: np.ndarray,
    cells: np.ndarray,
    jobcenter: np.ndarray,
    n_perm: int,
    rng: np.random.Generator,
) -> dict:
    """Raw quartile gap and policy increase with caseworkers shuffled within jobcentre.

    ``r``: partial residuals y − Xβ; ``cells``: (citizen, caseworker) codes; ``jobcenter``:
    each row's jobcentre code. A cell keeps its rows and moves to another caseworker.
    """
    n_groups = int(gcodes.max()) + 1
    n_g = np.bincount(gcodes, minlength=n_groups).astype(float)
    sd_obs, gap_obs, inc_obs = _raw_stats(r, gcodes, n_groups, n_g)
    n_cells = int(cells.max()) + 1
    cell_cw = np.zeros(n_cells, dtype=np.int64)
    cell_cw[cells] = gcodes
    cell_jc = np.zeros(n_cells, dtype=np.int64)
    cell_jc[cells] = jobcenter
    by_jc = np.argsort(cell_jc, kind="stable")
    jc_sorted = cell_jc[by_jc]
    sds, gaps, incs = np.empty(n_perm), np.empty(n_perm), np.empty(n_perm)
    for b in range(n_perm):
        # random order within jobcentre: sort by (jobcentre, random key)
        shuffled = by_jc[_order_within(jc_sorted, rng.random(n_cells))]
        new = np.empty(n_cells, dtype=np.int64)
        new[by_jc] = cell_cw[shuffled]
        g_b = new[cells]
        n_b = np.bincount(g_b, minlength=n_groups).astype(float)
        ok = n_b > 0
        if not ok.all():  # cannot happen (a permutation keeps every caseworker's cells)
            raise AssertionError("a caseworker lost all cells in the permutation")
        sds[b], gaps[b], incs[b] = _raw_stats(r, g_b, n_groups, n_b)
    return {
        "n_permutations": n_perm,
        "sd_observed": _f(sd_obs),
        "sd_permuted_mean": _f(sds.mean()),
        "sd_p_value": _f((1 + (sds >= sd_obs).sum()) / (1 + n_perm)),
        "gap_observed": _f(gap_obs),
        "gap_permuted_mean": _f(gaps.mean()),
        "gap_permuted_q95": _f(np.quantile(gaps, 0.95)),
        "gap_p_value": _f((1 + (gaps >= gap_obs).sum()) / (1 + n_perm)),
        "increase_observed": _f(inc_obs),
        "increase_permuted_mean": _f(incs.mean()),
        "increase_p_value": _f((1 + (incs >= inc_obs).sum()) / (1 + n_perm)),
    }


def caseworker_jobcenter(sample: pd.DataFrame, glevels: pd.Index) -> pd.Series:
    """Each caseworker's jobcentre: the one of most of the caseworker's measurements."""
    # Counts per (caseworker, jobcentre); the most frequent wins, ties to the smallest id
    # (what Series.mode().iloc[0] gives), without a Python call per caseworker.
    pairs = pd.DataFrame(
        {"cw": sample["caseworker_id"].astype(str), "jc": sample["jobcenter_id"].astype(str)}
    )
    n = pairs.groupby(["cw", "jc"], sort=False).size().rename("n").reset_index()
    n = n.sort_values(["cw", "n", "jc"], ascending=[True, False, True], kind="stable")
    jc = n.drop_duplicates("cw").set_index("cw")["jc"].rename("jobcenter_id")
    return jc.reindex(glevels.astype(str))


def within_jobcenter(
    raw: pd.Series, se: np.ndarray, n_g: np.ndarray, jc: pd.Series, n_draws: int, rng
) -> dict:
    """Effects relative to the mean of the caseworker's jobcentre (jobcentre fixed effects),
    ranked into quartiles across jobcentres; caseworkers alone in their jobcentre drop out.

    var(α̂_g − mean_j α̂) = se_g²(1 − 2/J) + Σ_j se²/J² for J caseworkers in jobcentre j.
    """
    df = pd.DataFrame({"raw": raw.to_numpy(), "se2": se**2, "n": n_g, "jc": jc.to_numpy()})
    size = df.groupby("jc")["raw"].transform("size").to_numpy()
    keep = size >= 2
    d = df.loc[keep]
    j = size[keep].astype(float)
    dev = (d["raw"] - d.groupby("jc")["raw"].transform("mean")).to_numpy()
    se2 = d["se2"].to_numpy() * (1 - 2 / j) + d.groupby("jc")["se2"].transform("sum") / j**2
    se_w = np.sqrt(se2.to_numpy())
    base = {
        "n_caseworkers": int(keep.sum()),
        "n_jobcenters": int(d["jc"].nunique()),
        "n_caseworkers_alone": int((~keep).sum()),
    }
    if keep.sum() < 8:
        return base
    q = quartile_codes(dev)
    shr, _, sigma2 = shrink(dev, se_w)
    qs = quartile_codes(shr)
    nw = d["n"].to_numpy()
    inf = eb_inference(dev, se_w, nw, n_draws, rng) if n_draws > 0 else None
    return {
        **base,
        "raw_effect_sd": _f(np.std(dev, ddof=1)),
        "true_effect_sd": _f(np.sqrt(sigma2)),
        "true_effect_sd_ci": inf["true_effect_sd_ci"] if inf else None,
        "gap_top_bottom_raw": _f(dev[q == 4].mean() - dev[q == 1].mean()),
        "gap_top_bottom_shrunk": _f(shr[qs == 4].mean() - shr[qs == 1].mean()),
        "increase_raw": _f(policy(0.0, dev, nw, q)["increase"]),
        "increase_shrunk": _f(policy(0.0, shr, nw, qs)["increase"]),
        "policy_increase": inf["policy_increase"] if inf else None,
        "policy_increase_ci": inf["policy_increase_ci"] if inf else None,
        "noise_only_gap_mean": inf["noise_only_gap_mean"] if inf else None,
    }
