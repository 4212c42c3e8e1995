"""The engine against pyfixest and statsmodels on the same data, to 1e-8.

pyfixest is run with ``ssc(k_fixef="full")``: the engine counts every absorbed fixed effect in
the K of (N − 1)/(N − K), as fixest's ``fixef.K = "full"`` (docs/estimation.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyfixest as pf
import pytest
import statsmodels.api as sm

from bip.analysis.estimation import Clustered, Iid, Robust, cell_means, ols, poisson

TOL = 1e-8
SSC = pf.ssc(k_adj=True, k_fixef="full", G_adj=True, G_df="min")


def _close(a, b, tol=TOL):
    np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=tol, atol=tol)


def _sm_ols(p, cov, **kw):
    X = sm.add_constant(p[["x1", "x2"]].to_numpy())
    return sm.OLS(p["y"].to_numpy(), X).fit(cov_type=cov, use_t=True, **kw)


def test_ols_iid_hc1_cr1_match_statsmodels(panel):
    X = panel[["x1", "x2"]]
    cases = [
        (Iid(), _sm_ols(panel, "nonrobust")),
        (Robust(), _sm_ols(panel, "HC1")),
        (
            Clustered(panel["cit"]),
            _sm_ols(panel, "cluster", cov_kwds={"groups": pd.factorize(panel["cit"])[0]}),
        ),
    ]
    for spec, ref in cases:
        fit = ols(panel["y"], X, covariance=spec)
        assert fit.names == ("(Intercept)", "x1", "x2")
        _close(fit.coef, ref.params)
        _close(fit.se, ref.bse)
        _close(fit.pvalue, ref.pvalues)
        _close(np.column_stack(fit.conf_int()), ref.conf_int())
        assert fit.r2 == pytest.approx(ref.rsquared, abs=1e-10)
        assert fit.df == getattr(ref, "df_resid_inference", None) or ref.df_resid


@pytest.mark.parametrize(
    ("absorb", "fml"),
    [(("cw",), "y ~ x1 + x2 | cw"), (("cw", "month"), "y ~ x1 + x2 | cw + month")],
)
def test_ols_absorbed_cr1_matches_pyfixest(panel, absorb, fml):
    labels = tuple(panel[a] for a in absorb)
    fit = ols(
        panel["y"],
        panel[["x1", "x2"]],
        absorb=labels if len(labels) > 1 else labels[0],
        covariance=Clustered(panel["cit"]),
    )
    ref = pf.feols(fml, data=panel, vcov={"CRV1": "cit"}, ssc=SSC, fixef_tol=1e-14)
    _close(fit.coef, ref.coef().to_numpy())
    _close(fit.se, ref.se().to_numpy())
    _close(fit.pvalue, ref.pvalue().to_numpy())
    assert fit.r2 == pytest.approx(ref._r2, abs=TOL)
    assert fit.r2_within == pytest.approx(ref._r2_within, abs=TOL)
    if len(absorb) == 1:
        fe = pd.Series(ref.fixef(atol=1e-14, btol=1e-14)["C(cw)"]).astype(float)
        _close(fit.fixed_effects.to_numpy(), fe.reindex(fit.fixed_effects.index).to_numpy())


@pytest.mark.parametrize("absorb", [None, "cw"])
def test_two_way_clustering_matches_pyfixest(panel, absorb):
    fml = "y ~ x1 + x2" + (" | cw" if absorb else "")
    fit = ols(
        panel["y"],
        panel[["x1", "x2"]],
        absorb=panel[absorb] if absorb else None,
        covariance=Clustered(panel["cit"], panel["month"]),
    )
    ref = pf.feols(fml, data=panel, vcov={"CRV1": "cit+month"}, ssc=SSC, fixef_tol=1e-14)
    _close(fit.coef, ref.coef().to_numpy())
    _close(fit.se, ref.se().to_numpy())
    _close(fit.pvalue, ref.pvalue().to_numpy())
    assert fit.n_clusters == 12 and fit.df == 11  # min(G_cit, G_month) - 1


@pytest.mark.parametrize("offset", [0.0, 1e6])
def test_poisson_with_fixed_effects_matches_pyfixest(panel, offset):
    # ``offset`` adds a constant per caseworker to x1, which leaves the within model unchanged.
    # The IRLS forms its within cross products as Σwxx' − S'S/W; without demeaning X by group
    # first, group means of 1e6 would cancel ~12 digits there. pyfixest fits unshifted data.
    p = panel.copy()
    p["x1"] = p["x1"] + offset * (1 + pd.factorize(p["cw"], sort=True)[0])
    fit = poisson(p["count"], p[["x1", "x2"]], absorb=p["cw"], covariance=Clustered(p["cit"]))
    ref = pf.fepois(
        "count ~ x1 + x2 | cw",
        data=panel,
        vcov={"CRV1": "cit"},
        ssc=SSC,
        fixef_tol=1e-14,
        iwls_tol=1e-14,
        iwls_maxiter=100,
    )
    assert fit.n_dropped_rows == 0  # every caseworker has a positive count
    _close(fit.coef, ref.coef().to_numpy(), 1e-7)
    _close(fit.se, ref.se().to_numpy(), 1e-7)


def test_poisson_absorbed_design_is_the_weighted_within_transformation(panel):
    # Rows shuffled so they are not in group order; the design the fit carries (Fit.absorbed,
    # used for two-way errors) must be X minus its fitted-mean-weighted group means, in the
    # caller's row order: computed here with pandas.
    p = panel.sample(frac=1.0, random_state=3).reset_index(drop=True)
    fit = poisson(p["count"], p[["x1", "x2"]], absorb=p["cw"])
    assert fit.absorbed is not None
    w = pd.Series(np.asarray(fit.fitted))
    xbar = pd.DataFrame(
        {c: (p[c] * w).groupby(p["cw"]).sum() / w.groupby(p["cw"]).sum() for c in ("x1", "x2")}
    )
    _close(fit.absorbed.xbar, xbar.to_numpy(), 1e-10)
    _close(fit.absorbed.design, p[["x1", "x2"]].to_numpy() - xbar.loc[p["cw"]].to_numpy(), 1e-10)
    assert list(fit.absorbed.levels) == sorted(p["cw"].unique())


def test_poisson_matches_statsmodels_glm(panel):
    fit = poisson(panel["count"], panel[["x1", "x2"]], covariance=Clustered(panel["cit"]))
    X = sm.add_constant(panel[["x1", "x2"]].to_numpy())
    ref = sm.GLM(panel["count"].to_numpy(), X, family=sm.families.Poisson()).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(panel["cit"])[0]}, tol=1e-14
    )
    _close(fit.coef, ref.params)
    _close(fit.se, ref.bse)


def test_poisson_drops_groups_with_only_zero_outcomes(panel):
    p = panel.copy()
    zero = p["cw"] == "w03"
    p.loc[zero, "count"] = 0.0
    fit = poisson(p["count"], p[["x1", "x2"]], absorb=p["cw"], covariance=Clustered(p["cit"]))
    assert fit.n_dropped_rows == int(zero.sum()) and "w03" not in fit.fixed_effects.index
    ref = pf.fepois(
        "count ~ x1 + x2 | cw",
        data=p[~zero],
        vcov={"CRV1": "cit"},
        ssc=SSC,
        fixef_tol=1e-14,
        iwls_tol=1e-14,
        iwls_maxiter=100,
    )
    _close(fit.coef, ref.coef().to_numpy(), 1e-7)


def test_cell_means_equal_the_dummy_regression(panel):
    cells = pd.factorize(panel["month"], sort=True)[0]
    names = [f"m{i}" for i in range(14)]  # two cells without rows get no coefficient
    fit = cell_means(cells, panel["y"].to_numpy(), panel["cit"].to_numpy(), names=names)
    D = (cells[:, None] == np.arange(12)).astype(float)
    ref = sm.OLS(panel["y"].to_numpy(), D).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(panel["cit"])[0]}, use_t=True
    )
    assert fit.names == tuple(names[:12])
    _close(fit.coef, ref.params)
    _close(fit.se, ref.bse)
    _close(np.column_stack(fit.conf_int()), ref.conf_int())
    dense = ols(panel["y"], D, intercept=False, covariance=Clustered(panel["cit"]))
    _close(fit.se, dense.se)
    assert fit.r2 == pytest.approx(dense.r2, abs=1e-12)
