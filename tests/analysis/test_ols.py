"""cluster_ols against statsmodels' cluster-robust OLS (same CR1 factor, t with G-1 df)."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from bip.analysis.ols import cluster_ols


def _statsmodels(X, y, g):
    return sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": g}, use_t=True)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_matches_statsmodels(seed):
    rng = np.random.default_rng(seed)
    n = 400
    g = rng.integers(0, 60, n)  # unbalanced clusters
    X = np.column_stack([np.ones(n), rng.normal(size=n), rng.integers(0, 2, n)])
    y = X @ [0.5, -1.0, 2.0] + rng.normal(size=n) + rng.normal(size=60)[g]
    ours = cluster_ols(X, y, g)
    ref = _statsmodels(X, y, g)
    np.testing.assert_allclose(ours.beta, ref.params, rtol=0, atol=1e-10)
    np.testing.assert_allclose(ours.se, ref.bse, rtol=0, atol=1e-10)
    np.testing.assert_allclose(
        np.column_stack([ours.ci_low, ours.ci_high]), ref.conf_int(), rtol=0, atol=1e-10
    )
    np.testing.assert_allclose(ours.p_value, ref.pvalues, rtol=0, atol=1e-10)
    assert ours.df == ref.df_resid_inference == len(np.unique(g)) - 1
    assert ours.r2 == pytest.approx(ref.rsquared, abs=1e-12)


def test_cr1_factor_by_hand():
    # Two clusters of two observations, one regressor: V = c * (x'x)^-1 sum_g (x_g'u_g)^2 (x'x)^-1.
    X = np.array([[1.0], [2.0], [3.0], [4.0]])
    y = np.array([1.0, 3.0, 2.0, 5.0])
    g = np.array(["a", "a", "b", "b"])
    b = (X[:, 0] @ y) / (X[:, 0] @ X[:, 0])
    u = y - b * X[:, 0]
    s = np.array([X[:2, 0] @ u[:2], X[2:, 0] @ u[2:]])
    c = 2 / 1 * (4 - 1) / (4 - 1)
    v = c * (s @ s) / (X[:, 0] @ X[:, 0]) ** 2
    f = cluster_ols(X, y, g)
    assert f.beta[0] == pytest.approx(b)
    assert f.se[0] == pytest.approx(np.sqrt(v))
    assert f.df == 1


def test_collinear_and_empty_columns_are_dropped():
    rng = np.random.default_rng(5)
    n = 200
    g = rng.integers(0, 40, n)
    x1 = rng.normal(size=n)
    X = np.column_stack([np.ones(n), x1, np.zeros(n), 2 * x1])
    y = 1 + x1 + rng.normal(size=n)
    ours = cluster_ols(X, y, g)
    ref = _statsmodels(X[:, :2], y, g)
    assert np.isnan(ours.beta[2]) and np.isnan(ours.beta[3])
    np.testing.assert_allclose(ours.beta[:2], ref.params, atol=1e-10)
    np.testing.assert_allclose(ours.se[:2], ref.bse, atol=1e-10)
    assert ours.k == 2


@pytest.mark.parametrize("share_in", [0.9, 0.3])
def test_cells_design_matches_dense_centred_design(share_in):
    from bip.analysis.ols import CellsDesign

    rng = np.random.default_rng(11)
    n = 800
    cells = rng.integers(0, 5, n)
    B = rng.normal(size=(n, 3)) + [40, 0, 1]
    B[rng.random(n) < 0.05, 1] = np.nan  # incomplete rows never enter
    codes = np.sort(rng.integers(0, 150, n))
    prev = rng.integers(1, 6, n).astype(float)
    y = rng.normal(size=n) + 0.2 * cells
    mask = (rng.random(n) < share_in) & ~np.isnan(B).any(axis=1)
    ours = CellsDesign(cells, 5, B, codes).fit(mask, prev, y)
    C = np.column_stack([prev, B])[mask]
    C = C - C.mean(axis=0)
    used = np.unique(cells[mask])
    X = np.column_stack([(cells[mask] == c).astype(float) for c in used] + [C])
    dense = cluster_ols(X, y[mask], codes[mask])
    ref = _statsmodels(X, y[mask], codes[mask])
    np.testing.assert_allclose(ours.beta, dense.beta, atol=1e-9)
    np.testing.assert_allclose(ours.se, ref.bse, atol=1e-9)
    np.testing.assert_allclose(ours.ci_low, ref.conf_int()[:, 0], atol=1e-9)
    assert ours.n == mask.sum() and ours.n_clusters == len(np.unique(codes[mask]))
