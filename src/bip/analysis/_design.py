"""Design matrices for the A5–A7 regressions: register background controls and the citizen's
answers, with missing values set to the sample mean plus a missing indicator (seed 004)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bip.instrument import B_ITEMS, S_ITEMS

# Reference categories are left out of the dummies.
CATEGORIES = {
    "origin": (
        "danish",
        "western_immigrant",
        "western_descendant",
        "nonwestern_immigrant",
        "nonwestern_descendant",
    ),
    "education": ("unskilled", "skilled", "higher"),
}
_BACKGROUND_PREFIXES = (
    "share5y_",
    "share3y_",
    "psych_F",
    "som_",
    "med_",
    "gp_",
    "charge_",
    "conviction_",
)
_BACKGROUND_SCALARS = ("age", "female", "married", "single_parent", "n_children")


def background_columns(panel: pd.DataFrame) -> list[str]:
    """The panel's register background columns used as controls (those present)."""
    cols = [c for c in _BACKGROUND_SCALARS if c in panel.columns]
    cols += [c for c in panel.columns if c.startswith(_BACKGROUND_PREFIXES)]
    return cols


def _as_float(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce").astype(float)


def impute(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing values → column mean, plus one ``<col>_missing`` indicator per column with gaps.

    Indicators identical to an earlier one (e.g. every register column missing for the same
    citizens) are kept once; constant columns are dropped.
    """
    out: dict[str, np.ndarray] = {}
    seen: set[bytes] = set()
    for c in frame.columns:
        v = _as_float(frame[c]).to_numpy()
        miss = np.isnan(v)
        if miss.all():
            continue
        if miss.any():
            v = np.where(miss, np.nanmean(v), v)
            key = np.packbits(miss).tobytes()
            if key not in seen:
                seen.add(key)
                out[f"{c}_missing"] = miss.astype(float)
        if np.nanmax(v) > np.nanmin(v):
            out[c] = v
    return pd.DataFrame(out, index=frame.index)


def background(panel: pd.DataFrame) -> pd.DataFrame:
    """Background controls of each row: age, age², sex, family, origin and education dummies,
    benefit history shares, psychiatric chapters, somatic groups, medicine, GP use, crime."""
    cols = background_columns(panel)
    frame = pd.DataFrame({c: _as_float(panel[c]) for c in cols}, index=panel.index)
    if "age" in frame:
        frame["age_sq"] = (frame["age"] - 40.0) ** 2 / 100.0
    for var, levels in CATEGORIES.items():
        if var in panel.columns:
            s = panel[var].astype("string")
            for lev in levels[1:]:
                frame[f"{var}_{lev}"] = (s == lev).astype(float).where(s.notna())
    return impute(frame)


def answers(panel: pd.DataFrame, items=B_ITEMS, *, progression: bool = True) -> pd.DataFrame:
    """Answer levels of ``items`` (and their progression ``d_<item>``), imputed with indicators."""
    cols = list(items) + ([f"d_{i}" for i in items] if progression else [])
    return impute(pd.DataFrame({c: _as_float(panel[c]) for c in cols}, index=panel.index))


def combine(*frames: pd.DataFrame) -> pd.DataFrame:
    """Side by side, duplicate column names kept once."""
    out = pd.concat(frames, axis=1)
    return out.loc[:, ~out.columns.duplicated()]


INDICATOR_ITEMS = (*B_ITEMS, *S_ITEMS)
