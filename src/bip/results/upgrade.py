"""Read results of schema ``bip-results/1`` (BIP 0.1) as ``bip-results/2``.

Version 2 dropped from the sections what is not a result of the analysis: fixed prose
(``method``, ``sample``, ``definition``, notes; now field descriptions of the schema), the
sources' published values (the report takes them from ``calibration/published.yaml``), the
report's explanatory text, and copies of the summary objects inside A6 and A7. A failed model's
status ``"not_estimable: <reason>"`` became ``status`` plus ``reason``. Everything else is
unchanged, so an older ``results.json`` still renders a report.
"""

from __future__ import annotations

import copy
import statistics
from typing import Any

# Paths removed in version 2; "*" stands for every key or list element at that level.
DROPPED = (
    "a4_combination_effects/method",
    "a5_job_chance/rates_note",
    "a5_job_chance/rates_by_level/*/*/published_job_13w",
    "a5_job_chance/job_model/sample",
    "a5_job_chance/job_model/missing_answers",
    "a5_job_chance/job_model/ranking",
    "a5_job_chance/belief_distributions/*/*/published_share",
    "a5_job_chance/job_search/unit",
    "a5_job_chance/job_search/score_definition",
    "a5_job_chance/job_search/psych_definition",
    "a5_job_chance/job_search/overall/published",
    "a5_job_chance/job_search/by_mean_citizen_score/*/published",
    "a5_job_chance/job_search/by_psych_group/*/published",
    "a6_caseworkers/method",
    "a6_caseworkers/normalisation",
    "a6_caseworkers/ranking",
    "a6_caseworkers/published",
    "a6_caseworkers/caseworker_effectiveness",
    "a6_caseworkers/policy_experiment/se_method",
    "a6_caseworkers/policy_experiment/published",
    "a6_caseworkers/beyond/noise_model",
    "a6_caseworkers/beyond/explanation_da",
    "a6_caseworkers/beyond/explanation_en",
    "a7_change_belief/published",
    "a7_change_belief/caseworker_change",
    "a7_change_belief/belief",
    "a7_change_belief/change_effect/sample",
    "a7_change_belief/belief_effect/sample",
    "a7_change_belief/belief_effect/definition",
    "belief/published_job13_rate_by_S12",
)


def _drop(obj: Any, parts: list[str]) -> None:
    head, rest = parts[0], parts[1:]
    if isinstance(obj, dict):
        keys = list(obj) if head == "*" else [head]
        for k in keys:
            if k not in obj:
                continue
            if rest:
                _drop(obj[k], rest)
            else:
                del obj[k]
    elif isinstance(obj, list) and head == "*" and rest:
        for v in obj:
            _drop(v, rest)


def sections_from_v1(doc: dict) -> dict:
    """The nine section dicts of a v1 document (or of v1-shaped analysis output), as v2."""
    d = copy.deepcopy({k: doc[k] for k in doc if k.startswith("a") and k[1].isdigit()})
    for path in DROPPED:
        _drop(d, path.split("/"))
    fe = (d.get("a7_change_belief") or {}).get("change_effect", {}).get("with_caseworker_fe")
    if isinstance(fe, dict):
        fe.setdefault("status", "ok")  # v1 wrote a status only when the model failed
    beyond = (d.get("a6_caseworkers") or {}).get("beyond")
    if isinstance(beyond, dict) and "median_citizens_per_caseworker" not in beyond:
        n = [e["n_citizens"] for e in d["a6_caseworkers"].get("effects", [])]
        beyond["median_citizens_per_caseworker"] = float(statistics.median(n)) if n else None
    return without_citizen_bootstrap(d)


def without_citizen_bootstrap(d: dict) -> dict:
    """Results written before A6's intervals came from the empirical-Bayes model held a citizen
    bootstrap (``a6_caseworkers/beyond/bootstrap``) whose intervals could exclude their own
    estimates; they are dropped on reading (``inference`` null), not shown."""
    beyond = (d.get("a6_caseworkers") or {}).get("beyond")
    if isinstance(beyond, dict) and "bootstrap" in beyond:
        d = copy.deepcopy(d)
        b = d["a6_caseworkers"]["beyond"]
        del b["bootstrap"]
        b.setdefault("inference", None)
    return d


def document_from_v1(doc: dict) -> dict:
    """A whole v1 ``results.json`` as a v2 document (summaries recomputed from the sections)."""
    meta = {**doc["meta"], "schema": "bip-results/2"}
    return {"meta": meta, "dataset": doc["dataset"], **sections_from_v1(doc)}
