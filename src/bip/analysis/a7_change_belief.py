"""A7 Caseworker change and caseworker belief (seeds 000–002).

- Share of citizens with at least one caseworker change, among citizens with more than one
  measurement (seeds: 40 %).
- Relative change of the job/education chance per change: ``exp(β) − 1`` from a Poisson
  (log-link) regression of ``job_or_education_52w`` on ``n_cw_changes`` (changes so far) and
  background over repeat measurements, CR1 intervals clustered by citizen; also with caseworker
  fixed effects (seeds: −22 %).
- Belief: the caseworker's mean S12 about their *other* citizens (leave-one-citizen-out), high
  when above the median caseworker's mean S12; relative effect of a high-belief caseworker,
  Poisson with background controls (seeds: +32 %).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bip.analysis._design import background, combine
from bip.analysis.estimation import Clustered, EstimationError, Fit, poisson
from bip.panel import JOB_OUTCOME as OUTCOME
from bip.results import A7ChangeBelief


def _f(x) -> float | None:
    if x is None:
        return None
    x = float(x)
    return x if np.isfinite(x) else None


def _relative(fit: Fit, name: str, level: float = 0.95) -> dict:
    """exp(β) − 1 with its interval (t critical value, G − 1 df) and p-value."""
    i = fit.names.index(name)
    b, se = float(fit.coef[i]), float(fit.se[i])
    q = fit.t_crit(level)
    return {
        "status": "ok",
        "relative_effect": _f(np.expm1(b)),
        "ci_low": _f(np.expm1(b - q * se)),
        "ci_high": _f(np.expm1(b + q * se)),
        "coef": _f(b),
        "se": _f(se),
        "p_value": _f(fit.pvalue[i]),
        "n_measurements": fit.n_obs,
        "n_citizens": fit.n_clusters,
    }


def share_with_change(panel: pd.DataFrame) -> dict:
    """Share of citizens with ≥ 1 caseworker change among citizens with > 1 measurement."""
    per = panel.groupby("citizen_id").agg(n=("meas_no", "size"), changes=("n_cw_changes", "max"))
    multi = per[per["n"] > 1]
    n = len(multi)
    return {
        "share_with_change": _f((multi["changes"] >= 1).mean()) if n else None,
        "n_citizens": n,
        "n_citizens_with_change": int((multi["changes"] >= 1).sum()),
        "mean_changes": _f(multi["changes"].mean()) if n else None,
    }


def change_effect(panel: pd.DataFrame) -> dict:
    """Poisson regressions of the outcome on the number of changes so far (+ background)."""
    s = panel.loc[panel["is_repeat"].astype(bool) & panel[OUTCOME].notna()].reset_index(drop=True)
    # Sample: repeat measurements with a known outcome.
    out: dict = {"n_measurements": len(s)}
    if len(s) < 20 or s["n_cw_changes"].nunique() < 2:
        return {**out, "status": "insufficient_data"}
    y = pd.to_numeric(s[OUTCOME]).to_numpy(dtype=float)
    X = combine(pd.DataFrame({"n_cw_changes": s["n_cw_changes"].astype(float)}), background(s))
    by_citizen = Clustered(s["citizen_id"].astype(str))
    try:
        fit = poisson(y, X, covariance=by_citizen)
        out.update(_relative(fit, "n_cw_changes"))
    except EstimationError as exc:
        return {**out, "status": "not_estimable", "reason": str(exc)}
    try:
        fit_fe = poisson(y, X, covariance=by_citizen, absorb=s["caseworker_id"].astype(str))
        out["with_caseworker_fe"] = {
            **_relative(fit_fe, "n_cw_changes"),
            "n_dropped_all_zero_caseworker_rows": fit_fe.n_dropped_rows,
        }
    except (EstimationError, ValueError) as exc:
        out["with_caseworker_fe"] = {"status": "not_estimable", "reason": str(exc)}
    return out


def leave_one_out_belief(panel: pd.DataFrame) -> pd.DataFrame:
    """Per measurement: the caseworker's mean S12 over their other citizens, the median of the
    caseworkers' mean S12, and whether the caseworker is high (LOO mean above that median)."""
    cw = panel["caseworker_id"].astype(str)
    cit = panel["citizen_id"].astype(str)
    s12 = pd.to_numeric(panel["S12"]).astype(float)
    has = s12.notna()
    by_cw = s12[has].groupby(cw[has]).agg(["sum", "count"])
    by_cell = s12[has].groupby([cw[has], cit[has]]).agg(["sum", "count"])
    cell_idx = pd.MultiIndex.from_arrays([cw, cit])
    cell_sum = by_cell["sum"].reindex(cell_idx).fillna(0).to_numpy()
    cell_cnt = by_cell["count"].reindex(cell_idx).fillna(0).to_numpy()
    tot_sum = by_cw["sum"].reindex(cw).fillna(0).to_numpy()
    tot_cnt = by_cw["count"].reindex(cw).fillna(0).to_numpy()
    others = tot_cnt - cell_cnt
    with np.errstate(invalid="ignore", divide="ignore"):
        loo = np.where(others > 0, (tot_sum - cell_sum) / others, np.nan)
    median = float((by_cw["sum"] / by_cw["count"]).median()) if len(by_cw) else np.nan
    return pd.DataFrame(
        {
            "loo_s12": loo,
            "n_other_answers": others,
            "high": np.where(np.isnan(loo), np.nan, (loo > median).astype(float)),
        },
        index=panel.index,
    ).assign(median_caseworker_s12=median)


def belief_effect(panel: pd.DataFrame) -> dict:
    """Relative effect of a caseworker with high mean S12 about their other citizens."""
    b = leave_one_out_belief(panel)
    ok = panel[OUTCOME].notna().to_numpy() & ~np.isnan(b["high"].to_numpy())
    s = panel.loc[ok].reset_index(drop=True)
    high = b.loc[ok, "high"].to_numpy()
    # Sample: measurements with a known outcome whose caseworker has S12 answers for other
    # citizens; high = that caseworker's mean S12 is above the median caseworker's mean S12.
    out: dict = {
        "median_caseworker_s12": _f(b["median_caseworker_s12"].iloc[0]) if len(b) else None,
        "n_measurements": len(s),
    }
    if len(s) < 20 or len(np.unique(high)) < 2:
        return {**out, "status": "insufficient_data"}
    y = pd.to_numeric(s[OUTCOME]).to_numpy(dtype=float)
    X = combine(pd.DataFrame({"high_belief_caseworker": high}), background(s))
    try:
        fit = poisson(y, X, covariance=Clustered(s["citizen_id"].astype(str)))
    except EstimationError as exc:
        return {**out, "status": "not_estimable", "reason": str(exc)}
    rates = {}
    for v, key in ((1.0, "high"), (0.0, "low")):
        m = high == v
        rates[key] = {
            "outcome_rate": _f(y[m].mean()),
            "n": int(m.sum()),
            "n_citizens": int(s.loc[m, "citizen_id"].nunique()),
        }
    return {
        **out,
        **_relative(fit, "high_belief_caseworker"),
        "outcome_rate_by_group": rates,
    }


def run(panel: pd.DataFrame, *, seed: int = 0) -> A7ChangeBelief:
    """A7 on an analysis panel (docs/panel.md). ``seed`` is unused (no randomness)."""
    del seed
    return A7ChangeBelief.model_validate(
        {
            "share_with_change": share_with_change(panel),
            "change_effect": change_effect(panel),
            "belief_effect": belief_effect(panel),
        }
    )
