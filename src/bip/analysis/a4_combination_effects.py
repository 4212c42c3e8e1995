"""A4 Progression by activity combination (003 Figur 3-24; SPEC §4-§5).

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
Intervals: CR1 clustered by citizen, t with G − 1 df (:mod:`bip.analysis.ols`). A code
without observations in the sample gets nulls and ``n`` 0 (its dummy is left out).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from bip.analysis.common import CitizenCounter, codes, floats, num
from bip.analysis.ols import CellsDesign, Fit, cluster_means
from bip.dataset.schema import EDUCATIONS, ORIGINS
from bip.panel import ALL_ITEMS

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
    jc = panel["jobcenter_id"].astype(str).to_numpy()
    for j in sorted(set(jc))[1:]:
        cols.append((jc == j).astype(float))
        names.append(f"jobcenter_{j}")
    if not cols:
        return np.zeros((len(panel), 0)), []
    return np.column_stack(cols), names


def run(
    panel: pd.DataFrame,
    *,
    standardise: bool = True,
    level: float = 0.95,
    items: tuple[str, ...] = ALL_ITEMS,
) -> dict:
    """A4 results: ``naive`` and ``adjusted`` per item, per code, plus the method notes."""
    base = panel[panel["is_repeat"].to_numpy() & panel["combination"].notna().to_numpy()]
    comb = base["combination"].astype(str).to_numpy()
    code_list = codes()
    cells = np.searchsorted(np.array(code_list), comb) if len(base) else np.zeros(0, dtype=int)
    # Citizens as integer codes once (the OLS takes subsets of them as cluster ids).
    cit = pd.factorize(base["citizen_id"].to_numpy())[0]
    background, bg_names = _controls(base)
    bg_complete = ~np.isnan(background).any(axis=1)
    design = CellsDesign(cells, len(code_list), background, cit)
    naive, adjusted = {}, {}
    for item in items:
        d = floats(base[f"d_{item}"])
        current = floats(base[item])
        prev = current - d
        ok = ~np.isnan(d)
        naive[item] = _fit(d, None, cit, ok, standardise, level, code_list, cells)
        ok_adj = ok & bg_complete & ~np.isnan(prev)
        adjusted[item] = _fit(d, (design, prev), cit, ok_adj, standardise, level, code_list, cells)
    return {
        "standardised": standardise,
        "level": level,
        "naive": naive,
        "adjusted": adjusted,
        "adjusted_controls": ["previous_level", *bg_names],
        "method": {
            "estimator": "OLS, no intercept, one dummy per combination code present in the sample",
            "standardisation": "outcome minus its mean, divided by its SD (n-1), over each regression's own sample"
            if standardise
            else "none (raw answer units)",
            "controls": "adjusted model: controls demeaned over the regression's sample; rows with a missing control dropped",
            "se": "CR1 cluster-robust by citizen: G/(G-1)*(N-1)/(N-K)",
            "critical_value": "Student t with G-1 degrees of freedom, G = citizens in the sample",
        },
    }


def _fit(d, controls, cit, ok, standardise, level, code_list, cells) -> dict:
    y = d[ok]
    n = len(y)
    mean = float(y.mean()) if n else np.nan
    sd = float(y.std(ddof=1)) if n > 1 else np.nan
    if standardise:
        y = (y - mean) / sd if n > 1 and sd > 0 else np.full(n, np.nan)
    c_ok = cells[ok]
    counts = np.bincount(c_ok, minlength=len(code_list))
    used = counts > 0
    g = cit[ok]
    count = CitizenCounter(g)
    res: dict = {"n": int(n), "n_citizens": count(), "mean": num(mean), "sd": num(sd)}
    if n == 0 or np.isnan(y).any():
        fit = None
    elif controls is None:
        # Dummies only: the closed form (cell means) gives the same numbers in O(N).
        full = cluster_means(cells[ok], len(code_list), y, g, level=level)
        fit = _select(full, used)
    else:
        # Previous level and background, demeaned over the sample (see CellsDesign).
        design, prev = controls
        y_full = np.zeros(len(d))
        y_full[ok] = y
        fit = design.fit(ok, prev, y_full, level=level)
    res["df"] = fit.df if fit else None
    res["t_crit"] = num(fit.t_crit) if fit else None
    res["r2"] = num(fit.r2) if fit else None
    per_code = {}
    col = 0
    for j, code in enumerate(code_list):
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
        if used[j]:
            if fit is not None:
                b, lo, hi = fit.beta[col], fit.ci_low[col], fit.ci_high[col]
                row.update(
                    estimate=num(b),
                    se=num(fit.se[col]),
                    ci_low=num(lo),
                    ci_high=num(hi),
                    p_value=num(fit.p_value[col]),
                )
                if standardise:
                    row["percentile"] = num(100 * stats.norm.cdf(b))
            col += 1
        per_code[code] = row
    res["codes"] = per_code
    return res


def _select(fit: Fit, used: np.ndarray) -> Fit:
    """Keep the used cells' entries, in order, so columns line up as with cluster_ols."""
    return Fit(
        fit.beta[used],
        fit.se[used],
        fit.ci_low[used],
        fit.ci_high[used],
        fit.p_value[used],
        fit.n,
        fit.n_clusters,
        fit.k,
        fit.df,
        fit.t_crit,
        fit.r2,
    )
