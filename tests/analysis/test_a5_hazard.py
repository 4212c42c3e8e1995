"""A5's hazard model of the time to a first job (bip.analysis.a5_hazard).

- The person-period data against a plain loop over each citizen's measurements.
- The caseworker's leave-citizen-out rate against a loop over measurements.
- The fit on the analysis design against statsmodels' GLM(Binomial(cloglog)) with cluster
  covariance, and the model's band hazards and cumulative chance against a direct
  computation with a numerical gradient for their standard errors.
- Planted truth of the synthetic cohort (bip.synth): the job hazard rises with the S12 level
  the generator plants and falls with each caseworker change (factor 0.75 on the chance).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from bip.analysis import a5_hazard
from bip.analysis.estimation import Clustered, binomial
from bip.results.hazard import HazardModel


def hazard_panel(seed: int = 0, n_citizens: int = 400) -> pd.DataFrame:
    """A random panel with the columns the hazard model reads: dates, ``job_13w`` (missing
    at the end for censoring), the 52-week outcome, caseworker changes, activities (some
    unknown), S12 and B8 (some missing) and background (one citizen without age); rows
    shuffled so nothing relies on the panel's order."""
    rng = np.random.default_rng(seed)
    per = rng.integers(1, 8, n_citizens)
    cit_idx = np.repeat(np.arange(n_citizens), per)
    n = len(cit_idx)
    p = pd.DataFrame({"citizen_id": [f"C{i:04d}" for i in cit_idx]})
    p["measurement_id"] = [f"M{i}" for i in range(n)]
    p["meas_no"] = np.concatenate([np.arange(1, k + 1) for k in per])
    p["caseworker_id"] = [f"W{i}" for i in rng.integers(1, 20, n)]
    first = pd.Timestamp("2014-01-01") + pd.to_timedelta(rng.integers(0, 900, n_citizens), "D")
    gap = np.where(p["meas_no"] == 1, 0, rng.integers(30, 200, n))
    days = pd.Series(gap).groupby(cit_idx).cumsum().to_numpy()
    p["measured_on"] = first[cit_idx] + pd.to_timedelta(days, "D")
    for g in "JOSH":
        flag = pd.array(rng.integers(0, 2, n), dtype="Int8")
        flag[rng.random(n) < 0.05] = pd.NA
        p[f"act_{g}"] = flag
    for item in ("S12", "B8"):
        level = rng.integers(1, 6, n).astype(float)
        level[rng.random(n) < 0.05] = np.nan
        p[item] = level
    p["age"] = (30 + 10 * rng.normal(size=n_citizens))[cit_idx]
    p.loc[cit_idx == 0, "age"] = np.nan  # one citizen without a persons row
    p["female"] = rng.integers(0, 2, n_citizens)[cit_idx]
    p["share5y_employed"] = rng.random(n_citizens)[cit_idx]
    p["origin"] = pd.array(rng.choice(["danish", "western_immigrant"], n_citizens)[cit_idx])
    p["education"] = pd.array(rng.choice(["unskilled", "skilled"], n_citizens)[cit_idx])
    s12 = p["S12"].fillna(3).to_numpy()
    y = (rng.random(n) < 0.03 * np.exp(0.5 * (s12 - 3))).astype(float)
    y[p["measured_on"] > pd.Timestamp("2016-06-01")] = np.nan  # the register's end
    p["job_13w"] = pd.array(np.where(np.isnan(y), None, y), dtype="Int8")
    y52 = np.where(np.isnan(y), np.nan, np.maximum(y, rng.random(n) < 0.1))
    p["job_or_education_52w"] = pd.array(np.where(np.isnan(y52), None, y52), dtype="Int8")
    chg = rng.random(n) < 0.3
    chg[p["meas_no"].to_numpy() == 1] = False
    p["n_cw_changes"] = pd.Series(chg.astype(int)).groupby(cit_idx).cumsum().to_numpy()
    return p.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def brute_periods(p: pd.DataFrame) -> pd.DataFrame:
    out = []
    n_censored = 0
    for _cit, g in p.groupby("citizen_id", sort=False):
        g = g.sort_values("meas_no")
        first = g["measured_on"].iloc[0]
        for idx, r in g.iterrows():
            if pd.isna(r["job_13w"]):
                n_censored += 1
                break
            weeks = (r["measured_on"] - first).days / 7
            band = max(j for j, e in enumerate(a5_hazard.DURATION_BANDS) if weeks >= e)
            out.append((idx, int(r["job_13w"]), weeks, band, r["meas_no"] == 1))
            if r["job_13w"] == 1:
                break
    frame = pd.DataFrame(out, columns=["row", "event", "weeks", "band", "entry"])
    return frame.sort_values("row").reset_index(drop=True), n_censored


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_person_periods_match_a_loop_over_citizens(seed):
    p = hazard_panel(seed)
    pp = a5_hazard.person_periods(p)
    ref, n_censored = brute_periods(p)
    got = pp.sort_values("row").reset_index(drop=True)
    assert len(got) == len(ref)
    np.testing.assert_array_equal(got["row"], ref["row"])
    np.testing.assert_array_equal(got["event"], ref["event"])
    np.testing.assert_allclose(got["weeks"], ref["weeks"], atol=1e-12)
    np.testing.assert_array_equal(got["band"], ref["band"])
    np.testing.assert_array_equal(got["entry"], ref["entry"])
    assert pp.attrs["n_censored"] == n_censored > 0
    # One citizen per code, every event the last of its citizen's periods.
    assert (pp.groupby("citizen")["event"].sum() <= 1).all()
    last = pp.groupby("citizen").tail(1)
    assert pp["event"].sum() == last["event"].sum()


