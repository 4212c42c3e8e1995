"""A9 Data quality per jobcentre: cadence, missing items, parts present, unknown combinations.

One row per jobcentre plus an ``all`` row. Shares of missing items are over measurements
with the item's part present (a missing part is counted as such, not as missing items).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bip.analysis.common import floats, jobcenter_labels, num
from bip.instrument import B_ITEMS, DONT_KNOW_OPTION, S_ITEMS
from bip.results import A9DataQuality


def _row(p: pd.DataFrame) -> dict:
    n = len(p)
    cit = p["has_citizen_part"].to_numpy(dtype=bool)
    cw = p["has_caseworker_part"].to_numpy(dtype=bool)
    weeks = floats(p["weeks_since_prev"])
    w = weeks[~np.isnan(weeks)]
    per_citizen = p.groupby("citizen_id", sort=False).size()
    known = p["combination"].notna().to_numpy()
    only_dont_know = cw & ~known & (p[f"S1_{DONT_KNOW_OPTION}"].fillna(0).to_numpy() == 1)
    missing = {}
    for item in (*B_ITEMS, *S_ITEMS):
        part = cit if item.startswith("B") else cw
        na = p[item].isna().to_numpy() & part
        missing[item] = num(na.sum() / part.sum()) if part.sum() else None
    return {
        "n_citizens": int(p["citizen_id"].nunique()),
        "n_measurements": int(n),
        "n_caseworkers": int(p["caseworker_id"].nunique()),
        "measurements_per_citizen_mean": num(per_citizen.mean()) if n else None,
        "measurements_per_citizen_median": num(per_citizen.median()) if n else None,
        "share_citizens_with_repeat": num((per_citizen > 1).mean()) if n else None,
        "mean_weeks_between": num(w.mean()) if len(w) else None,
        "share_within_13_weeks": num((w <= 13).mean()) if len(w) else None,
        "n_intervals": int(len(w)),
        "share_citizen_part": num(cit.mean()) if n else None,
        "share_caseworker_part": num(cw.mean()) if n else None,
        "share_both_parts": num((cit & cw).mean()) if n else None,
        "n_unknown_combination": int((cw & ~known).sum()),
        "share_unknown_combination": num((cw & ~known).sum() / cw.sum()) if cw.sum() else None,
        "n_only_dont_know": int(only_dont_know.sum()),
        "n_contradictory_s1": int(p["s1_contradictory"].to_numpy(dtype=bool).sum()),
        "share_missing": missing,
        "share_b_avg_defined": num(p.loc[cit, "B_avg"].notna().mean()) if cit.sum() else None,
        "share_s_avg_defined": num(p.loc[cw, "S_avg"].notna().mean()) if cw.sum() else None,
    }


def run(panel: pd.DataFrame, *, anonymise_jobcenters: bool = False) -> A9DataQuality:
    """Data-quality rows: one per jobcentre (``jobcenter`` label) and one for all."""
    labels = jobcenter_labels(panel["jobcenter_id"].astype(str), anonymise_jobcenters)
    rows = []
    for jid, part in panel.groupby(panel["jobcenter_id"].astype(str), sort=True):
        rows.append({"jobcenter": labels[jid], **_row(part)})
    rows.sort(key=lambda r: (len(r["jobcenter"]), r["jobcenter"]))
    return A9DataQuality.model_validate(
        {
            "rows": rows,
            "all": {"jobcenter": "all", **_row(panel)},
            "jobcenters_anonymised": bool(anonymise_jobcenters),
        }
    )
