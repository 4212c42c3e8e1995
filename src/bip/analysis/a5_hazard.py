"""A5 beside the 52-week windows: a discrete-time hazard model of the time to a first job.

The panel holds no start date of a job, only each measurement's register windows
(docs/panel.md), so the person-period data are built from them:

- A citizen's measurements in time order; the period of a measurement is the 13 weeks after
  it and its event is ``job_13w`` (an employed month in the window). A citizen's series stops
  at the first event (the first job) and at the first measurement whose window the employment
  register does not cover (``job_13w`` missing: censored at the register's end; windows of
  later measurements reach further, so they are censored too).
- Complementary log-log link (Prentice–Gloeckler): if the job hazard in continuous time is
  proportional, the probability of a job in an interval has exactly this form, so exp(β) is a
  hazard ratio of the underlying process whatever the interval's length. The synthetic
  cohort generates jobs that way (a constant hazard between meetings), which a logit would
  only approximate.
- Regressors: duration (weeks since the citizen's first measurement, ``DURATION_BANDS``), the
  activity groups J/O/S/H of the measurement's S1, the caseworker's belief S12 and the
  citizen's B8 (levels against 3), the number of caseworker changes so far, the caseworker's
  leave-citizen-out ``job_13w`` rate, and the register background of A5–A7
  (docs/a5-a7.md). Errors CR1 by citizen.
- The caseworker term is the share of job windows among the caseworker's *other* citizens'
  measurements (at least ``MIN_OTHER_CITIZENS`` of them, else missing with an indicator):
  their track record, not a causal effect (it also carries their caseload's composition
  beyond the controls) and noisy at ~20 citizens per caseworker, which pulls its ratio
  towards 1. Caseworker fixed effects are not used: a binary model with tens of thousands of
  incidental effects is biased and slow.
- The model's cumulative chance of a job within 52 weeks: each citizen's covariates at their
  first measurement, the four 13-week bands 0–52 weeks in turn, 1 − Π(1 − h), averaged; it is
  reported beside the life-table value from the observed hazards and the observed
  ``job_or_education_52w`` rate of the same citizens (which also counts education).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from bip.analysis._design import Background, background_columns, impute_columns
from bip.analysis.common import MIN_OTHER_CITIZENS, num
from bip.analysis.estimation import (
    Clustered,
    EstimationError,
    GroupBlocks,
    binomial,
    binomial_mean,
    normal_equations,
)
from bip.panel import JOB_OUTCOME, QUARTER_JOB_OUTCOME

LINK = "cloglog"
# Weeks since the first measurement: left edges of the duration bands (the first is the
# reference). The first four are one 13-week period each: the 52-week cumulative chance.
DURATION_BANDS = (0, 13, 26, 39, 52, 78, 104)
HORIZON_BANDS = 4
GROUPS = ("J", "O", "S", "H")
BELIEFS = ("S12", "B8")
LEVELS = (1, 2, 4, 5)  # against level 3
LEVEL = 0.95
CW_RATE = "cw_other_job_13w"  # per 10 percentage points
CHANGES = "n_cw_changes"


def band_names() -> list[str]:
    """``weeks_0_13``, ..., ``weeks_104_plus``."""
    e = DURATION_BANDS
    return [f"weeks_{e[j]}_{e[j + 1] if j + 1 < len(e) else 'plus'}" for j in range(len(e))]


def person_periods(panel: pd.DataFrame) -> pd.DataFrame:
    """One row per citizen-period at risk: ``row`` (position in ``panel``), ``citizen``
    (code), ``event`` (``job_13w``), ``weeks`` since the first measurement, ``band`` (index
    into ``DURATION_BANDS``), ``entry`` (the citizen's first measurement), in citizen and
    time order; ``attrs["n_censored"]`` counts the citizens whose series ended censored."""
    cit = pd.factorize(panel["citizen_id"])[0]
    order = np.lexsort((panel["meas_no"].to_numpy(), cit))
    c = cit[order]
    y = pd.to_numeric(panel[QUARTER_JOB_OUTCOME], errors="coerce").to_numpy(float)[order]
    day = panel["measured_on"].to_numpy().astype("datetime64[D]").astype(np.int64)[order]
    n = len(c)
    new = np.ones(n, dtype=bool)
    new[1:] = c[1:] != c[:-1]
    start = np.maximum.accumulate(np.where(new, np.arange(n), 0)) if n else np.zeros(0, int)
    stop = (y == 1) | np.isnan(y)  # an event or a censored window ends the series
    cum = np.cumsum(stop)
    before = cum - stop - (cum[start] - stop[start])  # stops of the citizen before this row
    at_risk = before == 0
    keep = at_risk & ~np.isnan(y)
    weeks = (day - day[start]) / 7.0
    out = pd.DataFrame(
        {
            "row": order[keep],
            "citizen": c[keep],
            "event": y[keep],
            "weeks": weeks[keep],
            "band": np.searchsorted(np.asarray(DURATION_BANDS, float), weeks[keep], "right") - 1,
            "entry": new[keep],
        }
    )
    out.attrs["n_censored"] = int((at_risk & np.isnan(y)).sum())
    return out


def caseworker_other_rate(panel: pd.DataFrame) -> np.ndarray:
    """Per measurement: the ``job_13w`` rate over the measurements of the same caseworker
    with other citizens (NaN when fewer than ``MIN_OTHER_CITIZENS`` such citizens)."""
    y = pd.to_numeric(panel[QUARTER_JOB_OUTCOME], errors="coerce").to_numpy(float)
    known = ~np.isnan(y)
    cw, _ = pd.factorize(panel["caseworker_id"])
    cit, cit_levels = pd.factorize(panel["citizen_id"])
    ok = cw >= 0
    pair, pairs = pd.factorize(cw.astype(np.int64) * max(len(cit_levels), 1) + cit)
    pair_cw = (pairs // max(len(cit_levels), 1)).astype(np.int64)
    m = known & ok
    n_cw = np.bincount(cw[m], minlength=cw.max() + 1 if len(cw) else 0)
    s_cw = np.bincount(cw[m], weights=y[m], minlength=len(n_cw))
    n_pair = np.bincount(pair[m], minlength=len(pairs))
    s_pair = np.bincount(pair[m], weights=y[m], minlength=len(pairs))
    cits_cw = np.bincount(pair_cw[n_pair > 0], minlength=len(n_cw))  # citizens with outcomes
    others = cits_cw[cw] - (n_pair[pair] > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = (s_cw[cw] - s_pair[pair]) / (n_cw[cw] - n_pair[pair])
    return np.where(ok & (others >= MIN_OTHER_CITIZENS), rate, np.nan)


def _levels(values: np.ndarray, item: str) -> dict[str, np.ndarray]:
    cols = {f"{item}_{lv}": (values == lv).astype(float) for lv in LEVELS}
    miss = np.isnan(values)
    if miss.any():
        cols[f"{item}_missing"] = miss.astype(float)
    return cols


def design(panel: pd.DataFrame, pp: pd.DataFrame) -> tuple[GroupBlocks, list[str]]:
    """The person-period design: intercept, duration bands, activities, beliefs, caseworker
    terms (per period), then the imputed background (per citizen, never repeated over the
    periods: :class:`GroupBlocks`), and the names of the columns in that order."""
    rows = pp["row"].to_numpy()
    lead: dict[str, np.ndarray] = {"(Intercept)": np.ones(len(rows))}
    for j, name in enumerate(band_names()[1:], start=1):
        lead[name] = (pp["band"].to_numpy() == j).astype(float)
    names, values = impute_columns(
        [f"act_{g}" for g in GROUPS],
        [pd.to_numeric(panel[f"act_{g}"], errors="coerce").to_numpy(float)[rows] for g in GROUPS],
    )
    lead.update(zip(names, values, strict=True))
    for item in BELIEFS:
        lead.update(
            _levels(pd.to_numeric(panel[item], errors="coerce").to_numpy(float)[rows], item)
        )
    lead[CHANGES] = pd.to_numeric(panel[CHANGES]).to_numpy(float)[rows]
    names, values = impute_columns([CW_RATE], [10 * caseworker_other_rate(panel)[rows]])
    lead.update(zip(names, values, strict=True))
    # The background is the citizen's: built and kept on one row per citizen (3-4x fewer rows
    # to convert, store and multiply; GroupBlocks). With a missing indicator for each gap the value a gap is
    # filled with does not move any other coefficient, so filling with the mean over
    # citizens instead of over periods changes nothing else. Columns collinear with the
    # intercept and each other are dropped here, so the fit need not copy them.
    cit, first = np.unique(pp["citizen"].to_numpy(), return_index=True)
    who = np.searchsorted(cit, pp["citizen"].to_numpy())
    bg = panel[background_columns(panel) + [c for c in ("origin", "education") if c in panel]]
    B, bg_names = Background(bg.iloc[rows[first]]).design(lead={"(Intercept)": np.ones(len(cit))})
    keep = normal_equations(B.T @ B, np.zeros(B.shape[1])).keep
    keep = keep[keep > 0]  # the intercept is the lead's
    B = np.ascontiguousarray(B[:, keep])
    names = [*lead, *(bg_names[j] for j in keep)]
    T = np.empty((len(rows), len(lead)))
    for j, v in enumerate(lead.values()):
        T[:, j] = v
    return GroupBlocks(T, B, who), names


def separating(X: GroupBlocks, y: np.ndarray) -> np.ndarray:
    """Indices of the 0/1 columns on one side of which the outcome never varies (a band or
    level without events, say): their maximum likelihood estimate does not exist. A column in
    [0, 1] with Σx² = Σx is 0/1; sums of the citizen columns are weighted by their periods."""
    n = len(y)
    ones = np.ones(n)
    total = X.tdot(ones)
    periods = X.group_sums(ones)
    square = np.concatenate(
        [np.einsum("ij,ij->j", X.T, X.T), np.einsum("ij,ij,i->j", X.B, X.B, periods)]
    )
    lo = np.concatenate([X.T.min(axis=0), X.B.min(axis=0)])
    hi = np.concatenate([X.T.max(axis=0), X.B.max(axis=0)])
    binary = (lo >= 0) & (hi <= 1) & np.isclose(square, total)
    ev = X.tdot(y)
    e_all = y.sum()
    one_side = (ev == 0) | (ev == total)
    other = ((e_all - ev) == 0) | ((e_all - ev) == (n - total))
    return np.flatnonzero(binary & (total > 0) & (total < n) & (one_side | other))


def fit_hazard(panel: pd.DataFrame, pp: pd.DataFrame):
    """The cloglog fit on the person-periods: (fit, design, its names, separating columns
    left out). Columns that separate the outcome are dropped before fitting, as collinear
    ones are (their rows then share the reference's hazard)."""
    X, names = design(panel, pp)
    y = pp["event"].to_numpy()
    sep = separating(X, y)
    if len(sep):
        X = X.columns(np.setdiff1d(np.arange(len(names)), sep))
        gone = [names[j] for j in sep]
        names = [n for j, n in enumerate(names) if j not in set(sep)]
    else:
        gone = []
    fit = binomial(
        y,
        X,
        names=names,
        link=LINK,
        intercept=False,
        covariance=Clustered(pp["citizen"].to_numpy()),
    )
    return fit, X, names, gone


def _group(name: str) -> str | None:
    if name.startswith("weeks_"):
        return "duration"
    if name.startswith("act_") and not name.endswith("_missing"):
        return "activity"
    if name.startswith(("S12_", "B8_")) and not name.endswith("_missing"):
        return "caseworker_belief" if name.startswith("S12") else "citizen_belief"
    if name in (CW_RATE, CHANGES):
        return "caseworker"
    return None


_EMPTY = {"link": LINK, "n_periods": 0, "n_citizens": 0, "n_events": 0, "n_censored_citizens": 0}


def hazard(panel: pd.DataFrame) -> dict:
    """The hazard model's result (``bip.results.hazard.HazardModel`` as a dict)."""
    need = ["citizen_id", "caseworker_id", "measured_on", "meas_no", QUARTER_JOB_OUTCOME, CHANGES]
    need += [f"act_{g}" for g in GROUPS] + list(BELIEFS)
    if any(c not in panel.columns for c in need):
        return {**_EMPTY, "status": "insufficient_data"}
    pp = person_periods(panel)
    base = {
        "link": LINK,
        "n_periods": len(pp),
        "n_citizens": int(pp["citizen"].nunique()),
        "n_events": int(pp["event"].sum()),
        "n_censored_citizens": pp.attrs["n_censored"],
    }
    if len(pp) < 100 or base["n_events"] < 10:
        return {**base, "status": "insufficient_data"}
    try:
        fit, X, names, gone = fit_hazard(panel, pp)
    except EstimationError as exc:
        return {**base, "status": "not_estimable", "reason": str(exc)}
    t = fit.t_crit(LEVEL)
    terms = []
    for j, name in enumerate(fit.names):
        group = _group(name)
        if group is None:
            continue
        b, se = fit.coef[j], fit.se[j]
        terms.append(
            {
                "term": name,
                "group": group,
                "coef": num(b),
                "se": num(se),
                "hazard_ratio": num(np.exp(b)),
                "ci_low": num(np.exp(b - t * se)),
                "ci_high": num(np.exp(b + t * se)),
                "p_value": num(2 * stats.t.sf(abs(b / se), fit.df)),
                "n": int(np.count_nonzero(X.T[:, names.index(name)])),  # a row-level column
            }
        )
    return {
        **base,
        "status": "ok",
        "n_regressors": len(fit.names),
        "separating": gone,
        "terms": terms,
        **_baseline(panel, pp, X, names, fit, t),
    }


def _baseline(panel, pp, X, names, fit, t) -> dict:
    """Observed and model hazards per duration band, and the cumulative chances to 52 weeks.

    The model's values are standardised over the citizens' first measurements: each entry
    row (band 0) moved to band b has linear predictor η + β_b. Intervals by the delta method
    from the clustered covariance; a mean of x_i-weighted terms is one product X'v."""
    band, ev, entry = pp["band"].to_numpy(), pp["event"].to_numpy(), pp["entry"].to_numpy()
    full = np.zeros(len(names))
    kept = np.array([names.index(nm) for nm in fit.names])
    full[kept] = fit.coef
    eta0 = X.dot(full)[entry]
    n_e = len(eta0)
    pos = {j: fit.names.index(nm) for j, nm in enumerate(band_names()) if nm in fit.names}
    v = np.zeros(len(band))

    def grad(weights: np.ndarray, unit: dict[int, float]) -> np.ndarray:
        v[:] = 0
        v[entry] = weights / n_e
        g = X.tdot(v)[kept]
        for j, w in unit.items():
            if j:
                g[pos[j]] += w
        return g

    def interval(est: float, g: np.ndarray) -> dict:
        se = float(np.sqrt(max(g @ fit.vcov @ g, 0.0)))
        return {"low": num(max(est - t * se, 0.0)), "high": num(min(est + t * se, 1.0))}

    rows, h_obs = [], []
    surv = np.ones(n_e)  # Π(1 − h_b) over the bands so far, per entry row
    acc = np.zeros(n_e)  # Σ_b h_b'/(1 − h_b) so far
    acc_unit: dict[int, np.ndarray] = {}
    for j, name in enumerate(band_names()):
        at = band == j
        n_at, n_ev = int(at.sum()), int(ev[at].sum())
        row: dict = {"band": name, "n_at_risk": n_at, "n_events": n_ev}
        row["observed"] = num(n_ev / n_at) if n_at else None
        if j < HORIZON_BANDS:
            h_obs.append(n_ev / n_at if n_at else np.nan)
            row["cumulative_life_table"] = num(1 - np.prod(1 - np.asarray(h_obs)))
        if j in pos or j == 0:
            h, d = binomial_mean(eta0 + (fit.coef[pos[j]] if j else 0.0), LINK)
            est = float(h.mean())
            ci = interval(est, grad(d, {j: float(d.mean())}))
            row.update(model=num(est), model_ci_low=ci["low"], model_ci_high=ci["high"])
            if j < HORIZON_BANDS and len(acc_unit) == j:
                # F = 1 − Π(1 − h_b): dF/dβ = Π(1 − h_b) · Σ_b h_b'/(1 − h_b) · (x_i + e_b)
                surv *= 1 - h
                acc += d / (1 - h)
                acc_unit[j] = d / (1 - h)
                cum = float((1 - surv).mean())
                unit = {b: float((surv * a).mean()) for b, a in acc_unit.items()}
                ci = interval(cum, grad(surv * acc, unit))
                row.update(
                    cumulative_model=num(cum),
                    cumulative_model_ci_low=ci["low"],
                    cumulative_model_ci_high=ci["high"],
                )
        rows.append(row)
    y52 = pd.to_numeric(panel[JOB_OUTCOME], errors="coerce").to_numpy(float)
    y52 = y52[pp["row"].to_numpy()[entry]]
    known = ~np.isnan(y52)
    last = rows[HORIZON_BANDS - 1]
    return {
        "bands": rows,
        "cumulative_52w_model": last.get("cumulative_model"),
        "cumulative_52w_model_ci_low": last.get("cumulative_model_ci_low"),
        "cumulative_52w_model_ci_high": last.get("cumulative_model_ci_high"),
        "cumulative_52w_life_table": last.get("cumulative_life_table"),
        "observed_52w": num(y52[known].mean()) if known.any() else None,
        "n_observed_52w": int(known.sum()),
        "n_entry": n_e,
    }
