"""A6 caseworker effects from the fixed-effects fit: noise, shrinkage, quartiles, policy.

Each effect is an average over some 20 citizens, so part of its spread is noise. Its sampling
variance allows repeated outcomes of a citizen with the same caseworker to be correlated; the
variance of true effects follows by the method of moments, and each effect is shrunk by its
reliability λ = σ²/(σ² + se²) (empirical Bayes).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bip.analysis.estimation import Factor, Fit, cluster_codes, cluster_sums, cr1_factor

QUARTILES = (1, 2, 3, 4)


def _f(x) -> float | None:
    """JSON float: NaN/inf → None."""
    if x is None:
        return None
    x = float(x)
    return x if np.isfinite(x) else None


def quartile_codes(values: np.ndarray) -> np.ndarray:
    """Quartile 1 (lowest) … 4 of each value; sizes as equal as possible with the extra ones in
    the lower quartiles (115 → 29, 29, 29, 28 as in 004); ties keep the input order."""
    order = np.argsort(values, kind="stable")
    q = np.empty(len(values), dtype=int)
    for i, part in enumerate(np.array_split(order, 4)):
        q[part] = i + 1
    return q


def quartiles(effects: pd.Series) -> pd.Series:
    """:func:`quartile_codes` of a Series of effects, ties broken by caseworker id."""
    ids = effects.index.astype(str)
    by_id = np.argsort(np.asarray(ids), kind="stable")
    q = np.empty(len(effects), dtype=int)
    q[by_id] = quartile_codes(effects.to_numpy()[by_id])
    return pd.Series(q, index=effects.index)


def effect_noise(
    e: np.ndarray, gcodes: np.ndarray, cells: np.ndarray, n_slopes: int
) -> tuple[np.ndarray, float, float]:
    """Sampling variance of each group's mean residual, allowing repeated outcomes of the same
    citizen with the same caseworker to be correlated (ρ, estimated from the residuals).

    Returns (variance per group, σ², ρ).
    """
    n = len(e)
    n_groups = int(gcodes.max()) + 1
    n_g = np.bincount(gcodes, minlength=n_groups).astype(float)
    sigma2 = float(e @ e) / max(n - n_slopes - n_groups, 1)
    s = np.bincount(cells, weights=e)
    q = np.bincount(cells, weights=e * e)
    m = np.bincount(cells).astype(float)
    pairs = float((m * (m - 1)).sum())
    rho = float(((s * s - q).sum()) / (sigma2 * pairs)) if pairs > 0 and sigma2 > 0 else 0.0
    rho = min(max(rho, 0.0), 0.99)
    cell_group = np.zeros(len(m), dtype=np.int64)
    cell_group[cells] = gcodes
    per_cell = m + rho * m * (m - 1)
    var = sigma2 * np.bincount(cell_group, weights=per_cell, minlength=n_groups) / n_g**2
    return var, sigma2, rho


def shrink(raw: np.ndarray, se: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Empirical-Bayes shrinkage of centred effects towards 0.

    σ² = var(raw) − mean(se²) (method of moments, floored at 0); λ = σ²/(σ² + se²).
    Returns (shrunken effects, λ, σ²).
    """
    sigma2 = max(float(np.var(raw, ddof=1)) - float(np.mean(se**2)), 0.0) if len(raw) > 1 else 0.0
    lam = sigma2 / (sigma2 + se**2) if sigma2 > 0 else np.zeros_like(raw)
    return lam * raw, lam, sigma2


def policy(y_mean: float, alpha: np.ndarray, n_g: np.ndarray, quart: np.ndarray) -> dict:
    """Predicted outcome rate if every caseworker had the top quartile's mean effect."""
    top = float(alpha[quart == 4].mean())
    current = float((alpha * n_g).sum() / n_g.sum())
    return {"actual": y_mean, "counterfactual": y_mean + top - current, "increase": top - current}


