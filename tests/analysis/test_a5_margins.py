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
