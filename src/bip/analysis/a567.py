"""A5–A7 together: the results.json keys they own (SPEC §6).

``results(panel)`` returns ``caseworker_effectiveness``, ``caseworker_change``, ``belief``
(the SPEC §6 summary keys) and the full sections ``a5_job_chance``, ``a6_caseworkers``,
``a7_change_belief``, so the results assembler merges them with one ``update``.
"""

from __future__ import annotations

import pandas as pd

from bip.analysis import a5_job_chance, a6_caseworkers, a7_change_belief
from bip.analysis._design import OUTCOME, SHORT_OUTCOME

_EFFECT_FIELDS = ("caseworker_id", "effect", "effect_shrunk", "se", "n_measurements", "quartile")
_QUARTILE_FIELDS = ("quartile", "n_caseworkers", "outcome_rate", "mean_effect",
                    "citizens_per_caseworker", "n_citizens")  # fmt: skip
_POLICY_FIELDS = ("actual", "actual_se", "counterfactual", "counterfactual_se", "increase",
                  "increase_se", "p_value")  # fmt: skip


def _effectiveness(a6: dict) -> dict:
    keys = ("n_measurements", "n_caseworkers", "n_citizens")
    out = {k: a6.get(k) for k in keys}
    if a6.get("status") != "ok":
        return {**out, "r2_without_fe": None, "r2_with_fe": None, "quartiles": [],
                "policy_experiment": None, "effects": [], "true_effect_sd": None}  # fmt: skip
    return {
        **out,
        "r2_without_fe": a6["r2_without_fe"],
        "r2_with_fe": a6["r2_with_fe"],
        "quartiles": [{k: q[k] for k in _QUARTILE_FIELDS} for q in a6["quartiles"]],
        "policy_experiment": {k: a6["policy_experiment"][k] for k in _POLICY_FIELDS},
        "effects": [{k: e[k] for k in _EFFECT_FIELDS} for e in a6["effects"]],
        "true_effect_sd": a6["beyond"]["true_effect_sd"],
    }


def _change(a7: dict) -> dict:
    ch = a7["change_effect"]
    ok = ch.get("status") == "ok"
    return {
        "share_with_change": a7["share_with_change"]["share_with_change"],
        "n_citizens": a7["share_with_change"]["n_citizens"],
        "relative_effect_per_change": ch.get("relative_effect") if ok else None,
        "ci_low": ch.get("ci_low") if ok else None,
        "ci_high": ch.get("ci_high") if ok else None,
    }


def _belief(a5: dict, a7: dict) -> dict:
    rows = a5["rates_by_level"]["S12"]
    be = a7["belief"]
    ok = be.get("status") == "ok"
    return {
        "outcome_rate_by_S12": {str(r["level"]): r[OUTCOME] for r in rows},
        "job13_rate_by_S12": {str(r["level"]): r[SHORT_OUTCOME] for r in rows},
        "n_by_S12": {str(r["level"]): r["n"] for r in rows},
        "n_citizens_by_S12": {str(r["level"]): r["n_citizens"] for r in rows},
        "relative_effect_high_vs_low": be.get("relative_effect") if ok else None,
        "ci_low": be.get("ci_low") if ok else None,
        "ci_high": be.get("ci_high") if ok else None,
    }


def results(panel: pd.DataFrame, seed: int = 0, *, n_boot: int = 200) -> dict:
    """All results.json keys of A5–A7 for one analysis panel (JSON-ready, NaN → None)."""
    a5 = a5_job_chance.run(panel, seed=seed)
    a6 = a6_caseworkers.run(panel, seed=seed, n_boot=n_boot)
    a7 = a7_change_belief.run(panel, seed=seed)
    return {
        "caseworker_effectiveness": _effectiveness(a6),
        "caseworker_change": _change(a7),
        "belief": _belief(a5, a7),
        "a5_job_chance": a5,
        "a6_caseworkers": a6,
        "a7_change_belief": a7,
    }
