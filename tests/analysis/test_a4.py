"""A4 against statsmodels on the same data, with the sample and design rebuilt here."""

from __future__ import annotations

import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from bip.analysis import a4_combination_effects as a4
from bip.instrument import ALL_COMBINATIONS

ITEMS = ("B1", "S_avg", "S12")


def _reference(panel: pd.DataFrame, item: str, adjusted: bool, standardise: bool = True):
    """Independent build of the A4 regression with pandas + statsmodels."""
    df = panel[
        panel["is_repeat"] & panel["combination"].notna() & panel[f"d_{item}"].notna()
    ].copy()
    df["prev"] = df[item] - df[f"d_{item}"]
    controls = []
    if adjusted:
        cat = pd.get_dummies(
            df[["origin", "education"]].astype(object), drop_first=False, dtype=float
        )
        # Reference levels as in the module: first level of each category dropped.
        cat = cat.drop(columns=["origin_danish", "education_unskilled"], errors="ignore")
        jc = pd.get_dummies(df["jobcenter_id"], prefix="jobcenter", dtype=float).iloc[:, 1:]
        ctrl = pd.concat([df[["prev", *a4.NUMERIC_CONTROLS]].astype(float), cat, jc], axis=1)
        keep = ctrl.notna().all(axis=1)
        df, ctrl = df[keep], ctrl[keep]
        controls = ctrl - ctrl.mean()
    y = df[f"d_{item}"].astype(float)
    if standardise:
        y = (y - y.mean()) / y.std(ddof=1)
    dummies = pd.get_dummies(df["combination"].astype(str), dtype=float)
    X = pd.concat([dummies, controls], axis=1) if adjusted else dummies
    fit = sm.OLS(y.to_numpy(), X.to_numpy()).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(df["citizen_id"])[0]}, use_t=True
    )
    codes = list(dummies.columns)
    ci = fit.conf_int()
    return {c: (fit.params[i], fit.bse[i], ci[i, 0], ci[i, 1]) for i, c in enumerate(codes)}, len(
        df
    )


@pytest.fixture(scope="module")
def result(panel):
    return a4.run(panel, items=ITEMS).model_dump()


@pytest.mark.parametrize("model", ["naive", "adjusted"])
@pytest.mark.parametrize("item", ITEMS)
def test_matches_statsmodels(panel, result, model, item):
    ref, n = _reference(panel, item, adjusted=model == "adjusted")
    res = result[model][item]
    assert res["n"] == n
    for code in ALL_COMBINATIONS:
        got = res["codes"][code]
        if code not in ref:
            assert got["n"] == 0 and got["estimate"] is None
            continue
        b, se, lo, hi = ref[code]
        assert got["estimate"] == pytest.approx(b, abs=1e-8)
        assert got["se"] == pytest.approx(se, abs=1e-8)
        assert got["ci_low"] == pytest.approx(lo, abs=1e-8)
        assert got["ci_high"] == pytest.approx(hi, abs=1e-8)
        assert got["percentile"] == pytest.approx(100 * stats.norm.cdf(b), abs=1e-8)


def test_naive_unstandardised_is_code_means(panel):
    res = a4.run(panel, standardise=False, items=("B2",)).model_dump()["naive"]["B2"]
    df = panel[panel["is_repeat"] & panel["combination"].notna() & panel["d_B2"].notna()]
    means = df.groupby(df["combination"].astype(str))["d_B2"].mean()
    counts = df.groupby(df["combination"].astype(str)).size()
    for code, m in means.items():
        assert res["codes"][code]["estimate"] == pytest.approx(m, abs=1e-12)
        assert res["codes"][code]["n"] == counts[code]
    assert res["codes"]["0111"]["n"] == 0
    assert res["codes"]["0111"]["percentile"] is None
    g = df["citizen_id"].nunique()
    assert res["df"] == g - 1
    assert res["t_crit"] == pytest.approx(stats.t.ppf(0.975, g - 1))


def test_standardised_sample_sd(panel, result):
    df = panel[panel["is_repeat"] & panel["combination"].notna() & panel["d_B1"].notna()]
    assert result["naive"]["B1"]["sd"] == pytest.approx(df["d_B1"].std(ddof=1))
    # The standardised naive coefficients, weighted by n, average to zero (the sample mean).
    codes = result["naive"]["B1"]["codes"]
    total = sum(c["n"] * c["estimate"] for c in codes.values() if c["n"])
    assert total == pytest.approx(0, abs=1e-9)
