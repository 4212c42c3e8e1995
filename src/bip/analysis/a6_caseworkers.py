"""A6 Caseworker effectiveness: the method of report 004, and the same done with noise in mind.

Seed 004: measurements of caseworkers with a caseworker part for ≥ 10 distinct citizens;
citizens with more than one measurement, first measurement dropped. A linear probability model
of ``job_or_education_52w`` on background, the citizen's own answers B1–B9 and their
progression (missing → sample mean + indicator), without and with caseworker fixed effects.
The fixed effects, normalised to mean zero over caseworkers, are the caseworker effects; they
are sorted into quartiles, and the policy experiment gives every caseworker the top quartile's
mean effect.

Beyond 004: each effect is an average over some 20 citizens, so part of its spread is noise.
We estimate each effect's sampling variance (residual variance with the within-citizen
correlation of repeated outcomes), the variance of true effects by the method of moments,
shrink each effect by its reliability λ = σ²/(σ² + se²) (empirical Bayes), check reliability
by splitting each caseload into random halves, form quartiles on one half and evaluate them on
the other, and redo the policy experiment on shrunken effects with a citizen bootstrap.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from bip.analysis._design import OUTCOME, answers, background, combine
from bip.analysis._fe import Fit, _codes, cluster_sums, ols
from bip.instrument import B_ITEMS, GROUPS, S1_GROUP, S_ITEMS

MIN_CITIZENS = 10
QUARTILES = (1, 2, 3, 4)


def _f(x) -> float | None:
    """JSON float: NaN/inf → None."""
    if x is None:
        return None
    x = float(x)
    return x if np.isfinite(x) else None


def eligible_caseworkers(panel: pd.DataFrame, min_citizens: int = MIN_CITIZENS) -> pd.Index:
    """Caseworkers with a caseworker part for at least ``min_citizens`` distinct citizens."""
    parts = panel.loc[panel["has_caseworker_part"].astype(bool), ["caseworker_id", "citizen_id"]]
    n = parts.groupby("caseworker_id")["citizen_id"].nunique()
    return n.index[n >= min_citizens]


def analysis_sample(panel: pd.DataFrame, min_citizens: int = MIN_CITIZENS) -> pd.DataFrame:
    """The 004 sample: eligible caseworkers' repeat measurements with a known outcome."""
    ok = (
        panel["is_repeat"].astype(bool)
        & panel["caseworker_id"].isin(eligible_caseworkers(panel, min_citizens))
        & panel[OUTCOME].notna()
    )
    return panel.loc[ok].reset_index(drop=True)


def design(sample: pd.DataFrame) -> pd.DataFrame:
    """Regressors of the 004 model: background + own answers B1–B9 and their progression."""
    return combine(background(sample), answers(sample, B_ITEMS))


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


def _cells(sample: pd.DataFrame, gcodes: np.ndarray) -> np.ndarray:
    cit, _ = _codes(sample["citizen_id"].astype(str))
    return pd.factorize(pd.Series(cit) * (int(gcodes.max()) + 1) + gcodes)[0]


