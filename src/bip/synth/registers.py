"""Register tables of a chunk: DREAM weeks, employment months, health, GP, crime.

The outcome of every meeting is realised in the registers exactly per the dataset format (docs/dataset-format.md): a meeting
with ``y52 = 1`` gets an employed month (or an ``education_su`` week) that touches its
window (t, t+364], and no employed month or education week touches the window of a meeting
with ``y52 = 0``. History before the first meeting follows 003 Tabel 5.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from bip.dataset.schema import BENEFIT_STATUSES
from bip.synth.measurements import OUT, Meetings
from bip.synth.params import PARAMETERS
from bip.synth.population import CRIME_LAWS, F_CHAPTERS, MEDICINES, SOMATIC

POP = PARAMETERS["population"]
EPOCH = dt.date(1970, 1, 1)
WEEK0 = (dt.date(2007, 12, 31) - EPOCH).days  # Monday of ISO 2008-W01
N_WEEKS = 522  # 2008-W01 .. 2017-W52
MONTH0 = 2008 * 12  # month index of 2008-01
N_MONTHS = 120  # 2008-01 .. 2017-12
WEEK_LABELS = np.array(
    [
        "{}-W{:02d}".format(*(EPOCH + dt.timedelta(days=WEEK0 + 7 * w + 3)).isocalendar()[:2])
        for w in range(N_WEEKS)
    ],
    dtype=object,
)
MONTH_LABELS = np.array(
    [f"{(MONTH0 + i) // 12}-{(MONTH0 + i) % 12 + 1:02d}" for i in range(N_MONTHS)], dtype=object
)
STATUS = {s: i for i, s in enumerate(BENEFIT_STATUSES)}


def month_index(days: np.ndarray) -> np.ndarray:
    """Months since 2008-01 of day numbers."""
    d = np.asarray(days).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return d + 1970 * 12 - MONTH0


def week_index(days: np.ndarray) -> np.ndarray:
    """ISO weeks since 2008-W01 of day numbers."""
    return (np.asarray(days) - WEEK0) // 7


def _month_weeks() -> list[np.ndarray]:
    """For each month index, the week indices whose Thursday lies in it."""
    thu = WEEK0 + 7 * np.arange(N_WEEKS) + 3
    mi = month_index(thu)
    return [np.flatnonzero(mi == i) for i in range(N_MONTHS)]


MONTH_WEEKS = _month_weeks()


def place_outcomes(
    rng: np.random.Generator, mt: Meetings, n: int, end_day: int, leave_at_first_job: bool = False
):
    """Job and education spells from a hazard process, and each meeting's realised outcomes.

    After meeting j the weekly hazard of starting a spell is ``-ln(1 - p52_j) / 52`` until the
    next meeting (after the last one: until ``end_day``), so that with the state of meeting j
    held for 52 weeks the chance of a new spell is exactly ``p52_j``. At most one spell starts
    per interval: an employment spell (months) or, with ``education_share``, an education
    spell (weeks). Returns (employed n x months, education n x weeks, y52, job13) where the
    outcomes are evaluated on these registers exactly per the dataset format, and ``keep``
    marks the meetings kept: with ``leave_at_first_job`` a citizen's meetings after the start
    of their first spell are dropped (they leave the measurement series, as the sources'
    population does); the draws of the kept meetings are unchanged by it.
    """
    employed = np.zeros((n, N_MONTHS), bool)
    edu = np.zeros((n, N_WEEKS), bool)
    m = len(mt.cit)
    last = np.ones(m, bool)
    if m:
        last[:-1] = mt.cit[1:] != mt.cit[:-1]
    nxt = np.where(last, end_day, np.roll(mt.day, -1))
    length = np.maximum(nxt - mt.day, 0)
    rate = -np.log1p(-mt.p52) / 364.0  # per day
    wait = rng.exponential(1.0, m) / rate
    event = wait < length
    ev_day = mt.day + 1 + np.floor(wait).astype(np.int64)
    is_edu = rng.random(m) < OUT["education_share"]
    len_m = 1 + rng.geometric(0.35, m)
    len_w = rng.integers(10, 41, m)
    keep = np.ones(m, bool)
    if leave_at_first_job and m:
        new_cit = np.r_[True, mt.cit[1:] != mt.cit[:-1]]
        first_ev = np.where(event, ev_day, np.iinfo(np.int64).max)
        first_ev = np.minimum.reduceat(first_ev, np.flatnonzero(new_cit))[np.cumsum(new_cit) - 1]
        keep = mt.day < first_ev
        mt = mt.take(keep)
        wait, event, ev_day = wait[keep], event[keep], ev_day[keep]
        is_edu, len_m, len_w = is_edu[keep], len_m[keep], len_w[keep]
        m = len(mt.cit)
        last = np.ones(m, bool)
        last[:-1] = mt.cit[1:] != mt.cit[:-1]
        nxt = np.where(last, end_day, np.roll(mt.day, -1))
    rows = np.flatnonzero(event & ~is_edu)
    start = month_index(ev_day[rows])
    # A spell ends before the next meeting's window begins, so a meeting's outcome reflects
    # the states from that meeting on (the planted effects are not diluted by older spells).
    cap_m = np.where(last, N_MONTHS, month_index(nxt + 1))[rows]
    for i in range(int(len_m[rows].max()) if len(rows) else 0):
        ok = (i < len_m[rows]) & (start + i < N_MONTHS) & ((i == 0) | (start + i < cap_m))
        employed[mt.cit[rows[ok]], start[ok] + i] = True
    rows = np.flatnonzero(event & is_edu)
    start = week_index(ev_day[rows])
    cap_w = np.where(last, N_WEEKS, week_index(nxt + 1))[rows]
    for i in range(int(len_w[rows].max()) if len(rows) else 0):
        ok = (i < len_w[rows]) & (start + i < N_WEEKS) & ((i == 0) | (start + i < cap_w))
        edu[mt.cit[rows[ok]], start[ok] + i] = True
    y52, job13 = outcomes(mt.cit, mt.day, employed, edu)
    return employed, edu, y52, job13, keep


def expected_y52(cit: np.ndarray, days: np.ndarray, p52: np.ndarray, end_day: int) -> np.ndarray:
    """E[job_or_education_52w] of each meeting under the hazard process of :func:`place_outcomes`.

    The outcome window (the register months from the one holding day + 1 to the one holding
    day + 364) also overlaps the previous interval and later meetings' intervals (later
    caseworkers, changes), so this is ``1 - exp(-H)`` with H the hazard of every interval of
    the citizen integrated over that window. Education spells (weeks) are treated like
    employment (months). Rows must be ordered by citizen and meeting, as in ``Meetings``.
    """
    m = len(cit)
    last = np.ones(m, bool)
    if m:
        last[:-1] = cit[1:] != cit[:-1]
    nxt = np.where(last, end_day, np.roll(days, -1))
    rate = -np.log1p(-p52) / 364.0
    epoch = np.datetime64("1970-01-01", "D")
    w0 = (
        (days + 1).astype("datetime64[D]").astype("datetime64[M]").astype("datetime64[D]") - epoch
    ).astype(np.int64)
    w1 = (
        ((days + 364).astype("datetime64[D]").astype("datetime64[M]") + 1).astype("datetime64[D]")
        - epoch
    ).astype(np.int64)
    hazard = np.zeros(m)
    rows_all = np.arange(m)
    for o in range(-1, m):
        i = rows_all + o
        ok = (i >= 0) & (i < m)
        ok[ok] &= cit[i[ok]] == cit[rows_all[ok]]
        if o > 0 and not ok.any():
            break
        rows, i = rows_all[ok], i[ok]
        lo = np.maximum(days[i], w0[rows])
        hi = np.minimum(nxt[i], w1[rows])
        hazard[rows] += rate[i] * np.maximum(hi - lo, 0)
    return -np.expm1(-hazard)


def outcomes(cit: np.ndarray, days: np.ndarray, employed: np.ndarray, edu: np.ndarray):
    """The dataset format's outcomes of meetings from month/week matrices (cumulative sums over windows)."""
    ce = np.concatenate([np.zeros((employed.shape[0], 1), int), np.cumsum(employed, 1)], 1)
    cw = np.concatenate([np.zeros((edu.shape[0], 1), int), np.cumsum(edu, 1)], 1)

    def any_in(cum, lo, hi):
        lo = np.clip(lo, 0, cum.shape[1] - 1)
        hi = np.clip(hi + 1, 0, cum.shape[1] - 1)
        return cum[cit, hi] - cum[cit, lo] > 0

    emp52 = any_in(ce, month_index(days + 1), month_index(days + 364))
    edu52 = any_in(cw, week_index(days + 1), week_index(days + 364))
    job13 = any_in(ce, month_index(days + 1), month_index(days + 91))
    return emp52 | edu52, job13


