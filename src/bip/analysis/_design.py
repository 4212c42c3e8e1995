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

    def _plan(self, idx: np.ndarray) -> tuple[list[tuple[str, int, bool]], np.ndarray]:
        """:func:`impute_columns`'s decisions for the rows ``idx``, from one reused buffer per
        kind: the output columns as (name, raw row, is indicator) and each raw row's mean."""
        out: list[tuple[str, int, bool]] = []
        means = np.full(len(self.names), np.nan)
        seen: set[bytes] = set()
        v, tmp = np.empty(len(idx)), np.empty(len(idx))
        miss = np.empty(len(idx), dtype=bool)
        for j, c in enumerate(self.names):
            np.take(self.raw[j], idx, out=v, mode="clip")
            np.isnan(v, out=miss)
            if miss.all():
                continue
            if miss.any():
                # np.nanmean's own steps: NaN -> 0, pairwise sum, divide by the count.
                np.copyto(tmp, v)
                np.copyto(tmp, 0.0, where=miss)
                means[j] = np.sum(tmp) / np.sum(~miss, dtype=np.intp)
                np.copyto(v, means[j], where=miss)
                key = np.packbits(miss).tobytes()
                if key not in seen:
                    seen.add(key)
                    out.append((f"{c}_missing", j, True))
            if v.max() > v.min():
                out.append((c, j, False))
        return out, means

    def design(
        self,
        rows: np.ndarray | None = None,
        lead: dict[str, np.ndarray] | None = None,
        trail: dict[str, np.ndarray] | None = None,
        out: np.ndarray | None = None,
    ) -> tuple[np.ndarray, list[str]]:
        """``lead`` columns, the sample's imputed controls and ``trail`` columns side by side
        (a repeated name kept once, as in :func:`combine`): (N × K C-ordered array, names).

        Written block by block from the raw matrix: no per-column temporaries of N rows and
        no strided whole-column writes (at scale 100 each is ~10 MB of fresh pages). ``out``:
        a C-ordered float array no longer needed (an earlier design) whose memory takes the
        result if large enough, sparing a fresh N × K (seconds of page faults at scale 100)."""
        n_all = self.raw.shape[1]
        idx = np.arange(n_all) if rows is None else np.flatnonzero(rows)
        plan, means = self._plan(idx)
        given = [*(lead or {}).items()], [*(trail or {}).items()]
        names: list[str] = []
        extra: list[tuple[int, np.ndarray]] = []  # (output column, values) of lead/trail
        val_pos: list[int] = []  # output columns of imputed values, and their raw rows
        val_src: list[int] = []
        ind_pos: list[int] = []  # output columns of missing indicators, and their raw rows
        ind_src: list[int] = []
        for name, src in [*given[0], *((nm, (j, ind)) for nm, j, ind in plan), *given[1]]:
            if name in names:
                continue
            if isinstance(src, tuple):
                (ind_pos if src[1] else val_pos).append(len(names))
                (ind_src if src[1] else val_src).append(src[0])
            else:
                extra.append((len(names), np.asarray(src, dtype=float)))
            names.append(name)
        shape = (len(idx), len(names))
        if out is not None and out.flags.c_contiguous and out.size >= shape[0] * shape[1]:
            out = out.reshape(-1)[: shape[0] * shape[1]].reshape(shape)
        else:
            out = np.empty(shape)
        fill = means[:, None]
        for a in range(0, len(idx), _BLOCK):
            blk = self.raw[:, idx[a : a + _BLOCK]]
            nan = np.isnan(blk)
            o = out[a : a + _BLOCK]
            o[:, val_pos] = np.where(nan[val_src], fill[val_src], blk[val_src]).T
            o[:, ind_pos] = nan[ind_src].T
            for p, v in extra:
                o[:, p] = v[a : a + _BLOCK]
        return out, names


# Rows per block when interleaving columns into a C-ordered matrix (a block stays in cache).
_BLOCK = 4096


def answers(panel: pd.DataFrame, items=B_ITEMS, *, progression: bool = True) -> pd.DataFrame:
    """Answer levels of ``items`` (and their progression ``d_<item>``), imputed with indicators."""
    cols = list(items) + ([f"d_{i}" for i in items] if progression else [])
    return impute(pd.DataFrame({c: _as_float(panel[c]) for c in cols}, index=panel.index))


def combine(*frames: pd.DataFrame) -> pd.DataFrame:
    """Side by side, duplicate column names kept once."""
    out = pd.concat(frames, axis=1)
    return out.loc[:, ~out.columns.duplicated()]


INDICATOR_ITEMS = (*B_ITEMS, *S_ITEMS)
