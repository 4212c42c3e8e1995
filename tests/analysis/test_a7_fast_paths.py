"""A7's shared preparations against the straightforward computations they replace: the
leave-out classification prepared once and classified at every minimum against its definition
row by row, the numpy background design against pandas frames, and Poisson's one-pass row
selection against the groupby rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from a567_sim import simulate_panel

from bip.analysis import _design
from bip.analysis._design import Background, background, combine
from bip.analysis.a7_belief import SENSITIVITY_MINIMUMS, LeaveOut, leave_out_classification
from bip.analysis.a7_event_study import duration_dummies
from bip.analysis.estimation import Factor, poisson
from bip.analysis.estimation.design import SortedGroups
from bip.analysis.estimation.models import _positive_groups


@pytest.fixture(scope="module")
def panel():
    p = simulate_panel(n_citizens=250, n_caseworkers=10, cw_belief_sd=0.5, seed=3)[0]
    rng = np.random.default_rng(0)
    p = p.copy()
    s12 = pd.to_numeric(p["S12"]).astype(float)
    p["S12"] = s12.mask(rng.random(len(p)) < 0.3)  # gaps: some cells without answers
    p.loc[rng.random(len(p)) < 0.1, "age"] = np.nan
    return p


def _by_definition(panel: pd.DataFrame, minimums) -> dict[int, pd.DataFrame]:
    """The classification of each row straight from the module docstring's definition."""
    cw = panel["caseworker_id"].astype(str).to_numpy()
    cit = panel["citizen_id"].astype(str).to_numpy()
    s12 = pd.to_numeric(panel["S12"]).astype(float).to_numpy()
    ans = pd.DataFrame({"cw": cw, "cit": cit, "s": s12}).dropna()
    rows: dict[int, list] = {m: [] for m in minimums}
    for c, i in zip(cw, cit, strict=True):
        others = ans[ans["cit"] != i]  # every answer about a citizen other than i
        mine = others[others["cw"] == c]
        n_other = mine["cit"].nunique()
        loo = mine["s"].mean() if len(mine) else np.nan
        per = others[others["cw"] != c].groupby("cw").agg(n=("cit", "nunique"), mean=("s", "mean"))
        for m in minimums:
            # The threshold set: the other caseworkers with >= m citizens other than i.
            means = per.loc[per["n"] >= m, "mean"].to_numpy()
            ok = n_other >= m and np.isfinite(loo) and len(means) > 0
            high = float((means < loo).sum() > len(means) / 2) if ok else np.nan
            rows[m].append((loo, n_other, high))
    cols = ["loo_s12", "n_other_citizens", "high"]
    return {m: pd.DataFrame(r, columns=cols, index=panel.index) for m, r in rows.items()}


def test_leave_out_prepared_once_equals_definition_at_every_minimum(panel):
    prepared = LeaveOut(panel)
    minimums = (*SENSITIVITY_MINIMUMS, 25)
    want = _by_definition(panel, minimums)
    for m in minimums:
        got = prepared.classify(m)
        np.testing.assert_allclose(got["loo_s12"], want[m]["loo_s12"], rtol=1e-12)
        np.testing.assert_array_equal(got["n_other_citizens"], want[m]["n_other_citizens"])
        np.testing.assert_array_equal(got["high"], want[m]["high"])
        # Reused across minimums = prepared afresh for this one.
        pd.testing.assert_frame_equal(got, leave_out_classification(panel, m))
    # The minimums make a difference here: some rows classified at 1 are not at 25.
    assert want[25]["high"].isna().sum() > want[1]["high"].isna().sum()


def _background_by_pandas(panel: pd.DataFrame) -> pd.DataFrame:
    """The background frame built column by column in pandas (the former implementation)."""
    cols = _design.background_columns(panel)
    frame = pd.DataFrame({c: _design._as_float(panel[c]) for c in cols}, index=panel.index)
    if "age" in frame:
        frame["age_sq"] = (frame["age"] - 40.0) ** 2 / 100.0
    for var, levels in _design.CATEGORIES.items():
        if var in panel.columns:
            s = panel[var].astype("string")
            for lev in levels[1:]:
                frame[f"{var}_{lev}"] = (s == lev).astype(float).where(s.notna())
    return _design.impute(frame)


