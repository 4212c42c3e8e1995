"""The planted truth is what an independent analysis of the written data recovers.

Progression is computed from the dataset with pandas (not from generator internals) and
regressed with numpy least squares; the published tau must lie within a few standard errors.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from bip.dataset import open_dataset
from bip.instrument import ALL_COMBINATIONS, B_ITEMS, S1_GROUP


def _panel(ds) -> pd.DataFrame:
    m = (
        ds.frame("measurements")
        .sort_values(["citizen_id", "measured_on", "measurement_id"])
        .reset_index(drop=True)
    )
    b_cols = [c for c in m.columns if c.startswith("B")]
    s_cols = [c for c in m.columns if c.startswith("S")]
    m["has_b"] = m[b_cols].notna().any(axis=1)
    m["has_s"] = m[s_cols].notna().any(axis=1)
    ticks = m[[f"S1_{i}" for i in range(1, 24)]].fillna(0).astype(int).to_numpy()
    groups = {
        g: ticks[:, [n - 1 for n, gg in S1_GROUP.items() if gg == g]].any(axis=1) for g in "JOSH"
    }
    code = pd.Series(["".join("1" if groups[g][i] else "0" for g in "JOSH") for i in range(len(m))])
    any_act = np.column_stack(list(groups.values())).any(axis=1)
    code[~any_act & (ticks[:, 21] != 1)] = None
    m["code"] = code
    # previous measurement with the part present (docs/panel.md), per citizen
    for part in ("has_b", "has_s"):
        idx = pd.Series(np.where(m[part], m.index, np.nan))
        m[f"prev_{part}"] = idx.groupby(m.citizen_id).shift(1).groupby(m.citizen_id).ffill()
    p = ds.frame("persons").set_index("citizen_id")
    first = m.groupby("citizen_id").measured_on.transform("min")
    m["age_10y"] = (
        (first.dt.year - p.birth_year.reindex(m.citizen_id).to_numpy().astype(float)) - 39
    ) / 10
    m["female"] = (p.sex.reindex(m.citizen_id).to_numpy() == "f").astype(float)
    m["nw"] = (p.origin.reindex(m.citizen_id).to_numpy() == "nonwestern_immigrant").astype(float)
    return m


@pytest.mark.parametrize("item", ["B1", "B5", "S3", "S10"])
def test_combination_effects_recovered(small_cohort, item):
    truth = json.loads((small_cohort / "truth.json").read_text())["progression"]["effects"][item]
    m = _panel(open_dataset(small_cohort))
    prev = "prev_has_b" if item in B_ITEMS else "prev_has_s"
    ok = m[prev].notna() & m.code.notna()
    rows = m[ok]
    prev_val = m.loc[rows[prev].astype(int), item].to_numpy().astype(float)
    y = rows[item].to_numpy().astype(float) - prev_val
    keep = ~np.isnan(y)
    rows, y, prev_val = rows[keep], y[keep], prev_val[keep]
    d = np.column_stack([(rows.code == c).to_numpy() for c in ALL_COMBINATIONS]).astype(float)
    ctrl = np.column_stack([rows.age_10y, rows.female, rows.nw, prev_val])
    x = np.column_stack([d, ctrl - ctrl.mean(axis=0)])
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ beta
    # cluster-robust (by citizen) standard errors
    xtx_inv = np.linalg.pinv(x.T @ x)
    g = pd.Series(range(len(y))).groupby(rows.citizen_id.to_numpy()).indices
    meat = sum(np.outer(x[i].T @ resid[i], x[i].T @ resid[i]) for i in g.values())
    se = np.sqrt(np.diag(xtx_inv @ meat @ xtx_inv))
    n = d.sum(axis=0)
    for j, c in enumerate(ALL_COMBINATIONS):
        if n[j] >= 200:  # the large cells: 0000, 0001, 1000, ...
            assert abs(beta[j] - truth[c]) < 3.5 * se[j], (item, c, beta[j], truth[c], se[j])
    # the no-activity effect is clearly negative and job-focused clearly above it
    j0, j8 = ALL_COMBINATIONS.index("0000"), ALL_COMBINATIONS.index("1000")
    assert beta[j0] < 0 < beta[j8] - beta[j0]


def test_naive_estimate_is_biased_as_documented(small_cohort):
    """Without the previous level, J looks worse and H/S better than planted (selection on S12)."""
    truth = json.loads((small_cohort / "truth.json").read_text())
    assert truth["selection"]["direction_naive_bias"]["J"] == "down"
    m = _panel(open_dataset(small_cohort))
    rows = m[m.prev_has_s.notna() & m.code.notna()]
    prev_s12 = m.loc[rows.prev_has_s.astype(int), "S12"].to_numpy().astype(float)
    job = rows.code.str[0] == "1"
    health_social = (rows.code.str[2] == "1") | (rows.code.str[3] == "1")
    ok = ~np.isnan(prev_s12)
    assert np.nanmean(prev_s12[ok & job.to_numpy()]) > np.nanmean(
        prev_s12[ok & health_social.to_numpy()]
    )
