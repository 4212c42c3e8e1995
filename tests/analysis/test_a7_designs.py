"""A7's designs against independent implementations on the same data: the leave-out belief
classification against a brute-force loop, two-way clustered Poisson and least squares, the
event study and its Wald test against pyfixest, the forecast-bias regression against
statsmodels; and the forecast-bias test against planted caseworker effects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyfixest as pf
import pytest
import statsmodels.api as sm
from a567_sim import simulate_panel

from bip.analysis import a7_belief, a7_event_study, a7_forecast
from bip.analysis._two_way import two_way_ols, two_way_poisson
from bip.analysis.estimation import Clustered, nested_fe_fit, ols, poisson


def _brute_high(p: pd.DataFrame, min_other: int) -> np.ndarray:
    """The classification by its definition, one measurement at a time."""
    s12 = pd.to_numeric(p["S12"]).astype(float)
    out = np.full(len(p), np.nan)
    for r in range(len(p)):
        c, i = p["caseworker_id"].iloc[r], p["citizen_id"].iloc[r]
        oth = p[(p["citizen_id"] != i) & s12.notna()]
        means = pd.to_numeric(oth["S12"]).astype(float).groupby(oth["caseworker_id"]).mean()
        n = oth.groupby("caseworker_id")["citizen_id"].nunique()
        if c not in means.index or n[c] < min_other:
            continue
        others = means[(n >= min_other) & (means.index != c)]
        if len(others) == 0:
            continue
        out[r] = float((others < means[c]).sum() > len(others) / 2)
    return out


@pytest.mark.parametrize("min_other", [1, 2, 4])
def test_leave_out_classification_equals_brute_force(min_other):
    rng = np.random.default_rng(min_other)
    n = 160
    p = pd.DataFrame(
        {
            "citizen_id": [f"C{k}" for k in rng.integers(0, 45, n)],
            "caseworker_id": [f"W{k}" for k in rng.integers(0, 9, n)],
            "S12": np.where(rng.random(n) < 0.2, np.nan, rng.integers(1, 6, n)).astype(float),
        }
    )
    got = a7_belief.leave_out_classification(p, min_other)["high"].to_numpy()
    want = _brute_high(p, min_other)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    ok = ~np.isnan(want)
    assert ok.sum() > 50 and 0 < want[ok].mean() < 1  # the test exercises both classes
    np.testing.assert_array_equal(got[ok], want[ok])


def test_citizens_own_answers_never_decide_their_class():
    """The sources' rule compared a leave-out mean with the median of *full* means, so a
    citizen's own answers moved the threshold. Here W2 sits at the median only through C9's
    own answers: the old rule calls W2 high for C9, the leave-out rule does not."""
    rows = [("C1", "W1", 2), ("C2", "W1", 2), ("C3", "W3", 4), ("C4", "W3", 4)]
    rows += [("C5", "W2", 3), ("C6", "W2", 3), ("C9", "W2", 1), ("C9", "W2", 1)]
    p = pd.DataFrame(rows, columns=["citizen_id", "caseworker_id", "S12"])
    b = a7_belief.leave_out_classification(p, 1)
    c9 = b[p["citizen_id"] == "C9"]
    # Without C9, W2's mean is 3, the other caseworkers' 2 and 4: not above their median 3.
    assert (c9["loo_s12"] == 3.0).all() and (c9["high"] == 0.0).all()
    full = p.groupby("caseworker_id")["S12"].mean()  # W1 2, W2 2, W3 4: median 2
    assert full.median() < 3.0  # ... so the old rule would have said high


@pytest.fixture(scope="module")
def sim():
    p, truth = simulate_panel(
        n_citizens=900,
        n_caseworkers=40,
        multiplicative=True,
        belief_rel=0.3,
        cw_belief_sd=0.7,
        p_change=0.3,
        base=0.15,
        seed=3,
    )
    return p.reset_index(drop=True), truth


def _xy(p):
    X = pd.DataFrame(
        {
            "x": p["n_cw_changes"].astype(float),
            "age": p["age"].fillna(40.0),
            "gp": p["gp_weeks_12m"],
        }
    )
    y = p["job_or_education_52w"].astype(float).to_numpy()
    return X, y, X.assign(y=y, cw=p["caseworker_id"], cit=p["citizen_id"], jc=p["jobcenter_id"])


def _pf(ref, names):
    coef = ref.coef().rename({"Intercept": "(Intercept)"}).reindex(list(names)).to_numpy()
    se = ref.se().rename({"Intercept": "(Intercept)"}).reindex(list(names)).to_numpy()
    return coef, se


@pytest.mark.parametrize("fe", [False, True])
def test_two_way_poisson_equals_pyfixest_and_the_engine(sim, fe):
    p = sim[0]
    X, y, df = _xy(p)
    absorb = p["jobcenter_id"] if fe else None
    fit = two_way_poisson(y, X, p["caseworker_id"], p["citizen_id"], absorb=absorb)
    eng = poisson(y, X, absorb=absorb, covariance=Clustered(p["caseworker_id"], p["citizen_id"]))
    np.testing.assert_allclose(fit.vcov, eng.vcov, rtol=1e-10, atol=1e-14)
    ref = pf.fepois(
        "y ~ x + age + gp" + (" | jc" if fe else ""),
        data=df,
        vcov={"CRV1": "cw+cit"},
        fixef_tol=1e-14,
        iwls_tol=1e-14,
    )
    coef, se = _pf(ref, fit.names)
    np.testing.assert_allclose(fit.coef, coef, atol=1e-8)
    np.testing.assert_allclose(fit.se, se, atol=1e-8)
    assert fit.df == min(p["caseworker_id"].nunique(), p["citizen_id"].nunique()) - 1


@pytest.mark.parametrize("fe", [False, True])
def test_two_way_ols_equals_pyfixest(sim, fe):
    p = sim[0]
    X, y, df = _xy(p)
    absorb = p["jobcenter_id"] if fe else None
    fit = two_way_ols(y, X, p["caseworker_id"], p["citizen_id"], absorb=absorb)
    ref = pf.feols(
        "y ~ x + age + gp" + (" | jc" if fe else ""),
        data=df,
        vcov={"CRV1": "cw+cit"},
        ssc=pf.ssc(k_fixef="full"),
    )
    coef, se = _pf(ref, fit.names)
    np.testing.assert_allclose(fit.coef, coef, atol=1e-10)
    np.testing.assert_allclose(fit.se, se, atol=1e-10)


def test_belief_effect_model_equals_pyfixest(sim):
    p = sim[0]
    r = a7_belief.estimate(p, 3)
    smp = a7_belief.BeliefData(p).sample(3)
    s, high = p.loc[smp.ok].reset_index(drop=True), smp.high
    from bip.analysis._design import background, combine

    X = combine(pd.DataFrame({"high": high}), background(s)[["age", "female"]])
    df = X.assign(
        y=s["job_or_education_52w"].astype(float).to_numpy(),
        cw=s["caseworker_id"],
        cit=s["citizen_id"],
        jc=s["jobcenter_id"],
    )
    fit = two_way_poisson(
        df["y"].to_numpy(), X, s["caseworker_id"], s["citizen_id"], absorb=s["jobcenter_id"]
    )
    ref = pf.fepois(
        "y ~ high + age + female | jc", data=df, vcov={"CRV1": "cw+cit"}, iwls_tol=1e-14
    )
    coef, se = _pf(ref, fit.names)
    np.testing.assert_allclose(fit.coef, coef, atol=1e-8)
    np.testing.assert_allclose(fit.se, se, atol=1e-8)
    assert r["status"] == "ok" and r["ci_low"] <= r["relative_effect"] <= r["ci_high"]
    assert r["n_clusters"] == min(r["n_caseworkers"], r["n_citizens"])


def test_event_study_equals_pyfixest(sim):
    p = sim[0]
    s, y, X, _ = a7_event_study.event_study_design(p)
    X = X.loc[:, X.std() > 0]
    cit = s["citizen_id"].astype(str)
    fit = nested_fe_fit(ols(y, X, absorb=cit, covariance=Clustered(cit)))
    cols = list(X.columns)
    df = X.assign(y=y, cit=cit)
    ref = pf.feols(f"y ~ {' + '.join(cols)} | cit", data=df, vcov={"CRV1": "cit"}, fixef_rm="none")
    coef, se = _pf(ref, fit.names)
    np.testing.assert_allclose(fit.coef, coef, atol=1e-10)
    np.testing.assert_allclose(fit.se, se, atol=1e-10)
    leads = tuple(n for n in a7_event_study.LEADS if n in fit.names)
    assert leads
    w = a7_event_study.wald(fit, leads)
    R = np.zeros((len(leads), len(fit.names)))
    for j, n in enumerate(leads):
        R[j, fit.names.index(n)] = 1.0
    # pyfixest tests a selection of coefficients against chi2 (statistic W, not W/q).
    pw = ref.wald_test(R=R, distribution="chi2")
    assert w["chi2"] == pytest.approx(float(pw["statistic"]), rel=1e-8)
    assert w["p_value_chi2"] == pytest.approx(float(pw["pvalue"]), rel=1e-8)
    assert w["f_stat"] == pytest.approx(w["chi2"] / len(leads), rel=1e-12)
    r = a7_event_study.event_study(p)
    assert r["status"] == "ok" and r["leads_joint_test"]["df1"] == len(leads)
    for row in r["coefficients"]:
        if row["se"] is not None:
            assert row["ci_low"] <= row["coef"] <= row["ci_high"]


def test_duration_dummies_partition_time_in_programme(sim):
    d = a7_event_study.duration_dummies(sim[0])
    w = a7_event_study.weeks_in_programme(sim[0])
    assert (d.sum(axis=1) == (w >= 13).astype(float)).all()  # one bin each, first = reference
    assert d.to_numpy().sum(axis=0).min() >= 0


def _forecast_sim(seed: int, cw_sd: float = 0.1):
    p, truth = simulate_panel(
        n_citizens=3000, n_caseworkers=60, cw_sd=cw_sd, p_change=0.35, citizen_sd=0.05, seed=seed
    )
    return p, truth


def test_forecast_bias_regression_equals_statsmodels():
    p, _ = _forecast_sim(7)
    r = a7_forecast.forecast_bias(p)
    resid = a7_forecast.residual_outcome(p)
    fc, _ = a7_forecast.leave_out_forecasts(p, resid)
    pairs = a7_forecast.change_pairs(p, resid)
    pairs = pairs.merge(
        fc.rename(columns={"cw": "cw_new", "forecast": "f_new"}), on=["cw_new", "cit"]
    ).merge(fc.rename(columns={"cw": "cw_old", "forecast": "f_old"}), on=["cw_old", "cit"])
    pairs = pairs.dropna(subset=["f_new", "f_old"])
    dy = (pairs["r_post"] - pairs["r_pre"]).to_numpy()
    dx = (pairs["f_new"] - pairs["f_old"]).to_numpy()
    ref = sm.OLS(dy, sm.add_constant(dx)).fit()
    assert r["coef"] == pytest.approx(float(ref.params[1]), abs=1e-10)
    assert r["se_iid"] == pytest.approx(float(ref.bse[1]), abs=1e-10)
    assert r["n_citizens"] == len(pairs)
    assert r["ci_low"] <= r["coef"] <= r["ci_high"]


def test_forecast_bias_recovers_planted_one_and_detects_a_biased_forecast():
    """Random assignment with planted caseworker effects: the shrunk leave-out forecasts
    predict the change one for one (interval covers 1, excludes 0). The same test on the
    unshrunk leave-out means (noisy, so attenuated) gives a coefficient well below 1."""
    p, _ = _forecast_sim(8, cw_sd=0.12)
    r = a7_forecast.forecast_bias(p)
    print(
        f"\nforecast coef {r['coef']:.3f} [{r['ci_low']:.3f}, {r['ci_high']:.3f}] n={r['n_citizens']}"
    )
    assert r["ci_low"] < 1 < r["ci_high"]
    assert r["ci_low"] > 0
    resid = a7_forecast.residual_outcome(p)
    pairs = a7_forecast.change_pairs(p, resid)
    # Unshrunk leave-out means: reliability < 1 attenuates the slope.
    ok = resid.notna()
    cells = (
        pd.DataFrame({"cw": p["caseworker_id"][ok], "cit": p["citizen_id"][ok], "r": resid[ok]})
        .groupby(["cw", "cit"])["r"]
        .mean()
        .reset_index()
    )
    tot = cells.groupby("cw")["r"].agg(["sum", "size"])
    cells = cells.join(tot, on="cw")
    cells["raw"] = (cells["sum"] - cells["r"]) / (cells["size"] - 1)
    m = pairs.merge(
        cells[["cw", "cit", "raw"]].rename(columns={"cw": "cw_new", "raw": "f_new"}),
        on=["cw_new", "cit"],
    ).merge(
        cells[["cw", "cit", "raw"]].rename(columns={"cw": "cw_old", "raw": "f_old"}),
        on=["cw_old", "cit"],
    )
    raw = sm.OLS(
        (m["r_post"] - m["r_pre"]).to_numpy(), sm.add_constant((m["f_new"] - m["f_old"]).to_numpy())
    ).fit()
    print(f"unshrunk coef {raw.params[1]:.3f}")
    assert raw.params[1] < r["coef"] - 0.05
