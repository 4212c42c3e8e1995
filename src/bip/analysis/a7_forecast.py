"""A7 change: the Chetty–Friedman–Rockoff forecast-bias test at the first caseworker change.

If a caseworker's effect estimated from their *other* citizens is an unbiased forecast, a
citizen who moves from caseworker o to caseworker n should see their outcome change by the
difference of the two forecasts, one for one. Steps:

1. Residual outcome: least squares of the 52-week outcome on background and time in the
   programme with jobcentre fixed effects (measurements with a known outcome).
2. Leave-citizen-out caseworker effect: the mean over the caseworker's other citizens of
   each citizen's mean residual with them (every citizen weighs once), shrunk towards 0 by
   its reliability σ²/(σ² + s²_w/(n − 1)) — σ² the variance of true effects (variance of the
   caseworkers' means less their mean noise variance), s²_w the pooled within-caseworker
   variance of citizen means, n − 1 the other citizens. A caseworker needs
   ``MIN_OTHER_CITIZENS`` other citizens.
3. For each citizen with a change: Δ residual = the residual at the first measurement with
   the new caseworker minus that of the last earlier measurement whose whole outcome window
   closes before the change (a later one's window contains the change). Δ forecast = new
   caseworker's forecast − old's, both without this citizen.
4. Least squares of Δ residual on Δ forecast (with an intercept), CR1 errors two-way by old
   and new caseworker; the coefficient, its interval and the t test of coefficient = 1.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from bip.analysis._design import Background
from bip.analysis.a7_belief import MIN_OTHER_CITIZENS, two_way_ols
from bip.analysis.a7_event_study import duration_dummies
from bip.analysis.common import num
from bip.analysis.estimation import EstimationError, Iid, ols
from bip.panel import JOB_OUTCOME as OUTCOME

WINDOW_DAYS = 364  # the outcome window (measured_on, +364 days]


def residual_outcome(panel: pd.DataFrame, *, bg: Background | None = None) -> pd.Series:
    """Outcome net of background and duration, jobcentre FE (NaN without a known outcome).
    ``bg`` is ``Background(panel)`` when the caller has it."""
    keep = panel[OUTCOME].notna().to_numpy()
    s = panel.loc[keep, ["measured_on", "citizen_id", "jobcenter_id", OUTCOME]]
    y = pd.to_numeric(s[OUTCOME]).to_numpy(dtype=float)
    dur = duration_dummies(s)
    bg = Background(panel) if bg is None else bg
    X, names = bg.design(keep, trail={c: dur[c].to_numpy() for c in dur.columns})
    fit = ols(y, X, names=names, absorb=s["jobcenter_id"].astype(str).to_numpy(), covariance=None)
    out = pd.Series(np.nan, index=panel.index)
    out[keep] = fit.resid
    return out


def leave_out_forecasts(
    panel: pd.DataFrame, resid: pd.Series, min_other_citizens: int = MIN_OTHER_CITIZENS
) -> tuple[pd.DataFrame, dict]:
    """Per (caseworker, citizen) with a residual: the shrunk leave-citizen-out forecast
    (NaN when fewer than ``min_other_citizens`` others) and the shrinkage inputs."""
    ok = resid.notna().to_numpy()
    cells = (
        pd.DataFrame(
            {
                "cw": panel["caseworker_id"].astype(str).to_numpy()[ok],
                "cit": panel["citizen_id"].astype(str).to_numpy()[ok],
                "r": resid.to_numpy()[ok],
            }
        )
        .groupby(["cw", "cit"], sort=False)["r"]
        .mean()
        .reset_index()
    )
    g = cells.groupby("cw")["r"]
    per = pd.DataFrame({"n": g.size(), "sum": g.sum(), "mean": g.mean(), "var": g.var(ddof=1)})
    multi = per[per["n"] >= 2]
    # Pooled within-caseworker variance of citizen means, and the variance of true effects.
    s2w = float(((multi["n"] - 1) * multi["var"]).sum() / max((multi["n"] - 1).sum(), 1))
    elig = per[per["n"] >= min_other_citizens + 1]
    sig2 = max(float(elig["mean"].var(ddof=1)) - float((s2w / elig["n"]).mean()), 0.0)
    c = cells.join(per[["n", "sum"]], on="cw")
    n_other = c["n"] - 1
    raw = (c["sum"] - c["r"]) / n_other.replace(0, np.nan)
    lam = sig2 / (sig2 + s2w / n_other.replace(0, np.nan))
    c["forecast"] = np.where(n_other >= min_other_citizens, lam * raw, np.nan)
    return c[["cw", "cit", "forecast"]], {
        "true_effect_sd": num(np.sqrt(sig2)),
        "within_sd": num(np.sqrt(s2w)),
        "n_caseworkers": len(elig),
    }


def change_pairs(panel: pd.DataFrame, resid: pd.Series) -> pd.DataFrame:
    """One row per citizen with a first change: old and new caseworker, the residual at the
    change measurement and at the last earlier one whose window closes before the change."""
    day = pd.to_datetime(panel["measured_on"])
    d = pd.DataFrame(
        {
            "cit": panel["citizen_id"].astype(str).to_numpy(),
            "cw": panel["caseworker_id"].astype(str).to_numpy(),
            "day": day.to_numpy(),
            "r": resid.to_numpy(),
            "chg": panel["cw_changed"].astype(bool).to_numpy(),
        }
    )
    first = d[d["chg"]].sort_values("day").groupby("cit").head(1)
    post = first[first["r"].notna()].rename(columns={"cw": "cw_new", "day": "t", "r": "r_post"})
    pre = d.merge(post[["cit", "t"]], on="cit")
    pre = pre[(pre["day"] + pd.Timedelta(days=WINDOW_DAYS) < pre["t"]) & pre["r"].notna()]
    pre = pre.sort_values("day").groupby("cit").tail(1)
    pre = pre.rename(columns={"cw": "cw_old", "r": "r_pre"})[["cit", "cw_old", "r_pre"]]
    return post[["cit", "cw_new", "r_post"]].merge(pre, on="cit")


def forecast_bias(
    panel: pd.DataFrame, level: float = 0.95, *, bg: Background | None = None
) -> dict:
    """The forecast-bias test: Δ residual on Δ leave-out forecast at the first change.
    ``bg`` is ``Background(panel)`` when the caller has it."""
    try:
        resid = residual_outcome(panel, bg=bg)
    except EstimationError as exc:
        return {"status": "not_estimable", "reason": str(exc)}
    fc, shrink = leave_out_forecasts(panel, resid)
    pairs = change_pairs(panel, resid)
    pairs = pairs.merge(
        fc.rename(columns={"cw": "cw_new", "forecast": "f_new"}), on=["cw_new", "cit"]
    ).merge(fc.rename(columns={"cw": "cw_old", "forecast": "f_old"}), on=["cw_old", "cit"])
    pairs = pairs.dropna(subset=["f_new", "f_old"]).reset_index(drop=True)
    out: dict = {"n_citizens": len(pairs), "min_other_citizens": MIN_OTHER_CITIZENS, **shrink}
    if len(pairs) < 30 or not shrink["true_effect_sd"]:
        return {**out, "status": "insufficient_data"}
    dy = (pairs["r_post"] - pairs["r_pre"]).to_numpy()
    df_ = pd.DataFrame({"delta_forecast": (pairs["f_new"] - pairs["f_old"]).to_numpy()})
    try:
        fit = two_way_ols(dy, df_, pairs["cw_old"], pairs["cw_new"])
    except EstimationError as exc:
        return {**out, "status": "not_estimable", "reason": str(exc)}
    b, se = fit.get("delta_forecast")
    q = fit.t_crit(level)
    t1 = (b - 1) / se if se > 0 else np.nan
    iid = ols(dy, df_, covariance=Iid())
    return {
        **out,
        "status": "ok",
        "coef": num(b),
        "se": num(se),
        "ci_low": num(b - q * se),
        "ci_high": num(b + q * se),
        "p_value_equal_one": num(2 * stats.t.sf(abs(t1), fit.df)),
        "p_value_zero": num(2 * stats.t.sf(abs(b / se), fit.df)) if se > 0 else None,
        "se_iid": num(iid.get("delta_forecast")[1]),
        "n_clusters": fit.n_clusters,
        "sd_delta_forecast": num(df_["delta_forecast"].std(ddof=1)),
    }
