"""A5 beyond the LPM: the logit's average marginal effects against statsmodels, B10/B11 terms,
the AUC against a brute-force Mann–Whitney count, the cluster-robust DeLong interval's coverage
on planted scores, and the cross-validated prediction on a planted model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from a567_sim import simulate_panel
from scipy import stats

from bip.analysis import a5_job_chance as a5
from bip.analysis import a5_prediction as ap
from bip.analysis import roc
from bip.analysis.estimation import Clustered, average_marginal_effects, logit


def _planted(n_cit=600, m=4, seed=0):
    rng = np.random.default_rng(seed)
    g = np.repeat(np.arange(n_cit), m)
    n = len(g)
    X = pd.DataFrame(
        {
            "a": rng.normal(size=n) + rng.normal(size=n_cit)[g],
            "b": rng.integers(0, 2, n).astype(float),
            "c": rng.normal(size=n),
        }
    )
    eta = -1.2 + 0.6 * X["a"] + 0.9 * X["b"] + 0.8 * rng.normal(size=n_cit)[g]
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float).to_numpy()
    return y, X, g


def test_logit_and_ame_equal_statsmodels_cluster():
    y, X, g = _planted()
    fit = logit(y, X, covariance=Clustered(g))
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0, cov_type="cluster", cov_kwds={"groups": g})
    np.testing.assert_allclose(fit.coef, ref.params.to_numpy(), atol=1e-8)
    np.testing.assert_allclose(fit.se, ref.bse.to_numpy(), atol=1e-8)
    m = ref.get_margeff(at="overall")
    ame, V = average_marginal_effects(fit, X)
    np.testing.assert_allclose(ame, m.margeff, atol=1e-6)
    np.testing.assert_allclose(np.sqrt(np.diag(V)), m.margeff_se, atol=1e-6)
    # and the non-robust inverse information
    iid = logit(y, X)
    ref0 = sm.Logit(y, sm.add_constant(X)).fit(disp=0)
    np.testing.assert_allclose(iid.se, ref0.bse.to_numpy(), atol=1e-8)
    np.testing.assert_allclose(
        np.sqrt(np.diag(average_marginal_effects(iid, X)[1])),
        ref0.get_margeff(at="overall").margeff_se,
        atol=1e-6,
    )


def test_auc_equals_mann_whitney_brute_force():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 300)
    s = np.round(rng.normal(size=300) + 0.7 * y, 1)  # rounded: ties count one half
    pos, neg = s[y == 1], s[y == 0]
    brute = ((pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])).mean()
    assert roc.auc(s, y).auc == pytest.approx(brute, abs=1e-12)
    # DeLong's variance (placements by brute force), singleton clusters
    v10 = ((pos[:, None] > neg) + 0.5 * (pos[:, None] == neg)).mean(1)
    v01 = ((pos[None, :] > neg[:, None]) + 0.5 * (pos[None, :] == neg[:, None])).mean(1)
    m, n = len(pos), len(neg)
    k = m + n
    var = k / (k - 1) * (((v10 - brute) ** 2).sum() / m**2 + ((v01 - brute) ** 2).sum() / n**2)
    assert roc.auc(s, y).se == pytest.approx(np.sqrt(var), rel=1e-10)
    # the classical DeLong (1/(m-1), 1/(n-1)) differs by a factor close to one
    classic = v10.var(ddof=1) / m + v01.var(ddof=1) / n
    assert roc.auc(s, y).se == pytest.approx(np.sqrt(classic), rel=0.01)


def _clustered_scores(rng, n_cit=200, m=5, mu=1.0, rho=0.7):
    """Class fixed per citizen, scores N(mu·class, 1) with within-citizen correlation rho:
    the true AUC is Φ(mu/√2) whatever rho."""
    cls = rng.random(n_cit) < 0.3
    g = np.repeat(np.arange(n_cit), m)
    s = mu * cls[g] + np.sqrt(rho) * rng.normal(size=n_cit)[g]
    s = s + np.sqrt(1 - rho) * rng.normal(size=len(g))
    return s, cls[g].astype(int), g


def test_clustered_delong_covers_planted_auc():
    """Few replications here (bench/a5_auc_coverage.py runs more): the clustered interval
    covers Φ(mu/√2); the naive one, ignoring the citizens, undercovers."""
    truth = stats.norm.cdf(1 / np.sqrt(2))
    rng = np.random.default_rng(11)
    hit = naive = 0
    reps = 200
    for _ in range(reps):
        s, y, g = _clustered_scores(rng)
        a = roc.auc(s, y, g)
        assert a.ci_low <= a.auc <= a.ci_high
        hit += a.ci_low <= truth <= a.ci_high
        b = roc.auc(s, y)
        naive += b.ci_low <= truth <= b.ci_high
    assert hit / reps >= 0.9
    assert naive / reps < hit / reps - 0.1


def test_auc_difference_paired_and_covers_zero_under_equal_scores():
    rng = np.random.default_rng(5)
    s, y, g = _clustered_scores(rng)
    d = roc.auc_difference(s, s, y, g)
    assert d.auc == 0 and d.se == 0
    noise = s + rng.normal(size=len(s)) * 2
    d = roc.auc_difference(s, noise, y, g)
    assert d.auc == pytest.approx(roc.auc(s, y).auc - roc.auc(noise, y).auc)
    assert d.ci_low <= d.auc <= d.ci_high and d.ci_low > 0


def test_folds_keep_citizens_whole():
    cit = np.repeat([f"C{i}" for i in range(53)], 3)
    f = ap.fold_of_citizen(cit, 5, seed=2)
    assert pd.Series(f).groupby(cit).nunique().max() == 1
    sizes = np.bincount(pd.Series(f).groupby(cit).first().to_numpy())
    assert sizes.max() - sizes.min() <= 1


def test_calibration_bins_by_hand():
    rng = np.random.default_rng(0)
    p = rng.random(1000)
    y = (rng.random(1000) < p).astype(float)
    g = np.arange(1000) // 2
    bins = roc.calibration_bins(p, y, g)
    assert [b["n"] for b in bins] == [100] * 10
    order = np.argsort(p, kind="stable")
    for b, idx in zip(bins, np.array_split(order, 10), strict=True):
        assert b["predicted"] == pytest.approx(p[idx].mean())
        assert b["observed"] == pytest.approx(y[idx].mean())
        assert b["observed_low"] <= b["observed"] <= b["observed_high"]


def test_search_and_wage_terms():
    s = pd.DataFrame(
        {
            "B10_status": ["searching", "not_searching", "no_answer", None],
            "B10_internet": [1, 0, None, None],
            "B11": [120.0, None, 90.0, None],
        }
    )
    raw = ap.search_and_wage_raw(s)
    assert raw["B10_searching"].tolist()[:3] == [1, 0, 0] and np.isnan(raw["B10_searching"][3])
    assert raw["B10_no_answer"].tolist()[:3] == [0, 0, 1]
    assert raw["B10_internet"].tolist()[:3] == [1, 0, 0]  # 0 unless searching
    assert raw["B10_newspapers"].tolist()[:3] == [0, 0, 0]  # absent column: never ticked
    assert raw["B11"].tolist()[0] == 12.0  # per 10 DKK


@pytest.fixture(scope="module")
def planted_search():
    """A panel whose outcome depends on S12 and on searching (B10), +8 points."""
    panel, _ = simulate_panel(n_citizens=1500, seed=7)
    rng = np.random.default_rng(1)
    searching = rng.random(len(panel)) < 0.3
    panel["B10_status"] = np.where(searching, "searching", "not_searching")
    panel["B11"] = np.round(rng.normal(125, 20, len(panel)))
    s12 = panel["S12"].fillna(3).astype(float)
    p = np.clip(0.02 + 0.05 * (s12 - 1) + 0.08 * searching, 0, 1)
    panel["job_or_education_52w"] = (rng.random(len(panel)) < p).astype(int)
    return panel


def test_job_model_with_search_finds_planted_search_effect(planted_search):
    res = a5.job_model(planted_search, search=True)
    by = {(t["item"], t["term"]): t for t in res["terms"]}
    t = by[("B10", "searching")]
    assert t["ci_low"] < 0.08 < t["ci_high"] and t["p_familywise"] < 0.05
    assert t["ame_ci_low"] <= t["ame"] <= t["ame_ci_high"]
    assert t["ame_ci_low"] < 0.08 < t["ame_ci_high"]
    assert ("B11", "level") in by and res["logit_status"] == "ok"
    assert len(res["terms"]) == 40 + 7 + 1  # no "won't answer" here: that term drops out
    without = a5.job_model(planted_search)
    assert len(without["terms"]) == 40


def test_logit_ame_of_job_model_equals_statsmodels(planted_search):
    res = a5.job_model(planted_search, search=True)
    s = a5.job_sample(planted_search)
    X, _, ranked, _ = a5.job_design(s, search=True)
    y = s["job_or_education_52w"].astype(float).to_numpy()
    g = pd.factorize(s["citizen_id"])[0]
    ref = sm.Logit(y, sm.add_constant(X)).fit(
        disp=0, cov_type="cluster", cov_kwds={"groups": g}, maxiter=100
    )
    m = ref.get_margeff(at="overall")
    ame = pd.Series(m.margeff, index=X.columns)
    se = pd.Series(m.margeff_se, index=X.columns)
    by = {(t["item"], t["term"]): t for t in res["terms"]}
    for item, term, col in ranked:
        assert by[(item, term)]["ame"] == pytest.approx(ame[col], abs=1e-6)
        assert by[(item, term)]["ame_se"] == pytest.approx(se[col], abs=1e-6)


def test_prediction_on_planted_model(planted_search):
    r = a5.job_prediction(planted_search, seed=3)
    assert r["status"] == "ok"
    full, bg, gain = r["full"], r["background_only"], r["gain"]
    for a in (full, bg, gain):
        assert a["ci_low"] <= a["auc"] <= a["ci_high"]
    # S12 and searching carry the signal, background none: the gain is clearly positive
    assert gain["ci_low"] > 0 and bg["ci_low"] < 0.5 < bg["ci_high"] + 0.05
    assert r["in_sample_auc"] >= full["auc"]  # optimism of the in-sample fit
    assert len(r["calibration"]) == 10
    assert sum(b["n"] for b in r["calibration"]) == r["n_measurements"]
    assert r["calibration_slope_low"] <= r["calibration_slope"] <= r["calibration_slope_high"]
