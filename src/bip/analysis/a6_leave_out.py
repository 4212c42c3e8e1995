"""A6: the Kline–Saggio–Sølvsten leave-out estimate of the variance of caseworker effects.

The plug-in variance of estimated fixed effects adds their noise: E[α̂'Aα̂] = α'Aα +
trace(A·V(α̂)). Kline, Saggio and Sølvsten (2020, Econometrica 88(5)) remove the bias with an
unbiased estimate of each error variance that allows any heteroskedasticity:

    θ̂ = α̂'Aα̂ − Σ_c y_c' B_cc (y_c − X_c β̂₋c),

with β̂₋c the fit without cluster c, B = X S⁻¹ A S⁻¹ X' (only the caseworker block of S⁻¹X'
enters) and B_cc its block of cluster c. E[y_c (y_c − X_c β̂₋c)'] = Σ_c when errors are
independent across clusters, whatever their variance. A6 leaves out a **citizen** (all the
citizen's measurements, with every caseworker): a citizen's repeated 52-week outcomes overlap,
so errors are correlated within a citizen, which leave-one-observation-out would ignore.

The model has one absorbed factor (caseworker) and K slopes, so by Frisch–Waugh–Lovell
S⁻¹x_i restricted to the caseworkers is z_i = e_g(i)/n_g(i) − X̄ H x̃_i (X̄ the caseworker
means of the slopes' regressors, x̃ the within-caseworker deviations, H = (X̃'X̃)⁻¹) and the
leverages are P_ij = 1[g_i = g_j]/n_g + x̃_i'H x̃_j. Every block is then exact in O(n·K²):
no random-projection (JLA) approximation is needed, at any scale. Clusters are processed in
batches of equal size.

A is a variance over caseworkers, optionally within strata (jobcentres):
θ = Σ_s Σ_g∈s w_g (α_g − ᾱ_s)² / d, ᾱ_s the w-weighted stratum mean.
"""

from __future__ import annotations

import numpy as np

from bip.analysis.a6_effects import _f

# Leave-out is undefined for a cluster whose removal leaves a caseworker (or a slope) without
# data: I − P_cc is then singular. Such caseworkers are left out (counted in the result).
SINGULAR_TOL = 1e-9
# Rows of cluster blocks handled at once (bounds memory: batch × m² × K floats).
BATCH_ROWS = 200_000


