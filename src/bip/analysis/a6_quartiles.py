"""A6 quartile profiles: who the caseworkers of each effect quartile are and what they do."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from bip.analysis import multiplicity
from bip.analysis.a6_effects import QUARTILES, _f
from bip.analysis.a6_inference import LEVEL
from bip.analysis.estimation import EstimationError, Factor, cell_means
from bip.instrument import GROUPS, S1_GROUP, S_ITEMS
from bip.panel import JOB_OUTCOME as OUTCOME


def quartile_profile(sample: pd.DataFrame, quart: pd.Series, effects: pd.Series) -> list[dict]:
    """Per quartile: size, outcome rate, mean effect, citizens per caseworker, activity use,
    mean S2–S12 (measurement-level means over the quartile's sample measurements)."""
    q_of_row = sample["caseworker_id"].astype(str).map(quart)
    rows = []
    for k in QUARTILES:
        cws = quart.index[quart == k]
        sub = sample.loc[(q_of_row == k).to_numpy()]
        known = (
            sub["combination"].notna()
            if "combination" in sub
            else pd.Series(False, index=sub.index)
        )
        cw_part = sub["has_caseworker_part"].astype(bool)
        per_cw = sub.groupby("caseworker_id")["citizen_id"].nunique()
        row: dict[str, Any] = {
            "quartile": k,
            "n_caseworkers": len(cws),
            "n_measurements": len(sub),
            "n_citizens": int(sub["citizen_id"].nunique()),
            "outcome_rate": _f(pd.to_numeric(sub[OUTCOME]).mean()),
            "mean_effect": _f(effects.loc[cws].mean()),
            "citizens_per_caseworker": _f(per_cw.mean()),
            "activity_groups": {},
            "activities": {},
            "mean_answers": {},
        }
        n_known = int(known.sum())
        for g in GROUPS:
            col = f"act_{g}"
            share = pd.to_numeric(sub.loc[known, col]).mean() if col in sub and n_known else np.nan
            row["activity_groups"][g] = {"share": _f(share), "n": n_known}
        none = (sub.loc[known, "combination"] == "0000").mean() if n_known else np.nan
        row["activity_groups"]["none"] = {"share": _f(none), "n": n_known}
        n_cwp = int(cw_part.sum())
        for opt in sorted(S1_GROUP):
            col = f"S1_{opt}"
            v = (
                pd.to_numeric(sub.loc[cw_part, col]).fillna(0)
                if col in sub
                else pd.Series([], dtype=float)
            )
            row["activities"][str(opt)] = {
                "group": S1_GROUP[opt],
                "share": _f(v.mean()) if n_cwp else None,
                "n": n_cwp,
            }
        for item in S_ITEMS:
            v = pd.to_numeric(sub[item]).dropna() if item in sub else pd.Series([], dtype=float)
            row["mean_answers"][item] = {"mean": _f(v.mean()) if len(v) else None, "n": len(v)}
        rows.append(row)
    return rows


# 004's statements compare one quartile with the other three: the most effective (4) and the
# least effective (1).
CONTRASTS = (("top_vs_rest", 4), ("bottom_vs_rest", 1))


def _profile_outcomes(sample: pd.DataFrame):
    """(family, outcome, rows, values) of what 004 Figur 4–19 compare across quartiles: the
    share of measurements with each activity group (or none), among those with a known
    combination, and the caseworker's S2–S12 answers."""
    known = (
        sample["combination"].notna().to_numpy()
        if "combination" in sample
        else np.zeros(len(sample), dtype=bool)
    )
    for g in GROUPS:
        col = f"act_{g}"
        if col in sample:
            v = pd.to_numeric(sample[col]).to_numpy(dtype=float)
            yield "activity_group", g, known & ~np.isnan(v), v
    if "combination" in sample:
        none = (sample["combination"] == "0000").fillna(False).to_numpy(dtype=float)
        yield "activity_group", "none", known, none
    for item in S_ITEMS:
        if item in sample:
            v = pd.to_numeric(sample[item]).to_numpy(dtype=float, na_value=np.nan)
            yield "caseworker_answer", item, ~np.isnan(v), v


def quartile_tests(sample: pd.DataFrame, quart: pd.Series, *, level: float = LEVEL) -> list[dict]:
    """004's claims about what the quartiles do, tested: per activity group and S2–S12, the
    mean of the top (bottom) quartile's measurements minus the mean of the other three
    quartiles', CR1 clustered by caseworker (a caseworker's quartile is one label for all
    their measurements). One family over every contrast: BH q-values and Romano–Wolf
    familywise p-values from the contrasts' joint covariance (their cluster scores on the same
    caseworkers). Quartiles are taken as given, as 004 does."""
    cw = Factor.of(sample["caseworker_id"].astype(str))
    q_row = quart.reindex(cw.levels.astype(str)).to_numpy(dtype=float)[cw.codes]
    rows: list[dict] = []
    scores: list[np.ndarray] = []
    for fam, outcome, m, v in _profile_outcomes(sample):
        m = m & ~np.isnan(q_row)
        for name, k in CONTRASTS:
            cells = (q_row[m] == k).astype(np.int64)
            row = {
                "family": fam,
                "outcome": outcome,
                "contrast": name,
                "n_measurements": int(m.sum()),
                "n_caseworkers": int(np.unique(cw.codes[m]).size),
            }
            try:
                fit = cell_means(cells, v[m], cw.codes[m], names=("rest", "quartile"))
            except EstimationError:
                rows.append(row)
                continue
            if fit.names != ("rest", "quartile") or fit.scores is None:
                rows.append(row)
                continue
            s = np.zeros(cw.n_groups)
            d = fit.scores @ np.array([-1.0, 1.0])
            s[: len(d)] = d
            rows.append(
                {
                    **row,
                    "difference": float(fit.coef[1] - fit.coef[0]),
                    "df": (fit.n_clusters or 0) - 1,
                }
            )
            scores.append(s)
    fitted = [r for r in rows if "difference" in r]
    if fitted:
        S = np.column_stack(scores)
        V = S.T @ S
        b = np.array([r["difference"] for r in fitted])
        se = np.sqrt(np.diag(V))
        df = np.array([r["df"] for r in fitted], dtype=float)
        fam_ = multiplicity.family(b, se, df, V, level=level)
        crit = stats.t.ppf(0.5 + level / 2, df)
        for j, r in enumerate(fitted):
            p = 2 * stats.t.sf(abs(b[j]) / se[j], df[j]) if se[j] > 0 else np.nan
            r.update(
                se=_f(se[j]),
                ci_low=_f(b[j] - crit[j] * se[j]),
                ci_high=_f(b[j] + crit[j] * se[j]),
                p_value=_f(p),
                q_value=_f(fam_.q_value[j]),
                p_familywise=_f(fam_.p_familywise[j]),
            )
            del r["df"]
    for r in rows:
        r.pop("df", None)
    return rows
