"""Generate a synthetic BIP cohort: all 11 tables of dataset format v1 plus ``truth.json``.

Citizens are generated in fixed blocks of ``BLOCK`` citizens; block ``i`` draws from its own
stream ``PCG64(SeedSequence([seed, 1, i]))``, so the output depends only on (scale, seed),
and each block is streamed to the table writers, keeping memory bounded at any scale.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pyarrow as pa

from bip.dataset.schema import BENEFIT_STATUSES, EDUCATIONS, ORIGINS, TABLES
from bip.dataset.write import TableWriter, atomic_dir
from bip.instrument import B10_CHANNELS, B_ITEMS, S_ITEMS
from bip.progress import progress as progress_bar
from bip.synth.measurements import ALL_ITEMS, S12, Meetings, day, draw_meetings
from bip.synth.mechanisms import Mechanisms
from bip.synth.population import controls, draw_background, draw_staff
from bip.synth.registers import (
    MONTH_LABELS,
    MONTH_WEEKS,
    N_MONTHS,
    STATUS,
    WEEK0,
    WEEK_LABELS,
    benefit_history,
    expected_y52,
    health_and_crime,
    month_index,
    place_outcomes,
)
from bip.synth.truth import ProgressionTruth, truth_doc

BLOCK = 1000
CITIZENS_PER_SCALE = 3707  # 003/004: 3,707 citizens with responses
END_DAY = (np.datetime64("2017-12-31") - np.datetime64("1970-01-01")).astype(int)  # registers end
WEEK_DAYS = WEEK0 + 7 * np.arange(len(WEEK_LABELS))  # Monday of each register week


def _stream(seed: int, *key: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, *key])))


def generate_cohort(
    out: Path | str,
    *,
    scale: float = 1.0,
    seed: int = 0,
    fmt: str = "csv",
    overwrite: bool = False,
    show_progress: bool = False,
    mechanisms: Mechanisms | None = None,
) -> Path:
    """Write a synthetic BIP dataset (all 11 tables) and ``truth.json`` into ``out``, atomically.

    ``scale`` 1 is about 10 jobcentres, 300 caseworkers and 3,700 citizens; the output is
    deterministic for (scale, seed, mechanisms). ``fmt`` is ``csv`` or ``parquet``.
    ``mechanisms`` switches the generator's mechanisms (default: :class:`Mechanisms()`).
    """
    mech = mechanisms or Mechanisms()
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"unknown format {fmt!r} (csv or parquet)")
    if not (scale > 0 and math.isfinite(scale)):
        raise ValueError(f"scale must be a positive number, not {scale!r}")
    n_cit = max(20, round(CITIZENS_PER_SCALE * scale))
    staff = draw_staff(_stream(seed, 0), scale, mech)
    truth = ProgressionTruth()
    cw_eff_sum = np.zeros(len(staff.cw_ids))
    cw_eff_n = np.zeros(len(staff.cw_ids))
    counts = {
        "y52": 0,
        "job13": 0,
        "meetings": 0,
        "ey_high": 0.0,
        "n_high": 0,
        "ey_low": 0.0,
        "n_low": 0,
        "y_high": 0,
        "y_low": 0,
    }
    n_blocks = math.ceil(n_cit / BLOCK)
    with atomic_dir(Path(out), overwrite) as tmp:
        writers = {name: TableWriter(tmp, name, fmt) for name in TABLES}
        try:
            writers["jobcenters"].write(
                pa.table({"jobcenter_id": staff.jc_ids, "name": staff.jc_names})
            )
            writers["caseworkers"].write(
                pa.table(
                    {
                        "caseworker_id": staff.cw_ids,
                        "jobcenter_id": np.asarray(staff.jc_ids, dtype=object)[staff.cw_jc],
                    }
                )
            )
            with progress_bar("synth", n_blocks, enabled=show_progress) as advance:
                for i in range(n_blocks):
                    start = i * BLOCK
                    n = min(BLOCK, n_cit - start)
                    _block(
                        _stream(seed, 1, i),
                        start,
                        n,
                        staff,
                        writers,
                        truth,
                        cw_eff_sum,
                        cw_eff_n,
                        counts,
                        mech,
                    )
                    advance(1)
        finally:
            for w in writers.values():
                w.close()
        doc = truth_doc(scale, seed, staff, truth, cw_eff_sum, cw_eff_n, counts, mech, BLOCK)
        (tmp / "truth.json").write_text(
            json.dumps(doc, indent=1, ensure_ascii=False), encoding="utf-8"
        )
    return Path(out)


def _block(rng, start, n, staff, writers, truth, cw_eff_sum, cw_eff_n, counts, mech) -> None:
    b = draw_background(rng, n, staff.jc_weight)
    ids = np.array([f"c{start + i + 1:07d}" for i in range(n)], dtype=object)
    mt = draw_meetings(rng, b, staff, mech)
    first_day = mt.day[mt.k == 0]
    end_day = day(mech.register_end)
    # Truth in the units the analyses estimate: the expected 52-week outcome of each meeting
    # (given its path), with and without everything caseworker-level. Computed on the full
    # path: a meeting kept after leaving-at-first-job has the same expectation (the spells of
    # different intervals are drawn independently).
    ey = expected_y52(mt.cit, mt.day, mt.p52, END_DAY)
    ey_no = expected_y52(mt.cit, mt.day, mt.p52_no_cw, END_DAY)
    employed, edu, y, job13, keep = place_outcomes(
        rng, mt, n, END_DAY, leave_at_first_job=mech.dynamic_selection
    )
    if not keep.all():
        mt, ey, ey_no = mt.take(keep), ey[keep], ey_no[keep]
    counts["y52"] += int(y.sum())
    counts["job13"] += int(job13.sum())
    counts["meetings"] += len(y)
    np.add.at(cw_eff_sum, mt.cw, ey - ey_no)
    # An extract that ends early: the registers stop at register_end (the outcome process
    # runs on; what lies beyond is simply not in the files, as with a real extract).
    weeks_kept = int(np.searchsorted(WEEK_DAYS, end_day - 6, side="right"))
    months_kept = int(month_index(np.array([end_day + 1]))[0])  # months wholly covered
    np.add.at(cw_eff_n, mt.cw, 1)
    high = staff.cw_high_belief[mt.cw]
    counts["ey_high"] += float(ey[high].sum())
    counts["n_high"] += int(high.sum())
    counts["ey_low"] += float(ey[~high].sum())
    counts["n_low"] += int((~high).sum())
    counts["y_high"] += int(y[high].sum())
    counts["y_low"] += int(y[~high].sum())
    _accumulate_truth(truth, mt, controls(b))
    # ---- operational tables
    writers["citizens"].write(
        pa.table(
            {
                "citizen_id": ids,
                "jobcenter_id": np.asarray(staff.jc_ids, dtype=object)[b["jc"]],
                "enrolled_on": _dates(first_day - rng.integers(0, 31, n)),
            }
        )
    )
    writers["measurements"].write(_measurements_table(ids, mt, staff))
    birth_year = (1970 + first_day / 365.25).astype(int) - np.floor(b["age"]).astype(int)
    writers["persons"].write(
        pa.table(
            {
                "citizen_id": ids,
                "birth_year": birth_year.astype(np.int16),
                "sex": np.where(b["female"], "f", "m").astype(object),
                "married": b["married"].astype(np.int8),
                "n_children": b["n_children"].astype(np.int32),
                "single_parent": b["single_parent"].astype(np.int8),
                "origin": np.asarray(ORIGINS, dtype=object)[b["origin"]],
                "education": np.asarray(EDUCATIONS, dtype=object)[b["education"]],
            }
        )
    )
    # ---- registers
    sick_tilt = np.where(b["nonwestern"], 0.45, 1.0) * np.where(
        b["som_musculo"] | b["psych_any"], 1.3, 0.9
    )
    edu_tilt = np.where(b["nonwestern"], 0.5, 1.08)
    other_tilt = np.where(b["nonwestern"], 3.0, 0.8)  # integration benefit for immigrants
    weeks = benefit_history(rng, first_day, b["emp_hist"], sick_tilt, edu_tilt, other_tilt)
    hist_emp = np.zeros((n, N_MONTHS), bool)
    is_emp = weeks == STATUS["employed"]
    for mth, wk in enumerate(MONTH_WEEKS):
        hist_emp[:, mth] = is_emp[:, wk].any(axis=1)
    hist_emp &= np.arange(N_MONTHS)[None, :] < month_index(first_day)[:, None]
    months = hist_emp | employed
    for mth, wk in enumerate(MONTH_WEEKS):
        sel = employed[:, mth]
        if sel.any():
            weeks[np.ix_(sel, wk)] = STATUS["employed"]
    weeks[edu] = STATUS["education_su"]
    status_names = np.asarray(BENEFIT_STATUSES, dtype=object)
    weeks, months = weeks[:, :weeks_kept], months[:, :months_kept]
    writers["benefit_weeks"].write(
        pa.table(
            {
                "citizen_id": np.repeat(ids, weeks_kept),
                "week": np.tile(WEEK_LABELS[:weeks_kept], n),
                "status": status_names[weeks.ravel()],
            }
        )
    )
    writers["employment_months"].write(
        pa.table(
            {
                "citizen_id": np.repeat(ids, months_kept),
                "month": np.tile(MONTH_LABELS[:months_kept], n),
                "employed": months.ravel().astype(np.int8),
            }
        )
    )
    for name, table in health_and_crime(rng, b, first_day, ids).items():
        writers[name].write(table)


def _accumulate_truth(truth: ProgressionTruth, mt: Meetings, ctrl: np.ndarray) -> None:
    """Add every (item, measurement) pair that has a progression in the dataset (its format's definition) and
    a known combination, with its exact conditional expectation given the past."""
    ans = mt.answers
    n_b = len(B_ITEMS)
    known = (mt.ticks[:, :21].any(1)) | ((mt.ticks[:, 21] == 1) & (mt.ticks[:, 22] == 0))
    part_b = mt.has_b  # the citizen part is present whenever has_b (B10_status is always set)
    part_s = ~np.isnan(ans[:, n_b:]).all(1) | (mt.ticks.any(1))
    # Leniency: E[observed S12 - core S12] per row given its core level (approximation).
    exp_shift = mt.exp_shift
    shift = mt.shift
    for part, cols in ((part_b, range(n_b)), (part_s, range(n_b, len(ALL_ITEMS)))):
        prev_row = _previous_with(part, mt.cit)
        ok = (prev_row >= 0) & part & known
        rows = np.flatnonzero(ok)
        pr = prev_row[rows]
        for j in cols:
            a_now, a_prev = ans[rows, j], ans[pr, j]
            good = ~np.isnan(a_now) & ~np.isnan(a_prev)
            r_, p_ = rows[good], pr[good]
            expected = mt.expected_change[r_, j] + (mt.core[r_ - 1, j] - mt.core[p_, j])
            if j == S12:
                expected = expected + np.nan_to_num(exp_shift[r_]) - np.nan_to_num(shift[p_])
            truth.add(
                j, mt.code[r_], ctrl[mt.cit[r_]], a_prev[good], expected, a_now[good] - a_prev[good]
            )


def _previous_with(part: np.ndarray, cit: np.ndarray) -> np.ndarray:
    """Index of the citizen's latest earlier row with ``part`` (rows grouped by citizen, in
    order), -1 if none."""
    m = len(part)
    if m == 0:
        return np.zeros(0, np.int64)
    run = np.maximum.accumulate(np.where(part, np.arange(m), -1))
    start = np.flatnonzero(np.r_[True, cit[1:] != cit[:-1]])
    first_of = np.repeat(start, np.diff(np.r_[start, m]))
    prev = np.r_[-1, run[:-1]]
    return np.where(prev >= first_of, prev, -1)


def _measurements_table(ids, mt: Meetings, staff) -> pa.Table:
    k = mt.k + 1
    cols: dict[str, object] = {
        "measurement_id": np.array(
            [f"{ids[c]}-{kk:02d}" for c, kk in zip(mt.cit, k, strict=True)], dtype=object
        ),
        "citizen_id": ids[mt.cit],
        "caseworker_id": np.asarray(staff.cw_ids, dtype=object)[mt.cw],
        "measured_on": _dates(mt.day),
    }
    for j, item in enumerate(B_ITEMS):
        cols[item] = _int8(mt.answers[:, j])
    cols["B10_status"] = pa.array(mt.b10_status, pa.string())
    for j, ch in enumerate(B10_CHANNELS):
        cols[f"B10_{ch}"] = _int8(mt.b10_channels[:, j])
    cols["B11"] = pa.array(mt.b11, pa.float64(), from_pandas=True)
    has_s1 = mt.ticks.any(1)
    for o in range(23):
        cols[f"S1_{o + 1}"] = _int8(np.where(has_s1, mt.ticks[:, o], np.nan))
    for j, item in enumerate(S_ITEMS):
        cols[item] = _int8(mt.answers[:, len(B_ITEMS) + j])
    return pa.table(cols)


def _int8(x: np.ndarray) -> pa.Array:
    x = np.asarray(x, float)
    return pa.array(np.nan_to_num(x).astype(np.int8), pa.int8(), mask=np.isnan(x))


def _dates(days: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(days, np.int32), pa.int32()).cast(pa.date32())