def benefit_history(
    rng: np.random.Generator,
    first_day: np.ndarray,
    emp_hist: np.ndarray,
    sick_tilt: np.ndarray,
    edu_tilt: np.ndarray,
    other_tilt: np.ndarray,
) -> np.ndarray:
    """Weekly DREAM status (n x weeks, status codes) before and after the first meeting."""
    n = len(first_day)
    wi1 = week_index(first_day)
    early = np.array(list(POP["history_shares_5_to_3y"].values()))
    late = np.array(list(POP["history_shares_3_to_0y"].values()))
    order = list(POP["history_shares_5_to_3y"])
    idx = np.array([STATUS[s] for s in order])
    post = np.zeros(len(BENEFIT_STATUSES))
    for s, p in {
        "cash_benefit": 0.84,
        "sickness_benefit": 0.08,
        "other_benefit": 0.04,
        "unemployment_benefit": 0.02,
        "self_supporting": 0.02,
    }.items():
        post[STATUS[s]] = p
    # Citizen-specific tilt: more employment history for a higher propensity.
    names = np.array(order)
    tilt = (
        np.exp(0.6 * emp_hist)[:, None] * (names == "employed")[None, :]
        + (names != "employed")[None, :]
    )
    tilt = tilt * np.where((names == "sickness_benefit")[None, :], sick_tilt[:, None], 1.0)
    tilt = tilt * np.where((names == "education_su")[None, :], edu_tilt[:, None], 1.0)
    tilt = tilt * np.where((names == "other_benefit")[None, :], other_tilt[:, None], 1.0)
    early_c = early[None, :] * tilt
    early_c /= early_c.sum(1, keepdims=True)
    late_c = late[None, :] * tilt
    late_c /= late_c.sum(1, keepdims=True)
    out = np.empty((n, N_WEEKS), np.int8)
    state = idx[(np.cumsum(early_c, 1) < rng.random(n)[:, None]).sum(1).clip(0, 6)]
    stay = rng.random((n, N_WEEKS)) < 0.94
    draws = rng.random((n, N_WEEKS))
    post_cum = np.cumsum(post)
    early_cum, late_cum = np.cumsum(early_c, 1), np.cumsum(late_c, 1)
    for w in range(N_WEEKS):
        rel = w - wi1  # weeks relative to the first meeting
        hist = rel < -6
        in_late = rel >= -156
        cum = np.where(in_late[:, None], late_cum, early_cum)
        new_hist = idx[(cum < draws[:, w, None]).sum(1).clip(0, 6)]
        new_post = (post_cum < draws[:, w, None]).sum(1).clip(0, 6)
        nxt = np.where(hist, new_hist, new_post)
        # Leaving history: the buffer before the first meeting is always on benefits.
        must_redraw = ~stay[:, w] | (
            ~hist & np.isin(state, (STATUS["employed"], STATUS["education_su"]))
        )
        state = np.where(must_redraw, nxt, state)
        out[:, w] = state
    return out


