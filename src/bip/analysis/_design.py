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


def impute_columns(
    names: list[str], values: list[np.ndarray]
) -> tuple[list[str], list[np.ndarray]]:
    """:func:`impute` on float columns (one array per name): the kept names and arrays."""
    out_names: list[str] = []
    out: list[np.ndarray] = []
    seen: set[bytes] = set()
    for c, v in zip(names, values, strict=True):
        miss = np.isnan(v)
        if miss.all():
            continue
        if miss.any():
            v = np.where(miss, np.nanmean(v), v)
            key = np.packbits(miss).tobytes()
            if key not in seen:
                seen.add(key)
                out_names.append(f"{c}_missing")
                out.append(miss.astype(float))
        if np.nanmax(v) > np.nanmin(v):
            out_names.append(c)
            out.append(v)
    return out_names, out


def impute(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing values → column mean, plus one ``<col>_missing`` indicator per column with gaps.

    Indicators identical to an earlier one (e.g. every register column missing for the same
    citizens) are kept once; constant columns are dropped.
    """
    names, values = impute_columns(
        list(frame.columns), [_as_float(frame[c]).to_numpy() for c in frame.columns]
    )
    return pd.DataFrame(dict(zip(names, values, strict=True)), index=frame.index)


def raw_background(panel: pd.DataFrame) -> tuple[list[str], np.ndarray]:
    """The controls of :func:`background` before imputation: their names and a K × N float
    matrix (one contiguous row per control, NaN where missing)."""
    names = background_columns(panel)
    values = [_as_float(panel[c]).to_numpy() for c in names]
    if "age" in names:
        names.append("age_sq")
        values.append((values[names.index("age")] - 40.0) ** 2 / 100.0)
    for var, levels in CATEGORIES.items():
        if var in panel.columns:
            s = panel[var].astype("string")
            for lev in levels[1:]:
                names.append(f"{var}_{lev}")
                values.append((s == lev).astype(float).where(s.notna()).to_numpy(dtype=float))
    return names, np.array(values, dtype=float).reshape(len(values), len(panel))


def background(panel: pd.DataFrame) -> pd.DataFrame:
    """Background controls of each row: age, age², sex, family, origin and education dummies,
    benefit history shares, psychiatric chapters, somatic groups, medicine, GP use, crime."""
    names, values = Background(panel).columns()
    return pd.DataFrame(dict(zip(names, values, strict=True)), index=panel.index)


class Background:
    """A panel's background controls converted once, imputed per sample.

    ``design(rows, lead, trail)`` has the values, names and column order of
    ``combine(lead, background(panel[rows]), trail)`` as one C-ordered N × K array: A7 draws
    several samples from one panel, and pandas conversion per sample cost more than the fits'
    own passes over the data."""

    def __init__(self, panel: pd.DataFrame) -> None:
        self.names, self.raw = raw_background(panel)

    def columns(self, rows: np.ndarray | None = None) -> tuple[list[str], list[np.ndarray]]:
        """The imputed controls of the sample ``rows`` (boolean mask, or None for all rows)."""
        raw = self.raw if rows is None else self.raw[:, rows]
        return impute_columns(self.names, list(raw))

    def design(
        self,
        rows: np.ndarray | None = None,
        lead: dict[str, np.ndarray] | None = None,
        trail: dict[str, np.ndarray] | None = None,
    ) -> tuple[np.ndarray, list[str]]:
        """``lead`` columns, the sample's imputed controls and ``trail`` columns side by side
        (a repeated name kept once, as in :func:`combine`): (N × K array, names)."""
        names, values = self.columns(rows)
        pairs = [*(lead or {}).items(), *zip(names, values, strict=True), *(trail or {}).items()]
        return stack_columns(pairs)


# Rows per block when interleaving columns into a C-ordered matrix (a block stays in cache).
_BLOCK = 4096


def stack_columns(pairs) -> tuple[np.ndarray, list[str]]:
    """(name, 1-D array) pairs as a C-ordered float matrix and its names, a repeated name
    kept once (the first)."""
    names: list[str] = []
    cols: list[np.ndarray] = []
    for name, v in pairs:
        if name not in names:
            names.append(name)
            cols.append(np.asarray(v, dtype=float))
    n = len(cols[0]) if cols else 0
    out = np.empty((n, len(cols)))
    # Block by block: writing whole columns into C order would walk all N rows K times.
    for a in range(0, n, _BLOCK):
        blk = out[a : a + _BLOCK]
        for j, v in enumerate(cols):
            blk[:, j] = v[a : a + _BLOCK]
    return out, names


def answers(panel: pd.DataFrame, items=B_ITEMS, *, progression: bool = True) -> pd.DataFrame:
    """Answer levels of ``items`` (and their progression ``d_<item>``), imputed with indicators."""
    cols = list(items) + ([f"d_{i}" for i in items] if progression else [])
    return impute(pd.DataFrame({c: _as_float(panel[c]) for c in cols}, index=panel.index))


def combine(*frames: pd.DataFrame) -> pd.DataFrame:
    """Side by side, duplicate column names kept once."""
    out = pd.concat(frames, axis=1)
    return out.loc[:, ~out.columns.duplicated()]


INDICATOR_ITEMS = (*B_ITEMS, *S_ITEMS)
