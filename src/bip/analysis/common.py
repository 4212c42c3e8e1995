"""Small helpers shared by the analyses: JSON-safe numbers, samples and counts."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from bip.instrument import ALL_COMBINATIONS


def num(x) -> float | None:
    """A JSON-ready float: NaN, NA and infinities become None."""
    if x is None or x is pd.NA:
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def n_citizens(panel: pd.DataFrame, mask=None) -> int:
    """Distinct citizens among the rows (of ``mask``)."""
    ids = panel["citizen_id"] if mask is None else panel.loc[np.asarray(mask), "citizen_id"]
    return int(ids.nunique())


class CitizenCounter:
    """Counts distinct citizens among row subsets fast (integer codes; runs when sorted)."""

    def __init__(self, citizen_ids) -> None:
        self.codes = pd.factorize(np.asarray(citizen_ids))[0]
        # The panel is sorted by citizen: distinct citizens among any subset are then the
        # number of runs, with no hashing or sorting per call.
        self.sorted = bool(np.all(self.codes[1:] >= self.codes[:-1])) if len(self.codes) else True

    def __call__(self, mask=None) -> int:
        c = self.codes if mask is None else self.codes[np.asarray(mask, dtype=bool)]
        if len(c) == 0:
            return 0
        if self.sorted:
            return int(1 + np.count_nonzero(c[1:] != c[:-1]))
        return int(np.unique(c).size)


def floats(s: pd.Series) -> np.ndarray:
    """A numeric column as float64 with NaN for missing."""
    return pd.to_numeric(s, errors="coerce").astype("float64").to_numpy(na_value=np.nan)


def known_repeats(panel: pd.DataFrame) -> pd.DataFrame:
    """Repeat measurements with a known combination: the base of A2, A3 and A4."""
    return panel[panel["is_repeat"].to_numpy() & panel["combination"].notna().to_numpy()]


def codes() -> tuple[str, ...]:
    """The 16 ``JOSH`` combination codes in table order (0000 ... 1111)."""
    return ALL_COMBINATIONS


def jobcenter_labels(ids: Iterable[str], anonymise: bool) -> dict[str, str]:
    """Display label per jobcentre id: the id itself, or 'A', 'B', ... when anonymising.

    Letters follow a keyed-free but stable hash order, so they neither reveal alphabetical
    order of the names nor change between runs.
    """
    ids = sorted(set(ids))
    if not anonymise:
        return {i: i for i in ids}
    order = sorted(ids, key=lambda i: hashlib.sha256(i.encode("utf-8")).hexdigest())
    return {i: _letters(k) for k, i in enumerate(order)}


def _letters(k: int) -> str:
    s = ""
    k += 1
    while k:
        k, r = divmod(k - 1, 26)
        s = chr(65 + r) + s
    return s
