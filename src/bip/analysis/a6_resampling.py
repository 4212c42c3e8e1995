"""A6 beyond 004, by resampling: split-half reliability of the caseworker effects."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bip.analysis.a6_effects import QUARTILES, _f, quartiles
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
