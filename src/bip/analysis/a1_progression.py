"""A1 Progression (003 Tabel 1, Figur 1-2 and appendix histograms; SPEC §5).

Per item and both averages: mean progression, n, shares unchanged/up/down, histogram counts;
the mean number of weeks between consecutive measurements; and per item a linear
regression of progression on weeks since the last measurement (intercept + slope), CR1
intervals clustered by citizen.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bip.analysis.common import floats, num
from bip.analysis.ols import cluster_ols
from bip.panel import ALL_ITEMS

# Histogram bins: single items move in whole steps (-4..4); the averages in steps of 1/9 or
# 1/11, binned in quarter points centred on the whole and quarter values.
_ITEM_VALUES = np.arange(-4, 5)
_AVG_EDGES = np.arange(-4.125, 4.126, 0.25)


def run(panel: pd.DataFrame) -> dict:
    """A1 results: ``items`` keyed by item id, ``weeks_between``, ``weeks_regression``."""
    cit = pd.factorize(panel["citizen_id"].to_numpy())[0]  # integer cluster ids, once
    weeks = floats(panel["weeks_since_prev"])
    items: dict[str, dict] = {}
    regression: dict[str, dict] = {}
    for item in ALL_ITEMS:
        d = floats(panel[f"d_{item}"])
        ok = ~np.isnan(d)
        v = d[ok]
        n = int(ok.sum())
        row = {
            "mean": num(v.mean()) if n else None,
            "sd": num(v.std(ddof=1)) if n > 1 else None,
            "n": n,
            "n_citizens": int(pd.unique(cit[ok]).size),
            "share_unchanged": num((v == 0).mean()) if n else None,
            "share_up": num((v > 0).mean()) if n else None,
            "share_down": num((v < 0).mean()) if n else None,
            "histogram": _histogram(v, item.endswith("_avg")),
        }
        items[item] = row
        both = ok & ~np.isnan(weeks)
        X = np.column_stack([np.ones(both.sum()), weeks[both]])
        f = cluster_ols(X, d[both], cit[both])
        regression[item] = {
            "intercept": num(f.beta[0]),
            "slope_per_week": num(f.beta[1]),
            "se": num(f.se[1]),
            "ci_low": num(f.ci_low[1]),
            "ci_high": num(f.ci_high[1]),
            "p_value": num(f.p_value[1]),
            "n": f.n,
            "n_citizens": f.n_clusters,
        }
    w = weeks[~np.isnan(weeks)]
    weeks_between = {
        "mean": num(w.mean()) if len(w) else None,
        "median": num(np.median(w)) if len(w) else None,
        "sd": num(w.std(ddof=1)) if len(w) > 1 else None,
        "n": int(len(w)),
        "n_citizens": int(pd.unique(cit[~np.isnan(weeks)]).size),
        "share_within_13_weeks": num((w <= 13).mean()) if len(w) else None,
    }
    return {"items": items, "weeks_between": weeks_between, "weeks_regression": regression}


def _histogram(v: np.ndarray, average: bool) -> list[dict]:
    """Histogram rows {from, to, count}; whole steps for items, quarter bins for averages."""
    if not average:
        counts = [(int(k), int((v == k).sum())) for k in _ITEM_VALUES]
        return [{"from": k - 0.5, "to": k + 0.5, "value": float(k), "count": c} for k, c in counts]
    counts, edges = np.histogram(v, bins=_AVG_EDGES)
    return [
        {
            "from": round(float(lo), 6),
            "to": round(float(hi), 6),
            "value": round(float(lo + hi) / 2, 6),
            "count": int(c),
        }
        for lo, hi, c in zip(edges[:-1], edges[1:], counts, strict=True)
    ]
