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
from bip.analysis._design import INDICATOR_ITEMS, answers, background, combine


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


def test_job_model_equals_statsmodels_and_ranks_by_t(sim):
    panel, _ = sim
    res = a5.job_model(panel)
    s = panel.loc[panel["is_repeat"]].reset_index(drop=True)
    X = combine(answers(s, INDICATOR_ITEMS), background(s))
    ref = sm.OLS(s["job_or_education_52w"].astype(float).to_numpy(), sm.add_constant(X)).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(s["citizen_id"])[0]}
    )
    for row in res["terms"]:
        col = row["item"] if row["term"] == "level" else f"d_{row['item']}"
        assert row["coef"] == pytest.approx(ref.params[col], abs=1e-10)
        assert row["se"] == pytest.approx(ref.bse[col], rel=1e-6)
    ts = [row["t"] for row in res["terms"]]
    assert ts == sorted(ts, reverse=True)
    assert [row["rank"] for row in res["terms"]] == list(range(1, len(ts) + 1))
    assert len(res["terms"]) == 40  # 20 items × (level, progression)


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
