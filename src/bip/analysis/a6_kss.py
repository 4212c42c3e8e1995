"""A6: the Kline–Saggio–Sølvsten (2020) leave-out estimate of the variance of caseworker effects.

Model y_i = α_g(i) + x_i'β + ε_i, errors independent across clusters (citizens) but of any
variance and correlation within one. The plug-in variance of the estimated effects α̂ is biased
up by trace(A·V(α̂, β̂)) = Σ_c Σ_{i,j∈c} B_ij Ω_ij; KSS estimate each Ω_ij without bias by
(y_i − ȳ)(y_j − x_j'γ̂_{−c}), the residual of j from the fit without cluster c. Everything is in
closed form (docs/a6-inference.md):

* the hat matrix of [caseworker dummies, X] is P_D + P_X̃ (X̃ demeaned within caseworker), so a
  cluster's block is P_cc = [g(i) = g(j)]/n_g + x̃_i'S̃⁻¹x̃_j with S̃ = X̃'X̃, and the leave-out
  residuals are (I − P_cc)⁻¹ê_c (one small solve per cluster, batched by cluster size);
* α̂ = Σ_i l_i y_i with l_i = e_g(i)/n_g(i) − X̄S̃⁻¹x̃_i, so B_ij = l_i'A l_j needs only K-vectors
  per cluster: no N × N matrix and no Johnson–Lindenstrauss draws (the exact leverages cost
  O(N·K²), what one draw of the approximation would cost K times over).

Clusters whose leave-out fit is not identified (an eigenvalue of I − P_cc is 0: the only
citizen of a caseworker, or of a control's level) are dropped and the model refitted, as KSS
prune to the leave-out connected set, until none is left.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from bip.analysis.estimation import Fit, ols

# Rows per batch of the per-cluster blocks (a batch holds a few rows × K arrays).
_CHUNK_ROWS = 1 << 15
# An eigenvalue of I − P_cc below this: cluster c alone determines a coefficient.
SINGULAR_TOL = 1e-9

Weights = Literal["groups", "rows"]


def kss_variance(
    y,
    X,
    groups,
    clusters=None,
    *,
    weights: Weights = "groups",
    fit: Fit | None = None,
    max_rounds: int = 10,
) -> dict:
    """Leave-cluster-out (KSS) variance of the effects of ``groups`` in a least-squares model of
    ``y`` on ``X`` (DataFrame or array, no intercept) and one dummy per group.

    ``clusters``: one label per row, the unit left out (None: each row alone, KSS's
    leave-one-out). ``weights="groups"``: the variance over groups with ddof 1, each group
    counted once (A6's method-of-moments definition); ``"rows"``: each group weighted by its
    rows, ddof 0 (the person-year variance of KSS and pytwoway). ``fit``: the same model
    already fitted (``ols(y, X, absorb=groups)``), reused while no cluster is dropped.

    Returns the KSS variance, the plug-in variance of α̂ on the same rows, their difference
    (the bias correction) and what was dropped.
    """
    yv = np.asarray(y, dtype=float)
    n_all = len(yv)
    # integer codes: no sorting of string labels (the fit sorts its own)
    gcode = pd.factorize(pd.Series(groups))[0]
    clab = np.arange(n_all) if clusters is None else pd.factorize(pd.Series(clusters))[0]
    n_groups_all = int(gcode.max()) + 1
    n_clusters_all = int(clab.max()) + 1
    keep = np.ones(n_all, dtype=bool)
    rounds = 0
    n_clusters = n_clusters_all
    while True:
        rounds += 1
        if fit is None or not keep.all():
            Xk = X.loc[keep] if isinstance(X, pd.DataFrame) else np.asarray(X)[keep]
            fit = ols(yv[keep], Xk, absorb=gcode[keep], covariance=None)
        cl, uniq = pd.factorize(clab[keep])
        n_clusters = len(uniq)
        bias, singular = _leave_out(yv[keep], fit, cl, weights)
        if not singular.any() or rounds >= max_rounds:
            break
        rows = np.flatnonzero(keep)
        keep[rows[singular[cl]]] = False
    assert fit.fixed_effects is not None and fit.absorbed is not None
    plugin = _plugin(fit.fixed_effects.to_numpy(), fit.absorbed.codes, weights)
    n_groups = len(fit.fixed_effects)
    return {
        "variance": plugin - bias,
        "plugin": plugin,
        "bias": bias,
        "weights": weights,
        "n_obs": int(keep.sum()),
        "n_groups": n_groups,
        "n_clusters": n_clusters,
        "n_dropped_obs": int(n_all - keep.sum()),
        "n_dropped_clusters": n_clusters_all - n_clusters,
        "n_dropped_groups": int(n_groups_all - n_groups),
        "n_rounds": rounds,
        "converged": not singular.any(),
    }


def _weights(n_g: np.ndarray, weights: Weights) -> tuple[np.ndarray, float]:
    """Group weights w and divisor D of θ = Σ_g w_g (α_g − ᾱ_w)² / D."""
    if weights == "groups":
        return np.ones_like(n_g), float(len(n_g) - 1)
    return n_g, float(n_g.sum())


def _plugin(alpha: np.ndarray, codes: np.ndarray, weights: Weights) -> float:
    n_g = np.bincount(codes, minlength=len(alpha)).astype(float)
    w, d = _weights(n_g, weights)
    a = alpha - (w @ alpha) / w.sum()
    return float(w @ (a * a)) / d


def _leave_out(
    y: np.ndarray, fit: Fit, cl: np.ndarray, weights: Weights
) -> tuple[float, np.ndarray]:
    """Σ_c (y_c − ȳ)'B_cc (y_c − X_c γ̂_{−c}) and which clusters' leave-out fit is singular."""
    ab = fit.absorbed
    assert ab is not None and fit.resid is not None, "needs a fit with one absorbed factor"
    g_of = ab.codes
    n_g = np.bincount(g_of).astype(float)
    w, d = _weights(n_g, weights)
    s_w = float(w.sum())
    xt, s_inv = ab.design, fit.bread
    xbar_c = ab.xbar - (w @ ab.xbar) / s_w  # group means centred by the weighted mean
    m_mat = xbar_c.T @ (w[:, None] * xbar_c)  # X̄'C_w X̄
    yc = y - y.mean()  # the origin of y must not matter (KSS's code centres it too)
    e = fit.resid
    a_row = (w / n_g)[g_of]  # e_g'C_w-weight of a row's group indicator over n_g
    sizes = np.bincount(cl)
    order = np.argsort(cl, kind="stable")
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    singular = np.zeros(len(sizes), dtype=bool)
    total = 0.0
    for m in np.unique(sizes):
        cs = np.flatnonzero(sizes == m)
        step = max(1, _CHUNK_ROWS // int(m))
        for lo in range(0, len(cs), step):
            part = cs[lo : lo + step]
            ix = order[starts[part][:, None] + np.arange(m)]  # (clusters, m) rows
            xc = xt[ix]
            k = xc.shape[-1]
            wc = (xc.reshape(-1, k) @ s_inv).reshape(xc.shape)  # rows of X̃S̃⁻¹, one BLAS call
            g = g_of[ix]
            pd_blk = (g[:, :, None] == g[:, None, :]) / n_g[g][:, :, None]
            i_p = np.eye(m) - pd_blk - np.matmul(wc, xc.transpose(0, 2, 1))
            sing = np.linalg.eigvalsh(i_p)[:, 0] < SINGULAR_TOL
            singular[part[sing]] = True
            ok = ~sing
            if not ok.any():
                continue
            ix, wc, g, pd_blk = ix[ok], wc[ok], g[ok], pd_blk[ok]
            r = np.linalg.solve(i_p[ok], e[ix][..., None])[..., 0]  # leave-out residuals
            yy, a = yc[ix], a_row[ix]
            # per cluster: p = S̃⁻¹Σ_i v_i x̃_i for v = y and v = r (elementwise: einsum is slow)
            p_y = (yy[..., None] * wc).sum(1)
            p_r = (r[..., None] * wc).sum(1)
            xb = xbar_c[g]
            xb_py = (xb * p_y[:, None, :]).sum(-1)  # x̄c_g(i)'p_y per row
            xb_pr = (xb * p_r[:, None, :]).sum(-1)
            t = (
                float((yy[:, :, None] * pd_blk * (r * a)[:, None, :]).sum())
                - float(((yy * a).sum(1) * (r * a).sum(1)).sum()) / s_w
                - float((a * (yy * xb_pr + r * xb_py)).sum())
                + float(((p_y @ m_mat) * p_r).sum())
            )
            total += float(t)
    return total / d, singular
