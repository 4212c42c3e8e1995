"""A7 belief: the effect of a caseworker who believes in their citizens (seeds 000–002).

A caseworker's belief is their mean S12 ("the citizen's job chance") about their *other*
citizens. For the measurement of citizen i, caseworker c is **high** when c's mean S12 over
citizens other than i is above more than half of the other caseworkers' mean S12 over citizens
other than i: one leave-citizen-i-out definition for the compared value and for the threshold
(the median), so i's own answers never decide i's classification. A caseworker is classified
for i only when at least ``MIN_OTHER_CITIZENS`` other citizens have an S12 answer with them;
the same rule decides which caseworkers make up the threshold.

The effect: Poisson (log link) of the 52-week outcome on high + background with jobcentre fixed
effects; the treatment varies by caseworker, so errors are clustered two-way by caseworker and
citizen (a citizen meets several caseworkers). ``sensitivity`` repeats it for other minimums.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bip.analysis._design import background, combine
from bip.analysis._two_way import two_way_ols, two_way_poisson
from bip.analysis.common import num
from bip.analysis.estimation import Clustered, EstimationError, Fit, poisson

__all__ = ["MIN_OTHER_CITIZENS", "belief_effect", "leave_out_classification", "two_way_ols"]
from bip.panel import JOB_OUTCOME as OUTCOME

# Fewest other citizens with an S12 answer behind a caseworker's classification.
MIN_OTHER_CITIZENS = 5
# The minimums of the sensitivity table (the chosen one included).
SENSITIVITY_MINIMUMS = (1, 3, 5, 10, 20)


def relative(fit: Fit, name: str, level: float = 0.95) -> dict:
    """exp(β) − 1 with its interval (t critical value of the fit's df) and p-value."""
    i = fit.names.index(name)
    b, se = float(fit.coef[i]), float(fit.se[i])
    q = fit.t_crit(level)
    return {
        "status": "ok",
        "relative_effect": num(np.expm1(b)),
        "ci_low": num(np.expm1(b - q * se)),
        "ci_high": num(np.expm1(b + q * se)),
        "coef": num(b),
        "se": num(se),
        "p_value": num(fit.pvalue[i]),
        "n_measurements": fit.n_obs,
    }


def _cells(panel: pd.DataFrame) -> pd.DataFrame:
    """One row per (caseworker, citizen) with S12 answers: their sum and count."""
    s12 = pd.to_numeric(panel["S12"]).astype(float)
    has = s12.notna().to_numpy()
    d = pd.DataFrame(
        {
            "cw": panel["caseworker_id"].astype(str).to_numpy()[has],
            "cit": panel["citizen_id"].astype(str).to_numpy()[has],
            "s": s12.to_numpy()[has],
        }
    )
    return d.groupby(["cw", "cit"], sort=False)["s"].agg(["sum", "count"]).reset_index()


def leave_out_classification(
    panel: pd.DataFrame, min_other_citizens: int = MIN_OTHER_CITIZENS
) -> pd.DataFrame:
    """Per measurement: ``loo_s12`` (the caseworker's mean S12 over answers about the
    citizen's others), ``n_other_citizens`` (others with an S12 answer) and ``high`` (1/0;
    NaN when not classifiable), plus ``median_caseworker_s12``: the median over classifiable
    caseworkers of their mean S12 (descriptive; each classification uses its leave-out twin)."""
    cw = panel["caseworker_id"].astype(str).to_numpy()
    cit = panel["citizen_id"].astype(str).to_numpy()
    cells = _cells(panel)
    tot = cells.groupby("cw")[["sum", "count"]].sum()
    tot["n_cit"] = cells.groupby("cw").size()
    tot["mean"] = tot["sum"] / tot["count"]
    in_e = tot["n_cit"] >= min_other_citizens  # classifiable with all their citizens
    sorted_means = np.sort(tot.loc[in_e, "mean"].to_numpy())
    # Every (caseworker, citizen) pair of the panel, with the citizen's own S12 cell if any.
    keys = pd.DataFrame({"cw": cw, "cit": cit}).drop_duplicates()
    k = keys.merge(cells, on=["cw", "cit"], how="left").fillna({"sum": 0.0, "count": 0})
    t = tot.reindex(k["cw"])
    n_ans = t["count"].fillna(0).to_numpy() - k["count"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        loo = np.where(
            n_ans > 0, (t["sum"].fillna(0).to_numpy() - k["sum"].to_numpy()) / n_ans, np.nan
        )
    n_other = t["n_cit"].fillna(0).to_numpy() - (k["count"].to_numpy() > 0)
    k = k.assign(loo=loo, n_other=n_other)
    # Threshold set for citizen i: caseworkers with >= min citizens other than i, each with
    # their mean without i. Start from the full means and correct for i's own caseworkers:
    # c itself leaves the set, i's other caseworkers enter with their leave-i-out mean.
    self_in = in_e.reindex(k["cw"]).fillna(False).to_numpy()
    self_mean = tot["mean"].reindex(k["cw"]).to_numpy()
    below = np.searchsorted(sorted_means, loo, side="left") - (self_in & (self_mean < loo))
    n_set = len(sorted_means) - self_in.astype(int)
    oth = cells.join(tot, on="cw", rsuffix="_t")
    oth = oth.assign(
        in_e=oth["n_cit"] >= min_other_citizens,
        stays=oth["n_cit"] - 1 >= min_other_citizens,
        loo_o=(oth["sum_t"] - oth["sum"]) / (oth["count_t"] - oth["count"]).replace(0, np.nan),
    )[["cw", "cit", "mean", "in_e", "stays", "loo_o"]]
    pr = k[["cw", "cit", "loo"]].reset_index().merge(oth, on="cit", suffixes=("", "_o"))
    pr = pr[pr["cw"] != pr["cw_o"]]
    lv = pr["loo"].to_numpy()
    d_below = (pr["stays"] & (pr["loo_o"] < lv)).astype(int) - (pr["in_e"] & (pr["mean"] < lv))
    d_n = pr["stays"].astype(int) - pr["in_e"].astype(int)
    corr = pd.DataFrame({"i": pr["index"], "b": d_below, "n": d_n}).groupby("i").sum()
    below = below + corr["b"].reindex(k.index).fillna(0).to_numpy()
    n_set = n_set + corr["n"].reindex(k.index).fillna(0).to_numpy()
    ok = (n_other >= min_other_citizens) & np.isfinite(loo) & (n_set > 0)
    k["high"] = np.where(ok, (below > n_set / 2).astype(float), np.nan)
    out = k.set_index(["cw", "cit"]).reindex(pd.MultiIndex.from_arrays([cw, cit]))
    return pd.DataFrame(
        {
            "loo_s12": out["loo"].to_numpy(),
            "n_other_citizens": out["n_other"].to_numpy(),
            "high": out["high"].to_numpy(),
        },
        index=panel.index,
    ).assign(median_caseworker_s12=float(np.median(sorted_means)) if len(sorted_means) else np.nan)


def _sample(panel: pd.DataFrame, min_other_citizens: int):
    b = leave_out_classification(panel, min_other_citizens)
    ok = panel[OUTCOME].notna().to_numpy() & ~np.isnan(b["high"].to_numpy())
    return panel.loc[ok].reset_index(drop=True), b.loc[ok, "high"].to_numpy(), b


def _fit(s: pd.DataFrame, high: np.ndarray, covariance, absorb=None) -> Fit:
    y = pd.to_numeric(s[OUTCOME]).to_numpy(dtype=float)
    X = combine(pd.DataFrame({"high_belief_caseworker": high}), background(s))
    return poisson(y, X, covariance=covariance, absorb=absorb)


def _two_way_fit(s: pd.DataFrame, high: np.ndarray, absorb=None) -> Fit:
    y = pd.to_numeric(s[OUTCOME]).to_numpy(dtype=float)
    X = combine(pd.DataFrame({"high_belief_caseworker": high}), background(s))
    return two_way_poisson(
        y, X, s["caseworker_id"].astype(str), s["citizen_id"].astype(str), absorb=absorb
    )


BELIEF_AT_MINIMUM_KEYS = (
    *("status", "reason", "relative_effect", "ci_low", "ci_high", "coef", "se", "p_value"),
    *("n_measurements", "n_citizens", "min_other_citizens", "n_caseworkers", "n_clusters"),
)


def estimate(
    panel: pd.DataFrame, min_other_citizens: int = MIN_OTHER_CITIZENS, sample=None
) -> dict:
    """The belief effect at one minimum: jobcentre FE, two-way clustered (caseworker, citizen).
    ``sample`` is ``_sample(panel, min_other_citizens)`` when the caller has it."""
    s, high, b = sample if sample is not None else _sample(panel, min_other_citizens)
    out: dict = {
        "min_other_citizens": min_other_citizens,
        "median_caseworker_s12": num(b["median_caseworker_s12"].iloc[0]) if len(b) else None,
        "n_measurements": len(s),
        "n_citizens": int(s["citizen_id"].nunique()),
        "n_caseworkers": int(s["caseworker_id"].nunique()),
    }
    if len(s) < 20 or len(np.unique(high)) < 2 or out["n_caseworkers"] < 4:
        return {**out, "status": "insufficient_data"}
    try:
        fit = _two_way_fit(s, high, absorb=s["jobcenter_id"].astype(str))
    except (EstimationError, ValueError) as exc:
        return {**out, "status": "not_estimable", "reason": str(exc)}
    rows = fit.rows if fit.rows is not None else np.ones(len(s), bool)
    return {
        **out,
        **relative(fit, "high_belief_caseworker"),
        "n_citizens": int(s.loc[rows, "citizen_id"].nunique()),
        "n_caseworkers": int(s.loc[rows, "caseworker_id"].nunique()),
        "n_clusters": fit.n_clusters,
    }


def belief_effect(panel: pd.DataFrame) -> dict:
    """The belief effect at ``MIN_OTHER_CITIZENS`` with the outcome rates by group, the
    sources' model beside it (no jobcentre FE, errors by citizen) and the sensitivity of the
    estimate to the minimum."""
    sample = _sample(panel, MIN_OTHER_CITIZENS)
    out = estimate(panel, MIN_OTHER_CITIZENS, sample)
    s, high, _ = sample
    if out["status"] == "ok":
        y = pd.to_numeric(s[OUTCOME]).to_numpy(dtype=float)
        rates = {}
        for v, key in ((1.0, "high"), (0.0, "low")):
            m = high == v
            rates[key] = {
                "outcome_rate": num(y[m].mean()),
                "n": int(m.sum()),
                "n_citizens": int(s.loc[m, "citizen_id"].nunique()),
            }
        out["outcome_rate_by_group"] = rates
        try:
            src = _fit(s, high, Clustered(s["citizen_id"].astype(str)))
            out["sources_model"] = {
                **relative(src, "high_belief_caseworker"),
                "n_citizens": src.n_clusters,
            }
        except EstimationError as exc:
            out["sources_model"] = {"status": "not_estimable", "reason": str(exc)}
    head = {k: v for k, v in out.items() if k in BELIEF_AT_MINIMUM_KEYS}
    out["sensitivity"] = [
        head
        if m == MIN_OTHER_CITIZENS
        else {k: v for k, v in estimate(panel, m).items() if k != "median_caseworker_s12"}
        for m in SENSITIVITY_MINIMUMS
    ]
    return out
