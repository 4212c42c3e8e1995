"""A4 Progression by activity combination (003 Figur 3-24; docs/estimation.md).

For each of the 20 items and both averages, two regressions over repeat measurements with
the progression present and the combination known:

* ``naive``: progression on the 16 combination dummies, no intercept. Each coefficient is
  the mean progression of its combination.
* ``adjusted``: the same dummies plus background controls and the previous level of the
  item, every control *demeaned over the regression's sample*, so that a dummy's
  coefficient is the expected progression with that combination for a citizen with average
  background at the average previous level (comparable with the naive one and with the
  synthetic cohort's planted ``tau``).

By default the outcome is standardised over the regression's own sample (mean 0, SD with
n − 1), so the coefficients are effect sizes d (Cohen's d) and ``100·Φ(d)`` is the
percentile a median citizen moves to. ``standardise=False`` gives raw answer units.
Intervals: CR1 clustered by citizen, t with G − 1 df (:mod:`bip.analysis.estimation`). A code
without observations in the sample gets nulls and ``n`` 0 (its dummy is left out).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from bip.analysis.common import CitizenCounter, codes, floats, known_repeats, num
from bip.analysis.estimation import CellDesign, EstimationError, Fit, cell_means
from bip.dataset.schema import EDUCATIONS, ORIGINS
from bip.panel import ALL_ITEMS
from bip.results import A4CombinationEffects
from bip.results.combination_effects import ItemModel

# Background controls of the adjusted model (panel columns; categories become dummies
# against their first level). Chosen as the variables 003 Tabel 4-9 show to differ between
# activity groups, plus the jobcentre (activity mix differs by jobcentre, 003 Tabel 4).
NUMERIC_CONTROLS = (
    "age",
    "female",
    "married",
    "n_children",
    "single_parent",
    "share5y_employed",
    "share5y_cash_benefit",
    "share5y_sickness_benefit",
    "share5y_education_su",
    "psych_light",
    "psych_severe",
    "som_musculo",
    "med_antidepressant",
    "med_antipsychotic",
    "med_painkiller",
    "gp_weeks_12m",
)
CATEGORY_CONTROLS = {"origin": ORIGINS, "education": EDUCATIONS}


def _controls(panel: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Background control matrix (NaN = missing) and its column names; empty columns dropped."""
    cols, names = [], []
    for c in NUMERIC_CONTROLS:
        v = floats(panel[c])
        if not np.isnan(v).all():
            cols.append(v)
            names.append(c)
    for c, levels in CATEGORY_CONTROLS.items():
        v = panel[c].astype("string")
        if v.isna().all():
            continue
        na = v.isna().to_numpy()
        for lev in levels[1:]:
            cols.append(
                np.where(na, np.nan, (v == lev).to_numpy(dtype=bool, na_value=False)).astype(float)
            )
            names.append(f"{c}_{lev}")
    # Jobcentre dummies against the first id in sorted order, from integer codes (one pass).
    jc, levels = pd.factorize(panel["jobcenter_id"].astype(str).to_numpy(), sort=True)
    for i, j in enumerate(levels[1:], start=1):
        cols.append((jc == i).astype(float))
        names.append(f"jobcenter_{j}")
    if not cols:
        return np.zeros((len(panel), 0)), []
    return np.column_stack(cols), names


class _Sample:
    """Repeat measurements with a known combination: cell and citizen codes, once."""

    def __init__(self, panel: pd.DataFrame) -> None:
        self.base = known_repeats(panel)
        comb = self.base["combination"].astype(str).to_numpy()
        self.code_list = codes()
        self.cells = (
            np.searchsorted(np.array(self.code_list), comb)
            if len(self.base)
            else np.zeros(0, dtype=int)
        )
        # Citizens as integer codes once (each fit takes a subset of them as cluster ids).
        self.cit = pd.factorize(self.base["citizen_id"].to_numpy())[0]


