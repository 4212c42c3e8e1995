"""A1, A2, A3, A8 and A9 on small panels whose answers are worked out here."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from bip.analysis import a1_progression, a2_activities, a3_background, a8_cohort, a9_data_quality


def test_a1_shares_and_histogram():
    p = pd.DataFrame(
        {
            "citizen_id": ["a", "a", "b", "b", "c"],
            "weeks_since_prev": [np.nan, 10, np.nan, 20, np.nan],
        }
    )
    from bip.panel import ALL_ITEMS

    for item in ALL_ITEMS:
        p[f"d_{item}"] = np.nan
    p.loc[1, "d_B1"] = 2.0
    p.loc[3, "d_B1"] = 0.0
    p.loc[1, "d_B_avg"] = 1 / 9
    res = a1_progression.run(p).model_dump()
    b1 = res["items"]["B1"]
    assert (b1["n"], b1["n_citizens"], b1["mean"]) == (2, 2, 1.0)
    assert (b1["share_unchanged"], b1["share_up"], b1["share_down"]) == (0.5, 0.5, 0.0)
    hist = {h["value"]: h["count"] for h in b1["histogram"]}
    assert hist[2.0] == 1 and hist[0.0] == 1 and sum(hist.values()) == 2
    avg = [h for h in res["items"]["B_avg"]["histogram"] if h["count"]]
    assert len(avg) == 1 and avg[0]["from"] < 1 / 9 < avg[0]["to"]
    assert res["items"]["S2"]["n"] == 0 and res["items"]["S2"]["mean"] is None
    assert res["weeks_between"]["mean"] == 15.0
    assert res["weeks_between"]["share_within_13_weeks"] == 0.5


def test_a1_weeks_regression_matches_statsmodels(panel):
    res = a1_progression.run(panel).model_dump()["weeks_regression"]
    for item in ("B3", "S_avg"):
        df = panel[panel[f"d_{item}"].notna() & panel["weeks_since_prev"].notna()]
        X = sm.add_constant(df["weeks_since_prev"].to_numpy())
        ref = sm.OLS(df[f"d_{item}"].to_numpy(), X).fit(
            cov_type="cluster", cov_kwds={"groups": pd.factorize(df["citizen_id"])[0]}, use_t=True
        )
        assert res[item]["slope_per_week"] == pytest.approx(ref.params[1], abs=1e-10)
        assert res[item]["intercept"] == pytest.approx(ref.params[0], abs=1e-10)
        assert res[item]["ci_low"] == pytest.approx(ref.conf_int()[1, 0], abs=1e-10)
        assert res[item]["n"] == len(df)


def _tiny() -> pd.DataFrame:
    rows = [  # citizen, repeat, code, jobcenter
        ("a", False, "1000", "JC1"),
        ("a", True, "1001", "JC1"),
        ("a", True, "0000", "JC1"),
        ("b", True, "1100", "JC2"),
        ("b", True, None, "JC2"),
        ("c", True, "0001", "JC2"),
        ("c", True, "1011", "JC2"),
    ]
    p = pd.DataFrame(rows, columns=["citizen_id", "is_repeat", "combination", "jobcenter_id"])
    p["combination"] = p["combination"].astype("string")
    for i, g in enumerate("JOSH"):
        p[f"act_{g}"] = pd.array(
            [None if c is pd.NA or c is None else int(c[i]) for c in p["combination"]], dtype="Int8"
        )
    return p


def test_a2_counts_and_derived_shares():
    res = a2_activities.run(_tiny()).model_dump()
    assert (res["n_repeat_measurements"], res["n_known"], res["n_unknown"]) == (6, 5, 1)
    assert res["codes"]["1001"]["n"] == 1 and res["codes"]["1001"]["share"] == pytest.approx(0.2)
    assert res["codes"]["1000"]["n"] == 0  # a first measurement does not count
    d = {k: v["n"] for k, v in res["derived"].items()}
    # known repeats: 1001, 0000, 1100, 0001, 1011
    assert d == {
        "no_activity": 1,
        "any_job_focused": 3,
        "only_job_focused": 0,
        "only_upskilling": 0,
        "only_social": 0,
        "only_health": 1,
        "combined": 3,
        "combined_with_job_focused": 3,
    }
    assert sum(v["n"] for v in res["codes"].values()) == 5


def test_a3_measurement_counts_in_every_group():
    p = _tiny()
    p["age"] = [20.0, 20.0, 20.0, 40.0, 40.0, 30.0, 30.0]
    res = a3_background.run(_background_columns(p)).model_dump()
    cells = {(r["variable"], r["group"]): r for r in res["rows"]}
    # J: 1001 (a, 20), 1100 (b, 40), 1011 (c, 30) -> mean 30; H: 1001 (a), 0001 (c), 1011 (c) -> 80/3.
    assert cells[("age", "J")]["value"] == pytest.approx(30)
    assert cells[("age", "J")]["n"] == 3 and cells[("age", "J")]["n_citizens"] == 3
    assert cells[("age", "H")]["value"] == pytest.approx(80 / 3)
    assert cells[("age", "H")]["n_citizens"] == 2
    assert cells[("age", "none")]["value"] == pytest.approx(20)
    assert cells[("age", "O")]["n"] == 1
    assert res["groups"]["S"]["n"] == 1
    assert cells[("jobcenter_JC2", "J")]["value"] == pytest.approx(2 / 3)
    anon = a3_background.run(_background_columns(p), anonymise_jobcenters=True).model_dump()
    labels = {r["variable"] for r in anon["rows"] if r["variable"].startswith("jobcenter_")}
    assert labels == {"jobcenter_A", "jobcenter_B"}
    assert not any("JC" in r["variable"] for r in anon["rows"])


def _background_columns(p: pd.DataFrame) -> pd.DataFrame:
    from bip.dataset.schema import BENEFIT_STATUSES
    from bip.panel import registers

    p = p.copy()
    for c in ("married", "n_children", "single_parent"):
        p[c] = 0
    p["origin"] = pd.array(["danish"] * len(p), dtype="string")
    p["education"] = pd.array(["skilled"] * len(p), dtype="string")
    for c in [f"share{y}y_{s}" for y in (5, 3) for s in BENEFIT_STATUSES]:
        p[c] = 0.1
    for c in [
        *registers.DIAGNOSIS_FLAGS,
        *registers.MEDICINE_FLAGS,
        "psych_or_psychmed",
        *registers.GP_COLUMNS,
        *registers.CRIME_FLAGS,
    ]:
        p[c] = 0
    return p


def test_a8_profile_uses_first_measurements(panel):
    res = a8_cohort.run(_with_registers(panel)).model_dump()
    first = panel[panel["meas_no"] == 1]
    assert res["n_citizens"] == first["citizen_id"].nunique()
    age = next(r for r in res["rows"] if r["variable"] == "age")
    assert age["value"] == pytest.approx(first["age"].mean())
    assert age["n_citizens"] == first["age"].notna().sum()
    assert age["published_id"] == "pop_mean_age"


def _with_registers(panel: pd.DataFrame) -> pd.DataFrame:
    p = _background_columns(
        panel.drop(
            columns=["married", "n_children", "single_parent", "origin", "education"],
            errors="ignore",
        )
    )
    p["female"] = (p.index % 2).astype(int)
    p["measured_on"] = pd.Timestamp("2015-01-01")
    return p


def test_a9_per_jobcenter():
    p = pd.DataFrame(
        {
            "citizen_id": ["a", "a", "a", "b"],
            "jobcenter_id": ["JC1", "JC1", "JC1", "JC2"],
            "caseworker_id": ["W1", "W1", "W2", "W3"],
            "weeks_since_prev": [np.nan, 10.0, 20.0, np.nan],
            "has_citizen_part": [True, True, False, True],
            "has_caseworker_part": [True, True, True, False],
            "combination": pd.array(["0000", None, "1000", None], dtype="string"),
            "S1_23": [0, 1, 0, None],
            "s1_contradictory": [False, False, True, False],
            "B_avg": [3.0, np.nan, np.nan, 2.0],
            "S_avg": [np.nan] * 4,
        }
    )
    from bip.instrument import B_ITEMS, S_ITEMS

    for i in (*B_ITEMS, *S_ITEMS):
        p[i] = 3.0
    p.loc[1, "B1"] = np.nan
    res = a9_data_quality.run(p).model_dump()
    jc1 = next(r for r in res["rows"] if r["jobcenter"] == "JC1")
    assert jc1["n_measurements"] == 3 and jc1["n_citizens"] == 1
    assert jc1["share_within_13_weeks"] == 0.5
    assert jc1["n_unknown_combination"] == 1 and jc1["n_only_dont_know"] == 1
    assert jc1["n_contradictory_s1"] == 1
    assert jc1["share_missing"]["B1"] == 0.5  # one of the two citizen parts lacks B1
    assert jc1["share_citizen_part"] == pytest.approx(2 / 3)
    assert res["all"]["n_measurements"] == 4


def test_a8_men_charged_counts_known_registers_only_and_without_warnings(panel):
    """A man with every crime register unknown is left out of the share, silently (a dataset
    without registers must not print numpy warnings)."""
    import warnings

    p = _with_registers(panel)
    first = p.index[(p["meas_no"] == 1) & (p["female"] == 0)]
    crime = [
        "charge_penal_5y",
        "charge_traffic_5y",
        "charge_other_5y",
        "conviction_penal_5y",
        "conviction_traffic_5y",
        "conviction_other_5y",
    ]
    p[crime] = p[crime].astype(float)
    p.loc[first[0], "conviction_traffic_5y"] = 1
    p.loc[first[1], crime] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        row = next(
            r
            for r in a8_cohort.run(p).model_dump()["rows"]
            if r["variable"] == "men_charged_or_convicted_5y"
        )
        p[crime] = np.nan
        unknown = next(
            r
            for r in a8_cohort.run(p).model_dump()["rows"]
            if r["variable"] == "men_charged_or_convicted_5y"
        )
    assert row["n_citizens"] == len(first) - 1
    assert row["value"] == pytest.approx(1 / (len(first) - 1))
    assert unknown["n_citizens"] == 0


def test_a3_on_the_synthetic_panel_matches_a_pandas_groupby(panel):
    """Every A3 cell against pandas on the same rows, in the panel's order and shuffled (rows
    not sorted by citizen take the other counting path)."""
    full = _background_columns(panel)
    for c in panel.columns:  # the random panel's own columns, the rest constant
        full[c] = panel[c]
    rng = np.random.default_rng(8)
    full["psych_any"] = np.where(rng.random(len(full)) < 0.1, np.nan, rng.random(len(full)) < 0.3)
    base = full[full["is_repeat"] & full["combination"].notna()]
    shuffled = full.sample(frac=1.0, random_state=3)
    for p in (full, shuffled):
        res = a3_background.run(p).model_dump()
        cells = {(r["variable"], r["group"]): r for r in res["rows"]}
        for variable in ("age", "psych_any", "share5y_employed", "origin_danish"):
            for g in ("J", "H", "none"):
                in_g = (
                    base["combination"] == "0000"
                    if g == "none"
                    else base[f"act_{g}"].fillna(0).astype(int) == 1
                )
                if variable == "origin_danish":
                    col = base["origin"].astype("string")
                    vals = (col == "danish").astype(float).where(col.notna())
                else:
                    vals = pd.to_numeric(base[variable], errors="coerce").astype(float)
                sel = in_g & vals.notna()
                cell = cells[(variable, g)]
                assert cell["n"] == int(sel.sum())
                assert cell["value"] == pytest.approx(vals[sel].mean(), rel=1e-12)
                assert cell["n_citizens"] == base.loc[sel, "citizen_id"].nunique()
                if cell["stat"] == "share":
                    pos = sel & (vals > 0)
                    assert cell["n_citizens_with"] == base.loc[pos, "citizen_id"].nunique()
