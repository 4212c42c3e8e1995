"""Oster's selection bound: how much selection on unobservables it would take to explain a
coefficient away, from how the coefficient and R² move when the observed controls are added.

Oster, E. (2019). Unobservable selection and coefficient stability: theory and evidence.
*Journal of Business & Economic Statistics* 37(2), 187-204 (docs/estimation.md).

Inputs per coefficient, on one sample: the short regression's coefficient and R² (``b_short``,
``r2_short``: the treatment and the controls common to both models), the intermediate
regression's (``b_adj``, ``r2_adj``: plus the observed controls), the outcome's variance
``var_y``, the treatment's variance after the common controls ``var_x`` and after all the
intermediate model's regressors ``tau_x`` (the auxiliary regression), and R_max, the R² of a
hypothetical regression that also held the unobservables. Both R² must be centred R² over the
same rows with ``var_y`` the matching variance: the formulas use (R̃ − R̊)·σ_y² and
(R_max − R̃)·σ_y², the falls in residual variance. Any common divisor of the variances (n or
n − 1) cancels.
"""

from __future__ import annotations

import numpy as np

# Oster's default R_max: 1.3 times the intermediate regression's R² (at most 1).
R_MAX_FACTOR = 1.3


def r_max(r2_adj: float, factor: float = R_MAX_FACTOR) -> float:
    """Oster's R_max = min(factor · R̃², 1)."""
    return min(factor * r2_adj, 1.0)


def delta(b_short, r2_short, b_adj, r2_adj, var_y, var_x, tau_x, rmax, beta=0.0) -> np.ndarray:
    """δ: the degree of selection on unobservables relative to observables that would make the
    coefficient equal ``beta`` (0: explain it away): Oster (2019)'s closed form for δ given β
    and R_max (as in her Stata command psacalc). |δ| > 1 reads as: unobservables would
    have to matter more than the observables to bring the effect to ``beta``; a negative δ
    that they would have to select the other way. Arrays broadcast; NaN where undefined."""
    d_b = np.asarray(b_short, float) - np.asarray(b_adj, float)  # movement with the controls
    b = np.asarray(b_adj, float) - beta
    sx, tx = np.asarray(var_x, float), np.asarray(tau_x, float)
    gain = (np.asarray(r2_adj, float) - r2_short) * var_y  # variance the observables explained
    rest = (rmax - np.asarray(r2_adj, float)) * var_y  # left for the unobservables
    cubic = b**3 * (tx * sx - tx**2)
    num = b * gain * tx + b * sx * tx * d_b**2 + 2 * b**2 * tx * d_b * sx + cubic
    den = rest * d_b * sx + b * rest * (sx - tx) + b**2 * tx * d_b * sx + cubic
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den
    return np.where(np.isfinite(out), out, np.nan)


def beta_star(b_short, r2_short, b_adj, r2_adj, var_y, var_x, tau_x, rmax) -> np.ndarray:
    """The bias-adjusted coefficient β* under equal selection (δ = 1), Oster (2019)'s closed
    form for δ = 1: β* = β̃ − ν with ν the root of τ_x·Δ·σ_x²·ν² − Θ·ν − (R_max − R̃)σ_y²·Δ·σ_x²
    = 0 (Δ = β̊ − β̃, Θ = (R_max − R̃)σ_y²(σ_x² − τ_x) − (R̃ − R̊)σ_y²τ_x − σ_x²τ_xΔ²) that
    continues the movement from β̊ to β̃ (ν of Δ's sign; the roots' product −(R_max − R̃)σ_y²/τ_x
    is ≤ 0, so exactly one does; psacalc's choice). NaN where undefined."""
    b_adj = np.asarray(b_adj, float)
    d_b = np.asarray(b_short, float) - b_adj
    sx, tx = np.asarray(var_x, float), np.asarray(tau_x, float)
    gain = (np.asarray(r2_adj, float) - r2_short) * var_y
    rest = (rmax - np.asarray(r2_adj, float)) * var_y
    theta = rest * (sx - tx) - gain * tx - sx * tx * d_b**2
    root = np.sqrt(theta**2 + 4 * rest * tx * sx**2 * d_b**2)
    with np.errstate(divide="ignore", invalid="ignore"):
        # The same root in the form without cancellation for each sign of Θ; Δ = 0: ν = 0.
        nu = np.where(
            theta > 0,
            (theta + root) / (2 * tx * d_b * sx),
            2 * rest * d_b * sx / (root - theta),
        )
    nu = np.where(d_b == 0, 0.0, nu)
    out = b_adj - nu
    return np.where(np.isfinite(out), out, np.nan)