def citizen_cells(sample: pd.DataFrame, gcodes: np.ndarray) -> np.ndarray:
    """Code of each row's (citizen, caseworker) pair: a citizen's measurements with one
    caseworker share their errors."""
    cit = Factor.of(sample["citizen_id"].astype(str)).codes
    return pd.factorize(pd.Series(cit) * (int(gcodes.max()) + 1) + gcodes)[0]


def effects_from_residuals(
    r: np.ndarray,
    gcodes: np.ndarray,
    cells: np.ndarray,
    n_slopes: int,
    y_mean: float,
    beta_var: np.ndarray | None = None,
):
    """From the partial residual r = y − Xβ: raw effects, their se, shrinkage, both policies."""
    n_groups = int(gcodes.max()) + 1
    n_g = np.bincount(gcodes, minlength=n_groups).astype(float)
    alpha = np.bincount(gcodes, weights=r, minlength=n_groups) / n_g
    e = r - alpha[gcodes]
    var, sigma2_e, rho = effect_noise(e, gcodes, cells, n_slopes)
    if beta_var is not None:
        var = var + beta_var
    se = np.sqrt(var)
    raw = alpha - alpha.mean()
    shrunk, lam, sigma2 = shrink(raw, se)
    # group codes follow sorted caseworker ids, so input order breaks ties by id
    q_raw = quartile_codes(raw)
    q_shr = quartile_codes(shrunk)
    return {
        "alpha": alpha,
        "raw": raw,
        "se": se,
        "shrunk": shrunk,
        "lam": lam,
        "sigma2": sigma2,
        "rho": rho,
        "sigma2_e": sigma2_e,
        "n_g": n_g,
        "q_raw": q_raw,
        "q_shrunk": q_shr,
        "policy_raw": policy(y_mean, raw, n_g, q_raw),
        "policy_shrunk": policy(y_mean, shrunk, n_g, q_shr),
    }


def policy_se(
    fit: Fit, sample: pd.DataFrame, y: np.ndarray, alpha_q: np.ndarray, n_g: np.ndarray
) -> dict:
    """Clustered (CR1) delta-method standard errors of the policy experiment.

    The increase is c'α with c_g = 1[top]/n_top − n_g/N; its linear influence on the errors is
    w_i = c_g/n_g − x̃_i'(X̃'X̃)⁻¹X̄'c (effects = group means minus x̄_g'β). Quartile membership
    is taken as given, which is exactly what the raw method does (and why it overstates, see
    the shrunken version).
    """
    ab = fit.absorbed
    assert ab is not None and fit.resid is not None, "needs a fit with one absorbed factor"
    gcodes = ab.codes
    n = len(y)
    top = alpha_q == 4
    c = np.where(top, 1.0 / top.sum(), 0.0) - n_g / n
    a = fit.bread @ (ab.xbar.T @ c)
    w = c[gcodes] / n_g[gcodes] - ab.design @ a
    e = fit.resid
    cl = cluster_codes(sample["citizen_id"].astype(str)).codes
    G = int(cl.max()) + 1
    factor = cr1_factor(G, n, fit.n_params)
    infl_mean = (y - y.mean()) / n
    infl_mean_f = infl_mean * np.sqrt(G / (G - 1) * (n - 1) / n)  # CR1 for a mean (K = 1)
    parts = np.column_stack([infl_mean, w * e])
    s = cluster_sums(cl, parts)
    v_inc = factor * float((s[:, 1] ** 2).sum())
    v_act = float((cluster_sums(cl, infl_mean_f[:, None])[:, 0] ** 2).sum())
    v_cf = factor * float(((s[:, 0] + s[:, 1]) ** 2).sum())
    return {
        "actual_se": np.sqrt(v_act),
        "counterfactual_se": np.sqrt(v_cf),
        "increase_se": np.sqrt(v_inc),
        "df": G - 1,
    }


def beta_var(fit: Fit) -> np.ndarray:
    """Part of each effect's variance that comes from the estimated slopes (x̄_g centred)."""
    assert fit.absorbed is not None, "needs a fit with one absorbed factor"
    xc = fit.absorbed.xbar - fit.absorbed.xbar.mean(axis=0)
    return np.einsum("gi,ij,gj->g", xc, fit.vcov, xc)
