"""BIP's own estimates of the replicated models as one long table (``bip_estimates.csv``).

One row per number: ``model``, ``item``, ``term``, ``stat``, ``value``. The R script writes
its re-estimates with exactly the same keys (``r_estimates.csv``), so the two files join on
the first four columns. Models:

* ``a1_weeks``: per item, progression on an intercept and weeks since the previous
  measurement (terms ``intercept`` and ``weeks``).
* ``a4_naive`` / ``a4_adjusted``: per item, the 16 combination dummies (term = the JOSH code).
* ``a5_job``: the job model (item ``all``; term = the regressor, ``B1``, ``d_B1``,
  ``B10_searching``, ``B10_<channel>``, ``B11_log``).
* ``a6_fe``: the caseworker fixed-effects model (item ``model``, ``policy``, ``quartile``,
  or a caseworker id for its effect and quartile).

Model-level numbers (n, R², clusters) have the term ``""``.
"""

from __future__ import annotations

import pandas as pd

from bip.results import Results

COLUMNS = ("model", "item", "term", "stat", "value")
# A4 per-code numbers compared (the percentile is a function of the estimate).
_A4_STATS = ("estimate", "se", "ci_low", "ci_high", "p_value", "df", "n")
_A5_STATS = ("coef", "se", "t", "p_value", "ci_low", "ci_high", "std_coef", "n")


def bip_estimates(results: Results) -> pd.DataFrame:
    """The replicated models' numbers from ``results`` in the long layout (None dropped)."""
    rows: list[tuple[str, str, str, str, float | None]] = []
    add = rows.append
    for item, r in results.a1_progression.weeks_regression.items():
        add(("a1_weeks", item, "intercept", "estimate", r.intercept))
        add(("a1_weeks", item, "weeks", "estimate", r.slope_per_week))
        for stat in ("se", "ci_low", "ci_high", "p_value"):
            add(("a1_weeks", item, "weeks", stat, getattr(r, stat)))
        add(("a1_weeks", item, "", "n", r.n))
        add(("a1_weeks", item, "", "n_citizens", r.n_citizens))
    a4 = results.a4_combination_effects
    for model, per_item in (("a4_naive", a4.naive), ("a4_adjusted", a4.adjusted)):
        for item, m in per_item.items():
            add((model, item, "", "n", m.n))
            add((model, item, "", "n_citizens", m.n_citizens))
            add((model, item, "", "r2", m.r2))
            for code, c in m.codes.items():
                if c.estimate is None:  # no observations with this code in the sample
                    continue
                for stat in _A4_STATS:
                    add((model, item, code, stat, getattr(c, stat)))
    jm = results.a5_job_chance.job_model
    if jm.status == "ok":
        add(("a5_job", "all", "", "n", jm.n_measurements))
        add(("a5_job", "all", "", "n_citizens", jm.n_citizens))
        add(("a5_job", "all", "", "r2", jm.r2))
        for t in jm.terms:
            term = t.column
            for stat in _A5_STATS:
                add(("a5_job", "all", term, stat, getattr(t, stat)))
    _a6(results, add)
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame = frame[frame["value"].notna()].reset_index(drop=True)
    frame["value"] = frame["value"].astype(float)
    return frame


def _a6(results: Results, add) -> None:
    a6 = results.a6_caseworkers
    if a6.status != "ok":
        return
    for stat in ("n_measurements", "n_caseworkers", "n_citizens"):
        add(("a6_fe", "model", "", stat, getattr(a6, stat)))
    for stat in ("r2_without_fe", "r2_with_fe", "r2_within"):
        add(("a6_fe", "model", "", stat, getattr(a6, stat)))
    pe = a6.policy_experiment
    if pe is not None:
        for stat in ("actual", "counterfactual", "increase", "increase_se", "p_value"):
            add(("a6_fe", "policy", "", stat, getattr(pe, stat)))
    for q in a6.quartiles:
        for stat in (
            "n_caseworkers",
            "n_measurements",
            "n_citizens",
            "outcome_rate",
            "mean_effect",
            "citizens_per_caseworker",
        ):
            add(("a6_fe", "quartile", str(q.quartile), stat, getattr(q, stat)))
    for e in a6.effects:
        add(("a6_fe", e.caseworker_id, "", "effect", e.effect))
        add(("a6_fe", e.caseworker_id, "", "quartile", e.quartile))
        add(("a6_fe", e.caseworker_id, "", "n_measurements", e.n_measurements))


def compare(ours: pd.DataFrame, theirs: pd.DataFrame) -> pd.DataFrame:
    """Both tables joined on the keys, with ``diff`` = theirs − ours; rows only one side has
    get NaN (a missing estimate is a difference too)."""
    keys = list(COLUMNS[:-1])
    a = ours.assign(item=ours["item"].astype(str), term=ours["term"].fillna("").astype(str))
    b = theirs.assign(item=theirs["item"].astype(str), term=theirs["term"].fillna("").astype(str))
    m = a.merge(b, on=keys, how="outer", suffixes=("_bip", "_other"), indicator=True)
    m["diff"] = m["value_other"] - m["value_bip"]
    return m
