"""A5 Indicators and job chance (seeds 000, 001, 002).

- Outcome rate by answer level 1–5 of every indicator, for ``job_or_education_52w`` and
  ``job_13w`` (the report sets the seeds' S12 table beside ``job_13w``, a quarter-ahead rate;
  docs/a5-a7.md).
- A linear probability model of ``job_or_education_52w`` on all indicator levels and their
  progression plus background, over repeat measurements, CR1 errors clustered by citizen;
  terms ranked by their t statistic (largest positive first), standardised coefficients given;
  BH q-values, Romano–Wolf familywise p-values and a simultaneous band over the ranked terms.
- Citizen belief B8 vs caseworker belief S12 distributions.
- Job search (B10) status and channels, overall and by mean citizen score band.
- Job search by psychiatric diagnosis group (none / light / severe; severe wins).
- Mean B and S answers by that mental-health group (000 Figur 2–3).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bip.analysis import a5_margins, a5_prediction, multiplicity
from bip.analysis._design import (
    CATEGORIES,
    INDICATOR_ITEMS,
    answers,
    background,
    background_columns,
    combine,
    impute,
)
from bip.analysis.a5_hazard import hazard
from bip.analysis.estimation import Clustered, EstimationError, ols
from bip.instrument import B10_CHANNELS, B10_STATUSES, B_ITEMS, S_ITEMS
from bip.panel import JOB_OUTCOME as OUTCOME
from bip.panel import QUARTER_JOB_OUTCOME as SHORT_OUTCOME
from bip.results import A5JobChance

LEVELS = (1, 2, 3, 4, 5)
SCORE_BANDS = ("<2.5", "2.5-3.5", ">3.5")
PSYCH_GROUPS = ("none", "light", "severe")
LEVEL = 0.95  # of the job model's intervals and its simultaneous band
# B11 (DKK/hour) enters as its log, bounded to these: below 50 DKK is under any Danish
# agreement wage (in effect "any wage"), and one 0 would otherwise be a huge leverage point.
WAGE_BOUNDS = (50.0, 2000.0)
# The ranked terms of B10 and B11 beside each indicator's level and progression: (item,
# term, design column).
SEARCH_TERMS = (
    ("B10", "searching", "B10_searching"),
    *(("B10", ch, f"B10_{ch}") for ch in B10_CHANNELS),
    ("B11", "log_wage", "B11_log"),
)


def _f(x) -> float | None:
    if x is None:
        return None
    x = float(x)
    return x if np.isfinite(x) else None


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce").astype(float)


def rates_by_level(panel: pd.DataFrame, items=INDICATOR_ITEMS) -> dict:
    """Per item: one row per answer level with n, n_citizens and both outcome rates."""
    y52 = _num(panel[OUTCOME]).to_numpy()
    y13 = (
        _num(panel[SHORT_OUTCOME])
        if SHORT_OUTCOME in panel
        else pd.Series(np.nan, index=panel.index)
    ).to_numpy()
    cit, cit_levels = pd.factorize(panel["citizen_id"])
    n_cit = max(len(cit_levels), 1)
    out = {}
    for item in items:
        a = _num(panel[item]).to_numpy()
        ok = np.isin(a, LEVELS)
        lev = a[ok].astype(np.int64)
        counts = {"n": np.bincount(lev, minlength=6)}
        # distinct (level, citizen) pairs → citizens per level (a bincount over the pairs: a
        # hash unique of them cost 0.6 s per item at national scale)
        pairs = np.bincount(lev * n_cit + cit[ok], minlength=6 * n_cit).reshape(6, n_cit)
        counts["n_citizens"] = (pairs > 0).sum(axis=1)
        for name, y in ((OUTCOME, y52[ok]), (SHORT_OUTCOME, y13[ok])):
            known = ~np.isnan(y)
            counts[f"n_{name}"] = np.bincount(lev[known], minlength=6)
            counts[name] = np.bincount(lev[known], weights=y[known], minlength=6)
        rows = []
        for lv in LEVELS:
            row = {
                "level": lv,
                "n": int(counts["n"][lv]),
                "n_citizens": int(counts["n_citizens"][lv]),
            }
            for name in (OUTCOME, SHORT_OUTCOME):
                k = int(counts[f"n_{name}"][lv])
                row[name] = _f(counts[name][lv] / k) if k else None
                row[f"n_{name}"] = k
            rows.append(row)
        out[item] = rows
    return out


def search_and_wage(s: pd.DataFrame) -> pd.DataFrame:
    """B10 and B11 as the job model's regressors, before imputation (NaN = not answered).

    ``B10_searching`` (1 searching, 0 not searching or no answer) and ``B10_no_answer`` (a
    control, not ranked), so searching is compared with not searching; each channel is 1 for
    a searcher who used it and 0 otherwise (the effect of the channel among searchers, on top
    of searching); ``B11_log`` the log reservation wage within :data:`WAGE_BOUNDS`. All NaN
    where B10_status (or B11) is missing; the panel columns absent give no columns."""
    out: dict[str, pd.Series] = {}
    if "B10_status" in s:
        st = s["B10_status"].astype("string")
        known = st.notna().to_numpy()
        searching = (st == "searching").fillna(False).to_numpy()

        def given(v: np.ndarray) -> pd.Series:
            return pd.Series(np.where(known, v, np.nan), index=s.index)

        out["B10_searching"] = given(searching.astype(float))
        out["B10_no_answer"] = given((st == "no_answer").fillna(False).to_numpy(float))
        for ch in B10_CHANNELS:
            if f"B10_{ch}" in s:
                used = _num(s[f"B10_{ch}"]).fillna(0).to_numpy() > 0
                out[f"B10_{ch}"] = given((searching & used).astype(float))
    if "B11" in s:
        out["B11_log"] = np.log(_num(s["B11"]).clip(*WAGE_BOUNDS))
    return pd.DataFrame(out, index=s.index)


def job_model(panel: pd.DataFrame, *, seed: int = 0) -> dict:
    """LPM of the 52-week outcome on all indicator levels and progressions, job search (B10),
    reservation wage (B11) + background; with its out-of-sample prediction (folds of citizens
    drawn with ``seed``, :mod:`bip.analysis.a5_prediction`)."""
    # Only the model's columns: a full copy of the panel costs ~1 GB at scale 100.
    cols = [
        "citizen_id",
        OUTCOME,
        *INDICATOR_ITEMS,
        *(f"d_{i}" for i in INDICATOR_ITEMS),
        *background_columns(panel),
        *(c for c in CATEGORIES if c in panel.columns),
        *(c for c in ("B10_status", *(f"B10_{ch}" for ch in B10_CHANNELS), "B11") if c in panel),
    ]
    rows = panel["is_repeat"].astype(bool) & panel[OUTCOME].notna()
    s = panel.loc[rows, cols].reset_index(drop=True)
    # Missing answers are set to the item's sample mean with a missing indicator; terms are
    # ranked by t (largest positive first); std_coef = coefficient × SD of the regressor.
    base = {"n_measurements": len(s), "n_citizens": int(s["citizen_id"].nunique())}
    if len(s) < 30:
        return {**base, "status": "insufficient_data"}
    ans = answers(s, INDICATOR_ITEMS)
    raw_extra = search_and_wage(s)
    extra = impute(raw_extra)
    bg = background(s)
    X = combine(ans, extra, bg)
    y = _num(s[OUTCOME]).to_numpy()
    # One float copy of the design for the LPM, its prediction and the logit; the frames it
    # came from are let go (at scale 100 each is about 1 GB) and only their columns kept.
    Xa, names = X.to_numpy(dtype=float), list(X.columns)
    ans_cols, extra_cols, bg_names = ans.columns, extra.columns, list(bg.columns)
    del X, ans, extra, bg
    try:
        fit = ols(y, Xa, names=names, covariance=Clustered(s["citizen_id"].astype(str)))
    except EstimationError as exc:
        return {**base, "status": "not_estimable", "reason": str(exc)}
    tab = fit.table()
    rows = []
    raw = {c: _num(s[c]) for c in ans_cols.intersection(s.columns)} | {
        c: raw_extra[c] for c in raw_extra
    }
    ranked = [
        (item, term, col)
        for item in INDICATOR_ITEMS
        for term, col in (("level", item), ("progression", f"d_{item}"))
        if col in tab.index
    ] + [t for t in SEARCH_TERMS if t[2] in tab.index]
    cit = pd.factorize(s["citizen_id"])[0]
    margins, logit_reason = a5_margins.average_marginal_effects(
        y, Xa, names, cit, [col for _, _, col in ranked], level=LEVEL
    )
    # The ranking's family: every ranked term, with the model's joint covariance.
    pos = [fit.names.index(col) for _, _, col in ranked]
    fam = multiplicity.family(
        fit.coef[pos], fit.se[pos], fit.df, fit.vcov[np.ix_(pos, pos)], level=LEVEL
    )
    for k, (item, term, col) in enumerate(ranked):
        r = tab.loc[col]
        sd = float(np.nanstd(raw[col], ddof=1))
        rows.append(
            {
                "item": item,
                "term": term,
                "coef": _f(r["coef"]),
                "se": _f(r["se"]),
                "t": _f(r["t"]),
                "p_value": _f(r["p"]),
                "ci_low": _f(r["ci_low"]),
                "ci_high": _f(r["ci_high"]),
                "std_coef": _f(r["coef"] * sd),
                "n": int(raw[col].notna().sum()),
                "q_value": _f(fam.q_value[k]),
                "p_familywise": _f(fam.p_familywise[k]),
                "band_low": _f(fam.band_low[k]),
                "band_high": _f(fam.band_high[k]),
                **margins.get(col, {}),
            }
        )
    rows.sort(key=lambda r: -(r["t"] if r["t"] is not None else -np.inf))
    bg_cols = [names.index(c) for c in bg_names if c in names]
    prediction = a5_prediction.out_of_sample(y, Xa, bg_cols, cit, seed=seed)
    for i, r in enumerate(rows, start=1):
        r["rank"] = i
    return {
        **base,
        "status": "ok",
        "r2": _f(fit.r2),
        "terms": rows,
        "prediction": prediction,
        "logit_reason": logit_reason,
        "n_significant": sum(
            r["p_familywise"] is not None and r["p_familywise"] < 1 - LEVEL for r in rows
        ),
        "n_bh": sum(r["q_value"] is not None and r["q_value"] < 1 - LEVEL for r in rows),
        "n_unadjusted": sum(r["p_value"] is not None and r["p_value"] < 1 - LEVEL for r in rows),
        "n_background_controls": int(
            len(fit.names) - sum(c in ans_cols or c in extra_cols for c in fit.names) - 1
        ),
    }


def belief_distributions(panel: pd.DataFrame) -> dict:
    """Shares of answer levels of B8 (citizen) and S12 (caseworker)."""
    out = {}
    for item in ("B8", "S12"):
        a = _num(panel[item])
        n = int(a.notna().sum())
        out[item] = [
            {
                "level": lev,
                "share": _f((a == lev).sum() / n) if n else None,
                "n": int((a == lev).sum()),
                "n_citizens": int(panel.loc[a == lev, "citizen_id"].nunique()),
            }
            for lev in LEVELS
        ]
    return out


def _search_shares(sub: pd.DataFrame) -> dict:
    st = sub["B10_status"].astype("string")
    known = st.notna()
    n = int(known.sum())
    row = {"n": n, "n_citizens": int(sub.loc[known, "citizen_id"].nunique())}
    for k in B10_STATUSES:
        row[k] = _f((st[known] == k).mean()) if n else None
    for ch in B10_CHANNELS:
        v = _num(sub.loc[known, f"B10_{ch}"]).fillna(0)
        row[ch] = _f(v.mean()) if n else None
    return row


def mean_citizen_score(panel: pd.DataFrame) -> pd.Series:
    """Mean of the answered B1–B9 (NA when none answered)."""
    return panel[list(B_ITEMS)].apply(_num).mean(axis=1, skipna=True)


def score_band(score: pd.Series) -> pd.Series:
    """'<2.5', '2.5-3.5' (both ends included) or '>3.5'."""
    band = pd.Series(pd.NA, index=score.index, dtype="string")
    band[score < 2.5] = "<2.5"
    band[(score >= 2.5) & (score <= 3.5)] = "2.5-3.5"
    band[score > 3.5] = ">3.5"
    return band


def psych_group(panel: pd.DataFrame) -> pd.Series:
    """none / light / severe (severe wins when both); NA when the register flags are missing."""
    light = (
        _num(panel["psych_light"])
        if "psych_light" in panel
        else pd.Series(np.nan, index=panel.index)
    )
    severe = (
        _num(panel["psych_severe"])
        if "psych_severe" in panel
        else pd.Series(np.nan, index=panel.index)
    )
    g = pd.Series(pd.NA, index=panel.index, dtype="string")
    g[(light == 0) & (severe == 0)] = "none"
    g[(light == 1) & (severe == 0)] = "light"
    g[severe == 1] = "severe"
    return g


def job_search(panel: pd.DataFrame) -> dict:
    """B10 status and channel shares overall, by mean citizen score band and by psych group."""
    # Only the columns used: a copy of all the panel's columns for these rows cost ~2 GB at
    # scale 100.
    cols = [
        "citizen_id",
        "B10_status",
        *(f"B10_{ch}" for ch in B10_CHANNELS),
        *B_ITEMS,
        *(c for c in ("psych_light", "psych_severe") if c in panel),
    ]
    cp = panel.loc[panel["has_citizen_part"].astype(bool), cols]
    overall = _search_shares(cp)
    band = score_band(mean_citizen_score(cp))
    by_band = [
        {"band": b, **_search_shares(cp.loc[(band == b).fillna(False).to_numpy()])}
        for b in SCORE_BANDS
    ]
    grp = psych_group(cp)
    by_psych = [
        {"group": g, **_search_shares(cp.loc[(grp == g).fillna(False).to_numpy()])}
        for g in PSYCH_GROUPS
    ]
    return {"overall": overall, "by_mean_citizen_score": by_band, "by_psych_group": by_psych}


def answers_by_mental_health(panel: pd.DataFrame) -> dict:
    """Mean answer of every B and S item by psychiatric group (000 Figur 2–3)."""
    grp = psych_group(panel)
    out = {}
    for part, items, flag in (
        ("citizen", B_ITEMS, "has_citizen_part"),
        ("caseworker", S_ITEMS, "has_caseworker_part"),
    ):
        rows = []
        for g in PSYCH_GROUPS:
            m = (grp == g).fillna(False).to_numpy() & panel[flag].astype(bool).to_numpy()
            sub = panel.loc[m, ["citizen_id", *items]]
            row = {
                "group": g,
                "n": int(m.sum()),
                "n_citizens": int(sub["citizen_id"].nunique()),
                "means": {},
            }
            for it in items:
                v = _num(sub[it]).dropna()
                row["means"][it] = {"mean": _f(v.mean()) if len(v) else None, "n": len(v)}
            rows.append(row)
        out[part] = rows
    return out


def run(panel: pd.DataFrame, *, seed: int = 0) -> A5JobChance:
    """A5 on an analysis panel (docs/panel.md). ``seed`` draws the citizens' prediction
    folds."""
    return A5JobChance.model_validate(
        {
            "rates_by_level": rates_by_level(panel),
            "job_model": job_model(panel, seed=seed),
            "belief_distributions": belief_distributions(panel),
            "job_search": job_search(panel),
            "answers_by_mental_health": answers_by_mental_health(panel),
            "hazard": hazard(panel),
        }
    )
