"""Small helpers shared by the analyses: JSON-safe numbers, samples and counts."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from bip.instrument import ALL_COMBINATIONS

# Fewest other citizens behind a caseworker-level leave-out measure (A7's belief
# classification, the hazard model's caseworker job rate): fewer make it one citizen's noise.
MIN_OTHER_CITIZENS = 5


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
        return distinct(c, self.sorted)


def distinct(codes: np.ndarray, in_order: bool) -> int:
    """Distinct integer codes: the number of runs when sorted (the panel's citizen order)."""
    if len(codes) == 0:
        return 0
    if in_order:
        return int(1 + np.count_nonzero(codes[1:] != codes[:-1]))
    return int(np.unique(codes).size)


def floats(s: pd.Series) -> np.ndarray:
    """A numeric column as float64 with NaN for missing."""
    return pd.to_numeric(s, errors="coerce").astype("float64").to_numpy(na_value=np.nan)


def known_repeat_rows(panel: pd.DataFrame) -> np.ndarray:
    """Mask of the repeat measurements with a known combination: the base of A2, A3 and A4."""
    return (
        panel["is_repeat"].to_numpy(dtype=bool, na_value=False)
        & panel["combination"].notna().to_numpy()
    )


def known_repeats(panel: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`known_repeat_rows`."""
    return panel[known_repeat_rows(panel)]


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