def test_background_design_equals_pandas_frames(panel):
    pd.testing.assert_frame_equal(background(panel), _background_by_pandas(panel))
    bg = Background(panel)
    rng = np.random.default_rng(1)
    for rows in (panel["is_repeat"].to_numpy(bool), rng.random(len(panel)) < 0.4):
        s = panel.loc[rows]
        lead = pd.DataFrame({"n_cw_changes": s["n_cw_changes"].astype(float)})
        dur = duration_dummies(s)
        want = combine(lead, _background_by_pandas(s), dur)
        X, names = bg.design(
            rows,
            lead={"n_cw_changes": lead["n_cw_changes"].to_numpy()},
            trail={c: dur[c].to_numpy() for c in dur.columns},
        )
        assert names == list(want.columns) and X.flags.c_contiguous
        np.testing.assert_array_equal(X, want.to_numpy(dtype=float))
        # Imputation is per sample: the sample's own means fill its gaps.
        assert not np.isnan(X).any()


def test_poisson_row_selection_equals_groupby_rule():
    rng = np.random.default_rng(2)
    n = 3000
    labels = pd.Series(rng.choice(["b", "a", "d", "c", "e"], n), dtype=object)
    y = rng.poisson(0.3, n).astype(float)
    y[labels.to_numpy() == "c"] = 0.0  # a group with no positive outcome
    labels[rng.random(n) < 0.02] = None  # rows without a label are left out
    factor, rows = _positive_groups(y, labels)
    want_rows = pd.Series(y).groupby(labels.to_numpy()).transform("sum").to_numpy() > 0
    np.testing.assert_array_equal(rows, want_rows)
    want = Factor.of(np.asarray(labels)[want_rows])
    np.testing.assert_array_equal(factor.codes, want.codes)
    np.testing.assert_array_equal(factor.levels, want.levels)
    # Array with names and DataFrame give the same fit.
    X = pd.DataFrame({"x1": rng.normal(size=n), "x2": rng.normal(size=n) + 1e3})
    ok = labels.notna().to_numpy()
    a = poisson(y[ok], X[ok], absorb=labels[ok].to_numpy())
    b = poisson(y[ok], X[ok].to_numpy(), names=["x1", "x2"], absorb=labels[ok].to_numpy())
    np.testing.assert_array_equal(a.coef, b.coef)
    np.testing.assert_array_equal(a.vcov, b.vcov)
    assert a.absorbed is not None and b.absorbed is not None
    np.testing.assert_array_equal(a.absorbed.design, b.absorbed.design)
    assert a.n_dropped_rows == int((labels[ok] == "c").sum())


@pytest.mark.parametrize("layout", ["C", "F"])
def test_group_sums_equal_reduceat_bit_for_bit(layout):
    rng = np.random.default_rng(4)
    # Groups of 1 row to several thousand (one group beyond a transposed run).
    sizes = np.r_[1, 2, 3000, rng.integers(1, 400, 60), 1, 5000]
    codes = np.repeat(np.arange(len(sizes)), sizes)
    g = SortedGroups.of(codes)
    X = np.asarray(rng.normal(size=(len(codes), 13)) * 1e3, order=layout)
    np.testing.assert_array_equal(g.sums(X), np.add.reduceat(X, g.starts, axis=0))
    np.testing.assert_array_equal(g.sums(X[:, 0]), np.add.reduceat(X[:, 0], g.starts))


def test_poisson_overwrite_x_gives_the_same_fit():
    rng = np.random.default_rng(5)
    n = 4000
    groups = rng.integers(0, 30, n)
    X = rng.normal(size=(n, 4))
    X[:, 3] = X[:, 2] * 2  # collinear: dropped, the design copy becomes F-ordered
    y = rng.poisson(np.exp(0.3 * X[:, 0] - 1.0)).astype(float)
    y[groups == 7] = 0.0
    names = ["a", "b", "c", "d"]
    ref = poisson(y, X, names=names, absorb=groups)
    X2 = X.copy()
    got = poisson(y, X2, names=names, absorb=groups, overwrite_X=True)
    assert got.dropped == ref.dropped == ("d",)
    for attr in ("coef", "vcov", "resid", "fitted", "bread"):
        np.testing.assert_array_equal(getattr(got, attr), getattr(ref, attr))
    assert got.absorbed is not None and ref.absorbed is not None
    np.testing.assert_array_equal(got.absorbed.design, ref.absorbed.design)
    assert not np.array_equal(X2, X)  # its memory was used
