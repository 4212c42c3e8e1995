"""A7 Caseworker change and caseworker belief (seeds 000–002): the run and the change model.

- Share of citizens with at least one caseworker change, among citizens with more than one
  measurement (seeds: 40 %).
- Relative change of the job/education chance per change: ``exp(β) − 1`` from a Poisson
  (log-link) regression of ``job_or_education_52w`` on ``n_cw_changes`` (changes so far),
  background and time in the programme (duration dummies) over repeat measurements, CR1
  intervals clustered by citizen; also with caseworker fixed effects, and the sources' model
  without the duration controls beside it (seeds: −22 %).
- The event study around the first change and its design test (``a7_event_study``), and the
  forecast-bias test of the caseworkers' leave-out effects (``a7_forecast``).
- Belief: the leave-out classification and its two-way clustered effect with jobcentre fixed
  effects, and its sensitivity to the minimum of other citizens (``a7_belief``; seeds: +32 %).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bip.analysis._design import background, combine
from bip.analysis.a7_belief import belief_effect, relative
from bip.analysis.a7_event_study import duration_dummies, event_study
from bip.analysis.a7_forecast import forecast_bias
from bip.analysis.common import num
from bip.analysis.estimation import Clustered, EstimationError, Fit, poisson
from bip.panel import JOB_OUTCOME as OUTCOME
from bip.results import A7ChangeBelief


def _relative(fit: Fit, name: str, level: float = 0.95) -> dict:
    """exp(β) − 1 with its interval and p-value (:func:`relative`), and the citizens."""
    return {**relative(fit, name, level), "n_citizens": fit.n_clusters}


def share_with_change(panel: pd.DataFrame) -> dict:
    """Share of citizens with ≥ 1 caseworker change among citizens with > 1 measurement."""
    per = panel.groupby("citizen_id").agg(n=("meas_no", "size"), changes=("n_cw_changes", "max"))
    multi = per[per["n"] > 1]
    n = len(multi)
    return {
        "share_with_change": num((multi["changes"] >= 1).mean()) if n else None,
        "n_citizens": n,
        "n_citizens_with_change": int((multi["changes"] >= 1).sum()),
        "mean_changes": num(multi["changes"].mean()) if n else None,
    }


def _change_fits(s: pd.DataFrame, y: np.ndarray, X: pd.DataFrame, with_fe: bool = True) -> dict:
    by_citizen = Clustered(s["citizen_id"].astype(str))
    out: dict = {}
    try:
        fit = poisson(y, X, covariance=by_citizen)
        out.update(_relative(fit, "n_cw_changes"))
    except EstimationError as exc:
        return {"status": "not_estimable", "reason": str(exc)}
    if not with_fe:
        return out
    try:
        fit_fe = poisson(y, X, covariance=by_citizen, absorb=s["caseworker_id"].astype(str))
        out["with_caseworker_fe"] = {
            **_relative(fit_fe, "n_cw_changes"),
            "n_dropped_all_zero_caseworker_rows": fit_fe.n_dropped_rows,
        }
    except (EstimationError, ValueError) as exc:
        out["with_caseworker_fe"] = {"status": "not_estimable", "reason": str(exc)}
    return out


def change_effect(panel: pd.DataFrame) -> dict:
    """Poisson regressions of the outcome on the number of changes so far, background and
    time in the programme (duration dummies); the sources' model without the duration
    controls beside it (``without_duration``)."""
    s = panel.loc[panel["is_repeat"].astype(bool) & panel[OUTCOME].notna()].reset_index(drop=True)
    # Sample: repeat measurements with a known outcome.
    out: dict = {"n_measurements": len(s)}
    if len(s) < 20 or s["n_cw_changes"].nunique() < 2:
        return {**out, "status": "insufficient_data"}
    y = pd.to_numeric(s[OUTCOME]).to_numpy(dtype=float)
    base = combine(pd.DataFrame({"n_cw_changes": s["n_cw_changes"].astype(float)}), background(s))
    dur = duration_dummies(s)
    out.update(_change_fits(s, y, combine(base, dur)))
    out["duration_controls"] = list(dur.columns)
    out["without_duration"] = _change_fits(s, y, base, with_fe=False)
    return out


def run(panel: pd.DataFrame, *, seed: int = 0) -> A7ChangeBelief:
    """A7 on an analysis panel (docs/panel.md). ``seed`` is unused (no randomness)."""
    del seed
    return A7ChangeBelief.model_validate(
        {
            "share_with_change": share_with_change(panel),
            "change_effect": change_effect(panel),
            "belief_effect": belief_effect(panel),
            "event_study": event_study(panel),
            "forecast_bias": forecast_bias(panel),
        }
    )
