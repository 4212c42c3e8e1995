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

from bip.analysis._design import Background
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


def _change_fits(
    y: np.ndarray, X: np.ndarray, names: list[str], cit: np.ndarray, cw: np.ndarray, with_fe=True
) -> dict:
    by_citizen = Clustered(cit)
    out: dict = {}
    try:
        fit = poisson(y, X, names=names, covariance=by_citizen)
        out.update(_relative(fit, "n_cw_changes"))
    except EstimationError as exc:
        return {"status": "not_estimable", "reason": str(exc)}
    if not with_fe:
        return out
    try:
        # The last fit on X: it may reuse X's memory.
        fit_fe = poisson(y, X, names=names, covariance=by_citizen, absorb=cw, overwrite_X=True)
        out["with_caseworker_fe"] = {
            **_relative(fit_fe, "n_cw_changes"),
            "n_dropped_all_zero_caseworker_rows": fit_fe.n_dropped_rows,
        }
    except (EstimationError, ValueError) as exc:
        out["with_caseworker_fe"] = {"status": "not_estimable", "reason": str(exc)}
    return out


def change_effect(panel: pd.DataFrame, *, bg: Background | None = None) -> dict:
    """Poisson regressions of the outcome on the number of changes so far, background and
    time in the programme (duration dummies); the sources' model without the duration
    controls beside it (``without_duration``). ``bg`` is ``Background(panel)`` if at hand."""
    # Sample: repeat measurements with a known outcome.
    rows = (panel["is_repeat"].astype(bool) & panel[OUTCOME].notna()).to_numpy()
    out: dict = {"n_measurements": int(rows.sum())}
    changes = panel["n_cw_changes"].to_numpy()[rows]
    if rows.sum() < 20 or pd.Series(changes).nunique() < 2:
        return {**out, "status": "insufficient_data"}
    s = panel.loc[rows, ["measured_on", "citizen_id"]].reset_index(drop=True)
    y = pd.to_numeric(panel[OUTCOME]).to_numpy(dtype=float)[rows]
    bg = Background(panel) if bg is None else bg
    lead = {"n_cw_changes": changes.astype(float)}
    dur = duration_dummies(s)
    X, names = bg.design(rows, lead=lead, trail={c: dur[c].to_numpy() for c in dur.columns})
    # Codes in the labels' sorted order: the fits group and cluster as given the labels.
    cit = pd.factorize(panel["citizen_id"].astype(str).to_numpy()[rows], sort=True)[0]
    cw = pd.factorize(panel["caseworker_id"].astype(str).to_numpy()[rows], sort=True)[0]
    out.update(_change_fits(y, X, names, cit, cw))
    out["duration_controls"] = list(dur.columns)
    base, base_names = bg.design(rows, lead=lead, out=X)  # X is done with: reuse its memory
    out["without_duration"] = _change_fits(y, base, base_names, cit, cw, with_fe=False)
    return out


def run(panel: pd.DataFrame, *, seed: int = 0) -> A7ChangeBelief:
    """A7 on an analysis panel (docs/panel.md). ``seed`` is unused (no randomness)."""
    del seed
    bg = Background(panel)  # converted once for the change, belief and forecast designs
    return A7ChangeBelief.model_validate(
        {
            "share_with_change": share_with_change(panel),
            "change_effect": change_effect(panel, bg=bg),
            "belief_effect": belief_effect(panel, bg=bg),
            "event_study": event_study(panel),
            "forecast_bias": forecast_bias(panel, bg=bg),
        }
    )
