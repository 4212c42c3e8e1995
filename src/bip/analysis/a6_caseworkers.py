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
the other, and redo the policy experiment on shrunken effects; intervals for the spread of true effects and
the policy effect come from the empirical-Bayes model itself (:mod:`a6_inference`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from bip.analysis._design import answers, background, combine
from bip.analysis.a6_effects import (
    QUARTILES,
    _f,
    beta_var,
    citizen_cells,
    effects_from_residuals,
    policy_se,
)
from bip.analysis.a6_inference import LEVEL, eb_inference
from bip.analysis.a6_kss import kss_variance
from bip.analysis.a6_quartiles import quartile_profile, quartile_tests
from bip.analysis.a6_resampling import split_halves
from bip.analysis.a6_significance import (
    caseworker_jobcenter,
    f_test,
    permutation_test,
    robust_wald,
    within_jobcenter,
)
from bip.analysis.estimation import Clustered, Factor, ols
from bip.instrument import B_ITEMS
from bip.panel import JOB_OUTCOME as OUTCOME
from bip.results import A6Caseworkers

# A caseworker's effect is estimated only from caseworkers with a caseworker part for at least
# this many distinct citizens (004). Not the disclosure rule's minimum cell size.
MIN_CITIZENS_PER_CASEWORKER = 10


def eligible_caseworkers(
    panel: pd.DataFrame, min_citizens: int = MIN_CITIZENS_PER_CASEWORKER
) -> pd.Index:
    """Caseworkers with a caseworker part for at least ``min_citizens`` distinct citizens."""
    parts = panel.loc[panel["has_caseworker_part"].astype(bool), ["caseworker_id", "citizen_id"]]
    n = parts.groupby("caseworker_id")["citizen_id"].nunique()
    return n.index[n >= min_citizens]


def analysis_sample(
    panel: pd.DataFrame, min_citizens: int = MIN_CITIZENS_PER_CASEWORKER
) -> pd.DataFrame:
    """The 004 sample: eligible caseworkers' repeat measurements with a known outcome."""
    ok = (
        panel["is_repeat"].astype(bool)
        & panel["caseworker_id"].isin(eligible_caseworkers(panel, min_citizens))
        & panel[OUTCOME].notna()
    )
    return panel.loc[ok].reset_index(drop=True)


def eligibility(panel: pd.DataFrame, sample: pd.DataFrame, min_citizens: int) -> dict:
    """How many caseworkers the rule admits, counted as 004 does and in the analysis sample."""
    part = panel["has_caseworker_part"].astype(bool)
    in_sample = sample.loc[sample["has_caseworker_part"].astype(bool)]
    per_cw = in_sample.groupby("caseworker_id")["citizen_id"].nunique()
    return {
        "n_caseworkers_with_part": int(panel.loc[part, "caseworker_id"].nunique()),
        "n_caseworkers_eligible": len(eligible_caseworkers(panel, min_citizens)),
        "n_caseworkers_min_in_sample": int((per_cw >= min_citizens).sum()),
    }


def design(sample: pd.DataFrame) -> pd.DataFrame:
    """Regressors of the 004 model: background + own answers B1–B9 and their progression."""
    return combine(background(sample), answers(sample, B_ITEMS))


def run(
    panel: pd.DataFrame,
    *,
    seed: int = 0,
    min_citizens: int = MIN_CITIZENS_PER_CASEWORKER,
    n_draws: int = 2000,
    n_perm: int = 200,
) -> A6Caseworkers:
    """A6 on an analysis panel (docs/panel.md): the 004 method and its noise-aware version.

    ``n_draws`` draws of the empirical-Bayes model (seeded by ``seed``, 0: none) give the
    intervals of the spread of true effects and of the policy effect (:mod:`a6_inference`);
    ``n_perm`` shuffles of caseworkers within jobcentre give the permutation test
    (:mod:`a6_significance`).
    """
    sample = analysis_sample(panel, min_citizens)
    base = {
        "min_citizens_per_caseworker": min_citizens,
        "n_measurements": len(sample),
        "n_caseworkers": int(sample["caseworker_id"].nunique()),
        "n_citizens": int(sample["citizen_id"].nunique()),
    }
    if base["n_caseworkers"] < 4 or len(sample) < 20:
        return A6Caseworkers.model_validate({**base, "status": "insufficient_data"})
    rng = np.random.default_rng(seed)
    y = pd.to_numeric(sample[OUTCOME]).to_numpy(dtype=float)
    X = design(sample)
    cw = sample["caseworker_id"].astype(str)
    cit = sample["citizen_id"].astype(str)
    by_citizen = Clustered(cit)
    fit0 = ols(y, X, covariance=by_citizen)
    fit = ols(y, X, covariance=by_citizen, absorb=cw)
    assert fit.absorbed is not None and fit.fixed_effects is not None
    gcodes = fit.absorbed.codes
    glevels = fit.fixed_effects.index
    cells = citizen_cells(sample, gcodes)
    names = list(fit.names)
    Xv = X[names].to_numpy(dtype=float)
    res = effects_from_residuals(
        y - Xv @ fit.coef, gcodes, cells, len(fit.coef), float(y.mean()), beta_var(fit)
    )
    raw = pd.Series(res["raw"], index=glevels)
    q_raw = pd.Series(res["q_raw"], index=glevels)
    pse = policy_se(fit, sample, y, res["q_raw"], res["n_g"])
    pol = res["policy_raw"]
    p_value = (
        2 * stats.t.sf(abs(pol["increase"] / pse["increase_se"]), pse["df"])
        if pse["increase_se"] > 0
        else None
    )

    cit_codes = Factor.of(cit).codes
    split = split_halves(X[names], y, gcodes, cells, cit_codes, rng)
    perm = within = None
    if "jobcenter_id" in sample and n_perm > 0:
        jc_codes = Factor.of(sample["jobcenter_id"].astype(str)).codes
        perm = permutation_test(y - Xv @ fit.coef, gcodes, cells, jc_codes, n_perm, rng)
    if "jobcenter_id" in sample:
        jc_of = caseworker_jobcenter(sample, glevels)
        within = within_jobcenter(raw, res["se"], res["n_g"], jc_of, n_draws, rng)
    inf = eb_inference(res["raw"], res["se"], res["n_g"], n_draws, rng) if n_draws > 0 else None
    leave_out = _leave_out(y, X, cw, cit, fit, res["sigma2"])

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
    shrunk_s = pd.Series(res["shrunk"], index=glevels)
    pol_s = res["policy_shrunk"]
    inf_out = None
    if inf is not None:
        lo, hi = inf["policy_increase_ci"]
        inf_out = {
            **inf,
            "method": "parametric_eb",
            "seed": seed,
            "level": LEVEL,
            "policy_counterfactual": _f(pol["actual"] + inf["policy_increase"]),
            "policy_counterfactual_ci": (_f(pol["actual"] + lo), _f(pol["actual"] + hi)),
        }
    # Effects are the fixed effects minus their unweighted mean over caseworkers (only
    # differences are interpretable), ranked by the raw effect. The policy experiment's
    # standard errors: delta method, CR1 by citizen, quartile membership taken as given.
    # Noise model: se² = σ²/n_g² · Σ_cells (m + ρ·m(m−1)) + x̄_g'V(β)x̄_g (docs/a5-a7.md).
    return A6Caseworkers.model_validate(
        {
            **base,
            "status": "ok",
            "outcome": OUTCOME,
            "regressors": names,
            "dropped_collinear": fit.dropped,
            "r2_without_fe": _f(fit0.r2),
            "r2_with_fe": _f(fit.r2),
            "r2_within": _f(fit.r2_within),
            "eligibility": eligibility(panel, sample, min_citizens),
            "f_test": {**f_test(fit0, fit), **robust_wald(fit, cit_codes)},
            "quartiles": quartile_profile(sample, q_raw, raw),
            "quartile_tests": quartile_tests(sample, q_raw),
            "policy_experiment": {
                "actual": _f(pol["actual"]),
                "actual_se": _f(pse["actual_se"]),
                "counterfactual": _f(pol["counterfactual"]),
                "counterfactual_se": _f(pse["counterfactual_se"]),
                "increase": _f(pol["increase"]),
                "increase_se": _f(pse["increase_se"]),
                "p_value": _f(p_value),
            },
            "effects": effects,
            "beyond": {
                "residual_sd": _f(np.sqrt(res["sigma2_e"])),
                "within_citizen_correlation": _f(res["rho"]),
                "raw_effect_sd": _f(np.std(res["raw"], ddof=1)),
                "mean_se": _f(np.sqrt(np.mean(res["se"] ** 2))),
                "true_effect_sd": _f(np.sqrt(res["sigma2"])),
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
                "gap_top_bottom_shrunk": _f(
                    shrunk_s[q_shr == 4].mean() - shrunk_s[q_shr == 1].mean()
                ),
                "policy_experiment_shrunk": {
                    "actual": _f(pol_s["actual"]),
                    "counterfactual": _f(pol_s["counterfactual"]),
                    "increase": _f(pol_s["increase"]),
                },
                "split_sample": split,
                "inference": inf_out,
                "permutation": perm,
                "within_jobcenter": within,
                "leave_out": leave_out,
                "median_citizens_per_caseworker": float(np.median(n_cit.to_numpy())),
            },
        }
    )


def _leave_out(y, X, cw, cit, fit, sigma2_mom: float) -> dict:
    """KSS leave-citizen-out variance of the caseworker effects (:mod:`a6_kss`), with the
    plug-in and the method-of-moments variance beside it."""
    k = kss_variance(y, X, cw, cit, fit=fit)
    return {
        "method": "kss_leave_citizen_out",
        "variance": _f(k["variance"]),
        "sd": _f(np.sqrt(max(k["variance"], 0.0))),
        "variance_plugin": _f(k["plugin"]),
        "sd_plugin": _f(np.sqrt(k["plugin"])),
        "variance_mom": _f(sigma2_mom),
        "sd_mom": _f(np.sqrt(sigma2_mom)),
        "n_measurements": k["n_obs"],
        "n_caseworkers": k["n_groups"],
        "n_citizens": k["n_clusters"],
        "n_dropped_measurements": k["n_dropped_obs"],
        "n_dropped_citizens": k["n_dropped_clusters"],
        "n_dropped_caseworkers": k["n_dropped_groups"],
    }
