"""A4's selection robustness (docs/estimation.md): Oster's δ and bias-adjusted coefficient per
combination, from the naive → adjusted movement, and a citizen fixed-effects model.

* :func:`oster_model`: per combination of the adjusted model, the δ that would make its
  coefficient 0 and β* at δ = 1 (:mod:`bip.analysis.oster`). The short regression is the
  naive model refitted on the adjusted model's rows (the same standardised outcome), so both
  R² are centred R² of one sample: the 16 dummies span the intercept, and the engine's
  ``Fit.r2`` is the centred R² of each fit. Each coefficient is the dummy's, the other 15
  dummies being the controls common to both models (Frisch–Waugh): its treatment variance
  is n_j / (n − 1) (the dummies are orthogonal) and τ_x, its variance after every regressor of
  the adjusted model, 1 / ((n − 1)·B_jj) with B the adjusted fit's bread.
* :func:`citizen_fe`: progression on the combination dummies with citizen fixed effects
  absorbed (one dummy, the reference, left out), CR1 by citizen with the fixed effects nested
  in the clusters counted as fixest does. A combination's effect is identified only from
  citizens who had it at one repeat measurement and another combination at another; their
  number is reported per combination.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from bip.analysis import oster
from bip.analysis.common import num
from bip.analysis.estimation import (
    Clustered,
    EstimationError,
    Factor,
    Fit,
    cell_means,
    nested_fe_fit,
    ols,
)

# The combination the fixed-effects contrasts are measured against (no activity).
REFERENCE = "0000"


def oster_model(
    fit_adj: Fit,
    y: np.ndarray,
    cells: np.ndarray,
    clusters: np.ndarray,
    code_list: list[str] | tuple[str, ...],
    r_max_factor: float = oster.R_MAX_FACTOR,
) -> dict:
    """Oster's δ (for β = 0) and β*(δ = 1) per combination of one item's adjusted model.

    ``y``, ``cells`` and ``clusters`` are the adjusted fit's rows (its outcome as fitted)."""
    short = cell_means(cells, y, clusters, names=code_list)
    n = len(y)
    var_y = float(y.var(ddof=1))
    rmax = oster.r_max(fit_adj.r2, r_max_factor)
    counts = np.bincount(cells, minlength=len(code_list))
    pos = [code_list.index(nm) for nm in fit_adj.names]
    b_short = np.array([short.coef[short.names.index(nm)] for nm in fit_adj.names])
    var_x = counts[pos] / (n - 1)
    with np.errstate(divide="ignore"):
        tau_x = 1.0 / ((n - 1) * np.diag(fit_adj.bread))
    args = (b_short, short.r2, fit_adj.coef, fit_adj.r2, var_y, var_x, tau_x, rmax)
    d, bs = oster.delta(*args), oster.beta_star(*args)
    return {
        "r2_short": num(short.r2),
        "r2_adjusted": num(fit_adj.r2),
        "r_max": num(rmax),
        "r_max_factor": r_max_factor,
        "n": n,
        "codes": {
            nm: {
                "estimate_short": num(b_short[j]),
                "estimate_adjusted": num(fit_adj.coef[j]),
                "delta": num(d[j]),
                "beta_star": num(bs[j]),
            }
            for j, nm in enumerate(fit_adj.names)
        },
    }


def within_citizens(cells: np.ndarray, cit: np.ndarray, n_cells: int) -> tuple[np.ndarray, int]:
    """Per cell, the citizens who had it and another cell (those the fixed-effects model
    learns the cell's effect from), and the citizens with more than one cell."""
    size = int(cit.max()) + 1 if len(cit) else 0
    seen = np.bincount(cit * n_cells + cells, minlength=size * n_cells).reshape(-1, n_cells) > 0
    multi = seen.sum(axis=1) >= 2
    return (seen & multi[:, None]).sum(axis=0), int(multi.sum())


def citizen_fe(
    y: np.ndarray,
    cells: np.ndarray,
    cit: np.ndarray,
    code_list: list[str] | tuple[str, ...],
    level: float = 0.95,
    reference: str = REFERENCE,
) -> dict:
    """One item's citizen fixed-effects model (the naive model's rows and outcome).

    Per combination: ``contrast`` against ``reference`` with its CR1 interval (t with
    citizens − 1 df), and ``estimate``, the same effects centred on their mean weighted by the
    combinations' measurements, as the naive d is (its interval from the contrasts' joint
    covariance). ``None`` where the model cannot be estimated."""
    k = len(code_list)
    counts = np.bincount(cells, minlength=k)
    within, n_multi = within_citizens(cells, cit, k)
    n_cit = int(np.count_nonzero(np.bincount(cit))) if len(cit) else 0
    used = [j for j in range(k) if counts[j] > 0]
    if reference not in code_list or counts[code_list.index(reference)] == 0:
        reference = code_list[max(used, key=lambda j: counts[j])] if used else reference
    ref = code_list.index(reference)
    others = [j for j in used if j != ref]
    names = [code_list[j] for j in others]
    fit = None
    if others and n_multi >= 2 and not np.isnan(y).any():
        X = (cells[:, None] == np.array(others)[None, :]).astype(float)
        try:
            fit = nested_fe_fit(
                ols(y, X, names=names, absorb=Factor.of(cit), covariance=Clustered(cit))
            )
        except EstimationError:
            fit = None
    out: dict = {
        "reference": reference,
        "n": len(y),
        "n_citizens": n_cit,
        "n_citizens_within": n_multi,
        "df": fit.df if fit else None,
        "r2_within": num(fit.r2_within) if fit else None,
        "codes": {},
    }
    rows = {}
    if fit is not None:
        # The estimated contrasts with the reference's 0, and their covariance (zero row).
        est = [ref, *(code_list.index(nm) for nm in fit.names)]
        theta = np.r_[0.0, fit.coef]
        V = np.zeros((len(est), len(est)))
        V[1:, 1:] = fit.vcov
        w = counts[est] / counts[est].sum()
        M = np.eye(len(est)) - w[None, :]  # centring: theta - w'theta
        centred, v_c = M @ theta, M @ V @ M.T
        q = fit.t_crit(level)
        for i, j in enumerate(est):
            rows[j] = {
                **_interval(theta[i], V[i, i], q, fit.df, "contrast"),
                **_interval(centred[i], v_c[i, i], q, fit.df, ""),
            }
    for j, code in enumerate(code_list):
        row = {"n": int(counts[j]), "n_citizens_within": int(within[j])}
        row.update(rows.get(j, {}))
        out["codes"][code] = row
    return out


def _interval(b: float, var: float, q: float, df, prefix: str) -> dict:
    """Estimate, se, interval and p-value of one coefficient under keys with ``prefix``."""
    key = (prefix + "_") if prefix else ""
    se = float(np.sqrt(max(var, 0.0)))
    if prefix == "contrast" and se == 0.0:  # the reference itself: 0 by definition
        return {"contrast": 0.0}
    p = 2 * stats.t.sf(abs(b) / se, df) if se > 0 else None
    return {
        (prefix or "estimate"): num(b),
        key + "se": num(se) if se > 0 else None,
        key + "ci_low": num(b - q * se) if se > 0 else None,
        key + "ci_high": num(b + q * se) if se > 0 else None,
        key + "p_value": num(p),
    }
