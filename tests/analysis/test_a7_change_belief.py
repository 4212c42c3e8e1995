"""A7 caseworker change and belief: Poisson engine against statsmodels/pyfixest, the
leave-one-out belief, and planted relative effects on simulated panels."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyfixest as pf
import pytest
import statsmodels.api as sm
from a567_sim import simulate_panel

from bip.analysis import a7_change_belief as a7
from bip.analysis._design import background, combine
from bip.analysis.a7_belief import leave_out_classification
from bip.analysis.estimation import Clustered, poisson


@pytest.fixture(scope="module")
def sim():
    return simulate_panel(
        n_citizens=2500,
        n_caseworkers=60,
        multiplicative=True,
        change_rel=-0.22,
        belief_rel=0.32,
        cw_belief_sd=0.7,
        cw_sd=0.0,
        p_change=0.25,
        base=0.12,
        seed=11,
    )


def _repeat_design(panel):
    s = panel.loc[panel["is_repeat"]].reset_index(drop=True)
    X = combine(pd.DataFrame({"n_cw_changes": s["n_cw_changes"].astype(float)}), background(s))
    return s, s["job_or_education_52w"].astype(float).to_numpy(), X


def test_poisson_equals_statsmodels_glm(sim):
    s, y, X = _repeat_design(sim[0])
    fit = poisson(y, X, covariance=Clustered(s["citizen_id"]))
    groups = pd.factorize(s["citizen_id"])[0]
    ref = sm.GLM(y, sm.add_constant(X.to_numpy()), family=sm.families.Poisson()).fit(
        cov_type="cluster", cov_kwds={"groups": groups}, tol=1e-12
    )
    np.testing.assert_allclose(fit.coef, ref.params, atol=1e-7)
    np.testing.assert_allclose(fit.se, ref.bse, rtol=1e-5)


def test_poisson_fixed_effects_equal_pyfixest(sim):
    s, y, X = _repeat_design(sim[0])
    cols = ["n_cw_changes", "age", "female", "psych_F30_F39", "gp_weeks_12m"]
    X = X[cols]
    fit = poisson(y, X, covariance=Clustered(s["citizen_id"]), absorb=s["caseworker_id"])
    df = X.assign(y=y, cw=s["caseworker_id"].to_numpy(), cit=s["citizen_id"].to_numpy())
    ref = pf.fepois(
        f"y ~ {' + '.join(cols)} | cw",
        data=df,
        vcov={"CRV1": "cit"},
        fixef_tol=1e-12,
        iwls_tol=1e-12,
    )
    np.testing.assert_allclose(fit.coef, ref.coef().reindex(cols).to_numpy(), atol=1e-6)
    np.testing.assert_allclose(fit.se, ref.se().reindex(cols).to_numpy(), rtol=0.02)


def test_share_with_change_and_loo_by_hand():
    rows = [  # citizen, caseworker, S12
        ("C1", "W1", 5),
        ("C1", "W1", 5),
        ("C1", "W2", 1),
        ("C2", "W1", 2),
        ("C3", "W1", 4),
        ("C3", "W2", 3),
        ("C4", "W3", 4),
    ]
    p = pd.DataFrame(rows, columns=["citizen_id", "caseworker_id", "S12"])
    p["meas_no"] = p.groupby("citizen_id").cumcount() + 1
    prev = p.groupby("citizen_id")["caseworker_id"].shift()
    p["n_cw_changes"] = (
        (prev.notna() & (prev != p["caseworker_id"])).groupby(p["citizen_id"]).cumsum()
    )
    share = a7.share_with_change(p)
    assert share["n_citizens"] == 2  # C1 and C3 have more than one measurement
    assert share["share_with_change"] == 1.0
    b = leave_out_classification(p, 1)
    # W1 answers: C1 5,5; C2 2; C3 4 -> for C1 the other citizens' mean is (2 + 4)/2
    assert b["loo_s12"].iloc[0] == pytest.approx(3.0)
    assert b["loo_s12"].iloc[3] == pytest.approx(14 / 3)
    assert np.isnan(b["high"].iloc[6])  # W3 has no other citizen
    # caseworker means: W1 4.0, W2 2.0, W3 4.0 -> median 4.0 (descriptive)
    assert b["median_caseworker_s12"].iloc[0] == pytest.approx(4.0)
    # For C2, W1's 14/3 beats both others without C2 (W2: 2, W3: 4): high. For C1, W1's 3
    # beats neither W2 without C1 (C3's 3) nor W3 (4): low.
    assert b["high"].iloc[3] == 1.0 and b["high"].iloc[0] == 0.0


def test_planted_change_and_belief_effects(sim):
    r = a7.run(sim[0]).model_dump()
    json.dumps(r, allow_nan=False)
    ch = r["change_effect"]
    print("change", ch["relative_effect"], ch["ci_low"], ch["ci_high"])
    assert ch["ci_low"] < -0.22 < ch["ci_high"]
    fe = ch["with_caseworker_fe"]
    assert fe["ci_low"] < -0.22 < fe["ci_high"]
    be = r["belief_effect"]
    print("belief", be["relative_effect"], be["ci_low"], be["ci_high"])
    assert be["ci_low"] < 0.32 < be["ci_high"]
    assert 0 < r["share_with_change"]["share_with_change"] < 1


@pytest.mark.slow
def test_change_interval_coverage_over_seeds():
    hits = 0
    for seed in range(8):
        panel, _ = simulate_panel(
            n_citizens=1200,
            n_caseworkers=40,
            multiplicative=True,
            change_rel=-0.22,
            cw_sd=0.0,
            p_change=0.25,
            base=0.12,
            seed=500 + seed,
        )
        ch = a7.change_effect(panel)
        hits += ch["ci_low"] < -0.22 < ch["ci_high"]
    assert hits >= 6  # nominal 95 %: 8 of 8 expected, 6 allows for chance


def test_insufficient_data_is_reported():
    panel, _ = simulate_panel(n_citizens=5, n_caseworkers=2, seed=1)
    r = a7.run(panel).model_dump()
    assert r["change_effect"]["status"] == "insufficient_data"
