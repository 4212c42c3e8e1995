"""The cell-design fast path against the dense regression, and the engine's one failure rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from bip.analysis.estimation import (
    CellDesign,
    Clustered,
    CollinearityError,
    EmptyDesignError,
    EstimationError,
    Factor,
    TooFewClustersError,
    cell_means,
    ols,
    poisson,
)


@pytest.mark.parametrize("share_in", [0.9, 0.3])
@pytest.mark.parametrize("dummy_controls", [False, True])
@pytest.mark.parametrize("with_factor", [False, True])
@pytest.mark.parametrize("sorted_clusters", [True, False])
def test_cell_design_matches_the_dense_centred_design(
    share_in, dummy_controls, with_factor, sorted_clusters
):
    rng = np.random.default_rng(11)
    n = 800
    cells = rng.integers(0, 5, n)
    B = rng.normal(size=(n, 3)) + [40, 0, 1]
    B[rng.random(n) < 0.05, 1] = np.nan  # incomplete rows never enter
    if dummy_controls:  # mostly zeros
        B[:, [0, 2]] = (rng.random((n, 2)) < 0.1).astype(float)
    codes = rng.integers(0, 150, n)  # some codes have no rows
    codes = np.sort(codes) if sorted_clusters else codes
    prev = rng.integers(1, 6, n).astype(float)
    y = rng.normal(size=n) + 0.2 * cells
    # A categorical control (4 levels, some missing) entered as level codes, against the
    # dense design with its dummies of levels 1-3.
    factor = rng.integers(0, 4, n) if with_factor else None
    if factor is not None:
        factor[rng.random(n) < 0.03] = -1
        y = y + 0.3 * factor
    complete = ~np.isnan(B).any(axis=1) & (True if factor is None else factor >= 0)
    mask = (rng.random(n) < share_in) & complete
    names = ["a", "b", "c", "d", "e", "f"]  # "f" has no rows
    control_names = ["prev", "b0", "b1", "b2"] + (["f1", "f2", "f3"] if with_factor else [])
    design = CellDesign(cells, names, B, codes, control_names=control_names, factor=factor)
    ours = design.fit(mask, prev, y)
    C = np.column_stack([prev, B])
    if factor is not None:
        C = np.column_stack([C, factor[:, None] == np.arange(1, 4)[None, :]])
    C = C[mask]
    C = C - C.mean(axis=0)
    used = np.unique(cells[mask])
    X = np.column_stack([(cells[mask] == c).astype(float) for c in used] + [C])
    ref = sm.OLS(y[mask], X).fit(cov_type="cluster", cov_kwds={"groups": codes[mask]}, use_t=True)
    assert ours.names == ("a", "b", "c", "d", "e")  # the controls are nuisance
    np.testing.assert_allclose(ours.coef, ref.params[:5], rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(ours.se, ref.bse[:5], rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(np.column_stack(ours.conf_int()), ref.conf_int()[:5], atol=1e-8)
    assert ours.n_obs == mask.sum() and ours.n_clusters == len(np.unique(codes[mask]))
    assert ours.r2 == pytest.approx(ref.rsquared, abs=1e-10)
    # Scores: one row per cluster code (A4 stacks them across items), summing to the vcov.
    assert ours.scores.shape == (codes.max() + 1, 5)
    np.testing.assert_allclose(ours.scores.T @ ours.scores, ours.vcov, rtol=1e-12)
    assert not ours.scores[np.setdiff1d(np.arange(codes.max() + 1), codes[mask])].any()


def test_collinear_columns_are_dropped_and_listed_or_refused():
    rng = np.random.default_rng(5)
    n = 200
    g = rng.integers(0, 40, n)
    x1 = rng.normal(size=n)
    X = pd.DataFrame({"x1": x1, "zero": np.zeros(n), "twice": 2 * x1})
    y = 1 + x1 + rng.normal(size=n)
    fit = ols(y, X, covariance=Clustered(g))
    ref = sm.OLS(y, sm.add_constant(x1)).fit(cov_type="cluster", cov_kwds={"groups": g})
    assert fit.names == ("(Intercept)", "x1") and fit.dropped == ("zero", "twice")
    np.testing.assert_allclose(fit.coef, ref.params, atol=1e-10)
    np.testing.assert_allclose(fit.se, ref.bse, atol=1e-10)
    assert fit.n_params == 2
    with pytest.raises(CollinearityError, match="zero, twice.*remove them"):
        ols(y, X, covariance=Clustered(g), collinear="raise")


def test_a_regressor_constant_within_the_absorbed_groups_is_dropped():
    rng = np.random.default_rng(2)
    n = 300
    grp = rng.integers(0, 10, n)
    X = pd.DataFrame({"x": rng.normal(size=n), "by_group": (grp * 0.37) % 1.0})
    y = X["x"] + grp + rng.normal(size=n)
    fit = ols(y, X, absorb=grp, covariance=Clustered(rng.integers(0, 50, n)))
    assert fit.names == ("x",) and fit.dropped == ("by_group",)


def test_failures_raise_one_error_type_that_says_how_to_fix():
    y = np.arange(6.0)
    x = np.array([0.0, 1, 0, 1, 0, 2])
    with pytest.raises(EmptyDesignError, match="no observations"):
        ols(np.zeros(0), np.zeros((0, 1)))
    with pytest.raises(TooFewClustersError, match="at least two clusters.*Robust"):
        ols(y, x, covariance=Clustered(np.zeros(6, dtype=int)))
    with pytest.raises(EmptyDesignError, match="no regressor is left"):
        ols(y, np.ones(6), intercept=False, absorb=np.repeat([0, 1], 3))
    with pytest.raises(EmptyDesignError, match="positive outcomes"):
        poisson(np.zeros(6), x)
    with pytest.raises(TooFewClustersError):
        cell_means(np.zeros(6, dtype=int), y, np.zeros(6, dtype=int), names=["a"])
    with pytest.raises(EstimationError, match="missing"):
        Factor.of(pd.Series(["a", None, "b"]))
    with pytest.raises(EstimationError, match="one or two clusterings"):
        Clustered(y, y, y)
    # every failure is an EstimationError (analyses catch that one class)
    for cls in (EmptyDesignError, TooFewClustersError, CollinearityError):
        assert issubclass(cls, EstimationError)


def test_fit_prints_its_table():
    rng = np.random.default_rng(0)
    x = rng.normal(size=50)
    fit = ols(x + rng.normal(size=50), x, names=["x"], covariance=Clustered(np.arange(50) % 10))
    text = str(fit)
    assert "10 clusters" in text and "x" in text and "Clustered" in text
    with pytest.raises(AttributeError):
        fit.coef = np.zeros(2)  # frozen
