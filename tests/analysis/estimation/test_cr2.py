"""CR2 with Bell–McCaffrey df: against a brute-force N × N build here, against R's
sandwich::vcovCL(type = "HC2") (and the df from the same brute force written in R), and its
coverage on small planted cells by simulation (few seeds here; bench/bench_cr2.py has more).

The R tests skip with the reason when Rscript (with sandwich) is missing, except under CI=true.
"""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from bip.analysis.estimation import CR2, EstimationError, Factor, ols, poisson
from tests.analysis.cr2_sim import brute_cr2, coverage
from tests.conftest import need


def _data(seed: int = 0, n: int = 150, g: int = 30):
    rng = np.random.default_rng(seed)
    cl = rng.integers(0, g, n)
    cl[:3] = g  # one cluster of three rows, one singleton below
    cl[3] = g + 1
    x1 = rng.normal(size=n)
    x2 = (rng.random(n) < 0.1).astype(float)  # a rare dummy: few clusters carry it
    y = 1 + x1 + 2 * x2 + rng.normal(size=n) + rng.normal(size=g + 2)[cl]
    return y, np.column_stack([x1, x2]), cl


def test_cr2_equals_brute_force():
    y, X, cl = _data()
    fit = ols(y, X, names=["x1", "x2"], covariance=CR2(cl))
    _, V, df = brute_cr2(np.column_stack([np.ones(len(y)), X]), y, cl)
    np.testing.assert_allclose(fit.vcov, V, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(fit.df, df, rtol=1e-10)
    # The rare dummy rests on few clusters: far fewer df than the G - 1 of CR1.
    assert fit.df[2] < 0.6 * fit.df[1] < 0.6 * (len(np.unique(cl)) - 1)
    lo, hi = fit.conf_int()
    assert np.all((lo <= fit.coef) & (fit.coef <= hi))
    assert "Bell–McCaffrey" in fit.summary


def test_cr2_refuses_absorbed_factors_and_poisson():
    y, X, cl = _data()
    with pytest.raises(EstimationError, match="hat matrix"):
        ols(y, X, names=["x1", "x2"], absorb=Factor.of(cl % 3), covariance=CR2(cl))
    with pytest.raises(EstimationError, match="least squares"):
        poisson(np.abs(np.round(y)), X, names=["x1", "x2"], covariance=CR2(cl))


R_CODE = r"""
library(sandwich)
d <- read.csv("data.csv")
m <- lm(y ~ x1 + x2, d)
# sandwich's HC2 for clusters is Bell and McCaffrey's CR2 with its default cadjust = TRUE
# (the G/(G-1) adjustment cancels the (G-1)/G inside its HC2 meat).
V <- vcovCL(m, cluster = d$g, type = "HC2")
X <- model.matrix(m)
B <- solve(crossprod(X))
M <- diag(nrow(X)) - X %*% B %*% t(X)
groups <- split(seq_len(nrow(X)), d$g)
A <- lapply(groups, function(r) {
  e <- eigen(M[r, r, drop = FALSE], symmetric = TRUE)
  e$vectors %*% diag(1 / sqrt(e$values), length(r)) %*% t(e$vectors)
})
df <- sapply(seq_len(ncol(X)), function(j) {
  G <- sapply(seq_along(groups), function(k) {
    r <- groups[[k]]
    M[, r, drop = FALSE] %*% A[[k]] %*% X[r, , drop = FALSE] %*% B[, j]
  })
  lam <- eigen(crossprod(G), symmetric = TRUE, only.values = TRUE)$values
  sum(lam)^2 / sum(lam^2)
})
write.csv(data.frame(V = as.vector(V)), "V.csv", row.names = FALSE)
write.csv(data.frame(df = df), "df.csv", row.names = FALSE)
"""


def test_cr2_matches_r_sandwich(tmp_path):
    rscript = shutil.which("Rscript")
    need(rscript is not None, "Rscript is not installed (apt-get install r-base-core)")
    ok = subprocess.run([rscript, "-e", "library(sandwich)"], capture_output=True).returncode == 0
    need(ok, "the R package sandwich is missing (apt-get install r-cran-sandwich)")
    y, X, cl = _data(seed=3)
    pd.DataFrame({"y": y, "x1": X[:, 0], "x2": X[:, 1], "g": cl}).to_csv(
        tmp_path / "data.csv", index=False, float_format="%.17g"
    )
    (tmp_path / "cr2.R").write_text(R_CODE)
    run = subprocess.run(
        [rscript, "cr2.R"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-2000:]
    fit = ols(y, X, names=["x1", "x2"], covariance=CR2(cl))
    V = pd.read_csv(tmp_path / "V.csv")["V"].to_numpy().reshape(3, 3, order="F")
    np.testing.assert_allclose(fit.vcov, V, rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(fit.df, pd.read_csv(tmp_path / "df.csv")["df"], rtol=1e-9)


def test_coverage_on_small_planted_cells():
    """Nominal 95 % intervals of cells with 6, 10 and 16 citizens (high leverage, correlated
    errors) over 150 seeds: CR2 with BM df covers; CR1 with t(G - 1) falls short in the
    smallest cell (bench/bench_cr2.py: 2,000 seeds, docs/img/cr2-coverage.png)."""
    cov = coverage(range(150))
    assert np.all(cov["cr2"] >= 0.91), cov
    assert cov["cr1"][0] < cov["cr2"][0] - 0.03, cov
    assert cov["df"][0] < cov["df"][1] < cov["df"][2]  # fewer citizens, fewer df
