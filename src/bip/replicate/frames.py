"""The tables of a :class:`~bip.results.Results` as pandas data frames, one per table.

``frames(results)`` gives every table below; ``frame(results, name)`` one of them. Each frame
is tidy: one row per estimate or cell, one column per field of the typed result, so it can
be filtered, pivoted and plotted directly.

| name | rows |
|---|---|
| ``a1_items`` | per item: mean progression, SD, n, shares unchanged/up/down |
| ``a1_weeks`` | per item: progression on weeks since the previous measurement |
| ``a4_naive``, ``a4_adjusted`` | per item and combination code: effect size, SE, CI, p |
| ``a4_models`` | per model and item: n, citizens, R² |
| ``a5_rates`` | per indicator and answer level: outcome rates |
| ``a5_job_model`` | per term of the job model: coefficient, SE, t, p, CI, rank |
| ``a6_effects`` | per caseworker: raw and shrunken effect, SE, quartile |
| ``a6_quartiles`` | per quartile: caseworkers, measurements, outcome rate, mean effect |
| ``a6_policy`` | the policy experiment (raw and shrunken), one row each |
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from bip.results import Results

_FLAT_QUARTILE = (
    "quartile",
    "n_caseworkers",
    "n_measurements",
    "n_citizens",
    "outcome_rate",
    "mean_effect",
    "citizens_per_caseworker",
)


def _a1_items(r: Results) -> pd.DataFrame:
    rows = [
        {"item": k, **v.model_dump(exclude={"histogram"})}
        for k, v in r.a1_progression.items.items()
    ]
    return pd.DataFrame(rows)


def _a1_weeks(r: Results) -> pd.DataFrame:
    return pd.DataFrame(
        [{"item": k, **v.model_dump()} for k, v in r.a1_progression.weeks_regression.items()]
    )


def _a4(which: str) -> Callable[[Results], pd.DataFrame]:
    def make(r: Results) -> pd.DataFrame:
        per_item = getattr(r.a4_combination_effects, which)
        rows = [
            {"item": item, "code": code, **c.model_dump()}
            for item, m in per_item.items()
            for code, c in m.codes.items()
        ]
        return pd.DataFrame(rows)

    return make


def _a4_models(r: Results) -> pd.DataFrame:
    a4 = r.a4_combination_effects
    rows = [
        {"model": which, "item": item, **m.model_dump(exclude={"codes"})}
        for which in ("naive", "adjusted")
        for item, m in getattr(a4, which).items()
    ]
    return pd.DataFrame(rows)


def _a5_rates(r: Results) -> pd.DataFrame:
    rows = [
        {"item": item, **lv.model_dump()}
        for item, levels in r.a5_job_chance.rates_by_level.items()
        for lv in levels
    ]
    return pd.DataFrame(rows)


def _a5_job_model(r: Results) -> pd.DataFrame:
    terms = r.a5_job_chance.job_model.terms
    return pd.DataFrame([t.model_dump() for t in terms], columns=list(_term_fields()))


def _term_fields() -> tuple[str, ...]:
    from bip.results.job_chance import JobTerm

    return tuple(JobTerm.model_fields)


def _a6_effects(r: Results) -> pd.DataFrame:
    return pd.DataFrame([e.model_dump() for e in r.a6_caseworkers.effects])


def _a6_quartiles(r: Results) -> pd.DataFrame:
    return pd.DataFrame(
        [{k: getattr(q, k) for k in _FLAT_QUARTILE} for q in r.a6_caseworkers.quartiles],
        columns=list(_FLAT_QUARTILE),
    )


def _a6_policy(r: Results) -> pd.DataFrame:
    a6 = r.a6_caseworkers
    rows = []
    if a6.policy_experiment is not None:
        rows.append({"effects": "raw", **a6.policy_experiment.model_dump()})
    if a6.beyond is not None:
        rows.append({"effects": "shrunken", **a6.beyond.policy_experiment_shrunk.model_dump()})
    return pd.DataFrame(rows)


TABLES: dict[str, Callable[[Results], pd.DataFrame]] = {
    "a1_items": _a1_items,
    "a1_weeks": _a1_weeks,
    "a4_naive": _a4("naive"),
    "a4_adjusted": _a4("adjusted"),
    "a4_models": _a4_models,
    "a5_rates": _a5_rates,
    "a5_job_model": _a5_job_model,
    "a6_effects": _a6_effects,
    "a6_quartiles": _a6_quartiles,
    "a6_policy": _a6_policy,
}


def frame(results: Results, name: str) -> pd.DataFrame:
    """One table of ``results`` as a data frame (names: :data:`TABLES`)."""
    try:
        make = TABLES[name]
    except KeyError:
        raise KeyError(f"no table {name!r}; choose one of {', '.join(TABLES)}") from None
    return make(results)


def frames(results: Results) -> dict[str, pd.DataFrame]:
    """Every table of ``results`` as a data frame, keyed by name (:data:`TABLES`)."""
    return {name: make(results) for name, make in TABLES.items()}
