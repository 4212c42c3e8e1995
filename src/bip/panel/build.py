"""Build the analysis panel: one row per measurement with every derived variable (docs/panel.md).

The column contract is ``docs/panel.md``. Operational tables are small enough for pandas
(vectorised, no per-row Python); register tables are aggregated in DuckDB
(:mod:`bip.panel.registers`).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from bip.dataset import CASEWORKER_PART_COLUMNS, CITIZEN_PART_COLUMNS, Dataset
from bip.dataset.schema import REGISTER_TABLES
from bip.instrument import (
    B_ITEMS,
    DONT_KNOW_OPTION,
    GROUPS,
    NO_ACTIVITY_OPTION,
    S1_GROUP,
    S1_OPTIONS,
    S_ITEMS,
)
from bip.panel import registers

ITEMS: tuple[str, ...] = (*B_ITEMS, *S_ITEMS)
AVERAGES: tuple[str, ...] = ("B_avg", "S_avg")
# The 20 items and both averages, in report order.
ALL_ITEMS: tuple[str, ...] = (*B_ITEMS, "B_avg", *S_ITEMS, "S_avg")
# The outcomes from the registers (docs/panel.md): job or education within 52 weeks of the
# measurement, and employment within 13 weeks (the sources' quarter-ahead job rate).
JOB_OUTCOME = "job_or_education_52w"
QUARTER_JOB_OUTCOME = "job_13w"
OUTCOMES = (JOB_OUTCOME, QUARTER_JOB_OUTCOME)
# Per outcome, the column that is True where its window reaches past a register's coverage.
CENSORED = registers.CENSORED


def censored_counts(panel: pd.DataFrame) -> dict[str, int]:
    """Measurements whose outcome is missing because its window is not fully covered."""
    return {o: int(panel[CENSORED[o]].sum()) if CENSORED[o] in panel else 0 for o in OUTCOMES}


def build_panel(ds: Dataset, *, progress=None) -> pd.DataFrame:
    """The analysis panel of a validated dataset (see ``docs/panel.md``).

    ``progress``, if given, is called with a short text before each step.
    """

    def step(text: str) -> None:
        if progress:
            progress(text)

    step("panel: measurements")
    m = ds.frame("measurements")
    citizens = ds.frame("citizens")[["citizen_id", "jobcenter_id"]]
    panel = derive_operational(m, citizens)

    present = {name for name in REGISTER_TABLES if ds.has(name)}
    con = duckdb.connect()
    try:
        con.execute("SET preserve_insertion_order=false")
        ds.register(con, list(REGISTER_TABLES))
        step("panel: outcomes from registers")
        cover = registers.coverage(con)
        out = registers.outcomes(con, panel, present, cover)
        step("panel: background from registers")
        firsts = panel.loc[panel["meas_no"] == 1, ["citizen_id", "measured_on"]].rename(
            columns={"measured_on": "first_on"}
        )
        bg = registers.background(con, firsts, present)
    finally:
        con.close()
    result = assemble(panel, out, bg)
    # How far each outcome register reaches: the report states it beside the censored counts.
    result.attrs["register_coverage"] = cover
    return result


def derive_operational(m: pd.DataFrame, citizens: pd.DataFrame) -> pd.DataFrame:
    """Everything derived from the measurements alone (order, parts, progression, S1, changes)."""
    m = m.merge(citizens, on="citizen_id", how="left")
    m = m.sort_values(
        ["citizen_id", "measured_on", "measurement_id"], kind="mergesort"
    ).reset_index(drop=True)
    cit = m["citizen_id"].to_numpy()
    # Citizen boundaries in the sorted frame: vectorised group logic without groupby.apply.
    new_cit = np.ones(len(m), dtype=bool)
    new_cit[1:] = cit[1:] != cit[:-1]
    start = np.maximum.accumulate(np.where(new_cit, np.arange(len(m)), 0))
    pos = np.arange(len(m))

    p = pd.DataFrame(
        {
            "measurement_id": m["measurement_id"],
            "citizen_id": m["citizen_id"],
            "caseworker_id": m["caseworker_id"],
            "jobcenter_id": m["jobcenter_id"],
            "measured_on": m["measured_on"],
        }
    )
    p["meas_no"] = (pos - start + 1).astype("int64")
    p["is_repeat"] = p["meas_no"] > 1
    p["has_citizen_part"] = m[list(CITIZEN_PART_COLUMNS)].notna().any(axis=1).to_numpy()
    p["has_caseworker_part"] = m[list(CASEWORKER_PART_COLUMNS)].notna().any(axis=1).to_numpy()

    for col in m.columns:
        if col in ITEMS:
            p[col] = m[col].astype("Float64")
    raw = [c for c in m.columns if c.startswith(("B10_", "S1_")) or c == "B11"]
    for col in raw:
        p[col] = m[col]

    vals = {i: m[i].astype("float64").to_numpy(na_value=np.nan) for i in ITEMS}
    b = np.column_stack([vals[i] for i in B_ITEMS])
    s = np.column_stack([vals[i] for i in S_ITEMS])
    # Averages only when every item is answered (docs/panel.md).
    vals["B_avg"] = np.where(np.isnan(b).any(axis=1), np.nan, b.mean(axis=1))
    vals["S_avg"] = np.where(np.isnan(s).any(axis=1), np.nan, s.mean(axis=1))
    p["B_avg"] = vals["B_avg"]
    p["S_avg"] = vals["S_avg"]

    prev_b = _previous_with(p["has_citizen_part"].to_numpy(), new_cit)
    prev_s = _previous_with(p["has_caseworker_part"].to_numpy(), new_cit)
    for item in ALL_ITEMS:
        prev = prev_b if item.startswith("B") else prev_s
        v = vals[item]
        d = np.full(len(m), np.nan)
        ok = prev >= 0
        d[ok] = v[ok] - v[prev[ok]]
        p[f"d_{item}"] = d

    days = m["measured_on"].to_numpy().astype("datetime64[D]").astype("int64")
    weeks = np.full(len(m), np.nan)
    weeks[~new_cit] = (days[1:][~new_cit[1:]] - days[:-1][~new_cit[1:]]) / 7.0
    p["weeks_since_prev"] = weeks

    _combination(p, m)

    cw = m["caseworker_id"].to_numpy()
    changed = np.zeros(len(m), dtype=bool)
    changed[1:] = (cw[1:] != cw[:-1]) & ~new_cit[1:]
    p["cw_changed"] = changed
    cum = np.cumsum(changed)
    p["n_cw_changes"] = (cum - cum[start]).astype("int64")  # start rows are never changes
    return p


def _previous_with(has_part: np.ndarray, new_cit: np.ndarray) -> np.ndarray:
    """Index of the latest earlier row of the same citizen whose part is present, else -1."""
    n = len(has_part)
    idx = np.where(has_part, np.arange(n), -1)
    # Latest part-present row at or before i, then shift by one; reset at citizen starts.
    upto = np.maximum.accumulate(idx) if n else idx
    prev = np.full(n, -1)
    prev[1:] = upto[:-1]
    start = np.maximum.accumulate(np.where(new_cit, np.arange(n), 0)) if n else idx
    prev[prev < start] = -1
    return prev


def _combination(p: pd.DataFrame, m: pd.DataFrame) -> None:
    """`combination`, group flags and `s1_contradictory` from the measurement's own S1."""
    ticks = {n: (m[f"S1_{n}"].fillna(0).to_numpy() == 1) for n in S1_OPTIONS}
    group = {g: np.zeros(len(m), dtype=bool) for g in GROUPS}
    for n, g in S1_GROUP.items():
        group[g] |= ticks[n]
    any_act = np.zeros(len(m), dtype=bool)
    for g in GROUPS:
        any_act |= group[g]
    none_only = ~any_act & ticks[NO_ACTIVITY_OPTION]
    known = any_act | none_only
    code = np.full(len(m), None, dtype=object)
    letters = [np.where(group[g], "1", "0") for g in GROUPS]
    joined = np.char.add(np.char.add(letters[0], letters[1]), np.char.add(letters[2], letters[3]))
    code[known] = joined[known]
    p["combination"] = pd.array(code, dtype="string")
    for g in GROUPS:
        flag = pd.array(np.where(group[g], 1, 0), dtype="Int8")
        flag[~known] = pd.NA
        p[f"act_{g}"] = flag
    p["s1_contradictory"] = any_act & (ticks[NO_ACTIVITY_OPTION] | ticks[DONT_KNOW_OPTION])


