"""A3 Who gets what (003 Tabel 4-11): background by activity group J, O, S, H and none.

Base: repeat measurements with a known combination (as A2). A measurement counts in every
group it has; "none" is code 0000. Each cell is a mean or share over those measurements of
a background variable from the panel (register background at the citizen's first
measurement), with the number of measurements and distinct citizens behind it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bip.analysis.common import (
    CitizenCounter,
    distinct,
    floats,
    jobcenter_labels,
    known_repeats,
    num,
)
from bip.dataset.schema import BENEFIT_STATUSES, EDUCATIONS, ORIGINS
from bip.panel import registers
from bip.results import A3Background

GROUP_KEYS = ("J", "O", "S", "H", "none")


def _rows(panel: pd.DataFrame, labels: dict[str, str]) -> list[tuple[str, str, str, np.ndarray]]:
    """(table, variable, stat, values) for every row of 003 Tabel 4-11 (values per panel row)."""
    f = floats
    kids = f(panel["n_children"])
    rows = [
        ("tabel4", "age", "mean", f(panel["age"])),
        ("tabel4", "married", "share", f(panel["married"])),
        ("tabel4", "no_children", "share", np.where(np.isnan(kids), np.nan, kids == 0)),
        (
            "tabel4",
            "single_with_children",
            "share",
            np.where(np.isnan(kids), np.nan, (f(panel["single_parent"]) == 1) & (kids > 0)),
        ),
        ("tabel4", "one_child", "share", np.where(np.isnan(kids), np.nan, kids == 1)),
        (
            "tabel4",
            "two_three_children",
            "share",
            np.where(np.isnan(kids), np.nan, (kids >= 2) & (kids <= 3)),
        ),
        ("tabel4", "four_plus_children", "share", np.where(np.isnan(kids), np.nan, kids >= 4)),
    ]
    for col, levels in (("origin", ORIGINS), ("education", EDUCATIONS)):
        v = panel[col].astype("string")
        for lev in levels:
            rows.append(
                (
                    "tabel4",
                    f"{col}_{lev}",
                    "share",
                    np.where(v.isna(), np.nan, v == lev).astype(float),
                )
            )
    # Jobcentre shares from integer codes (one string pass, not one per jobcentre).
    jc, jc_ids = pd.factorize(panel["jobcenter_id"].astype(str))
    code_of = {j: i for i, j in enumerate(jc_ids)}
    for jid, label in sorted(labels.items(), key=lambda kv: (len(kv[1]), kv[1])):
        rows.append(
            ("tabel4", f"jobcenter_{label}", "share", (jc == code_of.get(jid, -2)).astype(float))
        )
    for years in (5, 3):
        for s in BENEFIT_STATUSES:
            rows.append(("tabel5", f"share{years}y_{s}", "mean", f(panel[f"share{years}y_{s}"])))
    for c in ("psych_or_psychmed", "psych_any", "psych_light", "psych_severe"):
        rows.append(("tabel6", c, "share", f(panel[c])))
    for c in registers.PSYCH_CHAPTERS:
        rows.append(("tabel7", c, "share", f(panel[c])))
    for c in registers.SOMATIC:
        rows.append(("tabel8", c, "share", f(panel[c])))
    for c in registers.MEDICINE:
        rows.append(("tabel9", c, "share", f(panel[c])))
    for c in registers.GP_COLUMNS:
        rows.append(("tabel10", c, "mean", f(panel[c])))
    for c in registers.CRIME_FLAGS:
        rows.append(("tabel11", c, "share", f(panel[c])))
    return rows


def run(panel: pd.DataFrame, *, anonymise_jobcenters: bool = False) -> A3Background:
    """Rows of 003 Tabel 4-11 in long form: one object per (variable, group)."""
    base = known_repeats(panel)
    labels = jobcenter_labels(panel["jobcenter_id"].astype(str).unique(), anonymise_jobcenters)
    groups = {g: base[f"act_{g}"].fillna(0).to_numpy(dtype=int) == 1 for g in "JOSH"}
    groups["none"] = base["combination"].astype(str).to_numpy() == "0000"
    count = CitizenCounter(base["citizen_id"])
    # Each group's rows and citizen codes once: every variable is then read on the group's
    # rows only (the same values in the same order as a mask over all rows).
    at = {g: np.flatnonzero(m) for g, m in groups.items()}
    codes = {g: count.codes[rows] for g, rows in at.items()}
    group_n = {g: {"n": len(rows), "n_citizens": count(groups[g])} for g, rows in at.items()}
    out = []
    for table, variable, stat, values in _rows(base, labels):
        for g in GROUP_KEYS:
            v = values[at[g]]
            ok = ~np.isnan(v)
            complete = bool(ok.all())
            cit = codes[g] if complete else codes[g][ok]
            v = v if complete else v[ok]
            row = {
                "table": table,
                "variable": variable,
                "stat": stat,
                "group": g,
                "value": num(v.mean()) if len(v) else None,
                "n": len(v),
                "n_citizens": group_n[g]["n_citizens"] if complete else distinct(cit, count.sorted),
            }
            if stat == "share":
                row["n_citizens_with"] = distinct(cit[v > 0], count.sorted)
            out.append(row)
    return A3Background.model_validate(
        {
            "groups": group_n,
            "rows": out,
            "jobcenters_anonymised": bool(anonymise_jobcenters),
            "jobcenter_labels": sorted(set(labels.values()), key=lambda s: (len(s), s)),
        }
    )
