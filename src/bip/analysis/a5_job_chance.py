"""A5 Indicators and job chance (seeds 000, 001, 002).

- Outcome rate by answer level 1–5 of every indicator, for ``job_or_education_52w`` and
  ``job_13w``; the seeds' S12 table (1.1/2.7/4.9/10.4/26.8 %) is set beside ``job_13w``
  (SPEC §4 reads it as a quarter-ahead rate).
- A linear probability model of ``job_or_education_52w`` on all indicator levels and their
  progression plus background, over repeat measurements, CR1 errors clustered by citizen;
  terms ranked by their t statistic (largest positive first), standardised coefficients given.
- Citizen belief B8 vs caseworker belief S12 distributions.
- Job search (B10) status and channels, overall and by mean citizen score band.
- Job search by psychiatric diagnosis group (none / light / severe; severe wins).
- Mean B and S answers by that mental-health group (000 Figur 2–3).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bip.analysis._design import (
    CATEGORIES,
    INDICATOR_ITEMS,
    OUTCOME,
    SHORT_OUTCOME,
    answers,
    background,
    background_columns,
    combine,
)
from bip.analysis._fe import EstimationError, ols
from bip.instrument import B10_CHANNELS, B10_STATUSES, B_ITEMS, S_ITEMS

LEVELS = (1, 2, 3, 4, 5)
PUBLISHED_S12_JOB = {1: 0.011, 2: 0.027, 3: 0.049, 4: 0.104, 5: 0.268}
PUBLISHED_B8 = {1: 0.23, 2: 0.229, 3: 0.225, 4: 0.177, 5: 0.139}
PUBLISHED_S12 = {1: 0.264, 2: 0.236, 3: 0.278, 4: 0.165, 5: 0.058}
PUBLISHED_STATUS = {"searching": 0.30, "not_searching": 0.64, "no_answer": 0.06}
PUBLISHED_CHANNELS = {
    "newspapers": 0.14,
    "internet": 0.18,
    "unsolicited": 0.15,
    "network": 0.17,
    "internship": 0.08,
    "temp_agency": 0.03,
}
SCORE_BANDS = ("<2.5", "2.5-3.5", ">3.5")
PUBLISHED_BY_BAND = {
    "newspapers": (0.02, 0.07, 0.20),
    "internet": (0.02, 0.10, 0.27),
    "unsolicited": (0.01, 0.08, 0.24),
    "network": (0.04, 0.10, 0.26),
    "internship": (0.02, 0.05, 0.18),
    "temp_agency": (0.0, 0.02, 0.06),
    "not_searching": (0.83, 0.74, 0.45),
    "no_answer": (0.10, 0.06, 0.06),
}
PUBLISHED_BY_PSYCH = {
    "none": {"searching": 0.35, "not_searching": 0.59},
    "severe": {"searching": 0.16, "not_searching": 0.78},
}
PSYCH_GROUPS = ("none", "light", "severe")


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
        # distinct (level, citizen) pairs → citizens per level
        counts["n_citizens"] = np.bincount(np.unique(lev * n_cit + cit[ok]) // n_cit, minlength=6)
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
            if item == "S12":
                row[f"published_{SHORT_OUTCOME}"] = PUBLISHED_S12_JOB[lv]
            rows.append(row)
        out[item] = rows
    return out


def job_model(panel: pd.DataFrame) -> dict:
    """LPM of the 52-week outcome on all indicator levels and progressions + background."""
    # Only the model's columns: a full copy of the panel costs ~1 GB at scale 100.
    cols = [
        "citizen_id",
        OUTCOME,
        *INDICATOR_ITEMS,
        *(f"d_{i}" for i in INDICATOR_ITEMS),
        *background_columns(panel),
        *(c for c in CATEGORIES if c in panel.columns),
    ]
    rows = panel["is_repeat"].astype(bool) & panel[OUTCOME].notna()
    s = panel.loc[rows, cols].reset_index(drop=True)
    base = {
        "sample": "repeat measurements with a known outcome",
        "n_measurements": len(s),
        "n_citizens": int(s["citizen_id"].nunique()),
        "missing_answers": "set to the item's sample mean with a missing indicator",
        "ranking": "by t statistic (coefficient / clustered SE), largest positive first; "
        "std_coef = coefficient × SD of the regressor (outcome change per SD)",
    }
    if len(s) < 30:
        return {**base, "status": "insufficient_data"}
    ans = answers(s, INDICATOR_ITEMS)
    X = combine(ans, background(s))
    y = _num(s[OUTCOME]).to_numpy()
    try:
        fit = ols(y, X, cluster=s["citizen_id"].astype(str))
    except EstimationError as exc:
        return {**base, "status": f"not_estimable: {exc}"}
    tab = fit.table()
    rows = []
    for item in INDICATOR_ITEMS:
        for term, col in (("level", item), ("progression", f"d_{item}")):
            if col not in tab.index:
                continue
            r = tab.loc[col]
            sd = float(np.nanstd(_num(s[col]), ddof=1))
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
                    "n": int(_num(s[col]).notna().sum()),
                }
            )
    rows.sort(key=lambda r: -(r["t"] if r["t"] is not None else -np.inf))
    for i, r in enumerate(rows, start=1):
        r["rank"] = i
    return {
        **base,
        "status": "ok",
        "r2": _f(fit.r2),
        "terms": rows,
        "n_background_controls": int(len(fit.names) - sum(c in ans.columns for c in fit.names) - 1),
    }


def belief_distributions(panel: pd.DataFrame) -> dict:
    """Shares of answer levels of B8 (citizen) and S12 (caseworker), seeds' values beside."""
    out = {}
    for item, pub in (("B8", PUBLISHED_B8), ("S12", PUBLISHED_S12)):
        a = _num(panel[item])
        n = int(a.notna().sum())
        out[item] = [
            {
                "level": lev,
                "share": _f((a == lev).sum() / n) if n else None,
                "n": int((a == lev).sum()),
                "n_citizens": int(panel.loc[a == lev, "citizen_id"].nunique()),
                "published_share": pub[lev],
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
    cp = panel.loc[panel["has_citizen_part"].astype(bool)]
    overall = _search_shares(cp)
    overall["published"] = {**PUBLISHED_STATUS, **PUBLISHED_CHANNELS}
    band = score_band(mean_citizen_score(cp))
    by_band = []
    for i, b in enumerate(SCORE_BANDS):
        row = {"band": b, **_search_shares(cp.loc[(band == b).fillna(False).to_numpy()])}
        row["published"] = {k: v[i] for k, v in PUBLISHED_BY_BAND.items()}
        by_band.append(row)
    grp = psych_group(cp)
    by_psych = []
    for g in PSYCH_GROUPS:
        row = {"group": g, **_search_shares(cp.loc[(grp == g).fillna(False).to_numpy()])}
        if g in PUBLISHED_BY_PSYCH:
            row["published"] = PUBLISHED_BY_PSYCH[g]
        by_psych.append(row)
    return {
        "unit": "measurements with a citizen part; shares among those with a B10 status; "
        "channels may be several per answer",
        "overall": overall,
        "by_mean_citizen_score": by_band,
        "by_psych_group": by_psych,
        "score_definition": "mean of the answered B1–B9 of the measurement",
        "psych_definition": "psychiatric diagnosis in the 3 years before the first "
        "measurement: severe (F00–F09, F20–F29, F60–F89) wins over light",
    }


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
            sub = panel.loc[m]
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


def run(panel: pd.DataFrame, *, seed: int = 0) -> dict:
    """A5 on an analysis panel (docs/panel.md). ``seed`` is unused (no randomness)."""
    del seed
    return {
        "rates_by_level": rates_by_level(panel),
        "rates_note": "job_13w (employment within 91 days) is set beside the seeds' S12 table; "
        "SPEC §4 explains why that table cannot be the 52-week outcome",
        "job_model": job_model(panel),
        "belief_distributions": belief_distributions(panel),
        "job_search": job_search(panel),
        "answers_by_mental_health": answers_by_mental_health(panel),
    }
