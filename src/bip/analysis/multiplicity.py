"""Multiple comparisons for a family of coefficients: Benjamini–Hochberg q-values, and the
Romano–Wolf stepdown familywise p-values with the matching simultaneous (sup-t) band.

The rule BIP reports by: a coefficient is called significant only when its familywise
(Romano–Wolf) p-value is below 1 − level; q-values (false discovery rate) are given beside.

The joint null distribution has the coefficients' estimated correlation and each one's t
distribution (:func:`joint_draws`). Every t, observed or drawn, is put on the normal scale
through its own degrees of freedom (z = Φ⁻¹(1 − p/2), p from Student's t), so coefficients
with few Bell–McCaffrey df are not treated as if they had many; the band maps the sup-t
critical value back to each coefficient's t in the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special, stats

# Draws of the joint null distribution: the Monte Carlo error of a familywise p near 0.05 is
# about sqrt(0.05 · 0.95 / 5,000) = 0.003.
DRAWS = 5_000
# |t| grid of the t → normal-scale map (fine where the tails matter, coarse far out).
_T_GRID = np.r_[np.linspace(0, 12, 1201), np.geomspace(12.05, 1e4, 200)]


def bh_qvalues(p) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values); NaN p-values stay NaN and do not
    count towards the family size."""
    p = np.asarray(p, dtype=float)
    q = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return q
    pv = p[ok]
    order = np.argsort(pv)
    ranked = pv[order] * m / np.arange(1, m + 1)
    adj = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(adj, 1.0)
    q[ok] = out
    return q


def joint_draws(vcov: np.ndarray, draws: int = DRAWS, seed: int = 0, df=None) -> np.ndarray:
    """|Z| for ``draws`` draws of Z ~ N(0, R), R the correlation of ``vcov`` (draws × p).
    A singular R (e.g. coefficients that are linear combinations of others) is fine.

    With ``df`` (one per coefficient) each coordinate is a t: Z_j divided by its own
    independent sqrt(χ²_df / df), then put back on the normal scale through its df. This keeps
    each t's heavy tails in the maximum without assuming its SE moves with the others'."""
    sd = np.sqrt(np.clip(np.diag(vcov), 0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        r = vcov / np.outer(sd, sd)
    r = np.nan_to_num(r)
    np.fill_diagonal(r, 1.0)
    lam, q = np.linalg.eigh(r)
    root = q * np.sqrt(np.clip(lam, 0, None))
    rng = np.random.default_rng(seed)
    z = np.abs(rng.standard_normal((draws, len(sd))) @ root.T)
    if df is None:
        return z
    d = np.broadcast_to(np.asarray(df, dtype=float), sd.shape)
    t = z / np.sqrt(rng.chisquare(d, size=z.shape) / d)
    # Each coefficient's map |t| → z, tabulated once on a fine grid and interpolated: exact
    # evaluation of the t tail for every draw costs ~30x more; the interpolation error is
    # below 1e-5 in z for |t| <= 10 (measured for df 1.5 to 1e5).
    out = np.empty_like(t)
    for j in range(t.shape[1]):
        out[:, j] = np.interp(t[:, j], _T_GRID, _t_to_z(_T_GRID, d[j]))
    return out


def _t_to_z(t, df) -> np.ndarray:
    """|t| with ``df`` degrees of freedom on the normal scale: Φ⁻¹(1 − P(T > |t|))."""
    return -special.ndtri(np.clip(special.stdtr(df, -np.abs(t)), 1e-300, 0.5))


@dataclass(frozen=True)
class Family:
    """Familywise results of one family, aligned with its input: ``p_familywise`` (Romano–Wolf
    stepdown), the band's ``band_low``/``band_high``, ``q_value`` (BH) and the band's common
    critical value on the normal scale ``z_crit`` (with its familywise level ``alpha_each``
    for one coefficient)."""

    p_familywise: np.ndarray
    q_value: np.ndarray
    band_low: np.ndarray
    band_high: np.ndarray
    z_crit: float
    alpha_each: float


def family(
    estimate,
    se,
    df,
    vcov: np.ndarray,
    *,
    level: float = 0.95,
    draws: int = DRAWS,
    seed: int = 0,
    null=0.0,
    z_abs: np.ndarray | None = None,
) -> Family:
    """Multiplicity of one family of coefficients (NaN entries are left out and get NaN).

    ``vcov`` is the joint covariance of the estimates (only its correlation is used), ``df``
    each t's degrees of freedom, ``null`` the value each coefficient is tested against.
    ``z_abs`` reuses :func:`joint_draws` of the defined entries (the same family tested
    against another null).
    """
    b = np.asarray(estimate, dtype=float)
    s = np.asarray(se, dtype=float)
    d = np.broadcast_to(np.asarray(df, dtype=float), b.shape)
    h0 = np.broadcast_to(np.asarray(null, dtype=float), b.shape)
    ok = ~(np.isnan(b) | np.isnan(s) | np.isnan(d)) & (s > 0)
    nan = np.full(b.shape, np.nan)
    pf, lo, hi = nan.copy(), nan.copy(), nan.copy()
    t = (b - h0) / np.where(ok, s, 1.0)
    p = np.where(ok, 2 * stats.t.sf(np.abs(t), np.where(ok, d, 1.0)), np.nan)
    q = bh_qvalues(p)
    if not ok.any():
        return Family(pf, q, lo, hi, float("nan"), float("nan"))
    idx = np.flatnonzero(ok)
    if z_abs is None:
        z_abs = joint_draws(np.asarray(vcov)[np.ix_(idx, idx)], draws, seed, d[idx])
    draws = z_abs.shape[0]
    z_obs = _t_to_z(np.abs(t[idx]), d[idx])
    order = np.argsort(-z_obs)
    # Stepdown: the k-th largest is compared with the max over itself and all smaller ones.
    tail_max = np.maximum.accumulate(z_abs[:, order][:, ::-1], axis=1)[:, ::-1]
    raw = ((tail_max >= z_obs[order][None, :]).sum(axis=0) + 1) / (draws + 1)
    # Never below the test's own p (the draws' Monte Carlo error could put it there).
    adj = np.minimum(np.maximum(np.maximum.accumulate(raw), p[idx][order]), 1.0)
    pf[idx[order]] = adj
    z_crit = float(np.quantile(tail_max[:, 0], level))
    alpha_each = float(2 * stats.norm.sf(z_crit))
    half = stats.t.isf(alpha_each / 2, d[idx]) * s[idx]
    lo[idx], hi[idx] = b[idx] - half, b[idx] + half
    return Family(pf, q, lo, hi, z_crit, alpha_each)
