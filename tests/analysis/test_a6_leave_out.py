"""A6's Kline–Saggio–Sølvsten leave-out variance (bip.analysis.a6_leave_out).

Against pytwoway 0.3.21 (its own pinned environment .venv-pytwoway, made by scripts/setup.sh:
pytwoway pins a pandas < 2 that needs numpy < 2), against a brute-force leave-one-citizen-out
refit on dummies, and against the truth by simulation (heteroskedastic errors correlated within
citizen). The planted truth of the synthetic cohort: test_a6_a7_synth_truth.py and the slow test
below.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bip.analysis.a6_leave_out import a6_leave_out, leave_out_variance
from tests.conftest import need

ROOT = Path(__file__).resolve().parents[2]
PYTWOWAY = ROOT / ".venv-pytwoway" / "bin" / "python"


def _akm_panel(seed: int = 3, n_i: int = 150, n_j: int = 15) -> pd.DataFrame:
    """Workers (citizens) moving between firms (caseworkers), error SD varying by firm."""
    rng = np.random.default_rng(seed)
    psi, alpha = rng.normal(0, 0.3, n_j), rng.normal(0, 0.5, n_i)
    rows = []
    for i in range(n_i):
        t = 0
        for _ in range(rng.integers(1, 4)):
            j = int(rng.integers(n_j))
            for _ in range(rng.integers(1, 4)):
                sd = 0.3 + 0.5 * (j % 3)
                rows.append((i, j, alpha[i] + psi[j] + rng.normal(0, sd), t))
                t += 1
    return pd.DataFrame(rows, columns=["i", "j", "y", "t"])


def test_equals_pytwoway_kss_on_the_same_data(tmp_path):
    """Worker and firm effects (citizen dummies as the slopes), leave one observation out,
    observation-weighted variance of the firm effects: pytwoway's var(psi)_fe and _he, and its
    largest leverage, on the data pytwoway's leave-out cleaning keeps."""
    need(
        PYTWOWAY.exists(),
        "pytwoway's environment .venv-pytwoway is missing (bash scripts/setup.sh makes it)",
    )
    _akm_panel().to_csv(tmp_path / "in.csv", index=False)
    script = Path(__file__).with_name("pytwoway_kss.py")
    run = subprocess.run(
        [str(PYTWOWAY), str(script), str(tmp_path / "in.csv"), str(tmp_path / "out.json")],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,  # pytwoway writes a logs/ folder where it runs
    )
    assert run.returncode == 0, run.stderr[-2000:]
    ref = json.loads((tmp_path / "out.json").read_text())
    df = pd.DataFrame(ref["data"])
    assert 400 < len(df) <= 602  # the cleaning drops some rows, not most
    i, j = pd.factorize(df["i"])[0], pd.factorize(df["j"])[0]
    y = df["y"].to_numpy(dtype=float)
    X = np.zeros((len(y), i.max() + 1))
    X[np.arange(len(y)), i] = 1
    # pytwoway's σ̂_i uses y − ȳ (as unbiased as y itself); its variance weights observations
    r = leave_out_variance(
        y - y.mean(), X[:, 1:], j, np.arange(len(y)), weights=np.bincount(j), divisor=len(y)
    )
    s = ref["summary"]
    assert r["plug_in"] == pytest.approx(s["var(psi)_fe"], rel=1e-9)
    assert r["leave_out"] == pytest.approx(s["var(psi)_he"], rel=1e-8)
    assert r["max_leverage"] == pytest.approx(ref["max_lev"], rel=1e-8)
    assert r["leave_out"] < r["plug_in"] - 0.01


def _a6_like(seed: int, n_cit: int = 60, n_cw: int = 8, rho: float = 0.6, alpha=None):
    """Citizens with 1–3 caseworkers and 1–4 measurements each, two slopes, errors correlated
    within a citizen and heteroskedastic by caseworker."""
    rng = np.random.default_rng(seed)
    alpha = rng.normal(0, 0.3, n_cw) if alpha is None else alpha
    rows = []
    for c in range(n_cit):
        u = rng.normal()
        for g in rng.choice(n_cw, size=rng.integers(1, 4), replace=False):
            for _ in range(rng.integers(1, 5)):
                rows.append((c, g, u))
    df = pd.DataFrame(rows, columns=["c", "g", "u"])
    n = len(df)
    X = rng.normal(size=(n, 2)) + 0.3 * df["g"].to_numpy()[:, None]
    scale = 0.5 + 0.3 * (df["g"].to_numpy() % 3)
    e = scale * (np.sqrt(rho) * df["u"].to_numpy() + np.sqrt(1 - rho) * rng.normal(size=n))
    y = X @ np.array([0.5, -0.2]) + alpha[df["g"].to_numpy()] + e
    return y, X, df["g"].to_numpy(), df["c"].to_numpy(), alpha


