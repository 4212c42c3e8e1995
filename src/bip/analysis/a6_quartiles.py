"""A6 quartile profiles: who the caseworkers of each effect quartile are and what they do."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from bip.analysis.a6_effects import QUARTILES, _f
from bip.instrument import GROUPS, S1_GROUP, S_ITEMS
from bip.panel import JOB_OUTCOME as OUTCOME


def quartile_profile(sample: pd.DataFrame, quart: pd.Series, effects: pd.Series) -> list[dict]:
    """Per quartile: size, outcome rate, mean effect, citizens per caseworker, activity use,
    mean S2–S12 (measurement-level means over the quartile's sample measurements)."""
    q_of_row = sample["caseworker_id"].astype(str).map(quart)
    rows = []
    for k in QUARTILES:
        cws = quart.index[quart == k]
        sub = sample.loc[(q_of_row == k).to_numpy()]
        known = (
            sub["combination"].notna()
            if "combination" in sub
            else pd.Series(False, index=sub.index)
        )
        cw_part = sub["has_caseworker_part"].astype(bool)
        per_cw = sub.groupby("caseworker_id")["citizen_id"].nunique()
        row: dict[str, Any] = {
            "quartile": k,
            "n_caseworkers": len(cws),
            "n_measurements": len(sub),
            "n_citizens": int(sub["citizen_id"].nunique()),
            "outcome_rate": _f(pd.to_numeric(sub[OUTCOME]).mean()),
            "mean_effect": _f(effects.loc[cws].mean()),
            "citizens_per_caseworker": _f(per_cw.mean()),
            "activity_groups": {},
            "activities": {},
            "mean_answers": {},
        }
        n_known = int(known.sum())
        for g in GROUPS:
            col = f"act_{g}"
            share = pd.to_numeric(sub.loc[known, col]).mean() if col in sub and n_known else np.nan
            row["activity_groups"][g] = {"share": _f(share), "n": n_known}
        none = (sub.loc[known, "combination"] == "0000").mean() if n_known else np.nan
        row["activity_groups"]["none"] = {"share": _f(none), "n": n_known}
        n_cwp = int(cw_part.sum())
        for opt in sorted(S1_GROUP):
            col = f"S1_{opt}"
            v = (
                pd.to_numeric(sub.loc[cw_part, col]).fillna(0)
                if col in sub
                else pd.Series([], dtype=float)
            )
            row["activities"][str(opt)] = {
                "group": S1_GROUP[opt],
                "share": _f(v.mean()) if n_cwp else None,
                "n": n_cwp,
            }
        for item in S_ITEMS:
            v = pd.to_numeric(sub[item]).dropna() if item in sub else pd.Series([], dtype=float)
            row["mean_answers"][item] = {"mean": _f(v.mean()) if len(v) else None, "n": len(v)}
        rows.append(row)
    return rows
