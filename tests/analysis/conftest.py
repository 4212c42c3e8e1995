"""A random panel with the columns the analyses read (no dataset, no registers)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bip.analysis.a4_combination_effects import NUMERIC_CONTROLS
from bip.dataset.schema import EDUCATIONS, ORIGINS
from bip.instrument import ALL_COMBINATIONS
from bip.panel import ALL_ITEMS


def random_panel(seed: int = 0, n_citizens: int = 150, max_meas: int = 6) -> pd.DataFrame:
    """Citizens with 1..max_meas measurements, random answers, codes and background."""
    rng = np.random.default_rng(seed)
    per = rng.integers(1, max_meas + 1, n_citizens)
    cit = np.repeat([f"C{i:04d}" for i in range(n_citizens)], per)
    meas_no = np.concatenate([np.arange(1, k + 1) for k in per])
    n = len(cit)
    p = pd.DataFrame(
        {"measurement_id": [f"M{i}" for i in range(n)], "citizen_id": cit, "meas_no": meas_no}
    )
    p["is_repeat"] = p["meas_no"] > 1
    jc = {c: f"JC{rng.integers(1, 4)}" for c in np.unique(cit)}
    p["jobcenter_id"] = p["citizen_id"].map(jc)
    p["caseworker_id"] = [f"W{rng.integers(1, 20)}" for _ in range(n)]
    # Unbalanced codes, some unknown; code "0111" never occurs.
    weights = np.linspace(1, 3, 16)
    weights[ALL_COMBINATIONS.index("0111")] = 0
    weights /= weights.sum()
    comb = rng.choice(ALL_COMBINATIONS, n, p=weights).astype(object)
    comb[rng.random(n) < 0.05] = None
    p["combination"] = pd.array(comb, dtype="string")
    for i, g in enumerate("JOSH"):
        flag = pd.array([None if c is None else int(c[i]) for c in comb], dtype="Int8")
        p[f"act_{g}"] = flag
    p["weeks_since_prev"] = np.where(p["is_repeat"], rng.gamma(4, 5, n), np.nan)
    for item in ALL_ITEMS:
        level = rng.integers(1, 6, n).astype(float)
        level[rng.random(n) < 0.05] = np.nan
        d = rng.integers(-3, 4, n).astype(float) + (
            np.array([0 if c is None else int(c[0]) for c in comb]) * 0.4
        )
        d[~p["is_repeat"].to_numpy() | np.isnan(level) | (rng.random(n) < 0.05)] = np.nan
        if item.endswith("_avg"):
            level = level + rng.random(n)
            d = d + rng.random(n) - 0.5
        p[item] = level
        p[f"d_{item}"] = d
    bg = {c: rng.normal(size=n_citizens) for c in NUMERIC_CONTROLS}
    ids = np.unique(cit)
    idx = pd.Series(np.arange(n_citizens), index=ids)[cit].to_numpy()
    for c, v in bg.items():
        p[c] = v[idx]
    p["age"] = (30 + 10 * bg["age"])[idx]
    p.loc[p["citizen_id"] == ids[0], "age"] = np.nan  # one citizen without a persons row
    p["origin"] = pd.array(rng.choice(ORIGINS, n_citizens)[idx], dtype="string")
    p["education"] = pd.array(rng.choice(EDUCATIONS, n_citizens)[idx], dtype="string")
    p["s1_contradictory"] = False
    p["has_citizen_part"] = True
    p["has_caseworker_part"] = p["combination"].notna()
    return p


@pytest.fixture(scope="session")
def panel() -> pd.DataFrame:
    return random_panel()
