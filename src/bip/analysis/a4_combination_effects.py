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
Intervals: CR2 clustered by citizen, t with each code's own Bell–McCaffrey df; beside the
centred d (the sources'), d against zero progression; BH q-values, Romano–Wolf familywise
p-values and a simultaneous band over each model's grid (:mod:`bip.analysis.a4_inference`).
A code without observations in the sample gets nulls and ``n`` 0 (its dummy is left out).
For the two averages, selection robustness (:mod:`bip.analysis.a4_robustness`): Oster's δ and
bias-adjusted d per combination of the adjusted model, and a citizen fixed-effects model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from bip.analysis import a4_inference, a4_robustness
from bip.analysis.common import codes, floats, known_repeat_rows, num
from bip.analysis.estimation import CellDesign, EstimationError, Fit, cell_means
from bip.dataset.schema import EDUCATIONS, ORIGINS
from bip.panel import ALL_ITEMS
from bip.results import A4CombinationEffects
from bip.results.combination_effects import A4Family, FixedEffectsModel, ItemModel, OsterModel

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


def _controls(base: _Sample) -> tuple[np.ndarray, list[str], np.ndarray, list[str]]:
    """Background controls: the numeric matrix (NaN = missing) and its column names (empty
    columns dropped), and the jobcentre as level codes (dummies against the first id in sorted
    order) with its dummies' names. Category levels become dummies against their first level."""
    cols, names = [], []
    for c in NUMERIC_CONTROLS:
        v = base.floats(c)
        if not np.isnan(v).all():
            cols.append(v)
            names.append(c)
    for c, levels in CATEGORY_CONTROLS.items():
        # Each distinct value is mapped to its level once (-1: missing or not a listed level,
        # a 0 on every dummy), not each row's string.
        seen, values = pd.factorize(base.column(c))
        if (seen < 0).all():
            continue
        code = pd.Index(levels).get_indexer([str(x) for x in values])[seen]
        for j, lev in enumerate(levels[1:], start=1):
            cols.append(np.where(seen < 0, np.nan, (code == j).astype(float)))
            names.append(f"{c}_{lev}")
    jc, jc_levels = _sorted_codes(base.column("jobcenter_id"))
    jc_names = [f"jobcenter_{j}" for j in jc_levels[1:]]
    B = np.column_stack(cols) if cols else np.zeros((base.n, 0))
    return B, names, jc, jc_names


def _sorted_codes(values: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Codes of the values' strings in sorted order (a missing value is the string of its
    missing marker, as ``astype(str)`` makes it), converting each distinct value once."""
    seen, uniq = pd.factorize(values, use_na_sentinel=False)
    labels = np.array([str(x) for x in uniq])
    order = np.argsort(labels, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[seen], list(labels[order])


def _dummies(codes: np.ndarray, n_levels: int) -> np.ndarray:
    """Dense dummies of levels 1 … n_levels − 1 (level 0 the reference)."""
    return (codes[:, None] == np.arange(1, n_levels)[None, :]).astype(float)


class _Sample:
    """Repeat measurements with a known combination: cell and citizen codes, once; columns
    are taken from the panel on demand (never a copy of the whole panel's rows)."""

    def __init__(self, panel: pd.DataFrame) -> None:
        self.panel = panel
        self.rows = np.flatnonzero(known_repeat_rows(panel))
        self.n = len(self.rows)
        comb = self.column("combination").astype(str)
        self.code_list = codes()
        self.cells = (
            np.searchsorted(np.array(self.code_list), comb) if self.n else np.zeros(0, dtype=int)
        )
        # Citizens as integer codes once (each fit takes a subset of them as cluster ids).
        self.cit = pd.factorize(self.column("citizen_id"))[0]

    def column(self, name: str) -> np.ndarray:
        """The sample's values of one panel column."""
        return self.panel[name].to_numpy()[self.rows]

    def floats(self, name: str) -> np.ndarray:
        """One numeric column over the sample as float64 with NaN for missing."""
        return floats(self.panel[name].iloc[self.rows])

    def citizens_per_cell(self, ok: np.ndarray) -> tuple[list[int], int]:
        """Distinct citizens per cell, and in all, among the sample's rows of ``ok``."""
        k = len(self.code_list)
        size = (int(self.cit.max()) + 1) * k if self.n else 0
        seen = np.bincount(self.cit[ok] * k + self.cells[ok], minlength=size).reshape(-1, k) > 0
        return [int(x) for x in seen.sum(axis=0)], int(seen.any(axis=1).sum())


# CR2 needs each model's dense design (rows × columns) and its hat matrix per citizen. Above
# this many design entries (an 80 MB design; the adjusted model of a national-size panel with
# ~120 jobcentre dummies is ~240 M) the model falls back to CR1 with each code's own df
# (its citizens − 1): there every code has hundreds of citizens, where CR2 and CR1 agree
# (docs/estimation.md) and the dense design would cost minutes and gigabytes per item.
CR2_MAX_ENTRIES = 10_000_000

# Items of the selection-robustness checks (Oster's bound, citizen fixed effects): the two
# averages the report shows; each costs about one more fit of the item.
ROBUST_ITEMS = ("B_avg", "S_avg")


def _cr2_fits(n_rows: int, n_columns: int) -> bool:
    return n_rows * n_columns <= CR2_MAX_ENTRIES


def naive_model(
    panel: pd.DataFrame,
    *,
    items: tuple[str, ...] = ALL_ITEMS,
    standardise: bool = True,
    level: float = 0.95,
) -> dict[str, ItemModel]:
    """A4's naive model per item: mean progression per combination code (dummies only, no
    intercept), CR2 intervals by citizen, the multiplicity rule over ``items``. Needs
    ``is_repeat``, ``combination``, ``citizen_id`` and ``d_<item>`` only."""
    s = _Sample(panel)
    use_cr2 = _cr2_fits(s.n, len(s.code_list))
    out = {}
    for item in items:
        d = s.floats(f"d_{item}")
        out[item] = _fit(d, None, s, ~np.isnan(d), standardise, level, use_cr2)[:2]
    return _validated(out, s, level)[0]


def _validated(fits: dict, s: _Sample, level: float) -> tuple[dict[str, ItemModel], dict]:
    """The family step over one model's items, then the typed records."""
    per_item = {item: row for item, (row, _) in fits.items()}
    infs = {item: inf for item, (_, inf) in fits.items() if inf is not None}
    counts = a4_inference.families(per_item, infs, int(s.cit.max()) + 1 if len(s.cit) else 0, level)
    return {k: ItemModel.model_validate(v) for k, v in per_item.items()}, counts


def run(
    panel: pd.DataFrame,
    *,
    standardise: bool = True,
    level: float = 0.95,
    items: tuple[str, ...] = ALL_ITEMS,
    robust_items: tuple[str, ...] = ROBUST_ITEMS,
    r_max_factor: float = a4_robustness.oster.R_MAX_FACTOR,
) -> A4CombinationEffects:
    """A4 results: ``naive`` and ``adjusted`` per item, per code; for ``robust_items`` also
    Oster's bound (R_max = min(``r_max_factor`` · R̃², 1)) and the citizen fixed-effects model
    (:mod:`bip.analysis.a4_robustness`)."""
    s = _Sample(panel)
    background, bg_names, jc, jc_names = _controls(s)
    bg_complete = ~np.isnan(background).any(axis=1)
    controls = ["previous_level", *bg_names, *jc_names]
    design = CellDesign(s.cells, s.code_list, background, s.cit, control_names=controls, factor=jc)
    n_columns = len(s.code_list) + len(controls)
    use_cr2 = {
        "naive": _cr2_fits(s.n, len(s.code_list)),
        "adjusted": _cr2_fits(s.n, n_columns),
    }
    # CR2 builds each model's dense design; only then the jobcentre dummies are formed.
    if use_cr2["adjusted"]:
        background = np.column_stack([background, _dummies(jc, len(jc_names) + 1)])
    naive, adjusted, osters, fes = {}, {}, {}, {}
    for item in items:
        d = s.floats(f"d_{item}")
        prev = s.floats(item) - d
        ok = ~np.isnan(d)
        naive[item] = _fit(d, None, s, ok, standardise, level, use_cr2["naive"])[:2]
        ok_adj = ok & bg_complete & ~np.isnan(prev)
        row, inf, fit_adj = _fit(
            d, (design, prev, background), s, ok_adj, standardise, level, use_cr2["adjusted"]
        )
        adjusted[item] = (row, inf)
        if item in robust_items:
            o, fe = _robustness(
                d, ok, ok_adj & design.valid, fit_adj, s, standardise, r_max_factor, level
            )
            if o is not None:
                osters[item] = o
            fes[item] = fe
    fams = []
    models = {}
    for which, fits in (("naive", naive), ("adjusted", adjusted)):
        models[which], counts = _validated(fits, s, level)
        for against, (n_tests, n_p, n_q, n_fw, z) in counts.items():
            fams.append(
                A4Family(
                    model=which,  # type: ignore[arg-type]
                    against=against,  # type: ignore[arg-type]
                    n_tests=n_tests,
                    n_unadjusted=n_p,
                    n_bh=n_q,
                    n_familywise=n_fw,
                    z_crit=num(z),
                    draws=a4_inference.multiplicity.DRAWS,
                )
            )
    return A4CombinationEffects(
        standardised=standardise,
        level=level,
        naive=models["naive"],
        adjusted=models["adjusted"],
        adjusted_controls=tuple(controls),
        families=tuple(fams),
        cell_covariance={k: "CR2" if v else "CR1" for k, v in use_cr2.items()},
        oster=osters or None,
        citizen_fe=fes or None,
    )


def _robustness(d, ok, ok_adj, fit_adj, s: _Sample, standardise, r_max_factor, level):
    """One item's Oster bound (on the adjusted fit's rows) and citizen fixed-effects model
    (on the naive model's rows), as typed records; no Oster bound without an adjusted fit."""
    o = None
    if fit_adj is not None:
        y_adj = _outcome(d, ok_adj, standardise)[0]
        o = OsterModel.model_validate(
            a4_robustness.oster_model(
                fit_adj, y_adj, s.cells[ok_adj], s.cit[ok_adj], s.code_list, r_max_factor
            )
        )
    y = _outcome(d, ok, standardise)[0]
    fe = a4_robustness.citizen_fe(y, s.cells[ok], s.cit[ok], s.code_list, level)
    return o, FixedEffectsModel.model_validate(fe)


def _outcome(d: np.ndarray, ok: np.ndarray, standardise: bool) -> tuple[np.ndarray, float, float]:
    """The model's outcome over the rows ``ok`` (standardised over them if asked: mean 0,
    SD with n − 1), its raw mean and SD."""
    y = d[ok]
    n = len(y)
    mean = float(y.mean()) if n else np.nan
    sd = float(y.std(ddof=1)) if n > 1 else np.nan
    if standardise:
        y = (y - mean) / sd if n > 1 and sd > 0 else np.full(n, np.nan)
    return y, mean, sd


def _fit(d, controls, s: _Sample, ok, standardise, level, use_cr2: bool = True):
    """One item's model: the record's fields (before the family step), its CR2 parts (CR1
    with each code's own df when ``use_cr2`` is false) and the fast path's fit (or None)."""
    y, mean, sd = _outcome(d, ok, standardise)
    n = len(y)
    c_ok = s.cells[ok]
    counts = np.bincount(c_ok, minlength=len(s.code_list))
    g = s.cit[ok]
    # citizens per code: the records' n_citizens and the CR1 fallback's df
    cit_per_code, n_cit = s.citizens_per_cell(ok)
    fit: Fit | None = None
    if n and not np.isnan(y).any():
        try:
            if controls is None:
                # Dummies only: the closed form (cell means) gives the same numbers in O(N).
                fit = cell_means(c_ok, y, g, names=s.code_list)
            else:
                # Previous level and background, demeaned over the sample (see CellDesign).
                design, prev, _ = controls
                y_full = np.zeros(len(d))
                y_full[ok] = y
                fit = design.fit(ok, prev, y_full)
        except EstimationError:
            fit = None
    inf = None
    cr2_rows: dict[str, dict] = {}
    if fit is not None:
        if use_cr2:
            ctrl = None if controls is None else np.column_stack([controls[1][ok], controls[2][ok]])
            try:
                inf = a4_inference.cell_cr2(y, c_ok, s.code_list, g, ctrl)
            except EstimationError:
                inf = None
        else:
            df = [cit_per_code[s.code_list.index(nm)] - 1 for nm in fit.names]
            inf = a4_inference.cell_cr1(fit, np.array(df, dtype=float))
        if inf is not None:
            shift = mean / sd if standardise else 0.0
            cr2_rows = a4_inference.code_rows(inf, level, shift)
    est = {nm: float(b) for nm, b in zip(fit.names, fit.coef, strict=True)} if fit else {}
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
            "n_citizens": cit_per_code[j],
        }
        if code in est:
            b = est[code]
            row["estimate"] = num(b)
            row.update({k: num(v) for k, v in cr2_rows.get(code, {}).items()})
            if standardise:
                row["percentile"] = num(100 * stats.norm.cdf(b))
        per_code[code] = row
    return (
        {
            "n": int(n),
            "n_citizens": n_cit,
            "mean": num(mean),
            "sd": num(sd),
            "df": fit.df if fit else None,
            "t_crit": num(fit.t_crit(level)) if fit else None,
            "r2": num(fit.r2) if fit else None,
            "codes": per_code,
        },
        inf,
        fit,
    )
