"""A4 against statsmodels (coefficients) and a brute-force CR2 (standard errors, Bell–McCaffrey
df) on the same data, with the sample and design rebuilt here; d against zero, and the
multiplicity fields' invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from bip.analysis import a4_combination_effects as a4
from bip.instrument import ALL_COMBINATIONS
from tests.analysis.cr2_sim import brute_cr2

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
    groups = pd.factorize(df["citizen_id"])[0]
    fit = sm.OLS(y.to_numpy(), X.to_numpy()).fit()
    _, V, bm = brute_cr2(X.to_numpy(), y.to_numpy(), groups)
    se = np.sqrt(np.diag(V))
    q = stats.t.ppf(0.975, bm)
    codes = list(dummies.columns)
    return {
        c: (fit.params[i], se[i], fit.params[i] - q[i] * se[i], fit.params[i] + q[i] * se[i], bm[i])
        for i, c in enumerate(codes)
    }, len(df)


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
        b, se, lo, hi, df = ref[code]
        assert got["estimate"] == pytest.approx(b, abs=1e-8)
        assert got["se"] == pytest.approx(se, abs=1e-8)
        assert got["df"] == pytest.approx(df, rel=1e-8)
        assert got["ci_low"] == pytest.approx(lo, abs=1e-8)
        assert got["ci_high"] == pytest.approx(hi, abs=1e-8)
        assert got["percentile"] == pytest.approx(100 * stats.norm.cdf(b), abs=1e-8)
        # d against zero: the same coefficient plus the sample's mean progression in SDs.
        shift = res["mean"] / res["sd"]
        assert got["estimate_vs_zero"] == pytest.approx(b + shift, abs=1e-8)
        assert got["ci_low_vs_zero"] == pytest.approx(lo + shift, abs=1e-8)
        t0 = (b + shift) / se
        assert got["p_value_vs_zero"] == pytest.approx(2 * stats.t.sf(abs(t0), df), abs=1e-8)
        # The family's adjustments never make a test look stronger than alone.
        assert got["q_value"] >= got["p_value"] - 1e-12
        assert got["p_familywise"] >= got["p_value"] - 1e-12
        assert got["band_low"] <= got["ci_low"] <= b <= got["ci_high"] <= got["band_high"]


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
    assert res["df"] == g - 1  # the CR1 reference df; each code has its own
    for code in means.index:
        assert res["codes"][code]["estimate_vs_zero"] == pytest.approx(means[code], abs=1e-12)
    assert res["t_crit"] == pytest.approx(stats.t.ppf(0.975, g - 1))


def test_standardised_sample_sd(panel, result):
    df = panel[panel["is_repeat"] & panel["combination"].notna() & panel["d_B1"].notna()]
    assert result["naive"]["B1"]["sd"] == pytest.approx(df["d_B1"].std(ddof=1))
    # The standardised naive coefficients, weighted by n, average to zero (the sample mean).
    codes = result["naive"]["B1"]["codes"]
    total = sum(c["n"] * c["estimate"] for c in codes.values() if c["n"])
    assert total == pytest.approx(0, abs=1e-9)


def test_families_count_the_grid(result):
    """One family per model and centring: every code of every item; the counts follow the
    per-code fields."""
    fams = {(f["model"], f["against"]): f for f in result["families"]}
    assert set(fams) == {(m, a) for m in ("naive", "adjusted") for a in ("mean", "zero")}
    for (model, against), f in fams.items():
        suffix = "" if against == "mean" else "_vs_zero"
        rows = [c for m in result[model].values() for c in m["codes"].values() if c["df"]]
        assert f["n_tests"] == len(rows)
        assert f["n_unadjusted"] == sum(c["p_value" + suffix] < 0.05 for c in rows)
        assert f["n_bh"] == sum(c["q_value" + suffix] < 0.05 for c in rows)
        assert f["n_familywise"] == sum(c["p_familywise" + suffix] < 0.05 for c in rows)
        assert max(f["n_familywise"], f["n_bh"]) <= f["n_unadjusted"]


def _cr1_reference(panel: pd.DataFrame, item: str, adjusted: bool):
    """statsmodels' cluster-robust (CR1, by citizen) fit of the same design, and each code's
    citizens − 1 (the df of A4's CR1 fallback)."""
    df = panel[
        panel["is_repeat"] & panel["combination"].notna() & panel[f"d_{item}"].notna()
    ].copy()
    df["prev"] = df[item] - df[f"d_{item}"]
    X = pd.get_dummies(df["combination"].astype(str), dtype=float)
    if adjusted:
        cat = pd.get_dummies(
            df[["origin", "education"]].astype(object), drop_first=False, dtype=float
        ).drop(columns=["origin_danish", "education_unskilled"], errors="ignore")
        jc = pd.get_dummies(df["jobcenter_id"], prefix="jobcenter", dtype=float).iloc[:, 1:]
        ctrl = pd.concat([df[["prev", *a4.NUMERIC_CONTROLS]].astype(float), cat, jc], axis=1)
        keep = ctrl.notna().all(axis=1)
        df, ctrl, X = df[keep], ctrl[keep], X[keep]
        X = pd.concat([X, ctrl - ctrl.mean()], axis=1)
    y = df[f"d_{item}"].astype(float)
    y = (y - y.mean()) / y.std(ddof=1)
    groups = pd.factorize(df["citizen_id"])[0]
    fit = sm.OLS(y.to_numpy(), X.to_numpy()).fit(cov_type="cluster", cov_kwds={"groups": groups})
    codes = [c for c in X.columns if str(c).isdigit()]
    cit = df.groupby(df["combination"].astype(str))["citizen_id"].nunique()
    return {c: (fit.params[i], fit.bse[i], cit[c] - 1) for i, c in enumerate(codes)}


@pytest.mark.parametrize("model", ["naive", "adjusted"])
def test_large_designs_fall_back_to_cr1_with_each_codes_df(panel, monkeypatch, model):
    """Above CR2_MAX_ENTRIES a model uses CR1 (equal to statsmodels' cluster covariance) with
    t on each code's own citizens − 1, says so, and still gets the multiplicity rule."""
    monkeypatch.setattr(a4, "CR2_MAX_ENTRIES", 0)
    res = a4.run(panel, items=("B1", "S_avg"))
    assert res.cell_covariance == {"naive": "CR1", "adjusted": "CR1"}
    for item in ("B1", "S_avg"):
        ref = _cr1_reference(panel, item, adjusted=model == "adjusted")
        for code, (b, se, df) in ref.items():
            got = getattr(res, model)[item].codes[code]
            assert got.estimate == pytest.approx(b, abs=1e-8)
            assert got.se == pytest.approx(se, rel=1e-8)
            assert got.df == df
            q = stats.t.ppf(0.975, df)
            assert got.ci_low == pytest.approx(b - q * se, abs=1e-8)
            assert got.ci_low <= got.estimate <= got.ci_high
            assert got.p_familywise is not None and got.p_familywise >= got.p_value - 1e-12
    monkeypatch.undo()
    assert a4.run(panel, items=("B1",)).cell_covariance == {"naive": "CR2", "adjusted": "CR2"}


def test_joint_covariance_in_chunks_equals_the_stacked_scores(monkeypatch):
    """The family's joint S'S, built over chunks of clusters from score blocks that cover the
    first citizen codes only, equals S'S of the zero-padded, stacked score columns."""
    from bip.analysis import a4_inference

    monkeypatch.setattr(a4_inference, "_CHUNK", 7)  # chunks end inside and past the blocks
    rng = np.random.default_rng(4)
    n_clusters = 40
    blocks = [(rng.normal(size=(33, 4)), [0, 2, 3]), (rng.normal(size=(40, 2)), [1])]
    blocks.append((rng.normal(size=(12, 3)), [0, 1, 2]))
    cols = []
    for scores, idx in blocks:
        for j in idx:
            col = np.zeros(n_clusters)
            col[: len(scores)] = scores[:, j]
            cols.append(col)
    S = np.column_stack(cols)
    got = a4_inference._joint_vcov(blocks, S.shape[1], n_clusters)
    np.testing.assert_allclose(got, S.T @ S, rtol=1e-13, atol=1e-13)
