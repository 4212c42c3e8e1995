"""A5 beyond the linear probability model: job search (B10) and reservation wage (B11) terms,
logit average marginal effects, and how well the indicators predict a job out of sample.

- ``search_and_wage``: B10 as the sources read it (searching, and won't answer, against not
  searching; the six channels, 0 when not searching) and B11 per 10 DKK an hour.
- ``logit_effects``: the logit of the same model; each term's average marginal effect with its
  CR1 interval by citizen (delta method), beside the LPM coefficient.
- ``prediction``: K-fold cross-validation with whole citizens in one fold; out-of-sample AUC
  of the model with the indicators and of background alone, their difference, each with a
  cluster-robust DeLong interval, and the calibration of the predictions by decile.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special, stats

from bip.analysis import roc
from bip.analysis._design import impute
from bip.analysis.common import num
from bip.analysis.estimation import (
    Clustered,
    EstimationError,
    average_marginal_effects,
    logit,
)
from bip.analysis.estimation.logit import logit_newton
from bip.analysis.estimation.solve import normal_equations
from bip.instrument import B10_CHANNELS

N_FOLDS = 5
LEVEL = 0.95
# B10 terms: (term, design column); reference = not searching
SEARCH_TERMS = (
    ("searching", "B10_searching"),
    ("no_answer", "B10_no_answer"),
    *((ch, f"B10_{ch}") for ch in B10_CHANNELS),
)
WAGE_UNIT = 10.0  # B11's coefficient is per 10 DKK an hour


def search_and_wage_raw(s: pd.DataFrame) -> pd.DataFrame:
    """B10 and B11 as regressors before imputation (NaN where the citizen gave no status or
    no wage); empty when the panel has neither."""
    cols: dict[str, pd.Series] = {}
    if "B10_status" in s:
        st = s["B10_status"].astype("string")
        known = st.notna().to_numpy()
        searching = (st == "searching").fillna(False).to_numpy()
        cols["B10_searching"] = pd.Series(np.where(known, searching, np.nan), index=s.index)
        no_ans = (st == "no_answer").fillna(False).to_numpy()
        cols["B10_no_answer"] = pd.Series(np.where(known, no_ans, np.nan), index=s.index)
        for ch in B10_CHANNELS:
            col = f"B10_{ch}"
            v = pd.to_numeric(s[col], errors="coerce").fillna(0).to_numpy() if col in s else 0
            cols[col] = pd.Series(np.where(known, np.asarray(v) * searching, np.nan), s.index)
    if "B11" in s:
        cols["B11"] = pd.to_numeric(s["B11"], errors="coerce").astype(float) / WAGE_UNIT
    return pd.DataFrame(cols, index=s.index)


def search_and_wage(s: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(raw, imputed) B10/B11 regressors: missing set to the mean plus one indicator."""
    raw = search_and_wage_raw(s)
    return raw, impute(raw) if len(raw.columns) else raw


def logit_effects(y: np.ndarray, X: pd.DataFrame, citizens, cols: list[str]) -> dict:
    """AME, its CR1 standard error and interval of each of ``cols`` from the logit of ``y`` on
    ``X`` (every regressor treated as continuous, as statsmodels' default ``dydx``)."""
    try:
        fit = logit(y, X, covariance=Clustered(citizens))
    except EstimationError as exc:
        return {"status": "not_estimable", "reason": str(exc), "terms": {}}
    ame, V = average_marginal_effects(fit, X)
    slopes = [c for c in fit.names if c != "(Intercept)"]
    se = np.sqrt(np.clip(np.diag(V), 0, None))
    q = float(stats.t.ppf(0.5 + LEVEL / 2, fit.df))
    terms = {}
    for c in cols:
        if c in slopes:
            j = slopes.index(c)
            terms[c] = {
                "ame": num(ame[j]),
                "ame_se": num(se[j]),
                "ame_ci_low": num(ame[j] - q * se[j]),
                "ame_ci_high": num(ame[j] + q * se[j]),
            }
    return {"status": "ok", "terms": terms, "coef": fit.coef, "names": fit.names}


def fold_of_citizen(citizens, n_folds: int = N_FOLDS, seed: int = 0) -> np.ndarray:
    """Fold (0 … n_folds − 1) of each row: citizens are dealt to folds at random, whole."""
    codes, uniq = pd.factorize(pd.Series(np.asarray(citizens)), sort=True)
    order = np.random.default_rng(seed).permutation(len(uniq))
    fold_of = np.empty(len(uniq), dtype=np.int64)
    fold_of[order] = np.arange(len(uniq)) % n_folds
    return fold_of[codes]


def out_of_fold(y: np.ndarray, X: pd.DataFrame, folds: np.ndarray) -> np.ndarray:
    """Each row's predicted probability from the logit fitted on the other folds."""
    Xv = np.column_stack([np.ones(len(y)), X.to_numpy(dtype=float)])
    full = normal_equations(Xv.T @ Xv, np.zeros(Xv.shape[1])).keep
    Xv = Xv[:, full]
    start, _, _ = logit_newton(y, Xv)
    pred = np.empty(len(y))
    for f in np.unique(folds):
        train = folds != f
        Xt = Xv[train]
        keep = normal_equations(Xt.T @ Xt, np.zeros(Xt.shape[1])).keep
        beta, _, _ = logit_newton(y[train], Xt[:, keep], start=start[keep])
        pred[~train] = special.expit(Xv[~train][:, keep] @ beta)
    return pred


def _auc(a: roc.Auc) -> dict:
    return {"auc": num(a.auc), "se": num(a.se), "ci_low": num(a.ci_low), "ci_high": num(a.ci_high)}


def prediction(
    y: np.ndarray,
    X_full: pd.DataFrame,
    X_background: pd.DataFrame,
    citizens,
    *,
    n_folds: int = N_FOLDS,
    seed: int = 0,
) -> dict:
    """Out-of-sample AUC of the full model and of background alone, the gain, calibration."""
    cit = np.asarray(citizens)
    n_cit = int(pd.Series(cit).nunique())
    base = {
        "n_folds": n_folds,
        "n_measurements": len(y),
        "n_citizens": n_cit,
        "n_positive": int(np.sum(y)),
    }
    if n_cit < 2 * n_folds or y.min() == y.max():
        return {**base, "status": "insufficient_data"}
    folds = fold_of_citizen(cit, n_folds, seed)
    try:
        p_full = out_of_fold(y, X_full, folds)
        p_bg = out_of_fold(y, X_background, folds)
        in_sample = logit(y, X_full, covariance=None).fitted
        slope = logit(
            y,
            special.logit(np.clip(p_full, 1e-12, 1 - 1e-12)),
            names=["slope"],
            covariance=Clustered(cit),
        )
    except EstimationError as exc:
        return {**base, "status": "not_estimable", "reason": str(exc)}
    s_lo, s_hi = slope.conf_int(LEVEL)
    return {
        **base,
        "status": "ok",
        "full": _auc(roc.auc(p_full, y, cit, level=LEVEL)),
        "background_only": _auc(roc.auc(p_bg, y, cit, level=LEVEL)),
        "gain": _auc(roc.auc_difference(p_full, p_bg, y, cit, level=LEVEL)),
        "in_sample_auc": num(roc.auc(in_sample, y).auc),
        "calibration_slope": num(slope.coef[1]),
        "calibration_slope_low": num(s_lo[1]),
        "calibration_slope_high": num(s_hi[1]),
        "calibration": roc.calibration_bins(p_full, y, cit, level=LEVEL),
    }
