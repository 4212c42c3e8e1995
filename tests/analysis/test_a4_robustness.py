"""A4's selection robustness: Oster's δ and β* against a direct computation from statsmodels
fits of the two models (and the auxiliary regressions) on the same rows, and against planted
selection in a simulation; the citizen fixed-effects model against pyfixest and against the
synthetic cohort's planted ``tau``."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyfixest as pf
import pytest
import statsmodels.api as sm

from bip.analysis import a4_combination_effects as a4
from bip.analysis import a4_robustness, oster
from bip.analysis.estimation import cell_means

ITEMS = ("B_avg", "S_avg")


@pytest.fixture(scope="module")
def result(panel):
    return a4.run(panel, items=ITEMS)


def _adjusted_rows(panel: pd.DataFrame, item: str):
    """The adjusted model's rows, standardised outcome, dummies and centred controls, built
    with pandas (as tests/analysis/test_a4.py does)."""
    df = panel[
        panel["is_repeat"] & panel["combination"].notna() & panel[f"d_{item}"].notna()
    ].copy()
    df["prev"] = df[item] - df[f"d_{item}"]
    cat = pd.get_dummies(df[["origin", "education"]].astype(object), dtype=float)
    cat = cat.drop(columns=["origin_danish", "education_unskilled"], errors="ignore")
    jc = pd.get_dummies(df["jobcenter_id"], prefix="jobcenter", dtype=float).iloc[:, 1:]
    ctrl = pd.concat([df[["prev", *a4.NUMERIC_CONTROLS]].astype(float), cat, jc], axis=1)
    keep = ctrl.notna().all(axis=1)
    df, ctrl = df[keep], ctrl[keep]
    y = df[f"d_{item}"].astype(float)
    y = ((y - y.mean()) / y.std(ddof=1)).to_numpy()
    dummies = pd.get_dummies(df["combination"].astype(str), dtype=float)
    return y, dummies, (ctrl - ctrl.mean()).to_numpy()


def _delta_reference(bo, ro, bt, rt, syy, sxx, tx, rmax):
    """δ for β = 0 in the arrangement of the R package bate (A·(R_max − R̃) + B in the
    denominator), written out here independently of bip.analysis.oster."""
    a = bt * syy * (sxx - tx) + syy * sxx * (bo - bt)
    b = bt**3 * (sxx * tx - tx**2) + bt**2 * sxx * tx * (bo - bt)
    c = (
        bt * syy * tx * (rt - ro)
        + bt * sxx * tx * (bo - bt) ** 2
        + bt**3 * (sxx * tx - tx**2)
        + 2 * bt**2 * sxx * tx * (bo - bt)
    )
    return c / (a * (rmax - rt) + b)


def _beta_star_reference(bo, ro, bt, rt, syy, sxx, tx, rmax):
    """β*(δ = 1): both roots of the δ = 1 equation by numpy, the one continuing the movement."""
    d = bo - bt
    theta = (rmax - rt) * syy * (sxx - tx) - (rt - ro) * syy * tx - sxx * tx * d**2
    roots = np.roots([tx * d * sxx, -theta, -(rmax - rt) * syy * d * sxx]).real
    nu = roots[np.sign(roots) == np.sign(d)][0]
    return bt - nu


@pytest.mark.parametrize("item", ITEMS)
def test_oster_equals_statsmodels_fits(panel, result, item):
    y, dummies, ctrl = _adjusted_rows(panel, item)
    n = len(y)
    X = np.hstack([dummies.to_numpy(), ctrl])
    short, inter = sm.OLS(y, dummies.to_numpy()).fit(), sm.OLS(y, X).fit()
    ro = 1 - short.ssr / short.centered_tss  # centred R²: the dummies span the intercept
    rt = 1 - inter.ssr / inter.centered_tss
    rmax = min(1.3 * rt, 1.0)
    got = result.oster[item]
    assert got.n == n
    assert got.r2_short == pytest.approx(ro, abs=1e-10)
    assert got.r2_adjusted == pytest.approx(rt, abs=1e-10)
    assert got.r_max == pytest.approx(rmax, abs=1e-10)
    syy = float(np.var(y, ddof=1))
    for j, code in enumerate(dummies.columns):
        others = np.delete(np.arange(X.shape[1]), j)
        # The treatment's variance after the other dummies, and after all other regressors.
        sxx = sm.OLS(X[:, j], X[:, others[: dummies.shape[1] - 1]]).fit().ssr / (n - 1)
        tx = sm.OLS(X[:, j], X[:, others]).fit().ssr / (n - 1)
        args = (short.params[j], ro, inter.params[j], rt, syy, sxx, tx, rmax)
        e = got.codes[code]
        assert e.estimate_short == pytest.approx(short.params[j], abs=1e-10)
        assert e.estimate_adjusted == pytest.approx(inter.params[j], abs=1e-10)
        assert e.delta == pytest.approx(_delta_reference(*args), rel=1e-8, abs=1e-10)
        assert e.beta_star == pytest.approx(_beta_star_reference(*args), rel=1e-8, abs=1e-10)
        # β*(δ = 1) is where the δ curve passes 1.
        assert float(oster.delta(*args, beta=e.beta_star)) == pytest.approx(1.0, abs=1e-8)


def test_oster_r_max_factor_is_a_parameter(panel):
    r = a4.run(panel, items=("B_avg",), robust_items=("B_avg",), r_max_factor=2.0)
    o = r.oster["B_avg"]
    assert o.r_max == pytest.approx(min(2 * o.r2_adjusted, 1.0)) and o.r_max_factor == 2.0
    assert a4.run(panel, items=("B_avg",), robust_items=()).oster is None


def _planted(rng, n, beta, a, b, rho):
    """y = βx + z + u + ε, u = ρz + v unobserved, x = a·z + b·u + e: the omitted index's
    observable part W1 = (1 + ρ)z and unobservable W2 = v, so δ = b / ((a + bρ) / (1 + ρ))."""
    z, v, e, eps = rng.standard_normal((4, n))
    u = rho * z + v
    x = a * z + b * u + e
    y = beta * x + z + u + eps
    short = sm.OLS(y, sm.add_constant(x)).fit()
    inter = sm.OLS(y, sm.add_constant(np.column_stack([x, z]))).fit()
    full = sm.OLS(y, sm.add_constant(np.column_stack([x, z, u]))).fit()
    tx = sm.OLS(x, sm.add_constant(z)).fit().resid.var(ddof=1)
    args = (
        short.params[1],
        short.rsquared,
        inter.params[1],
        inter.rsquared,
        y.var(ddof=1),
        x.var(ddof=1),
        tx,
        full.rsquared,  # the R_max the planted model has
    )
    return args, b / ((a + b * rho) / (1 + rho))


@pytest.mark.parametrize(("b", "rho"), [(0.5, 0.4), (0.25, -0.3), (-0.4, 0.4)])
def test_oster_recovers_planted_selection(b, rho):
    rng = np.random.default_rng(7)
    # No effect: δ for β = 0 is the planted degree of selection (sign included).
    args, true_delta = _planted(rng, 400_000, 0.0, 0.6, b, rho)
    got = float(oster.delta(*args))
    assert np.sign(got) == np.sign(true_delta)
    assert got == pytest.approx(true_delta, rel=0.05)
    # Equal selection (δ = 1) with an effect of 0.5: β* recovers it, β̃ does not.
    a = b * (1 + rho) - b * rho  # (a + bρ) / (1 + ρ) = b
    args, true_delta = _planted(rng, 400_000, 0.5, a, b, rho)
    assert true_delta == pytest.approx(1.0)
    assert float(oster.beta_star(*args)) == pytest.approx(0.5, abs=0.01)
    assert abs(args[2] - 0.5) > 0.05


def test_oster_no_movement_leaves_the_coefficient():
    args = (0.3, 0.1, 0.3, 0.2, 1.0, 0.2, 0.15, 0.26)
    assert float(oster.beta_star(*args)) == 0.3


def _fe_reference(panel: pd.DataFrame, item: str):
    df = panel[
        panel["is_repeat"] & panel["combination"].notna() & panel[f"d_{item}"].notna()
    ].copy()
    y = df[f"d_{item}"].astype(float)
    df["y"] = (y - y.mean()) / y.std(ddof=1)
    dummies = pd.get_dummies(df["combination"].astype(str), prefix="c", dtype=float)
    dummies = dummies.drop(columns=["c_0000"])
    df = pd.concat([df[["y", "citizen_id"]], dummies], axis=1)
    fml = "y ~ " + " + ".join(dummies.columns) + " | citizen_id"
    ref = pf.feols(fml, data=df, vcov={"CRV1": "citizen_id"}, fixef_rm="none")
    return ref, df


@pytest.mark.parametrize("item", ITEMS)
def test_citizen_fe_equals_pyfixest(panel, result, item):
    ref, df = _fe_reference(panel, item)
    got = result.citizen_fe[item]
    coef, se = ref.coef(), ref.se()
    assert got.reference == "0000" and got.codes["0000"].contrast == 0.0
    assert got.n == len(df)
    checked = 0
    for code, e in got.codes.items():
        name = f"c_{code}"
        if name not in coef.index:
            assert e.contrast is None or code == "0000"
            continue
        assert e.contrast == pytest.approx(float(coef[name]), abs=1e-8)
        assert e.contrast_se == pytest.approx(float(se[name]), abs=1e-8)
        assert e.contrast_ci_low <= e.contrast <= e.contrast_ci_high
        assert e.ci_low <= e.estimate <= e.ci_high
        checked += 1
    assert checked >= 10
    # Centred on the measurement-weighted mean, as the naive d is.
    est = {c: e for c, e in got.codes.items() if e.estimate is not None}
    w = np.array([e.n for e in est.values()], float)
    assert np.average([e.estimate for e in est.values()], weights=w) == pytest.approx(0, abs=1e-12)
    diffs = [e.estimate - e.contrast for e in est.values()]
    assert np.ptp(diffs) == pytest.approx(0, abs=1e-12)


def test_citizens_within_by_brute_force(panel, result):
    df = panel[panel["is_repeat"] & panel["combination"].notna() & panel["d_B_avg"].notna()]
    combos = df.groupby("citizen_id")["combination"].agg(lambda s: set(s.astype(str)))
    multi = combos[combos.map(len) >= 2]
    got = result.citizen_fe["B_avg"]
    assert got.n_citizens_within == len(multi)
    for code, e in got.codes.items():
        assert e.n_citizens_within == int(multi.map(lambda s, c=code: c in s).sum())


@pytest.fixture(scope="module")
def synth_panel(tmp_path_factory):
    from bip.dataset import Dataset
    from bip.panel import build_panel
    from bip.synth import generate_cohort

    path = generate_cohort(tmp_path_factory.mktemp("fe") / "c", scale=1, seed=0, fmt="parquet")
    truth = json.loads((path / "truth.json").read_text(encoding="utf-8"))
    return build_panel(Dataset(path)), truth


def test_citizen_fe_against_planted_tau(synth_panel):
    """The fixed-effects model does not recover tau: within a citizen the combination follows
    the previous level (selection on the previous S12) and progression regresses to the mean,
    so it is biased like the naive model (J down against no activity), no less."""
    panel, truth = synth_panel
    tau = truth["progression"]["effects"]
    s = a4._Sample(panel)
    bias: dict[str, dict[str, list[float]]] = {"fe": {}, "naive": {}}
    for item in tau:
        d = s.floats(f"d_{item}")
        ok = ~np.isnan(d)
        fe = a4_robustness.citizen_fe(d[ok], s.cells[ok], s.cit[ok], s.code_list)
        nv = cell_means(s.cells[ok], d[ok], s.cit[ok], names=s.code_list)
        nb = dict(zip(nv.names, nv.coef, strict=True))
        for code in ("1000", "0010", "0001"):
            true = tau[item][code] - tau[item]["0000"]
            bias["fe"].setdefault(code, []).append(fe["codes"][code]["contrast"] - true)
            bias["naive"].setdefault(code, []).append(nb[code] - nb["0000"] - true)
    mean = {m: {c: float(np.mean(v)) for c, v in b.items()} for m, b in bias.items()}
    direction = truth["selection"]["direction_naive_bias"]
    # Scale 1, seed 0: J against no activity -0.055 naive, -0.066 fixed effects (scale 10:
    # -0.043 and -0.050; S +0.016 and +0.028, H +0.011 and +0.040; at scale 1 S and H are
    # within noise, so only J is asserted).
    assert direction["J"] == "down" and mean["naive"]["1000"] < 0, mean
    assert mean["fe"]["1000"] < -0.03, mean  # far from tau, not noise around it


def test_citizen_fe_without_variation_has_no_estimates():
    cells = np.array([0, 1, 0, 1, 2, 2])
    cit = np.array([0, 0, 1, 1, 2, 2])
    codes = tuple(f"{j:04b}" for j in range(16))
    out = a4_robustness.citizen_fe(np.full(6, np.nan), cells, cit, codes)
    assert out["df"] is None and all("estimate" not in r for r in out["codes"].values())
    assert out["n_citizens_within"] == 2 and out["codes"]["0010"]["n_citizens_within"] == 0
