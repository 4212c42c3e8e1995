"""A6 caseworker effectiveness: the FE engine against pyfixest/statsmodels, the 004 sample
rules, and recovery of planted caseworker effects on simulated panels."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyfixest as pf
import pytest
import statsmodels.api as sm
from a567_sim import a567_results, simulate_panel

from bip.analysis import a6_caseworkers as a6
from bip.analysis.a6_effects import quartiles
from bip.analysis.estimation import Clustered, ols
from bip.results import A5JobChance, A6Caseworkers, A7ChangeBelief


@pytest.fixture(scope="module")
def sim():
    return simulate_panel(n_caseworkers=60, n_citizens=1500, cw_sd=0.08, seed=3)


@pytest.fixture(scope="module")
def result(sim):
    return a6.run(sim[0], seed=1, n_draws=500).model_dump(mode="json")


def _safe(X: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    names = {c: f"x{i}" for i, c in enumerate(X.columns)}
    return X.rename(columns=names), names


def test_fixed_effects_equal_pyfixest(sim):
    panel, _ = sim
    s = a6.analysis_sample(panel)
    X = a6.design(s)
    y = s["job_or_education_52w"].astype(float).to_numpy()
    fit = ols(y, X, covariance=Clustered(s["citizen_id"]), absorb=s["caseworker_id"])
    Xs, names = _safe(X[list(fit.names)])
    df = Xs.assign(y=y, cw=s["caseworker_id"].to_numpy(), cit=s["citizen_id"].to_numpy())
    ref = pf.feols(f"y ~ {' + '.join(Xs.columns)} | cw", data=df, vcov={"CRV1": "cit"})
    coef = ref.coef().reindex([names[c] for c in fit.names]).to_numpy()
    np.testing.assert_allclose(fit.coef, coef, rtol=0, atol=1e-8)
    fe_ref = pd.Series(ref.fixef(atol=1e-14, btol=1e-14)["C(cw)"]).astype(float)
    fe_ref.index = fe_ref.index.astype(str)
    np.testing.assert_allclose(
        fit.fixed_effects.to_numpy(),
        fe_ref.reindex(fit.fixed_effects.index).to_numpy(),
        atol=1e-8,
    )
    assert fit.r2 == pytest.approx(ref._r2, abs=1e-8)
    assert fit.r2_within == pytest.approx(ref._r2_within, abs=1e-8)


def test_r2_without_fe_and_clustered_se_equal_statsmodels(sim):
    panel, _ = sim
    s = a6.analysis_sample(panel)
    X = a6.design(s)
    y = s["job_or_education_52w"].astype(float).to_numpy()
    fit = ols(y, X, covariance=Clustered(s["citizen_id"]))
    groups = pd.factorize(s["citizen_id"])[0]
    ref = sm.OLS(y, sm.add_constant(X.to_numpy())).fit(
        cov_type="cluster", cov_kwds={"groups": groups}
    )
    np.testing.assert_allclose(fit.coef, ref.params, atol=1e-8)
    np.testing.assert_allclose(fit.se, ref.bse, rtol=1e-6)
    assert fit.r2 == pytest.approx(ref.rsquared, abs=1e-10)


def test_sample_follows_004(sim):
    panel, _ = sim
    panel = panel.copy()
    # A caseworker with caseworker parts for only 9 distinct citizens is left out.
    cits = panel["citizen_id"].drop_duplicates().iloc[:9]
    panel.loc[panel["citizen_id"].isin(cits), "caseworker_id"] = "SMALL"
    s = a6.analysis_sample(panel)
    assert "SMALL" not in set(s["caseworker_id"])
    assert s["is_repeat"].all() and (s["meas_no"] > 1).all()
    assert s["job_or_education_52w"].notna().all()
    panel.loc[panel["citizen_id"] == cits.iloc[0], "has_caseworker_part"] = True
    extra = panel["citizen_id"].drop_duplicates().iloc[100]
    panel.loc[panel["citizen_id"] == extra, "caseworker_id"] = "SMALL"
    assert "SMALL" in set(a6.analysis_sample(panel)["caseworker_id"])


def test_quartile_sizes_as_004():
    eff = pd.Series(np.random.default_rng(0).normal(size=115), index=[f"W{i}" for i in range(115)])
    q = quartiles(eff)
    assert q.value_counts().sort_index().tolist() == [29, 29, 29, 28]
    assert eff[q == 4].min() > eff[q == 3].max() and eff[q == 1].max() < eff[q == 2].min()


def test_result_shape_and_policy_arithmetic(result):
    r = result
    json.dumps(r, allow_nan=False)
    pe = r["policy_experiment"]
    assert pe["increase"] == pytest.approx(pe["counterfactual"] - pe["actual"], abs=1e-12)
    assert pe["increase_se"] > 0 and 0 <= pe["p_value"] <= 1
    assert [q["quartile"] for q in r["quartiles"]] == [1, 2, 3, 4]
    assert sum(q["n_caseworkers"] for q in r["quartiles"]) == r["n_caseworkers"]
    means = [q["mean_effect"] for q in r["quartiles"]]
    assert means == sorted(means)
    eff = pd.DataFrame(r["effects"])
    assert abs(eff["effect"].mean()) < 1e-12  # normalised: mean zero over caseworkers
    assert (eff["effect_shrunk"].abs() <= eff["effect"].abs() + 1e-15).all()
    assert r["r2_with_fe"] > r["r2_without_fe"]
    assert set(r["quartiles"][0]["activity_groups"]) == {"J", "O", "S", "H", "none"}
    assert len(r["quartiles"][0]["activities"]) == 21
    assert set(r["quartiles"][0]["mean_answers"]) == {f"S{i}" for i in range(2, 13)}
    b = r["beyond"]
    assert b["gap_top_bottom_shrunk"] < b["gap_top_bottom_raw"]
    assert b["policy_experiment_shrunk"]["increase"] < pe["increase"]
    inf = b["inference"]
    for key in ("true_effect_sd", "policy_increase", "policy_counterfactual"):
        lo, hi = inf[f"{key}_ci"]
        assert lo <= inf[key] <= hi, key
    assert inf["true_effect_sd"] == b["true_effect_sd"]
    n = sorted(e["n_citizens"] for e in r["effects"])
    assert b["median_citizens_per_caseworker"] == pytest.approx(float(np.median(n)))


def _truth_errors(result, truth):
    eff = pd.DataFrame(result["effects"]).set_index("caseworker_id")
    true = pd.Series(truth["caseworker_effects"]).reindex(eff.index)
    true = true - true.mean()  # the estimates are centred over the same caseworkers
    rmse = lambda est: float(np.sqrt(((est - true) ** 2).mean()))  # noqa: E731
    return (
        float(np.corrcoef(eff["effect"], true)[0, 1]),
        rmse(eff["effect"]),
        rmse(eff["effect_shrunk"]),
        float(true.std(ddof=1)),
    )


def test_planted_caseworker_effects_recovered(sim, result):
    corr, rmse_raw, rmse_shrunk, true_sd = _truth_errors(result, sim[1])
    print(f"corr(raw, truth)={corr:.3f} rmse raw={rmse_raw:.4f} shrunk={rmse_shrunk:.4f}")
    assert corr > 0.7
    assert rmse_shrunk < rmse_raw
    assert result["beyond"]["true_effect_sd"] == pytest.approx(true_sd, rel=0.35)
    # split-sample reliability agrees with the shrinkage model's mean reliability
    assert result["beyond"]["split_sample"]["spearman_brown"] > 0.4


@pytest.mark.slow
def test_planted_effects_over_seeds():
    gains, ratios = [], []
    for seed in range(5):
        panel, truth = simulate_panel(
            n_caseworkers=50, n_citizens=1100, cw_sd=0.06, citizen_sd=0.15, seed=100 + seed
        )
        r = a6.run(panel, seed=seed, n_draws=0).model_dump()
        corr, rmse_raw, rmse_shrunk, true_sd = _truth_errors(r, truth)
        gains.append(rmse_raw - rmse_shrunk)
        ratios.append(r["beyond"]["true_effect_sd"] / true_sd)
    assert all(g > 0 for g in gains)
    assert all(0.65 <= x <= 1.35 for x in ratios), ratios


def test_too_small_sample_is_reported():
    panel, _ = simulate_panel(n_caseworkers=3, n_citizens=40, seed=1)
    r = a6.run(panel, n_draws=0)
    assert r.status == "insufficient_data" and r.effects == ()


def test_a567_results_hold_the_summary_keys(sim):
    r = a567_results(sim[0], seed=0, n_boot=5)
    json.dumps(r, allow_nan=False)
    _validate(r)
    ce = r["caseworker_effectiveness"]
    for k in (
        "n_measurements",
        "n_caseworkers",
        "n_citizens",
        "r2_without_fe",
        "r2_with_fe",
        "quartiles",
        "policy_experiment",
        "effects",
        "true_effect_sd",
    ):
        assert k in ce
    assert set(ce["quartiles"][0]) >= {
        "quartile",
        "n_caseworkers",
        "outcome_rate",
        "mean_effect",
        "citizens_per_caseworker",
    }
    assert set(ce["policy_experiment"]) == {
        "actual",
        "actual_se",
        "counterfactual",
        "counterfactual_se",
        "increase",
        "increase_se",
        "p_value",
    }
    assert set(ce["effects"][0]) == {
        "caseworker_id",
        "effect",
        "effect_shrunk",
        "se",
        "n_measurements",
        "quartile",
    }
    assert set(r["caseworker_change"]) >= {
        "share_with_change",
        "relative_effect_per_change",
        "ci_low",
        "ci_high",
    }
    b = r["belief"]
    assert set(b["outcome_rate_by_S12"]) == set(b["job13_rate_by_S12"]) == {"1", "2", "3", "4", "5"}
    assert set(b) >= {"relative_effect_high_vs_low", "ci_low", "ci_high"}


def _validate(r: dict) -> None:
    """Each A5-A7 section read back through its bip.results model unchanged."""
    for key, model in (
        ("a5_job_chance", A5JobChance),
        ("a6_caseworkers", A6Caseworkers),
        ("a7_change_belief", A7ChangeBelief),
    ):
        assert model.model_validate_json(json.dumps(r[key])).model_dump(mode="json") == r[key]


def test_models_accept_insufficient_data():
    panel, _ = simulate_panel(n_caseworkers=3, n_citizens=40, seed=1)
    _validate(a567_results(panel, n_boot=0))
