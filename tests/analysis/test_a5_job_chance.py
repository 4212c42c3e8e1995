"""A5 indicators and job chance: descriptive tables against hand counts, the LPM against
statsmodels, and a planted indicator effect."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from a567_sim import simulate_panel

from bip.analysis import a5_job_chance as a5
from bip.analysis._design import INDICATOR_ITEMS, answers, background, combine, impute
from bip.instrument import B10_CHANNELS


@pytest.fixture(scope="module")
def sim():
    return simulate_panel(n_citizens=1200, seed=21)


def test_rates_by_level_equal_crosstab(sim):
    panel, _ = sim
    r = a5.rates_by_level(panel)
    for item in ("B3", "S12"):
        ref = panel.groupby(panel[item])["job_or_education_52w"].agg(["mean", "size"])
        ref13 = panel.groupby(panel[item])["job_13w"].mean()
        cits = panel.groupby(panel[item])["citizen_id"].nunique()
        for row in r[item]:
            assert row["n"] == ref.loc[row["level"], "size"]
            assert row["n_citizens"] == cits.loc[row["level"]]
            assert row["job_or_education_52w"] == pytest.approx(ref.loc[row["level"], "mean"])
            assert row["job_13w"] == pytest.approx(ref13.loc[row["level"]])
    assert all("published_job_13w" not in row for row in r["S12"])  # the report's, not ours
    assert set(r) == set(INDICATOR_ITEMS)


def _search_by_hand(s: pd.DataFrame) -> pd.DataFrame:
    """B10/B11 as the job model codes them, written row by row."""
    rows = []
    for _, r in s.iterrows():
        st = r["B10_status"]
        known = isinstance(st, str)
        out = {
            "B10_searching": float(st == "searching") if known else np.nan,
            "B10_no_answer": float(st == "no_answer") if known else np.nan,
        }
        for ch in B10_CHANNELS:
            out[f"B10_{ch}"] = float(st == "searching" and r[f"B10_{ch}"] == 1) if known else np.nan
        if "B11" in s:
            w = r["B11"]
            out["B11_log"] = np.log(min(max(w, 50.0), 2000.0)) if pd.notna(w) else np.nan
        rows.append(out)
    return pd.DataFrame(rows, index=s.index)


def test_job_model_equals_statsmodels_and_ranks_by_t(sim):
    panel, _ = sim
    panel = panel.copy()
    rng = np.random.default_rng(3)
    panel["B11"] = np.where(
        rng.random(len(panel)) < 0.6, rng.choice([0, 90, 130, 5000], len(panel)), np.nan
    )
    panel.loc[panel.index[::17], "B10_status"] = None
    res = a5.job_model(panel)
    s = panel.loc[panel["is_repeat"]].reset_index(drop=True)
    X = combine(answers(s, INDICATOR_ITEMS), impute(_search_by_hand(s)), background(s))
    ref = sm.OLS(s["job_or_education_52w"].astype(float).to_numpy(), sm.add_constant(X)).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(s["citizen_id"])[0]}
    )
    extra = {("B10", "searching"): "B10_searching", ("B11", "log_wage"): "B11_log"}
    extra |= {("B10", ch): f"B10_{ch}" for ch in B10_CHANNELS}
    for row in res["terms"]:
        col = {"level": row["item"], "progression": f"d_{row['item']}"}.get(
            row["term"], extra.get((row["item"], row["term"]))
        )
        assert row["coef"] == pytest.approx(ref.params[col], abs=1e-10)
        assert row["se"] == pytest.approx(ref.bse[col], rel=1e-6)
    ts = [row["t"] for row in res["terms"]]
    assert ts == sorted(ts, reverse=True)
    assert [row["rank"] for row in res["terms"]] == list(range(1, len(ts) + 1))
    # 20 items × (level, progression), B10 searching and its six channels, B11's log wage
    assert len(res["terms"]) == 48
    wage = next(r for r in res["terms"] if r["item"] == "B11")
    assert wage["n"] == s["B11"].notna().sum()
    assert res["n_background_controls"] == len(ref.params) - 1 - sum(
        c in answers(s, INDICATOR_ITEMS).columns or c.startswith(("B10_", "B11_"))
        for c in ref.params.index
    )


def test_planted_indicator_effect_ranks_first():
    panel, _ = simulate_panel(n_citizens=1500, seed=5)
    rng = np.random.default_rng(0)
    s12 = panel["S12"].fillna(3).astype(float)
    p = np.clip(0.02 + 0.06 * (s12 - 1), 0, 1)  # +6 points per S12 step, nothing else
    panel["job_or_education_52w"] = (rng.random(len(panel)) < p).astype(int)
    res = a5.job_model(panel)
    top = res["terms"][0]
    assert (top["item"], top["term"]) == ("S12", "level")
    assert top["ci_low"] < 0.06 < top["ci_high"]
    # The planted term survives the multiplicity rule and its band covers the truth.
    assert top["p_familywise"] < 0.05 and top["q_value"] < 0.05
    assert top["band_low"] < 0.06 < top["band_high"]
    assert res["n_significant"] >= 1


def test_ranking_multiplicity(sim):
    """BH over the 40 ranked terms equals statsmodels'; the familywise p-values and band are
    never weaker than each term alone; the counts follow the terms."""
    from statsmodels.stats.multitest import multipletests

    res = a5.job_model(sim[0])
    terms = res["terms"]
    p = np.array([t["p_value"] for t in terms])
    q = np.array([t["q_value"] for t in terms])
    np.testing.assert_allclose(q, multipletests(p, method="fdr_bh")[1], rtol=1e-12)
    for t in terms:
        assert t["p_familywise"] >= t["p_value"] - 1e-12
        assert t["band_low"] <= t["ci_low"] <= t["coef"] <= t["ci_high"] <= t["band_high"]
    assert res["n_significant"] == sum(t["p_familywise"] < 0.05 for t in terms)
    assert res["n_bh"] == sum(q < 0.05) and res["n_unadjusted"] == sum(p < 0.05)


def test_bands_and_psych_groups():
    df = pd.DataFrame({f"B{i}": [2.4, 2.5, 3.5, 3.6, np.nan] for i in range(1, 10)})
    assert a5.score_band(a5.mean_citizen_score(df)).tolist()[:4] == [
        "<2.5",
        "2.5-3.5",
        "2.5-3.5",
        ">3.5",
    ]
    assert pd.isna(a5.score_band(a5.mean_citizen_score(df)).iloc[4])
    g = a5.psych_group(
        pd.DataFrame({"psych_light": [0, 1, 1, 0, None], "psych_severe": [0, 0, 1, 1, None]})
    )
    assert g.tolist()[:4] == ["none", "light", "severe", "severe"] and pd.isna(g.iloc[4])


def test_job_search_shares_by_hand():
    p = pd.DataFrame(
        {
            "citizen_id": ["C1", "C1", "C2", "C3", "C4"],
            "has_citizen_part": [True, True, True, True, False],
            "B10_status": ["searching", "not_searching", "searching", "no_answer", None],
            "B10_internet": [1, 0, 1, 0, None],
            "psych_light": [1, 1, 0, 0, 0],
            "psych_severe": [0, 0, 1, 0, 0],
            **{
                f"B10_{c}": [0, 0, 1, 0, None]
                for c in ("newspapers", "unsolicited", "network", "internship", "temp_agency")
            },
            **{f"B{i}": [4, 4, 2, 3, None] for i in range(1, 10)},
        }
    )
    r = a5.job_search(p)
    assert r["overall"]["n"] == 4 and r["overall"]["searching"] == 0.5
    assert r["overall"]["internet"] == 0.5 and r["overall"]["newspapers"] == 0.25
    bands = {b["band"]: b for b in r["by_mean_citizen_score"]}
    assert bands[">3.5"]["n"] == 2 and bands[">3.5"]["searching"] == 0.5
    psych = {g["group"]: g for g in r["by_psych_group"]}
    assert psych["severe"]["searching"] == 1.0 and psych["light"]["n_citizens"] == 1


def test_run_is_json_ready(sim):
    r = a5.run(sim[0]).model_dump()
    json.dumps(r, allow_nan=False)
    assert {row["level"] for row in r["belief_distributions"]["B8"]} == {1, 2, 3, 4, 5}
    shares = [row["share"] for row in r["belief_distributions"]["S12"]]
    assert sum(shares) == pytest.approx(1.0)
    mh = r["answers_by_mental_health"]
    assert [row["group"] for row in mh["citizen"]] == ["none", "light", "severe"]
    assert set(mh["caseworker"][0]["means"]) == {f"S{i}" for i in range(2, 13)}


def test_planted_search_effect_and_coding():
    """+20 points for searching, nothing for the channels or the wage: searching ranks first
    with an interval covering 0.20 (its SE is ~0.03: the channels, all zero for
    non-searchers, share its variation); the B10/B11 columns are coded as documented."""
    panel, _ = simulate_panel(n_citizens=1500, seed=8)
    rng = np.random.default_rng(1)
    panel["B11"] = np.where(rng.random(len(panel)) < 0.6, rng.normal(130, 25, len(panel)), np.nan)
    searching = (panel["B10_status"] == "searching").to_numpy()
    p = 0.1 + 0.2 * searching
    panel["job_or_education_52w"] = (rng.random(len(panel)) < p).astype(int)
    res = a5.job_model(panel)
    top = res["terms"][0]
    assert (top["item"], top["term"]) == ("B10", "searching")
    assert top["ci_low"] < 0.2 < top["ci_high"] and top["p_familywise"] < 0.05
    for t in res["terms"]:
        if t["item"] == "B11" or t["term"] in B10_CHANNELS:
            assert t["band_low"] < 0 < t["band_high"]
    s = pd.DataFrame(
        {
            "B10_status": ["searching", "searching", "not_searching", "no_answer", None],
            "B10_internet": [1, 0, 1, np.nan, np.nan],  # a non-searcher ticked: not counted
            "B11": [0, 130, 5000, np.nan, 100],
        }
    )
    got = a5.search_and_wage(s)
    pd.testing.assert_frame_equal(
        got,
        _search_by_hand(s.assign(**{f"B10_{c}": 0 for c in B10_CHANNELS if c != "internet"}))[
            got.columns
        ],
        check_dtype=False,
    )
    assert got["B10_internet"].tolist()[:4] == [1, 0, 0, 0] and np.isnan(got["B10_internet"][4])
    assert got["B11_log"].tolist()[:3] == pytest.approx([np.log(50), np.log(130), np.log(2000)])


def test_job_model_ames_equal_statsmodels_logit_margeff(sim):
    """The ranked terms' logit AMEs and their delta-method SEs (CR1 by citizen) equal
    statsmodels' Logit(...).fit(cov_type="cluster").get_margeff(at="overall") on the job
    model's own design."""
    panel, _ = sim
    res = a5.job_model(panel)
    assert res["logit_reason"] is None
    s = panel.loc[panel["is_repeat"]].reset_index(drop=True)
    X = sm.add_constant(
        combine(answers(s, INDICATOR_ITEMS), impute(_search_by_hand(s)), background(s))
    )
    ref = sm.Logit(s["job_or_education_52w"].astype(float).to_numpy(), X).fit(
        disp=0,
        tol=1e-12,
        maxiter=100,
        cov_type="cluster",
        cov_kwds={"groups": pd.factorize(s["citizen_id"])[0]},
    )
    mf = ref.get_margeff(at="overall", method="dydx")
    cols = list(X.columns[1:])
    extra = {("B10", "searching"): "B10_searching"} | {
        ("B10", ch): f"B10_{ch}" for ch in B10_CHANNELS
    }
    for row in res["terms"]:
        col = {"level": row["item"], "progression": f"d_{row['item']}"}.get(
            row["term"], extra.get((row["item"], row["term"]))
        )
        j = cols.index(col)
        assert row["ame"] == pytest.approx(mf.margeff[j], rel=1e-6, abs=1e-9)
        assert row["ame_se"] == pytest.approx(mf.margeff_se[j], rel=1e-6)
        assert row["ame_ci_low"] < row["ame"] < row["ame_ci_high"]
