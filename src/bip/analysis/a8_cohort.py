"""A8 Cohort profile (000 "Vad kännetecknar individerna?", 001 slide "Deltagare i BIP").

One row per citizen (register background at the first measurement). Each row of the profile
names the published figure it stands beside (``published_id`` in calibration/published.yaml).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bip.analysis.common import floats, num
from bip.results import A8Cohort


def run(panel: pd.DataFrame) -> A8Cohort:
    """The population description: counts and one row per characteristic."""
    first = panel[panel["meas_no"].to_numpy() == 1]
    f = floats
    kids = f(first["n_children"])
    nan_kids = np.isnan(kids)
    origin = first["origin"].astype("string")
    edu = first["education"].astype("string")
    female = f(first["female"])
    # fmax ignores NaN like nanmax, and gives NaN (without a warning) where all six are unknown,
    # e.g. a dataset without registers
    charged = (
        np.fmax.reduce(
            np.column_stack(
                [
                    f(first[c])
                    for c in (
                        "charge_penal_5y",
                        "charge_traffic_5y",
                        "charge_other_5y",
                        "conviction_penal_5y",
                        "conviction_traffic_5y",
                        "conviction_other_5y",
                    )
                ]
            ),
            axis=1,
        )
        if len(first)
        else np.zeros(0)
    )
    men = female == 0

    def cat(s, lev):
        return np.where(
            s.isna().to_numpy(), np.nan, (s == lev).to_numpy(dtype=bool, na_value=False)
        )

    spec = [
        ("age", "mean", f(first["age"]), "pop_mean_age"),
        ("female", "share", female, None),
        ("married", "share", f(first["married"]), "pop_share_married"),
        ("no_children", "share", np.where(nan_kids, np.nan, kids == 0), "pop_share_no_children"),
        (
            "single_with_children",
            "share",
            np.where(nan_kids, np.nan, (f(first["single_parent"]) == 1) & (kids > 0)),
            "pop_share_single_with_children",
        ),
        ("one_child", "share", np.where(nan_kids, np.nan, kids == 1), "pop_share_one_child"),
        (
            "two_plus_children",
            "share",
            np.where(nan_kids, np.nan, kids >= 2),
            "pop_share_two_plus_children",
        ),
        ("origin_danish", "share", cat(origin, "danish"), "pop_share_danish_origin"),
        (
            "origin_nonwestern_immigrant",
            "share",
            cat(origin, "nonwestern_immigrant"),
            "pop_share_nonwestern_immigrants",
        ),
        ("education_unskilled", "share", cat(edu, "unskilled"), "pop_share_unskilled"),
        ("education_skilled", "share", cat(edu, "skilled"), "pop_share_vocational_education"),
        ("education_higher", "share", cat(edu, "higher"), "pop_share_higher_education"),
        (
            "share3y_employed",
            "mean",
            f(first["share3y_employed"]),
            "pop_share_time_employed_prev_3y",
        ),
        (
            "psych_or_psychmed",
            "share",
            f(first["psych_or_psychmed"]),
            "pop_share_psychiatric_or_psychopharmaca",
        ),
        ("som_musculo", "share", f(first["som_musculo"]), "pop_share_musculoskeletal"),
        ("som_digestive", "share", f(first["som_digestive"]), "pop_share_digestive_urinary"),
        ("med_lifestyle", "share", f(first["med_lifestyle"]), "pop_share_lifestyle_medicine"),
        (
            "med_antidepressant",
            "share",
            f(first["med_antidepressant"]),
            "pop_share_antidepressants",
        ),
        ("med_antipsychotic", "share", f(first["med_antipsychotic"]), "pop_share_antipsychotics"),
        (
            "men_charged_or_convicted_5y",
            "share",
            np.where(men, charged, np.nan),
            "pop_share_men_charged_convicted",
        ),
    ]
    rows = []
    for variable, stat, values, pid in spec:
        values = np.asarray(values, dtype=float)
        m = ~np.isnan(values)
        v = values[m]
        row = {
            "variable": variable,
            "stat": stat,
            "value": num(v.mean()) if len(v) else None,
            "n_citizens": int(m.sum()),
            "published_id": pid,
        }
        if stat == "share":
            row["n_citizens_with"] = int((v > 0).sum())
        rows.append(row)
    per_citizen = panel.groupby("citizen_id", sort=False).size()
    return A8Cohort.model_validate(
        {
            "n_citizens": int(len(first)),
            "n_citizens_with_persons_row": int(first["age"].notna().sum()),
            "n_jobcenters": int(panel["jobcenter_id"].nunique()),
            "n_caseworkers": int(panel["caseworker_id"].nunique()),
            "n_measurements": int(len(panel)),
            "measurements_per_citizen": num(per_citizen.mean()) if len(per_citizen) else None,
            "first_measurement": _date(panel["measured_on"].min()),
            "last_measurement": _date(panel["measured_on"].max()),
            "rows": rows,
        }
    )


def _date(x) -> str | None:
    return None if pd.isna(x) else pd.Timestamp(x).date().isoformat()