def health_and_crime(
    rng: np.random.Generator, b: dict, first_day: np.ndarray, ids: np.ndarray
) -> dict[str, pa.Table]:
    """Diagnoses, prescriptions, GP contacts and crime: flags placed inside their windows
    (3 years, 6 months, 12 months, 5 years before the first meeting) plus decoys outside."""
    n = len(first_day)
    r = rng.random
    dx_id, dx_day, dx_code = [], [], []

    def add_dx(mask, lo, hi, stems, fmt_d=0.8):
        k = np.flatnonzero(mask)
        if not len(k):
            return
        dd = first_day[k] - rng.integers(lo, hi + 1, len(k))
        stem = np.asarray(stems, dtype=object)[rng.integers(0, len(stems), len(k))]
        sub = rng.integers(0, 10, len(k))
        dform = r(len(k)) < fmt_d
        code = [f"D{s}{x}" if f else f"{s}.{x}" for s, x, f in zip(stem, sub, dform, strict=True)]
        dx_id.append(ids[k])
        dx_day.append(dd)
        dx_code.append(np.array(code, dtype=object))

    f_stems = {
        c: [f"F{int(c[1:]) + i:02d}" for i in range(9 if c == "F40" else 10)]
        for c in F_CHAPTERS
        if c != "F99"
    }
    f_stems["F99"] = ["F99"]
    for c in F_CHAPTERS:
        flag = b[f"dx_{c}"]
        add_dx(flag, 1, 1080, f_stems[c])
        add_dx(flag & (r(n) < 0.4), 1, 1080, f_stems[c])
        add_dx(flag & (r(n) < 0.3), -900, -1, f_stems[c])  # after the first meeting
    add_dx(~b["psych_any"] & (r(n) < 0.08), 1110, 1800, f_stems["F40"])  # older than 3 years
    for g, (_, stems) in SOMATIC.items():
        flag = b[f"som_{g}"]
        add_dx(flag, 1, 1080, stems)
        add_dx(r(n) < 0.05, 1110, 1800, stems)
        add_dx(r(n) < 0.05, -900, -1, stems)
    diagnoses = pa.table(
        {
            "citizen_id": np.concatenate(dx_id) if dx_id else np.array([], object),
            "diagnosed_on": _dates(np.concatenate(dx_day) if dx_day else np.array([], np.int64)),
            "icd10": np.concatenate(dx_code) if dx_code else np.array([], object),
        }
    )
    rx_id, rx_day, rx_code = [], [], []
    for g, codes in MEDICINES.items():
        flag = b[f"med_{g}"]
        for mask, lo, hi in (
            (flag, 1, 170),
            (flag & (r(n) < 0.6), 1, 170),
            (flag & (r(n) < 0.6), -700, -1),
            (~flag & (r(n) < 0.06), 200, 700),
        ):
            k = np.flatnonzero(mask)
            rx_id.append(ids[k])
            rx_day.append(first_day[k] - rng.integers(lo, hi + 1, len(k)))
            rx_code.append(np.asarray(codes, dtype=object)[rng.integers(0, len(codes), len(k))])
    prescriptions = pa.table(
        {
            "citizen_id": np.concatenate(rx_id),
            "dispensed_on": _dates(np.concatenate(rx_day)),
            "atc": np.concatenate(rx_code),
        }
    )
    # GP: distinct ISO weeks fully inside the 12 months before, one contact in each.
    gp_id, gp_day = [], []
    wi1 = week_index(first_day)
    first_full = week_index(first_day - 360) + 1
    span = (wi1 - 1) - first_full + 1
    keys = r((n, 60))
    for i in range(n):
        g = min(int(b["gp_weeks"][i]), int(span[i]))
        weeks = first_full[i] + np.argsort(keys[i, : span[i]])[:g]
        gp_id.append(np.repeat(ids[i], g))
        gp_day.append(WEEK0 + 7 * weeks + rng.integers(0, 5, g))
    # ... and contacts after the first meeting at a similar rate (outside the window).
    lam = b["gp_weeks"] * 1.0
    k_after = rng.poisson(lam)
    gp_id.append(np.repeat(ids, k_after))
    gp_day.append(np.repeat(first_day, k_after) + rng.integers(0, 365, k_after.sum()))
    gp_days = np.concatenate(gp_day)
    m = len(gp_days)
    services = rng.poisson(POP["gp_services_per_contact"], m)
    fees = np.round(POP["gp_fee_per_contact_dkk"] * rng.gamma(4.0, 0.25, m) + 60 * services, 2)
    gp = pa.table(
        {
            "citizen_id": np.concatenate(gp_id),
            "contact_on": _dates(gp_days),
            "n_services": services.astype(np.int32),
            "fee_dkk": fees,
        }
    )
    cr_id, cr_day, cr_kind, cr_law = [], [], [], []
    for law in CRIME_LAWS:
        for kind in ("charge", "conviction"):
            flag = b[f"{kind}_{law}"]
            for mask, lo, hi in (
                (flag, 1, 1790),
                (r(n) < 0.04, 1850, 3000),
                (r(n) < 0.03, -700, -1),
            ):
                k = np.flatnonzero(mask)
                cr_id.append(ids[k])
                cr_day.append(first_day[k] - rng.integers(lo, hi + 1, len(k)))
                cr_kind.append(np.repeat(kind, len(k)).astype(object))
                cr_law.append(np.repeat(law, len(k)).astype(object))
    crime = pa.table(
        {
            "citizen_id": np.concatenate(cr_id),
            "decided_on": _dates(np.concatenate(cr_day)),
            "kind": np.concatenate(cr_kind),
            "law": np.concatenate(cr_law),
        }
    )
    return {
        "diagnoses": diagnoses,
        "prescriptions": prescriptions,
        "gp_contacts": gp,
        "crime": crime,
    }


def _dates(days: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(days, np.int32), pa.int32()).cast(pa.date32())
