"""The logit of the estimation engine and A5's average marginal effects against statsmodels'
``Logit(...).fit()`` with citizen-clustered errors and ``get_margeff(at="overall")``."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from bip.analysis.a5_margins import average_marginal_effects
from bip.analysis.estimation import Clustered, Iid, logit


def _data(seed=0, n_cit=400):
    rng = np.random.default_rng(seed)
    cit = np.repeat(np.arange(n_cit), rng.integers(1, 6, n_cit))
    u = rng.normal(0, 0.7, n_cit)[cit]
    n = len(cit)
    X = np.column_stack(
        [rng.normal(size=n), rng.integers(1, 6, n).astype(float), rng.integers(0, 2, n)]
    )
    eta = -1.5 + 0.6 * X[:, 0] + 0.25 * (X[:, 1] - 3) + 0.4 * X[:, 2] + u
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    return y, X, cit


def _ref(y, X, cit):
    return sm.Logit(y, sm.add_constant(X)).fit(
        disp=0, tol=1e-12, cov_type="cluster", cov_kwds={"groups": cit}
    )


def test_logit_equals_statsmodels_with_clustered_errors():
    y, X, cit = _data()
    fit = logit(y, X, covariance=Clustered(cit))
    ref = _ref(y, X, cit)
    np.testing.assert_allclose(fit.coef, ref.params, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(fit.se, ref.bse, rtol=1e-8)
    iid = logit(y, X, covariance=Iid())
    np.testing.assert_allclose(
        iid.se, sm.Logit(y, sm.add_constant(X)).fit(disp=0, tol=1e-12).bse, rtol=1e-7
    )


def test_logit_drops_a_collinear_column_and_refuses_constant_outcomes():
    y, X, cit = _data(seed=1)
    fit = logit(y, np.column_stack([X, 2 * X[:, 0]]), names=["a", "b", "c", "a2"])
    assert fit.dropped == ("a2",) and fit.names == ("(Intercept)", "a", "b", "c")
    with pytest.raises(Exception, match="both outcomes"):
        logit(np.zeros(len(y)), X)


def test_average_marginal_effects_equal_statsmodels_get_margeff():
    y, X, cit = _data(seed=2)
    names = ["x0", "x1", "x2"]
    got, reason = average_marginal_effects(y, X, names, cit, ["x2", "x0", "x1"])
    assert reason is None
    mf = _ref(y, X, cit).get_margeff(at="overall", method="dydx")
    for j, c in enumerate(names):
        assert got[c]["ame"] == pytest.approx(mf.margeff[j], rel=1e-8)
        assert got[c]["ame_se"] == pytest.approx(mf.margeff_se[j], rel=1e-6)
        assert got[c]["ame_ci_low"] < got[c]["ame"] < got[c]["ame_ci_high"]
    assert list(got) == ["x2", "x0", "x1"]


def test_ame_of_a_planted_logit_is_the_mean_derivative():
    """The AME of x0 equals the mean over rows of β·μ(1 − μ) at the true coefficients,
    within its interval, on a large sample (planted truth)."""
    rng = np.random.default_rng(3)
    n = 20000
    X = rng.normal(size=(n, 2))
    eta = -1.0 + 0.8 * X[:, 0] - 0.3 * X[:, 1]
    p = 1 / (1 + np.exp(-eta))
    y = (rng.random(n) < p).astype(float)
    got, _ = average_marginal_effects(y, X, ["a", "b"], np.arange(n), ["a", "b"])
    truth = 0.8 * np.mean(p * (1 - p))
    assert got["a"]["ame_ci_low"] < truth < got["a"]["ame_ci_high"]


def test_logit_drops_columns_singular_only_under_the_weights(tmp_path):
    """On the scale-0.2 synthetic cohort (the report tests' cohort) some rare missing
    indicators have rows whose chance the logit drives to 0, so the weighted cross products
    lose them although the unweighted ones keep them: they are dropped and the model refitted,
    which then equals statsmodels' Logit on the kept columns; every ranked term keeps its AME."""
    from bip.analysis import a5_job_chance as a5
    from bip.analysis._design import INDICATOR_ITEMS, answers, background, combine, impute
    from bip.dataset import open_dataset
    from bip.panel import build_panel
    from bip.synth import generate_cohort

    out = generate_cohort(tmp_path / "cohort", scale=0.2, seed=0, fmt="parquet")
    p = build_panel(open_dataset(out))
    s = p.loc[p["is_repeat"].astype(bool) & p["job_or_education_52w"].notna()]
    s = s.reset_index(drop=True)
    X = combine(answers(s, INDICATOR_ITEMS), impute(a5.search_and_wage(s)), background(s))
    y = s["job_or_education_52w"].astype(float).to_numpy()
    fit = logit(y, X)
    unweighted = np.linalg.matrix_rank(sm.add_constant(X).to_numpy())
    assert len(fit.coef) < unweighted  # the weights took columns away
    kept = [c for c in fit.names if c != "(Intercept)"]
    ref = sm.Logit(y, sm.add_constant(X[kept])).fit(disp=0, tol=1e-12, maxiter=200)
    # columns that separate (coefficients running off to −20 and beyond) have no finite
    # estimate in either; the ranked terms agree
    ranked = [
        i for i, c in enumerate(fit.names) if c in INDICATOR_ITEMS or c[2:] in INDICATOR_ITEMS
    ]
    assert len(ranked) == 40
    np.testing.assert_allclose(fit.coef[ranked], ref.params.iloc[ranked], rtol=1e-5, atol=1e-7)
    res = a5.job_model(p)
    assert res["logit_reason"] is None and all(t["ame"] is not None for t in res["terms"])
