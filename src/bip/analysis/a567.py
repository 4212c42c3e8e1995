"""A5–A7 together: the results.json keys they own (SPEC §6).

``results(panel)`` returns ``caseworker_effectiveness``, ``caseworker_change``, ``belief``
(the SPEC §6 summary keys) and the full sections ``a5_job_chance``, ``a6_caseworkers``,
``a7_change_belief``, so the results assembler merges them with one ``update``. The sections
also carry the summary objects under the same names (``a6_caseworkers.caseworker_effectiveness``,
``a7_change_belief.caseworker_change`` and ``.belief``), which is where
``bip.analysis.run.spec_keys`` picks them up.
"""

from __future__ import annotations

import pandas as pd

from bip.analysis import a5_job_chance, a6_caseworkers, a7_change_belief

# The results.json keys A5–A7 fill (their schema is part of src/bip/report/results.schema.json).
KEYS = (
    "caseworker_effectiveness",
    "caseworker_change",
    "belief",
    "a5_job_chance",
    "a6_caseworkers",
    "a7_change_belief",
)


def results(panel: pd.DataFrame, seed: int = 0, *, n_boot: int = 200) -> dict:
    """All results.json keys of A5–A7 for one analysis panel (JSON-ready, NaN → None)."""
    a5 = a5_job_chance.run(panel, seed=seed)
    a6 = a6_caseworkers.run(panel, seed=seed, n_boot=n_boot)
    a7 = a7_change_belief.run(panel, seed=seed)
    return {
        "caseworker_effectiveness": a6["caseworker_effectiveness"],
        "caseworker_change": a7["caseworker_change"],
        "belief": a7["belief"],
        "a5_job_chance": a5,
        "a6_caseworkers": a6,
        "a7_change_belief": a7,
    }
