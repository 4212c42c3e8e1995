"""The one result record of the engine: :class:`Fit`, read-only, printing itself."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from bip.analysis.estimation.covariance import CovarianceSpec


@dataclass(frozen=True, slots=True, kw_only=True)
class Absorbed:
    """What the within-transformation left behind, for statistics built on the fixed effects.

    ``codes`` are the group code of each row used (groups sorted by label), ``xbar`` the group
    means of the kept regressors (groups × K), ``design`` the demeaned regressors (N × K).
    """

    codes: np.ndarray
    levels: np.ndarray
    xbar: np.ndarray
    design: np.ndarray


@dataclass(frozen=True, slots=True, kw_only=True)
class Fit:
    """A fitted linear or Poisson model (arrays aligned with ``names``).

    ``n_params`` is the K of the small-sample factors: kept slopes (and intercept) plus the
    absorbed fixed effects. ``df`` is the t distribution's degrees of freedom (clusters − 1 when
    clustered, N − K otherwise; with :class:`CR2` an array, one Bell–McCaffrey df per
    coefficient). ``fixed_effects`` holds each group's effect, intercept included.
    """

    names: tuple[str, ...]
    coef: np.ndarray
    vcov: np.ndarray
    covariance: CovarianceSpec | None
    n_obs: int
    n_clusters: int | None
    n_params: int
    df: int | np.ndarray
    bread: np.ndarray
    r2: float = float("nan")
    r2_within: float | None = None
    dropped: tuple[str, ...] = ()
    resid: np.ndarray | None = None
    fitted: np.ndarray | None = None
    rows: np.ndarray | None = None
    fixed_effects: pd.Series | None = None
    absorbed: Absorbed | None = None
    deviance: float | None = None
    n_dropped_rows: int = 0
    # per-cluster contributions (rows = cluster codes) with vcov = scores' scores, where a fast
    # path forms them anyway: the joint covariance of several fits on the same clusters
    scores: np.ndarray | None = None

    @property
    def se(self) -> np.ndarray:
        """Standard errors (square roots of the covariance diagonal)."""
        return np.sqrt(np.clip(np.diag(self.vcov), 0, None))

    @property
    def tstat(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.coef / self.se

    @property
    def pvalue(self) -> np.ndarray:
        """Two-sided p-values from Student's t with ``df`` degrees of freedom."""
        return 2 * stats.t.sf(np.abs(self.tstat), self.df)

    def t_crit(self, level: float = 0.95) -> float:
        """Critical value of the two-sided ``level`` interval (one df for every coefficient;
        see :meth:`t_crits` for CR2's per-coefficient df)."""
        if np.ndim(self.df):
            raise ValueError("this fit has one df per coefficient; use t_crits(level)")
        return float(stats.t.ppf(0.5 + level / 2, self.df))

    def t_crits(self, level: float = 0.95) -> np.ndarray:
        """Critical value of each coefficient's two-sided ``level`` interval."""
        return np.broadcast_to(stats.t.ppf(0.5 + level / 2, self.df), self.coef.shape).copy()

    def conf_int(self, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """(lower, upper) bounds of the ``level`` intervals, coef ± t_crit · se."""
        q, se = self.t_crits(level), self.se
        return self.coef - q * se, self.coef + q * se

    def table(self, level: float = 0.95) -> pd.DataFrame:
        """coef, se, t, p, ci_low, ci_high per coefficient."""
        lo, hi = self.conf_int(level)
        return pd.DataFrame(
            {
                "coef": self.coef,
                "se": self.se,
                "t": self.tstat,
                "p": self.pvalue,
                "ci_low": lo,
                "ci_high": hi,
            },
            index=list(self.names),
        )

    def get(self, name: str) -> tuple[float, float]:
        """(coef, se) of one coefficient."""
        i = self.names.index(name)
        return float(self.coef[i]), float(self.se[i])

    @property
    def summary(self) -> str:
        """A plain-text coefficient table with the sample and covariance described."""
        kind = type(self.covariance).__name__ if self.covariance is not None else "none"
        head = f"N = {self.n_obs}, K = {self.n_params}, covariance {kind}"
        if self.n_clusters is not None:
            head += f", {self.n_clusters} clusters"
        df = f"{self.df}" if not np.ndim(self.df) else "per coefficient (Bell–McCaffrey)"
        head += f", t df = {df}, R² = {self.r2:.4f}"
        return head + "\n" + self.table().to_string(float_format=lambda v: f"{v:.6g}")

    def __str__(self) -> str:
        return self.summary


def nested_fe_fit(fit: Fit) -> Fit:
    """``fit`` (fixed effects nested in its clusters) with the CR1 factor counting only the
    slopes and one intercept in K, as fixest does for nested fixed effects: the engine counts
    every citizen effect, and with citizen effects and citizen clusters N − K is then far too
    small."""
    k = len(fit.names) + 1
    scale = max(fit.n_obs - fit.n_params, 1) / max(fit.n_obs - k, 1)
    return dataclasses.replace(fit, vcov=fit.vcov * scale, n_params=k)
