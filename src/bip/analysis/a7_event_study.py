"""A7 change: time in the programme and the event study around the first caseworker change.

Changes accumulate with time in the programme, and the chance of a job changes with it, so
every change model controls for the weeks since the citizen's first measurement
(``DURATION_BINS``, dummies). The event study compares a citizen's measurements before and
after their first change (citizen fixed effects), with citizens who never change as controls:

- Event time is the weeks from the first change to the measurement (``EVENT_BINS``). A
  measurement less than 52 weeks before the change has an outcome window that contains the
  change, so it is partly treated and gets its own coefficient (``straddle``); leads are
  measurements whose whole window closes before the change, and the reference is the lead
  closest to the change (52–78 weeks before). The leads' joint Wald test is the design test:
  without anticipation or selection on the path to the change they are zero.
- Linear probability model (a Poisson fit has no finite coefficient for an event bin whose
  outcomes are all zero, which selection can produce), errors clustered by citizen (the
  event varies by citizen); relative effects divide by the reference bin's outcome rate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from bip.analysis.common import num
from bip.analysis.estimation import Clustered, EstimationError, Fit, nested_fe_fit, ols
from bip.panel import JOB_OUTCOME as OUTCOME

# Weeks since the first measurement: left edges of the duration dummies (first = reference).
DURATION_BINS = (0, 13, 26, 52, 78, 104, 156)
# Weeks from the first change: (name, from, to) with ``from <= t < to``; ``REFERENCE`` left out.
EVENT_BINS = (
    ("lead_104", -np.inf, -104.0),
    ("lead_78", -104.0, -78.0),
    ("lead_52", -78.0, -52.0),
    ("straddle", -52.0, 0.0),
    ("lag_0", 0.0, 13.0),
    ("lag_13", 13.0, 26.0),
    ("lag_26", 26.0, 52.0),
    ("lag_52", 52.0, np.inf),
)
REFERENCE = "lead_52"
LEADS = ("lead_104", "lead_78")
LAGS = ("lag_0", "lag_13", "lag_26", "lag_52")


def weeks_in_programme(panel: pd.DataFrame) -> pd.Series:
    """Weeks since the citizen's first measurement."""
    day = pd.to_datetime(panel["measured_on"])
    first = day.groupby(panel["citizen_id"].astype(str)).transform("min")
    return (day - first).dt.days / 7.0


def duration_dummies(panel: pd.DataFrame) -> pd.DataFrame:
    """One dummy per ``DURATION_BINS`` interval after the first (the reference)."""
    w = weeks_in_programme(panel).to_numpy()
    edges = np.asarray(DURATION_BINS, dtype=float)
    k = np.searchsorted(edges, w, side="right") - 1
    cols = {}
    for j in range(1, len(edges)):
        hi = f"{int(edges[j + 1])}" if j + 1 < len(edges) else "plus"
        cols[f"weeks_{int(edges[j])}_{hi}"] = (k == j).astype(float)
    return pd.DataFrame(cols, index=panel.index)


def weeks_from_first_change(panel: pd.DataFrame) -> pd.Series:
    """Weeks from the citizen's first caseworker change to each measurement (NaN: no change)."""
    day = pd.to_datetime(panel["measured_on"])
    cit = panel["citizen_id"].astype(str)
    changed = panel["cw_changed"].astype(bool)
    first = day.where(changed).groupby(cit).transform("min")
    return (day - first).dt.days / 7.0


def event_dummies(t: pd.Series) -> pd.DataFrame:
    """Event-time dummies of ``EVENT_BINS`` but the reference (all 0 without a change)."""
    v = t.to_numpy(dtype=float)
    return pd.DataFrame(
        {
            name: ((v >= lo) & (v < hi)).astype(float)
            for name, lo, hi in EVENT_BINS
            if name != REFERENCE
        },
        index=t.index,
    )


def wald(fit: Fit, names: tuple[str, ...]) -> dict:
    """Joint Wald test that the named coefficients are all zero: F = b'V⁻¹b / q against
    F(q, df) with the fit's t degrees of freedom, and the χ²(q) p-value beside it."""
    idx = [fit.names.index(n) for n in names if n in fit.names]
    q = len(idx)
    if q == 0:
        return {"status": "not_estimable", "reason": "no lead could be estimated"}
    b = fit.coef[idx]
    V = fit.vcov[np.ix_(idx, idx)]
    chi2 = float(b @ np.linalg.solve(V, b))
    return {
        "status": "ok",
        "f_stat": num(chi2 / q),
        "df1": q,
        "df2": int(fit.df),
        "p_value": num(stats.f.sf(chi2 / q, q, fit.df)),
        "chi2": num(chi2),
        "p_value_chi2": num(stats.chi2.sf(chi2, q)),
    }


def event_study_design(panel: pd.DataFrame):
    """(sample, y, X, event time) of the event study: measurements with a known outcome."""
    t = weeks_from_first_change(panel)
    keep = panel[OUTCOME].notna().to_numpy()
    s = panel.loc[keep].reset_index(drop=True)
    t = t[keep].reset_index(drop=True)
    y = pd.to_numeric(s[OUTCOME]).to_numpy(dtype=float)
    X = pd.concat([event_dummies(t), duration_dummies(s)], axis=1)
    return s, y, X, t


def event_study(panel: pd.DataFrame, level: float = 0.95) -> dict:
    """Leads and lags of the first caseworker change (citizen FE, duration dummies, CR1 by
    citizen), the leads' joint test and each bin's relative effect against the reference."""
    s, y, X, t = event_study_design(panel)
    changers = s.loc[t.notna().to_numpy(), "citizen_id"].nunique()
    out: dict = {
        "n_measurements": len(s),
        "n_citizens": int(s["citizen_id"].nunique()),
        "n_citizens_with_change": int(changers),
        "reference": REFERENCE,
    }
    if len(s) < 50 or changers < 10:
        return {**out, "status": "insufficient_data"}
    cit = s["citizen_id"].astype(str)
    try:
        fit = nested_fe_fit(ols(y, X, absorb=cit, covariance=Clustered(cit)))
    except EstimationError as exc:
        return {**out, "status": "not_estimable", "reason": str(exc)}
    in_ref = ((t >= -78.0) & (t < -52.0)).to_numpy()
    base = float(y[in_ref].mean()) if in_ref.any() else None
    q = fit.t_crit(level)
    rows = []
    for name, lo, hi in EVENT_BINS:
        m = ((t >= lo) & (t < hi)).to_numpy()
        row = {
            "bin": name,
            "weeks_from": num(lo),
            "weeks_to": num(hi),
            "n": int(m.sum()),
            "n_citizens": int(s.loc[m, "citizen_id"].nunique()),
            "mean_weeks": num(t[m].mean()) if m.any() else None,
            "outcome_rate": num(y[m].mean()) if m.any() else None,
        }
        if name == REFERENCE:
            row.update(coef=0.0, se=None, ci_low=None, ci_high=None, relative_effect=0.0)
        elif name in fit.names:
            b, se = fit.get(name)
            row.update(
                coef=num(b),
                se=num(se),
                ci_low=num(b - q * se),
                ci_high=num(b + q * se),
                relative_effect=num(b / base) if base is not None and base > 0 else None,
            )
        rows.append(row)
    return {
        **out,
        "status": "ok",
        "reference_outcome_rate": num(base),
        "coefficients": rows,
        "leads_joint_test": wald(fit, LEADS),
        "n_clusters": fit.n_clusters,
    }