def naive_model(
    panel: pd.DataFrame,
    *,
    items: tuple[str, ...] = ALL_ITEMS,
    standardise: bool = True,
    level: float = 0.95,
) -> dict[str, ItemModel]:
    """A4's naive model per item: mean progression per combination code (dummies only, no
    intercept), CR1 intervals by citizen. Needs ``is_repeat``, ``combination``,
    ``citizen_id`` and ``d_<item>`` only."""
    s = _Sample(panel)
    out = {}
    for item in items:
        d = floats(s.base[f"d_{item}"])
        out[item] = _fit(d, None, s, ~np.isnan(d), standardise, level)
    return out


def run(
    panel: pd.DataFrame,
    *,
    standardise: bool = True,
    level: float = 0.95,
    items: tuple[str, ...] = ALL_ITEMS,
) -> A4CombinationEffects:
    """A4 results: ``naive`` and ``adjusted`` per item, per code."""
    s = _Sample(panel)
    background, bg_names = _controls(s.base)
    bg_complete = ~np.isnan(background).any(axis=1)
    controls = ["previous_level", *bg_names]
    design = CellDesign(s.cells, s.code_list, background, s.cit, control_names=controls)
    naive, adjusted = {}, {}
    for item in items:
        d = floats(s.base[f"d_{item}"])
        prev = floats(s.base[item]) - d
        ok = ~np.isnan(d)
        naive[item] = _fit(d, None, s, ok, standardise, level)
        ok_adj = ok & bg_complete & ~np.isnan(prev)
        adjusted[item] = _fit(d, (design, prev), s, ok_adj, standardise, level)
    return A4CombinationEffects(
        standardised=standardise,
        level=level,
        naive=naive,
        adjusted=adjusted,
        adjusted_controls=tuple(controls),
    )


def _fit(d, controls, s: _Sample, ok, standardise, level) -> ItemModel:
    y = d[ok]
    n = len(y)
    mean = float(y.mean()) if n else np.nan
    sd = float(y.std(ddof=1)) if n > 1 else np.nan
    if standardise:
        y = (y - mean) / sd if n > 1 and sd > 0 else np.full(n, np.nan)
    c_ok = s.cells[ok]
    counts = np.bincount(c_ok, minlength=len(s.code_list))
    g = s.cit[ok]
    count = CitizenCounter(g)
    fit: Fit | None = None
    if n and not np.isnan(y).any():
        try:
            if controls is None:
                # Dummies only: the closed form (cell means) gives the same numbers in O(N).
                fit = cell_means(c_ok, y, g, names=s.code_list)
            else:
                # Previous level and background, demeaned over the sample (see CellDesign).
                design, prev = controls
                y_full = np.zeros(len(d))
                y_full[ok] = y
                fit = design.fit(ok, prev, y_full)
        except EstimationError:
            fit = None
    est: dict[str, tuple] = {}
    if fit is not None:
        lo, hi = fit.conf_int(level)
        p = fit.pvalue
        for j, name in enumerate(fit.names):
            est[name] = (fit.coef[j], fit.se[j], lo[j], hi[j], p[j])
    per_code = {}
    for j, code in enumerate(s.code_list):
        row = {
            "estimate": None,
            "se": None,
            "ci_low": None,
            "ci_high": None,
            "p_value": None,
            "percentile": None,
            "n": int(counts[j]),
            "n_citizens": count(c_ok == j) if counts[j] else 0,
        }
        if code in est:
            b, se, lo_j, hi_j, p_j = est[code]
            row.update(
                estimate=num(b), se=num(se), ci_low=num(lo_j), ci_high=num(hi_j), p_value=num(p_j)
            )
            if standardise:
                row["percentile"] = num(100 * stats.norm.cdf(b))
        per_code[code] = row
    return ItemModel.model_validate(
        {
            "n": int(n),
            "n_citizens": count(),
            "mean": num(mean),
            "sd": num(sd),
            "df": fit.df if fit else None,
            "t_crit": num(fit.t_crit(level)) if fit else None,
            "r2": num(fit.r2) if fit else None,
            "codes": per_code,
        }
    )