def test_caseworker_other_rate_matches_a_loop():
    p = hazard_panel(3)
    # Rare caseworkers with 5 and 6 citizens (one known outcome each) straddle the minimum
    # of 5 other citizens: 4 others leave the rate missing, 5 give one.
    rare = p[p["job_13w"].notna()].drop_duplicates("citizen_id").index[:55]
    p.loc[rare, "caseworker_id"] = [f"R{i % 10}" for i in range(55)]
    got = a5_hazard.caseworker_other_rate(p)
    y = pd.to_numeric(p["job_13w"]).astype(float)
    checked = set()
    for i in [*rare, *range(0, len(p), 7)]:
        cw, cit = p.at[i, "caseworker_id"], p.at[i, "citizen_id"]
        other = (p["caseworker_id"] == cw) & (p["citizen_id"] != cit) & y.notna()
        if p.loc[other, "citizen_id"].nunique() >= a5_hazard.MIN_OTHER_CITIZENS:
            assert got[i] == pytest.approx(y[other].mean(), rel=1e-12)
            checked.add("rate")
        else:
            assert np.isnan(got[i])
            checked.add("missing")
    assert checked == {"rate", "missing"}


def test_fit_matches_statsmodels_cloglog_glm_with_citizen_clusters():
    p = hazard_panel(4, n_citizens=900)
    pp = a5_hazard.person_periods(p)
    fit, blocks, names, gone = a5_hazard.fit_hazard(p, pp)
    X = blocks.dense()
    # Left out: a band without events in this panel and the one citizen without age (no
    # event either): neither has a maximum likelihood estimate.
    assert "age_missing" in gone and any(g.startswith("weeks_") for g in gone)
    for g in gone:
        if g.startswith("weeks_"):
            assert pp.loc[pp["band"] == a5_hazard.band_names().index(g), "event"].sum() == 0
    y = pp["event"].to_numpy()
    fit = binomial(
        y, X, names=names, intercept=False, covariance=Clustered(pp["citizen"]), tol=1e-14
    )
    keep = [names.index(n) for n in fit.names]
    fam = sm.families.Binomial(link=sm.families.links.CLogLog())
    ref = sm.GLM(y, X[:, keep], family=fam).fit(
        tol=1e-14, cov_type="cluster", cov_kwds={"groups": pp["citizen"].to_numpy()}
    )
    np.testing.assert_allclose(fit.coef, ref.params, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(fit.se, ref.bse, rtol=1e-6, atol=1e-8)


def test_band_hazards_and_cumulative_match_a_direct_computation():
    p = hazard_panel(5, n_citizens=900)
    res = a5_hazard.hazard(p)
    model = HazardModel.model_validate(res)  # every interval contains its estimate
    assert model.status == "ok"
    pp = a5_hazard.person_periods(p)
    fit, blocks, names, _ = a5_hazard.fit_hazard(p, pp)
    X = blocks.dense()
    Xk = X[:, [names.index(n) for n in fit.names]][pp["entry"].to_numpy()]
    bands = a5_hazard.band_names()

    def at(beta, j):  # each citizen's first measurement moved to band j
        x = Xk.copy()
        x[:, [fit.names.index(b) for b in bands[1:] if b in fit.names]] = 0
        if j:
            x[:, fit.names.index(bands[j])] = 1
        return -np.expm1(-np.exp(x @ beta))

    def cum(beta):
        return float((1 - np.prod([1 - at(beta, j) for j in range(4)], axis=0)).mean())

    t = fit.t_crit(0.95)
    for fn, est, low in (
        (lambda b: float(at(b, 2).mean()), model.bands[2].model, model.bands[2].model_ci_low),
        (cum, model.cumulative_52w_model, model.cumulative_52w_model_ci_low),
    ):
        assert est == pytest.approx(fn(fit.coef), rel=1e-10)
        g = np.array(
            [(fn(fit.coef + h) - fn(fit.coef - h)) / 2e-6 for h in 1e-6 * np.eye(len(fit.coef))]
        )
        se = float(np.sqrt(g @ fit.vcov @ g))
        assert low == pytest.approx(max(est - t * se, 0), rel=1e-5)
    life = 1 - np.prod([1 - b.observed for b in model.bands[:4]])
    assert model.cumulative_52w_life_table == pytest.approx(life, rel=1e-12)


@pytest.fixture(scope="module")
def synth_hazard(tmp_path_factory):
    from bip.dataset import open_dataset
    from bip.panel import build_panel
    from bip.synth import generate_cohort

    out = generate_cohort(tmp_path_factory.mktemp("hz") / "cohort", scale=1, seed=0, fmt="parquet")
    return HazardModel.model_validate(a5_hazard.hazard(build_panel(open_dataset(out))))


def test_planted_s12_gradient_and_change_effect_are_recovered(synth_hazard):
    # The generator's job hazard rises with the (core) S12 level (2, 5, 11, 22, 75 % a year)
    # and is multiplied by 0.75 per caseworker change; a caseworker's high belief type shows
    # in S12. Planted hazard ratio of a change: between 0.6 (a 75 % chance) and 0.75.
    hr = {t.term: t for t in synth_hazard.terms}
    s12 = [hr["S12_1"].hazard_ratio, hr["S12_2"].hazard_ratio, 1.0]
    s12 += [hr["S12_4"].hazard_ratio, hr["S12_5"].hazard_ratio]
    print("S12 hazard ratios", s12, "change", hr["n_cw_changes"].hazard_ratio)
    assert all(a < b for a, b in zip(s12, s12[1:], strict=False))
    assert hr["S12_1"].ci_high < 1 < hr["S12_5"].ci_low
    change = hr["n_cw_changes"]
    assert change.ci_high < 1 and change.ci_low < 0.75 and change.ci_high > 0.6
    # The model's 52-week chance is close to the life table's and the observed 52-week rate.
    assert synth_hazard.cumulative_52w_model == pytest.approx(
        synth_hazard.cumulative_52w_life_table, abs=0.02
    )
    assert synth_hazard.cumulative_52w_model == pytest.approx(synth_hazard.observed_52w, abs=0.03)
