"""Jobcentre dashboard figures from the tool's own data (cadence, activities, progression)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from bip.instrument import B_ITEMS, GROUPS, S1_OPTIONS, S_ITEMS, combination_code
from bip.web.core.models import Measurement
from bip.web.core.services import status_of

MIN_CELL = 5  # cells built on fewer citizens are suppressed


def jobcenter_stats(jobcenter, today: dt.date | None = None) -> dict:
    """Dashboard figures for one jobcentre; cells under 5 citizens carry ``suppressed``."""
    today = today or dt.date.today()
    cols = ["citizen_id", "caseworker_id", "measured_on", *B_ITEMS, *S_ITEMS, *(f"S1_{n}" for n in S1_OPTIONS)]
    rows = Measurement.objects.filter(citizen__jobcenter=jobcenter).values_list(*cols)
    df = pd.DataFrame.from_records(list(rows), columns=cols)
    out: dict = {"n_measurements": len(df), "n_citizens": int(df["citizen_id"].nunique()) if len(df) else 0}
    if df.empty:
        return out
    df = df.sort_values(["citizen_id", "measured_on"])
    df["b_avg"] = df[list(B_ITEMS)].astype(float).mean(axis=1)
    df["s_avg"] = df[list(S_ITEMS)].astype(float).mean(axis=1)
    s1 = df[[f"S1_{n}" for n in S1_OPTIONS]]
    has_s = s1.notna().any(axis=1)
    df["combination"] = [
        combination_code([n for n, v in zip(S1_OPTIONS, r, strict=True) if v == 1]) if h else None
        for r, h in zip(s1.itertuples(index=False), has_s, strict=True)
    ]
    g = df.groupby("citizen_id")
    df["prev_on"] = g["measured_on"].shift()
    df["prev_cw"] = g["caseworker_id"].shift()
    df["d_b"] = df["b_avg"] - g["b_avg"].shift()
    df["d_s"] = df["s_avg"] - g["s_avg"].shift()
    gaps = (pd.to_datetime(df["measured_on"]) - pd.to_datetime(df["prev_on"])).dt.days.dropna() / 7
    last = g["measured_on"].max()
    statuses = [status_of(d, today) for d in last]
    out["mean_weeks_between"] = round(float(gaps.mean()), 1) if len(gaps) else None
    out["share_overdue"] = sum(s == "overdue" for s in statuses) / len(statuses)
    known = df[df["combination"].notna()]
    out["n_with_activity_answer"] = len(known)
    out["no_activity_share"] = float((known["combination"] == "0000").mean()) if len(known) else None
    out["group_shares"] = [
        {"group": grp, "share": float(known["combination"].str[i].eq("1").mean()) if len(known) else None}
        for i, grp in enumerate(GROUPS)
    ]
    repeat = df[df["prev_on"].notna()]
    changes = repeat[repeat["caseworker_id"] != repeat["prev_cw"]]
    out["caseworker_changes"] = len(changes)
    out["citizens_with_change"] = int(changes["citizen_id"].nunique())
    rows_out = []
    for code, part in repeat[repeat["combination"].notna()].groupby("combination"):
        n_cit = int(part["citizen_id"].nunique())
        row = {"combination": code, "n_citizens": n_cit, "n": len(part), "suppressed": n_cit < MIN_CELL}
        for key in ("d_b", "d_s"):
            x = part[key].dropna().astype(float)
            if n_cit >= MIN_CELL and len(x) >= 2:
                se = x.std(ddof=1) / math.sqrt(len(x))
                row[key] = {"mean": x.mean(), "lo": x.mean() - 1.96 * se, "hi": x.mean() + 1.96 * se}
            else:
                row[key] = None
        rows_out.append(row)
    out["progression_by_combination"] = sorted(rows_out, key=lambda r: r["combination"])
    return out
