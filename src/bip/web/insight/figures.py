"""Dashboard figures of one jobcentre (optionally one team, one period) next to all jobcentres.

Pure functions of an analysis panel (docs/panel.md). Every figure that rests on citizens
carries ``n_citizens`` (and a share of citizens with a characteristic the citizens with it);
:func:`cell` marks it ``suppressed`` when :mod:`bip.disclosure` calls it small, and the page
shows "< 5" instead of the value. A cell hidden only to protect such a cell (complementary
suppression) also carries ``mark: "x"``.
Progression by combination is A4's naive model (:func:`bip.analysis.a4_naive_model`,
raw answer units, CR1 intervals by citizen) run on the subset - not re-estimated here.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from bip.analysis import a4_naive_model
from bip.disclosure import complementary, is_small
from bip.instrument import ALL_COMBINATIONS, CADENCE_WEEKS
from bip.panel import JOB_OUTCOME

QUARTER_DAYS = 91
OUTCOME = JOB_OUTCOME
OVERDUE_LIST_MAX = 100
# Panel columns the figures read (current.dashboard_panel keeps only these).
PANEL_COLUMNS = (
    "measurement_id",
    "citizen_id",
    "caseworker_id",
    "jobcenter_id",
    "measured_on",
    "is_repeat",
    "weeks_since_prev",
    "combination",
    "cw_changed",
    "n_cw_changes",
    OUTCOME,
    "B_avg",
    "S_avg",
    "d_B_avg",
    "d_S_avg",
)


def cell(value, n_citizens: int, *, with_: int | None = None, **extra) -> dict:
    """A figure with its citizen count; ``value`` withheld when :mod:`bip.disclosure` says so.

    ``with_`` is, for a share, the number of citizens with the characteristic it counts.
    """
    small = is_small(n_citizens, with_=with_)
    out = {
        "value": None
        if small or value is None or (isinstance(value, float) and np.isnan(value))
        else float(value),
        "n_citizens": int(n_citizens),
        "suppressed": bool(small),
    }
    for k, v in extra.items():
        out[k] = None if small else v
    return out


def subset(
    panel: pd.DataFrame,
    *,
    jobcenter_id: str | None = None,
    caseworker_ids=None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pd.DataFrame:
    """Measurements of a jobcentre / caseworkers / period (dates inclusive)."""
    if jobcenter_id is None and caseworker_ids is None and start is None and end is None:
        return panel
    keep = np.ones(len(panel), dtype=bool)
    if jobcenter_id is not None:
        keep &= (panel["jobcenter_id"] == jobcenter_id).to_numpy()
    if caseworker_ids is not None:
        keep &= panel["caseworker_id"].isin(list(caseworker_ids)).to_numpy()
    if start is not None:
        keep &= (panel["measured_on"] >= pd.Timestamp(start)).to_numpy()
    if end is not None:
        keep &= (panel["measured_on"] <= pd.Timestamp(end)).to_numpy()
    return panel[keep]


def _ncit(df: pd.DataFrame) -> int:
    return int(df["citizen_id"].nunique())


def cadence(p: pd.DataFrame) -> dict:
    """Share of repeat measurements within 13 weeks of the previous one, and the mean interval."""
    rep = p[p["is_repeat"].to_numpy()]
    w = rep["weeks_since_prev"].astype(float)
    n = _ncit(rep)
    return {
        "within_13w": cell(float((w <= CADENCE_WEEKS).mean()) if len(w) else None, n),
        "mean_weeks": cell(float(w.mean()) if len(w) else None, n),
        "n_repeat": int(len(rep)),
    }


def overdue(p: pd.DataFrame, today: dt.date) -> list[dict]:
    """Citizens whose latest measurement is more than 13 weeks ago, longest overdue first."""
    if p.empty:
        return []
    last = p.groupby("citizen_id", sort=False).tail(1)  # the panel is sorted by citizen and date
    due = last["measured_on"] + pd.Timedelta(weeks=CADENCE_WEEKS)
    late = last[due < pd.Timestamp(today)].assign(due=due).sort_values("due")
    return [
        {
            "citizen": c[:10],
            "caseworker_id": w,
            "last": d.date(),
            "weeks_overdue": int((pd.Timestamp(today) - u).days // 7),
        }
        for c, w, d, u in zip(
            late["citizen_id"], late["caseworker_id"], late["measured_on"], late["due"], strict=True
        )
    ][:OVERDUE_LIST_MAX] + (
        [{"more": len(late) - OVERDUE_LIST_MAX}] if len(late) > OVERDUE_LIST_MAX else []
    )


def overdue_count(p: pd.DataFrame, today: dt.date) -> int:
    if p.empty:
        return 0
    last = p.groupby("citizen_id", sort=False)["measured_on"].max()
    return int((last + pd.Timedelta(weeks=CADENCE_WEEKS) < pd.Timestamp(today)).sum())


def no_activity_last_quarter(p: pd.DataFrame, end: pd.Timestamp) -> dict:
    """Share of measurements in the 13 weeks up to ``end`` whose S1 says no activity (0000)."""
    q = p[
        (p["measured_on"] > end - pd.Timedelta(days=QUARTER_DAYS))
        & (p["measured_on"] <= end)
        & p["combination"].notna()
    ]
    none = q["combination"] == "0000"
    share = float(none.mean()) if len(q) else None
    return {
        **cell(share, _ncit(q), with_=_ncit(q[none.to_numpy()])),
        "n_measurements": int(len(q)),
        "from": (end - pd.Timedelta(days=QUARTER_DAYS - 1)).date(),
        "to": end.date(),
    }


def activity_mix(p: pd.DataFrame) -> dict[str, dict]:
    """Share of measurements (with a known combination) in each of the 16 JOSH codes."""
    k = p[p["combination"].notna()]
    total = len(k)
    counts = k.groupby("combination")["citizen_id"].agg(["size", "nunique"])
    out = {}
    for code in ALL_COMBINATIONS:
        n, nc = (
            (int(counts.at[code, "size"]), int(counts.at[code, "nunique"]))
            if code in counts.index
            else (0, 0)
        )
        out[code] = cell(n / total if total else None, nc, n=n)
    # the 16 shares add up to 1: a lone "< 5" share could be worked out from the others
    small = {code for code, c in out.items() if c["suppressed"]}
    for code in complementary({code: c["n_citizens"] for code, c in out.items()}, small) - small:
        out[code] = {**out[code], "value": None, "n": None, "suppressed": True, "mark": "x"}
    return out


def progression(p: pd.DataFrame) -> dict[str, dict[str, dict]]:
    """A4 naive, raw units: mean progression per code with its 95 % interval, B_avg and S_avg.

    Only A4's naive model is shown; the adjusted estimates with the register controls are in
    the analysis run's report.
    """
    res = a4_naive_model(p, items=("B_avg", "S_avg"), standardise=False)
    out: dict = {}
    for item, model in res.items():
        out[item] = {
            code: cell(r.estimate, r.n_citizens, lo=r.ci_low, hi=r.ci_high, n=r.n)
            for code, r in model.codes.items()
        }
    return out


def caseworker_changes(p: pd.DataFrame) -> dict:
    """Caseworker changes between consecutive measurements: count, share, citizens affected."""
    rep = p[p["is_repeat"].to_numpy()]
    ch = rep["cw_changed"].to_numpy(dtype=bool)
    n = _ncit(rep)
    with_change = int(rep.loc[ch, "citizen_id"].nunique())
    return {
        "changes": cell(float(ch.sum()), n),
        "share_of_repeats": cell(float(ch.mean()) if len(ch) else None, n, with_=with_change),
        "share_citizens": cell(with_change / n if n else None, n, with_=with_change),
    }


def outcomes(p: pd.DataFrame) -> dict | None:
    """Job or education within 52 weeks after the measurement (None: no register data loaded)."""
    if OUTCOME not in p or p[OUTCOME].isna().all():
        return None
    o = p[p[OUTCOME].notna()]
    y = o[OUTCOME].astype(float)

    def with_job(part: pd.DataFrame) -> int:
        return _ncit(part[part[OUTCOME].astype(float).to_numpy() > 0])

    by = []
    changes = o["n_cw_changes"].clip(upper=2)
    for k, label in ((0, "0"), (1, "1"), (2, "2+")):
        part = o[changes == k]
        by.append(
            {
                "changes": label,
                **cell(
                    float(part[OUTCOME].astype(float).mean()) if len(part) else None,
                    _ncit(part),
                    with_=with_job(part),
                ),
            }
        )
    return {
        "rate": cell(float(y.mean()), _ncit(o), with_=with_job(o)),
        "by_changes": by,
        "n_measurements": int(len(o)),
    }


def jobcenter_figures(
    panel: pd.DataFrame,
    jobcenter_id: str,
    *,
    caseworker_ids=None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    today: dt.date | None = None,
    all_figures: dict | None = None,
    rows_by_jobcenter: dict | None = None,
) -> dict:
    """Every dashboard figure for the jobcentre (team, period) and, beside it, all jobcentres.

    ``rows_by_jobcenter`` (jobcentre id → row positions in ``panel``) spares the scan by id.
    """
    today = today or dt.date.today()
    if rows_by_jobcenter is not None:
        own = panel.iloc[rows_by_jobcenter.get(jobcenter_id, np.zeros(0, dtype=int))]
        mine_all_time = subset(own, caseworker_ids=caseworker_ids)
    else:
        mine_all_time = subset(panel, jobcenter_id=jobcenter_id, caseworker_ids=caseworker_ids)
    mine = subset(mine_all_time, start=start, end=end)
    out = {
        "jobcenter": period_figures(mine, end),
        "n_measurements": int(len(mine)),
        "n_citizens": _ncit(mine),
    }
    out["overdue"] = overdue(mine_all_time, today)
    out["overdue_count"] = overdue_count(mine_all_time, today)
    out["n_citizens_all_time"] = _ncit(mine_all_time)
    out["all"] = (
        all_figures if all_figures is not None else all_jobcenters(panel, start=start, end=end)
    )
    return out


def all_jobcenters(panel: pd.DataFrame, *, start=None, end=None) -> dict:
    """The comparison column: the same figures over every jobcentre in the period."""
    return period_figures(subset(panel, start=start, end=end), end)


def period_figures(p: pd.DataFrame, end) -> dict:
    last = p["measured_on"].max() if len(p) else None
    q_end = min(pd.Timestamp(end), last) if end is not None and last is not None else last
    return {
        "cadence": cadence(p),
        "no_activity": no_activity_last_quarter(p, q_end) if q_end is not None else None,
        "mix": activity_mix(p),
        "progression": progression(p) if len(p) else None,
        "changes": caseworker_changes(p),
        "outcomes": outcomes(p),
        "n_citizens": _ncit(p),
        "n_measurements": int(len(p)),
    }
