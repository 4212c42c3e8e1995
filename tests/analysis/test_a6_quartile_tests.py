"""A6's tests of 004's quartile claims (Figur 4–19): against statsmodels, and by simulation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from bip.analysis.a6_quartiles import quartile_tests
from bip.analysis.multiplicity import bh_qvalues


def _sample(rng, n_cw=60, per_cw=20, shift=0.0):
    """Caseworkers with quartiles 1-4; S4 answers (some missing) and J use that differ by
    ``shift`` in the top quartile; caseworker-level noise, so clustering matters."""
    quart = pd.Series(np.tile([1, 2, 3, 4], n_cw // 4), index=[f"cw{i:03d}" for i in range(n_cw)])
    cw = np.repeat(quart.index.to_numpy(), per_cw)
    q = quart.loc[cw].to_numpy()
    u = rng.normal(0, 0.4, n_cw).repeat(per_cw)
    s4 = np.clip(np.round(3 + u + shift * (q == 4) + rng.normal(0, 1, len(cw))), 1, 5)
    s4[rng.random(len(cw)) < 0.1] = np.nan
    p_j = np.clip(0.4 + 0.3 * u + shift * 0.2 * (q == 4), 0.01, 0.99)
    j = (rng.random(len(cw)) < p_j).astype(float)
    comb = np.where(j == 1, "1000", "0000").astype(object)
    comb[rng.random(len(cw)) < 0.05] = None
    sample = pd.DataFrame(
        {
            "caseworker_id": cw,
            "combination": pd.array(comb, dtype="string"),
            "act_J": j,
            "S4": pd.array(s4, dtype="Float64"),
        }
    )
    return sample, quart


def test_contrasts_match_statsmodels_cluster_robust():
    rng = np.random.default_rng(1)
    sample, quart = _sample(rng, shift=0.5)
    rows = {(r["outcome"], r["contrast"]): r for r in quartile_tests(sample, quart)}
    assert {k[0] for k in rows} == {"J", "none", "S4"}
    q_row = quart.loc[sample["caseworker_id"]].to_numpy()
    for (outcome, contrast), r in rows.items():
        k = 4 if contrast == "top_vs_rest" else 1
        if outcome == "S4":
            y = sample["S4"].to_numpy(dtype=float, na_value=np.nan)
            m = ~np.isnan(y)
        else:
            m = sample["combination"].notna().to_numpy()
            y = (
                sample["act_J"].to_numpy(dtype=float)
                if outcome == "J"
                else (sample["combination"] == "0000").fillna(False).to_numpy(dtype=float)
            )
        X = sm.add_constant((q_row[m] == k).astype(float))
        groups = pd.factorize(sample["caseworker_id"][m])[0]
        fit = sm.OLS(y[m], X).fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
        assert r["n_measurements"] == int(m.sum())
        assert r["difference"] == pytest.approx(fit.params[1], abs=1e-12)
        assert r["se"] == pytest.approx(fit.bse[1], rel=1e-10)
        assert r["p_value"] == pytest.approx(fit.pvalues[1], rel=1e-8)
        assert r["ci_low"] <= r["difference"] <= r["ci_high"]
        lo, hi = fit.conf_int()[1]
        assert (r["ci_low"], r["ci_high"]) == pytest.approx((lo, hi), rel=1e-10)
    ps = [r["p_value"] for r in rows.values()]
    assert [r["q_value"] for r in rows.values()] == pytest.approx(list(bh_qvalues(ps)))
    for r in rows.values():  # familywise is never below the test's own p
        assert r["p_familywise"] >= r["p_value"] - 1e-15
    # The planted top-quartile shift is found, with its sign.
    assert rows[("S4", "top_vs_rest")]["difference"] > 0.3
    assert rows[("S4", "top_vs_rest")]["p_familywise"] < 0.05


def test_intervals_cover_zero_at_the_nominal_rate_without_a_difference():
    # No planted difference: the 95 % interval of each contrast covers 0 in about 95 % of
    # samples (clustered by caseworker; iid errors would undercover with caseworker noise).
    rng = np.random.default_rng(7)
    hits = []
    for _ in range(150):
        sample, quart = _sample(rng, n_cw=48, per_cw=12)
        for r in quartile_tests(sample, quart):
            if r["outcome"] == "S4":
                hits.append(r["ci_low"] <= 0 <= r["ci_high"])
    cover = np.mean(hits)
    assert 0.91 <= cover <= 0.985, cover


def test_a_contrast_without_both_groups_has_no_estimate():
    rng = np.random.default_rng(3)
    sample, quart = _sample(rng)
    quart = quart.where(quart != 4, 3)  # no top quartile
    rows = quartile_tests(sample, quart)
    top = [r for r in rows if r["contrast"] == "top_vs_rest"]
    assert top and all("difference" not in r for r in top)
    assert all(r["difference"] is not None for r in rows if r["contrast"] == "bottom_vs_rest")
