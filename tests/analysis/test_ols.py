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
    np.testing.assert_allclose(np.column_stack([ours.ci_low, ours.ci_high]), ref.conf_int(), rtol=0, atol=1e-10)
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


def test_cells_design_equals_dense_design():
    from bip.analysis.ols import cluster_ols_cells

    rng = np.random.default_rng(7)
    n = 600
    cells = rng.integers(0, 6, n)
    cells[cells == 3] = 4  # cell 3 unused
    C = rng.normal(size=(n, 3))
    C = np.column_stack([C, C[:, 0] + C[:, 1]])  # a collinear control is dropped
    C -= C.mean(axis=0)
    g = np.sort(rng.integers(0, 90, n))
    y = cells * 0.3 + C[:, 0] + rng.normal(size=n)
    used = np.unique(cells)
    X = np.column_stack([(cells == c).astype(float) for c in used] + [C])
    dense = cluster_ols(X, y, g)
    ours = cluster_ols_cells(cells, 6, C, y, g)
    np.testing.assert_allclose(ours.beta, dense.beta, atol=1e-10, equal_nan=True)
    np.testing.assert_allclose(ours.se, dense.se, atol=1e-10, equal_nan=True)
    assert ours.k == dense.k == len(used) + 3
    ref = _statsmodels(X[:, :-1], y, g)
    np.testing.assert_allclose(ours.beta[:-1], ref.params, atol=1e-10)
    np.testing.assert_allclose(ours.se[:-1], ref.bse, atol=1e-10)