def _cluster_batches(clusters: np.ndarray):
    """Row indices of the clusters, as (n_clusters, m) arrays, one per cluster size m."""
    order = np.argsort(clusters, kind="stable")
    cl_sorted = clusters[order]
    starts = np.flatnonzero(np.r_[True, cl_sorted[1:] != cl_sorted[:-1]])
    sizes = np.diff(np.r_[starts, len(order)])
    for m in np.unique(sizes):
        first = starts[sizes == m]
        per = max(1, BATCH_ROWS // int(m))
        for k in range(0, len(first), per):
            f = first[k : k + per]
            yield order[f[:, None] + np.arange(m)[None, :]]


def leave_out_variance(
    y: np.ndarray,
    X: np.ndarray,
    gcodes: np.ndarray,
    clusters: np.ndarray,
    *,
    weights: np.ndarray | None = None,
    strata: np.ndarray | None = None,
    divisor: float | None = None,
) -> dict:
    """KSS leave-cluster-out variance of the caseworker effects in y = Xβ + α_g + ε.

    ``X``: n × K slopes' regressors (full column rank, no constant: the caseworker effects hold
    it); ``gcodes``: caseworker code 0..G−1 per row; ``clusters``: the left-out unit per row
    (a citizen; ``np.arange(n)`` for leave-one-observation-out). ``weights`` per caseworker
    (default 1), ``strata`` per caseworker (default one), ``divisor`` d (default G − number of
    strata, i.e. the ddof-1 variance). Returns the plug-in and the leave-out variance, the bias
    correction and the largest leverage of a cluster's block. Raises ``ValueError`` if leaving
    some cluster out leaves the model unidentified.
    """
    y = np.asarray(y, dtype=float)
    X = np.asarray(X, dtype=float).reshape(len(y), -1)
    n_groups = int(gcodes.max()) + 1
    n_g = np.bincount(gcodes, minlength=n_groups).astype(float)
    w = np.ones(n_groups) if weights is None else np.asarray(weights, dtype=float)
    st = np.zeros(n_groups, dtype=np.int64) if strata is None else np.asarray(strata)
    n_strata = int(st.max()) + 1
    d = float(n_groups - n_strata) if divisor is None else float(divisor)
    W_s = np.bincount(st, weights=w, minlength=n_strata)

    k = X.shape[1]
    xbar = np.stack([np.bincount(gcodes, weights=X[:, j], minlength=n_groups) for j in range(k)], 1)
    xbar = xbar.reshape(n_groups, k) / n_g[:, None]
    xt = X - xbar[gcodes]
    xtx = xt.T @ xt
    if k:
        # scale-free rank check: the within-caseworker correlation matrix of the regressors
        dg = np.sqrt(np.diag(xtx))
        if dg.min() <= 0 or np.linalg.eigvalsh(xtx / np.outer(dg, dg)).min() <= SINGULAR_TOL:
            raise ValueError("the slopes are not identified within caseworkers")
    H = np.linalg.inv(xtx) if k else np.zeros((0, 0))
    beta = H @ (xt.T @ y)
    alpha = np.bincount(gcodes, weights=y, minlength=n_groups) / n_g - xbar @ beta
    resid = y - X @ beta - alpha[gcodes]

    alpha_s = np.bincount(st, weights=w * alpha, minlength=n_strata) / W_s
    plug_in = float((w * (alpha - alpha_s[st]) ** 2).sum() / d)

    # Σ_g w_g z_ig z_jg needs M = X̄'WX̄; the stratum means need (w_s'X̄) h_i
    M = xbar.T @ (w[:, None] * xbar)
    wsx = np.zeros((n_strata, k))
    np.add.at(wsx, st, w[:, None] * xbar)
    wn = w / n_g  # w_g / n_g
    correction = 0.0
    max_lev = 0.0
    for idx in _cluster_batches(clusters):
        g = gcodes[idx]  # (c, m)
        same = g[:, :, None] == g[:, None, :]
        xtc = xt[idx]  # (c, m, K)
        h = xtc @ H  # (c, m, K): H x̃_i
        P = same / n_g[g][:, :, None] + np.einsum("cik,cjk->cij", h, xtc)
        eye = np.eye(idx.shape[1])
        eig = np.linalg.eigvalsh(P)
        max_lev = max(max_lev, float(eig.max()))
        if eig.max() > 1 - SINGULAR_TOL:
            raise ValueError("leaving a cluster out leaves the model unidentified")
        e_loo = np.linalg.solve(eye - P, resid[idx][:, :, None])[:, :, 0]
        # x̄_{g_i}·h_j for every pair of the block
        C = np.einsum("cik,cjk->cij", xbar[g], h)
        S = (
            same * (w[g] / n_g[g] ** 2)[:, :, None]
            - wn[g][:, :, None] * C
            - wn[g][:, None, :] * np.swapaxes(C, 1, 2)
            + np.einsum("cik,kl,cjl->cij", h, M, h)
        )
        # a_is = w_s'z_i for every stratum s: own stratum's w_g/n_g minus (w_s'X̄)h_i
        a = -np.einsum("cik,sk->cis", h, wsx)
        np.put_along_axis(
            a,
            st[g][:, :, None],
            np.take_along_axis(a, st[g][:, :, None], axis=2) + wn[g][:, :, None],
            axis=2,
        )
        S -= np.einsum("cis,cjs->cij", a / W_s, a)
        correction += float(np.einsum("ci,cij,cj->", y[idx], S, e_loo)) / d
    return {
        "plug_in": plug_in,
        "leave_out": plug_in - correction,
        "bias_correction": correction,
        "max_leverage": max_lev,
        "alpha": alpha,
    }


def a6_leave_out(
    y: np.ndarray,
    X: np.ndarray,
    gcodes: np.ndarray,
    citizen: np.ndarray,
    jobcenter_of_caseworker: np.ndarray | None = None,
) -> dict | None:
    """The A6 figures: SD of caseworker effects, plug-in and KSS (leave one citizen out),
    across all caseworkers and, with ``jobcenter_of_caseworker`` codes, within jobcentre.

    Caseworkers with fewer than two citizens in the sample cannot be left out of and are
    dropped first (with their rows). Returns None if the model stays unidentified.
    """
    n_groups = int(gcodes.max()) + 1
    pairs = np.unique(np.column_stack([gcodes, citizen]), axis=0)
    n_cit = np.bincount(pairs[:, 0], minlength=n_groups)
    keep_g = n_cit >= 2
    rows = keep_g[gcodes]
    new_code = np.cumsum(keep_g) - 1
    g = new_code[gcodes[rows]]
    y_k, X_k, cit_k = y[rows], X[rows], citizen[rows]
    out: dict = {
        "leave_out_unit": "citizen",
        "n_caseworkers": int(keep_g.sum()),
        "n_caseworkers_dropped": int((~keep_g).sum()),
        "n_measurements": int(rows.sum()),
    }
    try:
        across = leave_out_variance(y_k, X_k, g, cit_k)
    except ValueError:
        return None
    out.update(
        {
            "plug_in_sd": _f(np.sqrt(across["plug_in"])),
            "leave_out_variance": _f(across["leave_out"]),
            "leave_out_sd": _f(np.sqrt(max(across["leave_out"], 0.0))),
            "max_leverage": _f(across["max_leverage"]),
        }
    )
    if jobcenter_of_caseworker is not None:
        jc = np.asarray(jobcenter_of_caseworker)[keep_g]
        _, jc_codes, jc_n = np.unique(jc, return_inverse=True, return_counts=True)
        n_strata_multi = int((jc_n >= 2).sum())
        if n_strata_multi and keep_g.sum() - len(jc_n) >= 2:
            within = leave_out_variance(
                y_k, X_k, g, cit_k, strata=jc_codes, divisor=float(keep_g.sum() - len(jc_n))
            )
            out.update(
                {
                    "within_plug_in_sd": _f(np.sqrt(within["plug_in"])),
                    "within_leave_out_variance": _f(within["leave_out"]),
                    "within_leave_out_sd": _f(np.sqrt(max(within["leave_out"], 0.0))),
                }
            )
    return out
