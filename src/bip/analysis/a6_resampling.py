"""A6 beyond 004, by resampling: split-half reliability of the caseworker effects and a citizen
(cluster) bootstrap of the policy experiments and the spread of true effects."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bip.analysis.a6_effects import QUARTILES, _f, effects_from_residuals, quartiles
from bip.analysis.estimation import ols


def split_halves(X, y, gcodes, cells, cit, rng) -> dict:
    """Random halves of each caseload (by citizen); effects per half; reliability."""
    n_cells = int(cells.max()) + 1
    cell_cw = np.zeros(n_cells, dtype=np.int64)
    cell_cw[cells] = gcodes
    order = np.lexsort((rng.random(n_cells), cell_cw))  # by caseworker, random within
    sorted_cw = cell_cw[order]
    first = np.searchsorted(sorted_cw, sorted_cw)  # position of the caseworker's first cell
    half_cell = np.empty(n_cells, dtype=np.int64)
    half_cell[order] = (np.arange(n_cells) - first) % 2
    groups = gcodes * 2 + half_cell[cells]
    fe = ols(y, X, absorb=groups, covariance=None).fixed_effects
    assert fe is not None
    key = fe.index.to_numpy().astype(np.int64)
    wide = pd.Series(fe.to_numpy(), index=pd.MultiIndex.from_arrays([key // 2, key % 2])).unstack()
    wide = wide.dropna()
    if wide.shape[0] < 8 or wide.shape[1] < 2:
        return {"n_caseworkers": int(wide.shape[0]), "correlation": None, "spearman_brown": None}
    a = wide[0] - wide[0].mean()
    b = wide[1] - wide[1].mean()
    r = float(np.corrcoef(a, b)[0, 1])
    rows = []
    gaps = {}
    for name, form, evalu in (("a_to_b", a, b), ("b_to_a", b, a)):
        q = quartiles(form.rename("v"))
        for k in QUARTILES:
            rows.append(
                {
                    "direction": name,
                    "quartile": k,
                    "n_caseworkers": int((q == k).sum()),
                    "mean_effect_forming_half": _f(form[q == k].mean()),
                    "mean_effect_other_half": _f(evalu[q == k].mean()),
                }
            )
        gaps[name] = (
            float(form[q == 4].mean() - form[q == 1].mean()),
            float(evalu[q == 4].mean() - evalu[q == 1].mean()),
        )
    return {
        "n_caseworkers": int(len(wide)),
        "correlation": _f(r),
        "spearman_brown": _f(2 * r / (1 + r)) if r > -1 else None,
        "quartiles_cross_half": rows,
        "gap_top_bottom_forming_half": _f(np.mean([g[0] for g in gaps.values()])),
        "gap_top_bottom_other_half": _f(np.mean([g[1] for g in gaps.values()])),
    }


def bootstrap(X, y, fit, gcodes, cells, cit, n_boot, rng, refit: bool) -> dict:
    """Citizen (cluster) bootstrap of the shrunken and raw policy experiments and true SD."""
    n_cit = int(cit.max()) + 1
    n_groups = int(gcodes.max()) + 1
    order = np.argsort(cit, kind="stable")
    starts = np.searchsorted(cit[order], np.arange(n_cit))
    sizes = np.bincount(cit, minlength=n_cit)
    beta = fit.coef
    names = list(fit.names)
    Xv = X[names].to_numpy(dtype=float)
    r_full = y - Xv @ beta
    out: dict[str, list[float]] = {
        "increase_shrunk": [],
        "counterfactual_shrunk": [],
        "increase_raw": [],
        "counterfactual_raw": [],
        "true_effect_sd": [],
    }
    for _ in range(n_boot):
        draw = rng.integers(0, n_cit, n_cit)
        # rows of the drawn citizens, vectorised: start of each drawn block + offset within it
        lens = sizes[draw]
        first = np.repeat(np.cumsum(lens) - lens, lens)
        idx = order[np.repeat(starts[draw], lens) + np.arange(int(lens.sum())) - first]
        # caseworkers absent from the resample drop out: renumber the present ones
        present = np.bincount(gcodes[idx], minlength=n_groups) > 0
        g_b = (np.cumsum(present) - 1)[gcodes[idx]]
        if refit:
            f = ols(y[idx], Xv[idx], names=names, absorb=g_b, covariance=None)
            r = y[idx] - Xv[idx][:, [names.index(nm) for nm in f.names]] @ f.coef
            n_sl = len(f.coef)
        else:
            r = r_full[idx]
            n_sl = len(beta)
        # A citizen drawn twice stays one cell: the copies' errors are identical, not independent.
        res = effects_from_residuals(r, g_b, cells[idx], n_sl, float(y[idx].mean()))
        out["increase_shrunk"].append(res["policy_shrunk"]["increase"])
        out["counterfactual_shrunk"].append(res["policy_shrunk"]["counterfactual"])
        out["increase_raw"].append(res["policy_raw"]["increase"])
        out["counterfactual_raw"].append(res["policy_raw"]["counterfactual"])
        out["true_effect_sd"].append(np.sqrt(res["sigma2"]))
    return {k: np.array(v) for k, v in out.items()}


def percentile_ci(draws: np.ndarray) -> tuple[float | None, float | None]:
    if len(draws) == 0:
        return None, None
    lo, hi = np.percentile(draws, [2.5, 97.5])
    return _f(lo), _f(hi)
