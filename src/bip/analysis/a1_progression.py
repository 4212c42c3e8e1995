"""A1 Progression (003 Tabel 1, Figur 1-2 and appendix histograms).

Per item and both averages: mean progression, n, shares unchanged/up/down, histogram counts;
the mean number of weeks between consecutive measurements; and per item a linear
regression of progression on weeks since the last measurement (intercept + slope), CR1
intervals clustered by citizen.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bip.analysis.common import floats, num
from bip.analysis.estimation import Clustered, EstimationError, ols
from bip.panel import ALL_ITEMS
from bip.results import A1Progression

# Histogram bins: single items move in whole steps (-4..4); the averages in steps of 1/9 or
# 1/11, binned in quarter points centred on the whole and quarter values.
_ITEM_VALUES = np.arange(-4, 5)
_AVG_EDGES = np.arange(-4.125, 4.126, 0.25)


def run(panel: pd.DataFrame) -> A1Progression:
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
        regression[item] = _weeks_regression(d[both], weeks[both], cit[both])
    w = weeks[~np.isnan(weeks)]
    weeks_between = {
        "mean": num(w.mean()) if len(w) else None,
        "median": num(np.median(w)) if len(w) else None,
        "sd": num(w.std(ddof=1)) if len(w) > 1 else None,
        "n": int(len(w)),
        "n_citizens": int(pd.unique(cit[~np.isnan(weeks)]).size),
        "share_within_13_weeks": num((w <= 13).mean()) if len(w) else None,
    }
    return A1Progression.model_validate(
        {"items": items, "weeks_between": weeks_between, "weeks_regression": regression}
    )


def _weeks_regression(d: np.ndarray, weeks: np.ndarray, cit: np.ndarray) -> dict:
    """Progression on weeks since the last measurement (intercept + slope), CR1 by citizen;
    nulls when the model cannot be estimated (too few rows, citizens or no spread in weeks)."""
    row = {"n": len(d), "n_citizens": int(pd.unique(cit).size)}
    try:
        f = ols(d, weeks, names=["weeks"], covariance=Clustered(cit), collinear="raise")
    except EstimationError:
        keys = ("intercept", "slope_per_week", "se", "ci_low", "ci_high", "p_value")
        return {**dict.fromkeys(keys), **row}
    lo, hi = f.conf_int()
    return {
        "intercept": num(f.coef[0]),
        "slope_per_week": num(f.coef[1]),
        "se": num(f.se[1]),
        "ci_low": num(lo[1]),
        "ci_high": num(hi[1]),
        "p_value": num(f.pvalue[1]),
        **row,
    }


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
