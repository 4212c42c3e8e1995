"""A6 intervals that stay valid when caseworkers are ranked on noisy effects.

A citizen bootstrap resamples a world whose "true" caseworker effects are the noisy estimates,
so every replicate adds a second dose of noise: its intervals for a selected quartile or for the
spread of true effects are shifted and can exclude their own estimate. Here the world is drawn
from the empirical-Bayes model instead: true effects α_g ~ N(0, σ²) and estimates
α̂_g = α_g + ε_g with ε_g ~ N(0, se_g²), each caseworker's own standard error.

* SD of true effects: the method-of-moments statistic s² = var(α̂) − mean(se²) is simulated for
  every candidate σ with the same random numbers; the 95 % interval holds the σ whose central
  95 % of s² contains the observed one (a parametric bootstrap inverted into a confidence set,
  valid also when σ is near 0, where a bootstrap around σ̂ = 0 cannot reach the truth).
* Policy effect: θ = mean effect of the truly best quarter of caseworkers minus the
  caseload-weighted mean effect (the gain if every caseworker were as effective as that
  quarter). For drawn effects σ·z, θ = σ·t(z) with t the same statistic of standard normal
  effects, so the interval is [σ_lo·t_lo, σ_hi·t_hi] from a 96 % interval for σ and the
  0.5 %/99.5 % quantiles of t (Bonferroni: at least 95 % jointly). The point estimate is
  σ̂·mean(t), inside the interval whenever σ̂ is inside σ's.
* Noise alone: the raw quartile gap and the raw policy increase when σ = 0, i.e. what ranking
  pure noise of the same size produces, and the p-value of σ = 0 (share of those draws whose
  s² reaches the observed one).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from bip.analysis.a6_effects import _f

LEVEL = 0.95


def _top_mean(values: np.ndarray) -> np.ndarray:
    """Mean of the top quartile per row, sized as :func:`a6_effects.quartile_codes` does (the
    extra caseworkers go to the lower quartiles, so the top one has G // 4 members). The
    mean of the G // 4 largest values does not depend on which of tied values are taken, so
    a partition (O(G) per row) gives it; a full sort cost 2 s per call at national scale."""
    g = values.shape[-1]
    k = g // 4
    if k == 0:
        return np.full(values.shape[:-1], np.nan)
    return np.partition(values, g - k, axis=-1)[..., g - k :].mean(-1)


def policy_gain(alpha: np.ndarray, n_g: np.ndarray) -> np.ndarray:
    """θ per row of ``alpha`` (…, G): mean of the top quartile minus the n_g-weighted mean."""
    return _top_mean(alpha) - alpha @ (n_g / n_g.sum())


def _gap(values: np.ndarray) -> np.ndarray:
    """Mean of the top quartile minus mean of the bottom one, per row (quartile_codes sizes)."""
    g = values.shape[-1]
    bottom = -(-g // 4)  # the lowest quartile gets an extra one first
    top = g // 4
    if top == 0:
        return np.full(values.shape[:-1], np.nan)
    s = np.partition(values, [bottom - 1, g - top], axis=-1)
    return s[..., g - top :].mean(-1) - s[..., :bottom].mean(-1)


def _sd_interval(s2: float, vz, czw, vw, m2: float, alpha: float) -> tuple[float, float]:
    """σ with s² inside the central 1 − alpha of its simulated distribution (see module)."""

    def q(sigma: float, p: float) -> float:
        return float(np.quantile(sigma**2 * vz + 2 * sigma * czw + vw - m2, p))

    lo_p, hi_p = alpha / 2, 1 - alpha / 2
    if q(0.0, lo_p) > s2:  # less spread than the noise alone allows: only σ = 0 remains
        return 0.0, 0.0
    top = max(np.sqrt(max(s2, 0.0)), np.sqrt(m2), 1e-6)
    while q(top, lo_p) <= s2:
        top *= 2
    upper = brentq(lambda s: q(s, lo_p) - s2, 0.0, top, xtol=1e-7)
    lower = 0.0 if q(0.0, hi_p) >= s2 else brentq(lambda s: q(s, hi_p) - s2, 0.0, upper, xtol=1e-7)
    return float(lower), float(upper)


def eb_inference(
    raw: np.ndarray, se: np.ndarray, n_g: np.ndarray, n_draws: int, rng: np.random.Generator
) -> dict:
    """Intervals for the SD of true effects and the policy effect, and the noise-only gap.

    ``raw``: centred effects, ``se`` their standard errors, ``n_g`` measurements per caseworker.
    """
    g = len(raw)
    m2 = float(np.mean(se**2))
    s2 = float(np.var(raw, ddof=1)) - m2
    z = rng.standard_normal((n_draws, g))
    w = rng.standard_normal((n_draws, g)) * se
    zc, wc = z - z.mean(1, keepdims=True), w - w.mean(1, keepdims=True)
    # var(σz + w) = σ²·var(z) + 2σ·cov(z, w) + var(w), per draw
    vz = (zc * zc).sum(1) / (g - 1)
    czw = (zc * wc).sum(1) / (g - 1)
    vw = (wc * wc).sum(1) / (g - 1)
    sigma = np.sqrt(max(s2, 0.0))
    sd_lo, sd_hi = _sd_interval(s2, vz, czw, vw, m2, 1 - LEVEL)
    # the policy interval spends 4 % on σ and 1 % on t (module docstring)
    p_lo, p_hi = _sd_interval(s2, vz, czw, vw, m2, 0.04)
    t = policy_gain(z, n_g)
    t_lo, t_hi = np.quantile(t, [0.005, 0.995])
    noise_gap = _gap(w)
    noise_inc = policy_gain(w, n_g)
    return {
        "n_draws": n_draws,
        "true_effect_sd": _f(sigma),
        "true_effect_sd_ci": (_f(sd_lo), _f(sd_hi)),
        "policy_increase": _f(sigma * float(t.mean())),
        "policy_increase_ci": (_f(p_lo * t_lo), _f(p_hi * t_hi)),
        "noise_only_gap_mean": _f(noise_gap.mean()),
        "noise_only_gap_q95": _f(np.quantile(noise_gap, 0.95)),
        "noise_only_increase_mean": _f(noise_inc.mean()),
        "noise_only_increase_q95": _f(np.quantile(noise_inc, 0.95)),
        "p_value_no_spread": _f((1 + (vw - m2 >= s2).sum()) / (1 + n_draws)),
    }
