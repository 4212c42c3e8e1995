"""A6 significance: the joint tests of caseworker effects against statsmodels, the permutation
test and the within-jobcentre ranking on simulated panels with and without planted effects, and
the eligibility counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from a567_sim import simulate_panel

from bip.analysis import a6_caseworkers as a6
from bip.analysis.a6_significance import f_test, robust_wald
from bip.analysis.estimation import Clustered, Factor, ols


@pytest.fixture(scope="module")
def sim():
    return simulate_panel(n_caseworkers=40, n_citizens=900, cw_sd=0.08, seed=5)


def _null(panel: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """The same panel with the outcome redrawn independently of the caseworker."""
    p = panel.copy()
    rng = np.random.default_rng(seed)
    known = p["job_or_education_52w"].notna()
    p.loc[known, "job_or_education_52w"] = (rng.random(int(known.sum())) < 0.3).astype(float)
    return p


def test_f_tests_and_adjusted_r2_equal_statsmodels(sim):
    s = a6.analysis_sample(sim[0])
    X = a6.design(s)
    y = s["job_or_education_52w"].astype(float).to_numpy()
    cit = s["citizen_id"].astype(str)
    fit0 = ols(y, X, covariance=Clustered(cit))
    fit = ols(y, X, covariance=Clustered(cit), absorb=s["caseworker_id"])
    ours = {**f_test(fit0, fit), **robust_wald(fit, Factor.of(cit).codes)}
    slopes = X[list(fit.names)].to_numpy(dtype=float)
    dummies = pd.get_dummies(s["caseworker_id"].astype(str), drop_first=True, dtype=float)
    full = np.column_stack([np.ones(len(y)), slopes, dummies.to_numpy()])
    restricted = sm.OLS(y, np.column_stack([np.ones(len(y)), slopes])).fit()
    unrestricted = sm.OLS(y, full).fit()
    f, p, df = unrestricted.compare_f_test(restricted)
    assert ours["f_statistic"] == pytest.approx(f, rel=1e-8)
    assert ours["p_value"] == pytest.approx(p, rel=1e-6, abs=1e-300)
    assert ours["df_num"] == df == dummies.shape[1]
    assert ours["adj_r2_with_fe"] == pytest.approx(unrestricted.rsquared_adj, abs=1e-10)
    assert ours["adj_r2_without_fe"] == pytest.approx(
        sm.OLS(y, sm.add_constant(X.to_numpy())).fit().rsquared_adj, abs=1e-10
    )
    robust = sm.OLS(y, full).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(cit)[0]})
    k = slopes.shape[1] + 1
    r = np.zeros((dummies.shape[1], full.shape[1]))
    r[:, k:] = np.eye(dummies.shape[1])
    wald = robust.wald_test(r, use_f=False, scalar=True)
    assert ours["wald"] == pytest.approx(float(wald.statistic), rel=1e-6)


def test_permutation_and_noise_model_find_planted_effects_and_not_absent_ones(sim):
    real = a6.run(sim[0], seed=0, n_draws=1000, n_perm=100)
    null = a6.run(_null(sim[0]), seed=0, n_draws=1000, n_perm=100)
    assert real.beyond is not None and null.beyond is not None
    pr, pn = real.beyond.permutation, null.beyond.permutation
    assert pr is not None and pn is not None
    print(
        f"\nplanted: gap {pr.gap_observed:.3f} vs shuffled {pr.gap_permuted_mean:.3f} "
        f"p={pr.gap_p_value:.3f}; none: gap {pn.gap_observed:.3f} vs {pn.gap_permuted_mean:.3f} "
        f"p={pn.gap_p_value:.3f}"
    )
    assert pr.gap_p_value < 0.05 and pr.sd_p_value < 0.05
    assert pn.gap_p_value > 0.05 and pn.sd_p_value > 0.05
    # noise alone produces most of the gap when there is nothing to find
    assert pn.gap_permuted_mean > 0.7 * pn.gap_observed
    assert real.beyond.inference is not None and null.beyond.inference is not None
    assert real.beyond.inference.p_value_no_spread < 0.05
    assert null.beyond.inference.p_value_no_spread > 0.05


def test_within_jobcenter_effects_are_centred_per_jobcenter(sim):
    r = a6.run(sim[0], seed=0, n_draws=500, n_perm=0)
    w = r.beyond.within_jobcenter if r.beyond else None
    assert w is not None and w.n_caseworkers + w.n_caseworkers_alone == r.n_caseworkers
    lo, hi = w.true_effect_sd_ci
    assert lo <= w.true_effect_sd <= hi
    lo, hi = w.policy_increase_ci
    assert lo <= w.policy_increase <= hi
    # planted effects are independent of the jobcentre, so the within spread is close
    assert w.true_effect_sd == pytest.approx(r.beyond.true_effect_sd, rel=0.35)
    assert w.gap_top_bottom_shrunk < w.gap_top_bottom_raw


def test_eligibility_counts(sim):
    panel = sim[0]
    r = a6.run(panel, n_draws=0, n_perm=0)
    e = r.eligibility
    assert e is not None
    assert e.n_caseworkers_eligible == r.n_caseworkers == len(a6.eligible_caseworkers(panel))
    s = a6.analysis_sample(panel)
    per = s[s["has_caseworker_part"].astype(bool)].groupby("caseworker_id")["citizen_id"].nunique()
    assert e.n_caseworkers_min_in_sample == int((per >= 10).sum()) <= e.n_caseworkers_eligible
    assert (
        e.n_caseworkers_with_part
        == panel.loc[panel["has_caseworker_part"].astype(bool), "caseworker_id"].nunique()
    )


def test_the_within_jobcentre_order_is_lexsort_of_the_same_draws():
    """The packed-integer sort orders (jobcentre, random key) exactly as np.lexsort does,
    ties in the key included, and falls back to lexsort for wide jobcentre codes."""
    from bip.analysis.a6_significance import _order_within

    rng = np.random.default_rng(2)
    groups = np.sort(rng.integers(0, 40, 5_000))
    keys = rng.random(5_000)
    keys[:50] = keys[50:100]  # ties within and across groups
    np.testing.assert_array_equal(_order_within(groups, keys), np.lexsort((keys, groups)))
    wide = groups * 1000  # codes above 2**11
    np.testing.assert_array_equal(_order_within(wide, keys), np.lexsort((keys, wide)))


def test_caseworker_jobcentre_is_the_mode_of_the_measurements():
    """Each caseworker's jobcentre: the most frequent one, ties to the smallest id (as
    pandas' Series.mode gives it), NA for a caseworker without measurements."""
    from bip.analysis.a6_significance import caseworker_jobcenter

    rng = np.random.default_rng(0)
    n = 3000
    sample = pd.DataFrame(
        {
            "caseworker_id": rng.integers(0, 300, n).astype(str),  # few rows each: many ties
            "jobcenter_id": rng.choice(["jc1", "jc2", "jc10", "jc3"], n),
        }
    )
    levels = pd.Index([*sorted(sample["caseworker_id"].unique()), "absent"])
    want = (
        sample.groupby("caseworker_id")["jobcenter_id"]
        .agg(lambda s: s.mode().iloc[0])
        .reindex(levels)
    )
    pd.testing.assert_series_equal(caseworker_jobcenter(sample, levels), want)
