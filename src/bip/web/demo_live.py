"""The web demo's data: the synthetic cohort moved to the present, as a live jobcentre's would be.

The synthetic cohort keeps its 2013-2016 calendar (the analyses and the calibration read it
as it is). The tool's demo gets a copy of it in which

- every date moves by the same whole number of weeks, so that the last measurement falls in
  the past seven days (ISO weeks move by as many weeks, months by the nearest whole number of
  months, birth years by whole years): weekdays, gaps between meetings and ages stay as they were;
- citizens not met for more than ``LEFT_AFTER_WEEKS`` before the end have left the programme and
  are not in the tool (a live caseload lists the citizens still being followed, so about half
  are within the 13-week cadence, some due in the next two weeks and the rest overdue by weeks,
  not years);
- the registers end where a real extract would: the last complete week and month before today
  (no register row in the future), so the 52-week outcome is known for measurements at least a
  year old and censored after;
- three cohort citizens of the demo caseworker with the longest histories become the demo
  citizens with fake CPR numbers (their pseudonym under the demo key, birth year and sex of the
  number), so *find by CPR* opens a real history with registers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from bip.dataset import REGISTER_TABLES, TABLES, open_dataset, validate_dataset, write_dataset
from bip.instrument import CADENCE_WEEKS

# Fake CPR numbers with valid dates that also pass the old modulus-11 check.
DEMO_CPRS = ("010170-1018", "150485-1008", "230392-1004")
# A citizen without a meeting for this long has left the programme (the cohort's gaps average
# about 22 weeks, so nearly everyone still followed has been met within it).
LEFT_AFTER_WEEKS = 26
# Fewest measurements of a demo CPR citizen picked for a cadence state (a history to show).
DEMO_MIN_HISTORY = 4

DATE_COLUMNS = {
    "citizens": "enrolled_on",
    "measurements": "measured_on",
    "diagnoses": "diagnosed_on",
    "prescriptions": "dispensed_on",
    "gp_contacts": "contact_on",
    "crime": "decided_on",
}


@dataclass
class LiveDemo:
    """What :func:`live_dataset` made: where, by how much it moved, who the demo citizens are."""

    folder: Path
    shift_weeks: int
    last_measurement: dt.date | None
    register_week: str  # last ISO week the registers cover
    register_month: str
    citizens: int
    demo_citizens: dict[str, str] = field(default_factory=dict)  # CPR -> citizen_id
    demo_caseworker: str | None = None


def shift_weeks_to(last: dt.date, today: dt.date) -> int:
    """Whole weeks that move ``last`` into the seven days ending ``today`` (never past it)."""
    return max(0, (today - last).days // 7)


def _iso_week(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _shift_week(week: str, weeks: int) -> str:
    y, w = week.split("-W")
    return _iso_week(dt.date.fromisocalendar(int(y), int(w), 1) + dt.timedelta(weeks=weeks))


def _shift_month(month: str, months: int) -> str:
    y, m = map(int, month.split("-"))
    k = y * 12 + (m - 1) + months
    return f"{k // 12}-{k % 12 + 1:02d}"


def _cpr_birth_sex(cpr: str) -> tuple[int, str]:
    from bip.web.identity import birth_date

    digits = cpr.replace("-", "")
    return birth_date(digits).year, "m" if int(digits[-1]) % 2 else "f"


def _pick_demo_citizens(m: pd.DataFrame, citizens: pd.DataFrame, today: dt.date):
    """The demo caseworker (as :func:`bip.web.demo.create_demo` picks one: most citizens in the
    largest jobcentre) and three of their citizens with long histories (at least
    ``DEMO_MIN_HISTORY`` measurements), one per cadence state (measured lately, due, overdue)
    where the caseload has such a citizen in it; otherwise the next longest histories."""
    last = m.sort_values(["citizen_id", "measured_on", "measurement_id"]).groupby("citizen_id")
    current = last["caseworker_id"].last()
    n = last.size()
    latest = last["measured_on"].max()
    per_jc = citizens.groupby("jobcenter_id").size().reset_index(name="n")
    jc = per_jc.sort_values(["n", "jobcenter_id"], ascending=[False, True]).iloc[0].jobcenter_id
    in_jc = citizens.loc[citizens.jobcenter_id == jc, "citizen_id"]
    cw_n = current[current.index.isin(in_jc)].value_counts().reset_index()
    cw_n.columns = ["caseworker_id", "n"]
    cw = cw_n.sort_values(["n", "caseworker_id"], ascending=[False, True]).iloc[0].caseworker_id
    mine = current.index[current == cw]
    weeks = (pd.Timestamp(today) - latest[mine]).dt.days / 7
    state = pd.cut(weeks, [-1, CADENCE_WEEKS - 2, CADENCE_WEEKS, 1e9], labels=["ok", "due", "late"])
    order = pd.DataFrame({"n": n[mine], "state": state}).sort_values(
        "n", ascending=False, kind="stable"
    )
    picked: list[str] = []
    long = order.n >= DEMO_MIN_HISTORY
    for s in ("ok", "due", "late"):
        rows = order.index[long & (order.state == s) & ~order.index.isin(picked)]
        if len(rows):
            picked.append(rows[0])
    for cid in order.index:  # fewer states than three: the next longest histories
        if len(picked) >= len(DEMO_CPRS):
            break
        if cid not in picked:
            picked.append(cid)
    return cw, picked[: len(DEMO_CPRS)]


def live_dataset(
    src: Path,
    out: Path,
    *,
    today: dt.date | None = None,
    pseudonym: Callable[[str], str] | None = None,
    left_after_weeks: int = LEFT_AFTER_WEEKS,
) -> LiveDemo:
    """Write the tool's demo copy of dataset ``src`` into ``out`` (see the module docstring).

    ``pseudonym`` turns a demo CPR number into its citizen id (default: the tool's HMAC key).
    The copy is validated; a problem raises :class:`bip.dataset.DatasetError`.
    """
    from bip.dataset import DatasetError

    if pseudonym is None:
        from bip.web.identity import citizen_id_for

        pseudonym = citizen_id_for
    today = today or dt.date.today()
    ds = open_dataset(src)
    frames = {t: ds.frame(t) for t in TABLES if ds.has(t)}
    m = frames["measurements"]
    if m.empty:
        weeks, last = 0, None
    else:
        last = m["measured_on"].max().date()
        weeks = shift_weeks_to(last, today)
    months = round(weeks * 7 / 30.436875)
    years = round(weeks * 7 / 365.2425)
    delta = pd.Timedelta(weeks=weeks)
    for t, col in DATE_COLUMNS.items():
        if t in frames:
            frames[t][col] = frames[t][col] + delta
    reg_week = _iso_week(today - dt.timedelta(weeks=1))
    reg_month = _shift_month(today.strftime("%Y-%m"), -1)
    if "benefit_weeks" in frames:
        bw = frames["benefit_weeks"]
        table = {w: _shift_week(w, weeks) for w in bw["week"].unique()}
        bw["week"] = bw["week"].map(table)
        frames["benefit_weeks"] = bw[bw["week"] <= reg_week]
    if "employment_months" in frames:
        em = frames["employment_months"]
        table = {x: _shift_month(x, months) for x in em["month"].unique()}
        em["month"] = em["month"].map(table)
        frames["employment_months"] = em[em["month"] <= reg_month]
    for t in ("diagnoses", "prescriptions", "gp_contacts", "crime"):
        if t in frames:
            col = DATE_COLUMNS[t]
            frames[t] = frames[t][frames[t][col] < pd.Timestamp(today)]
    if "persons" in frames:
        frames["persons"]["birth_year"] = frames["persons"]["birth_year"] + years

    m = frames["measurements"]
    if not m.empty:
        latest = m.groupby("citizen_id")["measured_on"].max()
        cutoff = pd.Timestamp(today) - pd.Timedelta(weeks=left_after_weeks)
        keep = set(latest.index[latest >= cutoff])
        for t in ("citizens", "measurements", *REGISTER_TABLES):
            if t in frames:
                frames[t] = frames[t][frames[t]["citizen_id"].isin(keep)]
    info = LiveDemo(
        out,
        weeks,
        None if last is None else last + dt.timedelta(weeks=weeks),
        reg_week,
        reg_month,
        len(frames["citizens"]),
    )
    if not frames["measurements"].empty:
        cw, picked = _pick_demo_citizens(frames["measurements"], frames["citizens"], today)
        info.demo_caseworker = cw
        rename = {}
        for cpr, cid in zip(DEMO_CPRS, picked, strict=False):
            rename[cid] = pseudonym(cpr)
            info.demo_citizens[cpr] = rename[cid]
        for t in ("citizens", "measurements", *REGISTER_TABLES):
            if t in frames:
                frames[t] = frames[t].copy()
                frames[t]["citizen_id"] = frames[t]["citizen_id"].replace(rename)
        if "persons" in frames:
            p = frames["persons"]
            for cpr, cid in info.demo_citizens.items():
                year, sex = _cpr_birth_sex(cpr)
                p.loc[p.citizen_id == cid, ["birth_year", "sex"]] = [year, sex]
    write_dataset(frames, out, "parquet", overwrite=True)
    report = validate_dataset(out)
    if not report.ok:
        raise DatasetError(report, out)
    return info
