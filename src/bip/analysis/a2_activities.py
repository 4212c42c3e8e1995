"""A2 Activities (003 Tabel 3, 000 Figur 4): the 16 combinations over repeat measurements.

Shares are over repeat measurements with a known combination (unknown ones are counted
separately, as 003 Tabel 3 lists only known codes).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bip.analysis.common import codes, known_repeats, n_citizens, num
from bip.results import A2Activities


def run(panel: pd.DataFrame) -> A2Activities:
    """Counts and shares per code, the derived shares, and the number of unknown codes."""
    rep = panel[panel["is_repeat"].to_numpy()]
    known = known_repeats(panel)
    total = len(known)
    comb = known["combination"].astype(str).to_numpy()
    per_code = {}
    for code in codes():
        m = comb == code
        per_code[code] = {
            "n": int(m.sum()),
            "share": num(m.sum() / total) if total else None,
            "n_citizens": n_citizens(known, m),
        }
    flags = {g: known[f"act_{g}"].fillna(0).to_numpy(dtype=int) == 1 for g in "JOSH"}
    n_types = (
        np.sum([flags[g] for g in "JOSH"], axis=0).astype(int) if total else np.zeros(0, dtype=int)
    )
    derived_masks = {
        "no_activity": n_types == 0,
        "any_job_focused": flags["J"],
        "only_job_focused": flags["J"] & (n_types == 1),
        "only_upskilling": flags["O"] & (n_types == 1),
        "only_social": flags["S"] & (n_types == 1),
        "only_health": flags["H"] & (n_types == 1),
        "combined": n_types >= 2,
        "combined_with_job_focused": flags["J"] & (n_types >= 2),
    }
    derived = {
        k: {
            "n": int(m.sum()),
            "share": num(m.sum() / total) if total else None,
            "n_citizens": n_citizens(known, m),
        }
        for k, m in derived_masks.items()
    }
    return A2Activities.model_validate(
        {
            "n_repeat_measurements": int(len(rep)),
            "n_known": int(total),
            "n_unknown": int(len(rep) - total),
            "n_citizens": n_citizens(known),
            "codes": per_code,
            "derived": derived,
        }
    )
