"""The engine's binary regression (cloglog and logit) against statsmodels' GLM."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from bip.analysis.estimation import (
    Clustered,
    EmptyDesignError,
    EstimationError,
    GroupBlocks,
    Iid,
    binomial,
)

LINKS = {"cloglog": sm.families.links.CLogLog(), "logit": sm.families.links.Logit()}


def _data(seed: int, n: int = 3000) -> pd.DataFrame:
    """A planted binary outcome with citizen clusters (a shared shock within each citizen)."""
    rng = np.random.default_rng(seed)
    cit = rng.integers(0, 400, n)
    x1 = rng.normal(size=n)
    x2 = rng.integers(0, 2, n).astype(float)
    eta = -2.0 + 0.6 * x1 - 0.5 * x2 + 0.5 * rng.normal(size=400)[cit]
    y = (rng.random(n) < -np.expm1(-np.exp(eta))).astype(float)
    return pd.DataFrame({"y": y, "x1": x1, "x2": x2, "x3": 2 * x2, "cit": cit})


def _glm(d: pd.DataFrame, link: str, **fit):
    X = sm.add_constant(d[["x1", "x2"]].to_numpy())
    fam = sm.families.Binomial(link=LINKS[link])
    return sm.GLM(d["y"].to_numpy(), X, family=fam).fit(tol=1e-14, **fit)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("link", ["cloglog", "logit"])
def test_binomial_matches_statsmodels_glm_with_cluster_errors(seed, link):
    d = _data(seed)
    fit = binomial(d["y"], d[["x1", "x2"]], link=link, covariance=Clustered(d["cit"]), tol=1e-14)
    ref = _glm(d, link, cov_type="cluster", cov_kwds={"groups": d["cit"].to_numpy()})
    np.testing.assert_allclose(fit.coef, ref.params, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(fit.se, ref.bse, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(fit.fitted, ref.fittedvalues, rtol=1e-8, atol=1e-12)
    assert fit.deviance == pytest.approx(ref.deviance, rel=1e-10)
    assert fit.n_clusters == d["cit"].nunique() and fit.df == fit.n_clusters - 1


@pytest.mark.parametrize("link", ["cloglog", "logit"])
def test_binomial_iid_is_the_inverse_observed_information(link):
    # statsmodels' nonrobust covariance of an IRLS fit is the inverse expected information;
    # its Hessian (observed, the default) is what the sandwich's bread uses. For cloglog the
    # two differ, so the bread is checked against the Hessian itself.
    d = _data(2)
    fit = binomial(d["y"], d[["x1", "x2"]], link=link, covariance=Iid())
    ref = _glm(d, link)
    hess = ref.model.hessian(fit.coef)  # at our estimate: the formula, not the stopping rule
    np.testing.assert_allclose(fit.vcov, np.linalg.inv(-hess), rtol=1e-8, atol=1e-12)


def test_binomial_without_intercept_uses_the_given_constant_and_drops_collinear():
    d = _data(3)
    X = np.column_stack([np.ones(len(d)), d["x1"], d["x2"], d["x3"]])
    fit = binomial(d["y"], X, names=["const", "x1", "x2", "x3"], intercept=False, covariance=None)
    ref = _glm(d, "cloglog")
    assert fit.dropped == ("x3",)
    np.testing.assert_allclose(fit.coef, ref.params, rtol=1e-8, atol=1e-10)


def test_binomial_refuses_bad_outcomes():
    d = _data(4, n=200)
    with pytest.raises(EstimationError, match="0 or 1"):
        binomial(d["y"] * 2, d[["x1"]])
    with pytest.raises(EmptyDesignError, match="both outcomes"):
        binomial(np.zeros(len(d)), d[["x1"]])


@pytest.mark.parametrize("link", ["cloglog", "logit"])
def test_group_blocks_design_equals_the_dense_design(link):
    # Row-level columns T and group-level columns B (one row per citizen, repeated over the
    # citizen's rows): the same fit, one- and two-way clustered, as on the dense [T | B[who]],
    # with a collinear group column dropped alike.
    rng = np.random.default_rng(5)
    g = 300
    who = np.sort(np.r_[np.arange(g), rng.integers(0, g, 1500)])
    n = len(who)
    T = np.column_stack([np.ones(n), rng.normal(size=n), rng.integers(0, 2, n)])
    b = np.column_stack([rng.normal(size=g), rng.integers(0, 2, g)]).astype(float)
    B = np.column_stack([b, 2 * b[:, 1]])
    eta = -2 + 0.4 * T[:, 1] - 0.3 * T[:, 2] + 0.5 * b[who, 0] + 0.3 * rng.normal(size=g)[who]
    y = (rng.random(n) < -np.expm1(-np.exp(eta))).astype(float)
    other = rng.integers(0, 40, n)
    blocks = GroupBlocks(T, B, who)
    dense = blocks.dense()
    names = ["c", "t1", "t2", "b1", "b2", "b3"]
    for cov in (Clustered(who), Clustered(who, other)):
        a = binomial(y, blocks, names=names, link=link, covariance=cov)
        d = binomial(y, dense, names=names, link=link, intercept=False, covariance=cov)
        assert a.names == d.names and a.dropped == d.dropped == ("b3",)
        np.testing.assert_allclose(a.coef, d.coef, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(a.vcov, d.vcov, rtol=1e-9, atol=1e-14)
        np.testing.assert_allclose(a.fitted, d.fitted, rtol=1e-10)
    beta = rng.normal(size=6)
    np.testing.assert_allclose(blocks.dot(beta), dense @ beta, rtol=1e-12)
    np.testing.assert_allclose(blocks.tdot(y), dense.T @ y, rtol=1e-12)
    with pytest.raises(EstimationError, match="sorted by group"):
        GroupBlocks(T, B, who[::-1].copy())