def _pipeline(
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


def _policy_se(
    fit: Fit, sample: pd.DataFrame, y: np.ndarray, alpha_q: np.ndarray, n_g: np.ndarray
) -> dict:
    """Clustered (CR1) delta-method standard errors of the policy experiment.

    The increase is c'α with c_g = 1[top]/n_top − n_g/N; its linear influence on the errors is
    w_i = c_g/n_g − x̃_i'(X̃'X̃)⁻¹X̄'c (effects = group means minus x̄_g'β). Quartile membership
    is taken as given, which is exactly what the raw method does (and why it overstates, see
    the shrunken version).
    """
    gcodes = fit.extra["codes"]
    n = len(y)
    top = alpha_q == 4
    c = np.where(top, 1.0 / top.sum(), 0.0) - n_g / n
    a = fit.extra["bread"] @ (fit.extra["xbar"].T @ c)
    w = c[gcodes] / n_g[gcodes] - fit.extra["Xt"] @ a
    e = fit.resid
    cl, _ = _codes(sample["citizen_id"].astype(str))
    G = int(cl.max()) + 1
    factor = G / (G - 1) * (n - 1) / max(n - fit.k_params, 1)
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


def _beta_var(fit: Fit) -> np.ndarray:
    """Part of each effect's variance that comes from the estimated slopes (x̄_g centred)."""
    xc = fit.extra["xbar"] - fit.extra["xbar"].mean(axis=0)
    return np.einsum("gi,ij,gj->g", xc, fit.vcov, xc)


def _split_halves(X, y, gcodes, cells, cit, rng) -> dict:
    """Random halves of each caseload (by citizen); effects per half; reliability."""
    n_cells = int(cells.max()) + 1
    cell_cw = np.zeros(n_cells, dtype=np.int64)
    cell_cw[cells] = gcodes
    order = np.lexsort((rng.random(n_cells), cell_cw))  # by caseworker, random within
    sorted_cw = cell_cw[order]
    first = np.searchsorted(sorted_cw, sorted_cw)  # position of the caseworker's first cell
    half_cell = np.empty(n_cells, dtype=np.int64)
    half_cell[order] = (np.arange(n_cells) - first) % 2
    groups = gcodes * 2 + half_cell[cells]
    fe = ols(y, X, cluster=cit, fe=groups).fe
    key = fe.index.to_numpy().astype(np.int64)
    wide = pd.Series(fe.to_numpy(), index=pd.MultiIndex.from_arrays([key // 2, key % 2])).unstack()
    wide = wide.dropna()
    if wide.shape[0] < 8 or wide.shape[1] < 2:
        return {"n_caseworkers": int(wide.shape[0]), "correlation": None, "spearman_brown": None}
    a = wide[0] - wide[0].mean()
    b = wide[1] - wide[1].mean()
    r = float(np.corrcoef(a, b)[0, 1])
    rows = []
    gaps = {}
    for name, form, evalu in (("a_to_b", a, b), ("b_to_a", b, a)):
        q = quartiles(form.rename("v"))
        for k in QUARTILES:
            rows.append(
                {
                    "direction": name,
                    "quartile": k,
                    "n_caseworkers": int((q == k).sum()),
                    "mean_effect_forming_half": _f(form[q == k].mean()),
                    "mean_effect_other_half": _f(evalu[q == k].mean()),
                }
            )
        gaps[name] = (
            float(form[q == 4].mean() - form[q == 1].mean()),
            float(evalu[q == 4].mean() - evalu[q == 1].mean()),
        )
    return {
        "n_caseworkers": int(len(wide)),
        "correlation": _f(r),
        "spearman_brown": _f(2 * r / (1 + r)) if r > -1 else None,
        "quartiles_cross_half": rows,
        "gap_top_bottom_forming_half": _f(np.mean([g[0] for g in gaps.values()])),
        "gap_top_bottom_other_half": _f(np.mean([g[1] for g in gaps.values()])),
    }


def _bootstrap(X, y, fit, gcodes, cells, cit, n_boot, rng, refit: bool) -> dict:
    """Citizen (cluster) bootstrap of the shrunken and raw policy experiments and true SD."""
    n_cit = int(cit.max()) + 1
    n_groups = int(gcodes.max()) + 1
    order = np.argsort(cit, kind="stable")
    starts = np.searchsorted(cit[order], np.arange(n_cit))
    sizes = np.bincount(cit, minlength=n_cit)
    beta = fit.coef
    Xv = X[fit.names].to_numpy(dtype=float)
    r_full = y - Xv @ beta
    out = {
        "increase_shrunk": [],
        "counterfactual_shrunk": [],
        "increase_raw": [],
        "counterfactual_raw": [],
        "true_effect_sd": [],
    }
    for _ in range(n_boot):
        draw = rng.integers(0, n_cit, n_cit)
        # rows of the drawn citizens, vectorised: start of each drawn block + offset within it
        lens = sizes[draw]
        first = np.repeat(np.cumsum(lens) - lens, lens)
        idx = order[np.repeat(starts[draw], lens) + np.arange(int(lens.sum())) - first]
        # caseworkers absent from the resample drop out: renumber the present ones
        present = np.bincount(gcodes[idx], minlength=n_groups) > 0
        g_b = (np.cumsum(present) - 1)[gcodes[idx]]
        if refit:
            new_cit = np.repeat(np.arange(n_cit), lens)
            f = ols(
                y[idx],
                pd.DataFrame(Xv[idx], columns=fit.names),
                cluster=new_cit,
                fe=g_b,
                vcov=False,
            )
            r = y[idx] - Xv[idx][:, [fit.names.index(nm) for nm in f.names]] @ f.coef
            n_sl = len(f.coef)
        else:
            r = r_full[idx]
            n_sl = len(beta)
        # A citizen drawn twice stays one cell: the copies' errors are identical, not independent.
        res = _pipeline(r, g_b, cells[idx], n_sl, float(y[idx].mean()))
        out["increase_shrunk"].append(res["policy_shrunk"]["increase"])
        out["counterfactual_shrunk"].append(res["policy_shrunk"]["counterfactual"])
        out["increase_raw"].append(res["policy_raw"]["increase"])
        out["counterfactual_raw"].append(res["policy_raw"]["counterfactual"])
        out["true_effect_sd"].append(np.sqrt(res["sigma2"]))
    return {k: np.array(v) for k, v in out.items()}


def _ci(draws: np.ndarray) -> tuple[float | None, float | None]:
    if len(draws) == 0:
        return None, None
    lo, hi = np.percentile(draws, [2.5, 97.5])
    return _f(lo), _f(hi)


def _quartile_profile(sample: pd.DataFrame, quart: pd.Series, effects: pd.Series) -> list[dict]:
    """Per quartile: size, outcome rate, mean effect, citizens per caseworker, activity use,
    mean S2–S12 (measurement-level means over the quartile's sample measurements)."""
    q_of_row = sample["caseworker_id"].astype(str).map(quart)
    rows = []
    for k in QUARTILES:
        cws = quart.index[quart == k]
        sub = sample.loc[(q_of_row == k).to_numpy()]
        known = (
            sub["combination"].notna()
            if "combination" in sub
            else pd.Series(False, index=sub.index)
        )
        cw_part = sub["has_caseworker_part"].astype(bool)
        per_cw = sub.groupby("caseworker_id")["citizen_id"].nunique()
        row = {
            "quartile": k,
            "n_caseworkers": len(cws),
            "n_measurements": len(sub),
            "n_citizens": int(sub["citizen_id"].nunique()),
            "outcome_rate": _f(pd.to_numeric(sub[OUTCOME]).mean()),
            "mean_effect": _f(effects.loc[cws].mean()),
            "citizens_per_caseworker": _f(per_cw.mean()),
            "activity_groups": {},
            "activities": {},
            "mean_answers": {},
        }
        n_known = int(known.sum())
        for g in GROUPS:
            col = f"act_{g}"
            share = pd.to_numeric(sub.loc[known, col]).mean() if col in sub and n_known else np.nan
            row["activity_groups"][g] = {"share": _f(share), "n": n_known}
        none = (sub.loc[known, "combination"] == "0000").mean() if n_known else np.nan
        row["activity_groups"]["none"] = {"share": _f(none), "n": n_known}
        n_cwp = int(cw_part.sum())
        for opt in sorted(S1_GROUP):
            col = f"S1_{opt}"
            v = (
                pd.to_numeric(sub.loc[cw_part, col]).fillna(0)
                if col in sub
                else pd.Series([], dtype=float)
            )
            row["activities"][str(opt)] = {
                "group": S1_GROUP[opt],
                "share": _f(v.mean()) if n_cwp else None,
                "n": n_cwp,
            }
        for item in S_ITEMS:
            v = pd.to_numeric(sub[item]).dropna() if item in sub else pd.Series([], dtype=float)
            row["mean_answers"][item] = {"mean": _f(v.mean()) if len(v) else None, "n": len(v)}
        rows.append(row)
    return rows


EXPLANATION_DA = (
    "Hver sagsbehandlers effekt er beregnet ud fra kun omkring {n} borgere, så en del af "
    "forskellene mellem sagsbehandlerne er tilfældigheder, og når man sorterer dem i kvartiler, "
    "havner de heldige i toppen og de uheldige i bunden. Derfor er forskellen mellem den bedste "
    "og den dårligste fjerdedel – og gevinsten ved at gøre alle lige så gode som de bedste – "
    "større i de rå tal end i virkeligheden; de korrigerede (\u201ckrympede\u201d) tal tager "
    "højde for tilfældighederne."
)
EXPLANATION_EN = (
    "Each caseworker's effect is estimated from only about {n} citizens, so part of the "
    "differences between caseworkers is chance, and sorting them into quartiles puts the lucky "
    "ones at the top and the unlucky ones at the bottom. The gap between the best and the worst "
    "quarter – and the gain from making everyone as good as the best – is therefore larger in "
    "the raw figures than in reality; the corrected (\u201cshrunken\u201d) figures allow for "
    "the chance."
)


def run(
    panel: pd.DataFrame,
    *,
    seed: int = 0,
    min_citizens: int = MIN_CITIZENS,
    n_boot: int = 200,
    refit_slopes: bool | None = None,
) -> dict:
    """A6 on an analysis panel (docs/panel.md): the 004 method and its noise-aware version.

    ``n_boot`` citizen-bootstrap replications (seeded by ``seed``) give the intervals of the
    shrunken policy experiment; ``refit_slopes`` re-estimates the slopes in every replication
    (default: when the design is small enough for that to be quick, n·k² ≤ 2·10⁸, i.e. up
    to a few synthetic cohorts of the default size; beyond that the slopes, whose sampling
    variation is small next to the caseworker effects', are held at their estimate).
    """
    sample = analysis_sample(panel, min_citizens)
    base = {
        "method": "004",
        "min_citizens_per_caseworker": min_citizens,
        "n_measurements": len(sample),
        "n_caseworkers": int(sample["caseworker_id"].nunique()),
        "n_citizens": int(sample["citizen_id"].nunique()),
    }
    if base["n_caseworkers"] < 4 or len(sample) < 20:
        out = {**base, "status": "insufficient_data"}
        return {**out, "caseworker_effectiveness": summary(out)}
    rng = np.random.default_rng(seed)
    y = pd.to_numeric(sample[OUTCOME]).to_numpy(dtype=float)
    X = design(sample)
    cw = sample["caseworker_id"].astype(str)
    cit = sample["citizen_id"].astype(str)
    fit0 = ols(y, X, cluster=cit)
    fit = ols(y, X, cluster=cit, fe=cw)
    gcodes = fit.extra["codes"]
    glevels = fit.fe.index
    cells = _cells(sample, gcodes)
    Xv = X[fit.names].to_numpy(dtype=float)
    res = _pipeline(
        y - Xv @ fit.coef, gcodes, cells, len(fit.coef), float(y.mean()), _beta_var(fit)
    )
    raw = pd.Series(res["raw"], index=glevels)
    q_raw = pd.Series(res["q_raw"], index=glevels)
    pse = _policy_se(fit, sample, y, res["q_raw"], res["n_g"])
    pol = res["policy_raw"]
    p_value = (
        2 * stats.t.sf(abs(pol["increase"] / pse["increase_se"]), pse["df"])
        if pse["increase_se"] > 0
        else None
    )

    cit_codes, _ = _codes(cit)
    split = _split_halves(X[fit.names], y, gcodes, cells, cit_codes, rng)
    n, k = X.shape
    refit = refit_slopes if refit_slopes is not None else n * k * k <= 2e8
    boot = (
        _bootstrap(X, y, fit, gcodes, cells, cit_codes, n_boot, rng, refit) if n_boot > 0 else None
    )

    n_meas = pd.Series(res["n_g"], index=glevels).astype(int)
    n_cit = sample.groupby(cw.to_numpy())["citizen_id"].nunique().reindex(glevels)
    q_shr = pd.Series(res["q_shrunk"], index=glevels)
    effects = [
        {
            "caseworker_id": str(g),
            "effect": _f(raw[g]),
            "effect_shrunk": _f(res["shrunk"][i]),
            "se": _f(res["se"][i]),
            "reliability": _f(res["lam"][i]),
            "n_measurements": int(n_meas[g]),
            "n_citizens": int(n_cit[g]),
            "quartile": int(q_raw[g]),
            "quartile_shrunk": int(q_shr[g]),
        }
        for i, g in enumerate(glevels)
    ]
    true_sd = float(np.sqrt(res["sigma2"]))
    shrunk_s = pd.Series(res["shrunk"], index=glevels)
    median_cit = float(np.median(n_cit.to_numpy()))
    pol_s = res["policy_shrunk"]
    boot_out = None
    if boot is not None:
        boot_out = {
            "n_boot": n_boot,
            "seed": seed,
            "resampled": "citizens",
            "slopes_refitted": bool(refit),
            **{f"{key}_ci": list(_ci(v)) for key, v in boot.items()},
        }
    out = {
        **base,
        "status": "ok",
        "outcome": OUTCOME,
        "regressors": list(fit.names),
        "dropped_collinear": fit.dropped,
        "r2_without_fe": _f(fit0.r2),
        "r2_with_fe": _f(fit.r2),
        "r2_within": _f(fit.r2_within),
        "normalisation": "caseworker effects are the fixed effects minus their unweighted mean "
        "over caseworkers (mean zero); only differences are interpretable",
        "ranking": "by the raw fixed effect",
        "quartiles": _quartile_profile(sample, q_raw, raw),
        "policy_experiment": {
            "actual": _f(pol["actual"]),
            "actual_se": _f(pse["actual_se"]),
            "counterfactual": _f(pol["counterfactual"]),
            "counterfactual_se": _f(pse["counterfactual_se"]),
            "increase": _f(pol["increase"]),
            "increase_se": _f(pse["increase_se"]),
            "p_value": _f(p_value),
            "se_method": "delta method: clustered (CR1, by citizen) sandwich of the linear "
            "influence of the fixed effects, quartile membership taken as given",
            "published": {
                "actual": 0.1476,
                "actual_se": 0.0045,
                "counterfactual": 0.2845,
                "counterfactual_se": 0.0019,
                "increase": 0.1469,
                "increase_se": 0.0042,
                "note": "004 Tabel 1 prints 14.69 for 28.45 - 14.76 = 13.69",
            },
        },
        "published": {
            "n_measurements": 6164,
            "n_caseworkers": 115,
            "n_citizens": 2701,
            "r2_without_fe": 0.16,
            "r2_with_fe": 0.21,
            "quartile_outcome_rate": [0.07, 0.13, 0.18, 0.23],
            "quartile_n_caseworkers": [29, 29, 29, 28],
            "citizens_per_caseworker": [22.5, 22.5, 28, 20],
            "gap_adjusted_top_bottom": 0.26,
        },
        "effects": effects,
        "beyond": {
            "noise_model": "se² = σ²/n_g² · Σ_cells (m + ρ·m(m−1)) + x̄_g'V(β)x̄_g; cells are a "
            "citizen's measurements with the caseworker, ρ the within-cell "
            "residual correlation",
            "residual_sd": _f(np.sqrt(res["sigma2_e"])),
            "within_citizen_correlation": _f(res["rho"]),
            "raw_effect_sd": _f(np.std(res["raw"], ddof=1)),
            "mean_se": _f(np.sqrt(np.mean(res["se"] ** 2))),
            "true_effect_sd": _f(true_sd),
            "mean_reliability": _f(np.mean(res["lam"])),
            "quartiles_shrunk": [
                {
                    "quartile": k,
                    "n_caseworkers": int((q_shr == k).sum()),
                    "mean_effect": _f(shrunk_s[q_shr == k].mean()),
                    "mean_raw_effect": _f(raw[q_shr == k].mean()),
                }
                for k in QUARTILES
            ],
            "gap_top_bottom_raw": _f(raw[q_raw == 4].mean() - raw[q_raw == 1].mean()),
            "gap_top_bottom_shrunk": _f(shrunk_s[q_shr == 4].mean() - shrunk_s[q_shr == 1].mean()),
            "policy_experiment_shrunk": {
                "actual": _f(pol_s["actual"]),
                "counterfactual": _f(pol_s["counterfactual"]),
                "increase": _f(pol_s["increase"]),
            },
            "split_sample": split,
            "bootstrap": boot_out,
            "explanation_da": EXPLANATION_DA.format(n=int(round(median_cit))),
            "explanation_en": EXPLANATION_EN.format(n=int(round(median_cit))),
        },
    }
    return {**out, "caseworker_effectiveness": summary(out)}


_EFFECT_FIELDS = ("caseworker_id", "effect", "effect_shrunk", "se", "n_measurements", "quartile")
_QUARTILE_FIELDS = (
    "quartile",
    "n_caseworkers",
    "outcome_rate",
    "mean_effect",
    "citizens_per_caseworker",
    "n_citizens",
)
_POLICY_FIELDS = (
    "actual",
    "actual_se",
    "counterfactual",
    "counterfactual_se",
    "increase",
    "increase_se",
    "p_value",
)


def summary(a6: dict) -> dict:
    """The SPEC §6 ``caseworker_effectiveness`` object from an A6 section."""
    out = {k: a6.get(k) for k in ("n_measurements", "n_caseworkers", "n_citizens")}
    if a6.get("status") != "ok":
        return {
            **out,
            "r2_without_fe": None,
            "r2_with_fe": None,
            "quartiles": [],
            "policy_experiment": None,
            "effects": [],
            "true_effect_sd": None,
        }
    return {
        **out,
        "r2_without_fe": a6["r2_without_fe"],
        "r2_with_fe": a6["r2_with_fe"],
        "quartiles": [{k: q[k] for k in _QUARTILE_FIELDS} for q in a6["quartiles"]],
        "policy_experiment": {k: a6["policy_experiment"][k] for k in _POLICY_FIELDS},
        "effects": [{k: e[k] for k in _EFFECT_FIELDS} for e in a6["effects"]],
        "true_effect_sd": a6["beyond"]["true_effect_sd"],
    }