def _brute_force(y, X, g, cl, strata, divisor):
    """θ̂ = α̂'Aα̂ − Σ_c y_c'B_cc(y_c − X_c β̂₋c) with every β̂₋c refitted on explicit dummies."""
    n_g = g.max() + 1
    D = np.zeros((len(y), n_g))
    D[np.arange(len(y)), g] = 1
    Z = np.column_stack([D, X])
    S_inv = np.linalg.inv(Z.T @ Z)
    coef = S_inv @ Z.T @ y
    alpha = coef[:n_g]
    A = np.zeros((n_g, n_g))
    for s in np.unique(strata):
        m = (strata == s).astype(float)
        A += np.diag(m) - np.outer(m, m) / m.sum()
    A /= divisor
    L = (S_inv @ Z.T)[:n_g]  # α̂ = L y
    B = L.T @ A @ L
    corr = 0.0
    for c in np.unique(cl):
        out = cl == c
        b = np.linalg.lstsq(Z[~out], y[~out], rcond=None)[0]
        corr += y[out] @ B[np.ix_(out, out)] @ (y[out] - Z[out] @ b)
    return float(alpha @ A @ alpha), float(alpha @ A @ alpha - corr)


@pytest.mark.parametrize("with_strata", [False, True])
def test_equals_brute_force_leave_one_citizen_out(with_strata):
    y, X, g, cl, _ = _a6_like(1)
    strata = np.arange(8) % 4 if with_strata else np.zeros(8, dtype=int)
    d = 8 - (4 if with_strata else 1)
    plug, kss = _brute_force(y, X, g, cl, strata, d)
    r = leave_out_variance(y, X, g, cl, strata=strata if with_strata else None)
    assert r["plug_in"] == pytest.approx(plug, rel=1e-10)
    assert r["leave_out"] == pytest.approx(kss, rel=1e-8, abs=1e-12)


def test_unbiased_where_the_plug_in_is_not():
    """Over 300 draws (design and errors; errors heteroskedastic and correlated within citizen)
    with fixed effects: the mean leave-out variance is the true one within 3 standard errors;
    the plug-in is far above it."""
    alpha = np.random.default_rng(7).normal(0, 0.15, 8)
    true = float(np.var(alpha, ddof=1))
    reps = []
    for s in range(300):
        y, X, g, cl, _ = _a6_like(100 + s, n_cit=80, alpha=alpha)
        r = leave_out_variance(y, X, g, cl)
        reps.append((r["plug_in"], r["leave_out"]))
    plug, kss = np.array(reps).T
    se = kss.std(ddof=1) / np.sqrt(len(kss))
    print(f"\ntrue {true:.4f}, leave-out {kss.mean():.4f} (se {se:.4f}), plug-in {plug.mean():.4f}")
    assert abs(kss.mean() - true) < 3 * se
    assert plug.mean() - true > 10 * se


def test_a6_leave_out_drops_one_citizen_caseworkers_and_ranks_within_jobcentre():
    y, X, g, cl, _ = _a6_like(2)
    # caseworker 8: one citizen only, cannot be left out of
    y2 = np.r_[y, 0.3, 0.1]
    X2 = np.vstack([X, [[0.1, 0.2], [0.3, -0.1]]])
    g2, cl2 = np.r_[g, 8, 8], np.r_[cl, 0, 0]
    jc = np.r_[np.arange(8) % 4, 3]
    out = a6_leave_out(y2, X2, g2, cl2, jc)
    assert out is not None
    assert out["n_caseworkers"] == 8 and out["n_caseworkers_dropped"] == 1
    assert out["n_measurements"] == len(y)
    ref = leave_out_variance(y, X, g, cl, strata=np.arange(8) % 4)
    assert out["within_leave_out_variance"] == pytest.approx(ref["leave_out"], rel=1e-10)
    assert out["leave_out_sd"] == pytest.approx(
        np.sqrt(max(leave_out_variance(y, X, g, cl)["leave_out"], 0)), rel=1e-10
    )


def test_unidentified_leave_out_is_refused():
    y, X, g, cl, _ = _a6_like(3)
    with pytest.raises(ValueError, match="unidentified"):
        # leave-one-caseworker-out: no caseworker effect without its own rows
        leave_out_variance(y, X, g, g)