def assemble(panel: pd.DataFrame, outcomes: pd.DataFrame, bg: pd.DataFrame) -> pd.DataFrame:
    """Join outcomes (per measurement) and background (per citizen) in contract dtypes."""
    out = panel.merge(outcomes, on="measurement_id", how="left", validate="one_to_one")
    for c in OUTCOMES:
        out[c] = pd.array(pd.to_numeric(out[c]), dtype="Int8")
        out[CENSORED[c]] = out[CENSORED[c]].fillna(False).astype(bool)
    bg = bg.copy()
    has_person = bg.pop("_has_person").astype(bool)
    psychmed = bg.pop("_psychmed")
    bg["psych_or_psychmed"] = _or_flags(bg["psych_any"], psychmed)
    for c in ("female", "married", "single_parent"):
        bg[c] = pd.array(pd.to_numeric(bg[c]), dtype="Int8")
    bg["n_children"] = pd.array(pd.to_numeric(bg["n_children"]), dtype="Int32")
    bg["age"] = pd.to_numeric(bg["age"]).astype("float64")
    for c in ("origin", "education"):
        bg[c] = bg[c].astype("string")
    for c in registers.SHARE_COLUMNS + registers.GP_COLUMNS:
        bg[c] = pd.to_numeric(bg[c]).astype("float64")
    flags = [
        *registers.DIAGNOSIS_FLAGS,
        *registers.MEDICINE_FLAGS,
        "psych_or_psychmed",
        *registers.CRIME_FLAGS,
    ]
    for c in flags:
        bg[c] = pd.array(pd.to_numeric(bg[c]), dtype="Int8")
    bg.loc[
        ~has_person.to_numpy(),
        ["age", "female", "married", "n_children", "single_parent", "origin", "education"],
    ] = pd.NA
    order = [
        "citizen_id",
        "age",
        "female",
        "married",
        "single_parent",
        "n_children",
        "origin",
        "education",
        *registers.SHARE_COLUMNS,
        *registers.DIAGNOSIS_FLAGS,
        *registers.MEDICINE_FLAGS,
        "psych_or_psychmed",
        *registers.GP_COLUMNS,
        *registers.CRIME_FLAGS,
    ]
    out = out.merge(bg[order], on="citizen_id", how="left", validate="many_to_one")
    return out


def _or_flags(a: pd.Series, b: pd.Series) -> pd.Series:
    a = pd.array(pd.to_numeric(a), dtype="Int8")
    b = pd.array(pd.to_numeric(b), dtype="Int8")
    both_na = pd.isna(a) & pd.isna(b)
    r = ((pd.Series(a).fillna(0) == 1) | (pd.Series(b).fillna(0) == 1)).astype("int8")
    res = pd.array(r.to_numpy(), dtype="Int8")
    res[np.asarray(both_na)] = pd.NA
    return pd.Series(res, index=a.index if hasattr(a, "index") else None)
