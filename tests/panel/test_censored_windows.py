"""Outcome windows past the registers' coverage are missing, whatever they hold.

A synthetic cohort's registers are cut short (employment months at 2015-12, DREAM weeks
earlier, at 2015-W40) and the panel is compared with an independent pandas evaluation of the
windows, with the outcomes of the full registers (the spells the generator planted) and with
the old rule, which kept a censored window's 1 and dropped only its 0.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pytest
from panel_builders import measurement

from bip import pipeline
from bip.dataset import open_dataset, write_dataset
from bip.panel import CENSORED, build_panel, censored_counts
from bip.synth import generate_cohort

LAST_MONTH, LAST_WEEK = "2015-12", "2015-W40"  # the cut: DREAM weeks end before employment
Y52, Y13 = "job_or_education_52w", "job_13w"


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    """(full panel, truncated dataset, its panel, truth.json) of a scale-0.25 cohort."""
    root = tmp_path_factory.mktemp("cens")
    src = generate_cohort(root / "full", scale=0.25, seed=11, fmt="parquet")
    full = build_panel(open_dataset(src))
    ds = open_dataset(src)
    tables = {name: ds.arrow(name) for name in ds.files}
    emp, ben = tables["employment_months"], tables["benefit_weeks"]
    tables["employment_months"] = emp.filter(pc.less_equal(emp["month"], LAST_MONTH))
    tables["benefit_weeks"] = ben.filter(pc.less_equal(ben["week"], LAST_WEEK))
    cut = open_dataset(write_dataset(tables, root / "cut", "parquet"))
    truth = json.loads((src / "truth.json").read_text(encoding="utf-8"))
    return full, cut, build_panel(cut), truth


def _iso(days: pd.Series) -> pd.Series:
    cal = days.dt.isocalendar()
    return cal["year"].astype(str) + "-W" + cal["week"].astype(int).map("{:02d}".format)


def _windows(ds, panel: pd.DataFrame) -> pd.DataFrame:
    """Independent evaluation in pandas: what each window shows, and whether it is covered."""
    w = panel[["measurement_id", "citizen_id", "measured_on"]].copy()
    d = w["measured_on"]
    day = pd.Timedelta(days=1)
    w["m_lo"] = (d + day).dt.strftime("%Y-%m")
    w["m_hi52"] = (d + 364 * day).dt.strftime("%Y-%m")
    w["m_hi13"] = (d + 91 * day).dt.strftime("%Y-%m")
    w["w_lo"], w["w_hi52"] = _iso(d + day), _iso(d + 364 * day)
    emp = ds.frame("employment_months")
    ben = ds.frame("benefit_weeks")
    e = w.merge(emp[emp["employed"] == 1], on="citizen_id")
    in52 = (e["month"] >= e["m_lo"]) & (e["month"] <= e["m_hi52"])
    in13 = (e["month"] >= e["m_lo"]) & (e["month"] <= e["m_hi13"])
    b = w.merge(ben[ben["status"] == "education_su"], on="citizen_id")
    edu = (b["week"] >= b["w_lo"]) & (b["week"] <= b["w_hi52"])
    ids = w["measurement_id"]
    w["seen52"] = ids.isin(e.loc[in52, "measurement_id"]) | ids.isin(b.loc[edu, "measurement_id"])
    w["seen13"] = ids.isin(e.loc[in13, "measurement_id"])
    last_m, last_w = emp["month"].max(), ben["week"].max()
    w["cov52"] = (w["m_hi52"] <= last_m) & (w["w_hi52"] <= last_w)
    w["cov13"] = w["m_hi13"] <= last_m
    # The old rule: a 1 stays, a 0 past the last employment month becomes missing.
    w["old52"] = np.where(w["seen52"], 1.0, np.where(w["m_hi52"] > last_m, np.nan, 0.0))
    w["old13"] = np.where(w["seen13"], 1.0, np.where(w["m_hi13"] > last_m, np.nan, 0.0))
    return w.set_index("measurement_id")


def _values(s: pd.Series) -> np.ndarray:
    return s.astype("float64").to_numpy()


def test_windows_past_coverage_are_missing_for_1_and_0(cohort):
    full, cut, p, _ = cohort
    w = _windows(cut, p).loc[p["measurement_id"]]
    # (A 13-week window past the end has had less time to show a job: fewer such 1s.)
    for y, cov, seen, ones in ((Y52, "cov52", "seen52", 50), (Y13, "cov13", "seen13", 5)):
        out = _values(p[y])
        covered = w[cov].to_numpy()
        # Censored windows with and without a job already seen: all missing, all flagged.
        assert w.loc[~covered, seen].sum() > ones and (~w.loc[~covered, seen]).sum() > 50
        assert np.isnan(out[~covered]).all()
        assert (p[CENSORED[y]].to_numpy() == ~covered).all()
        # Covered windows: what they show, and what the full registers give.
        assert (out[covered] == w.loc[covered, seen].to_numpy()).all()
        truth = _values(full.set_index("measurement_id").loc[p["measurement_id"], y])
        assert (out[covered] == truth[covered]).all()


def test_the_old_rule_inflated_late_rates_and_the_new_one_does_not(cohort):
    full, cut, p, truth_doc = cohort
    w = _windows(cut, p).loc[p["measurement_id"]]
    truth = _values(full.set_index("measurement_id").loc[p["measurement_id"], Y52])
    # The truth is the outcome on the registers in full: the generator's planted spells.
    planted = truth_doc["parameters"]["realised_rates"]["y52"]
    assert np.mean(_values(full[Y52])) == pytest.approx(planted, abs=1e-12)
    late = ~w["cov52"].to_numpy()
    old = w["old52"].to_numpy()
    t_late = truth[late].mean()
    se_late = np.sqrt(t_late * (1 - t_late) / late.sum())
    old_late = np.nanmean(old[late])
    assert old_late > t_late + 10 * se_late  # every kept late window is a 1
    # Over all measurements the old rule's rate is above the planted rate, too.
    se_all = np.sqrt(planted * (1 - planted) / np.isfinite(old).sum())
    assert np.nanmean(old) > planted + 4 * se_all
    # The new rule: late windows are missing; the covered ones are the planted rate.
    new = _values(p[Y52])
    assert np.isnan(new[late]).all()
    covered = np.isfinite(new)
    se_cov = np.sqrt(planted * (1 - planted) / covered.sum())
    assert abs(new[covered].mean() - planted) < 3 * se_cov
    assert new[covered].mean() == pytest.approx(truth[covered].mean(), abs=1e-12)


def test_each_register_uses_its_own_last_period(cohort):
    _, cut, p, _ = cohort
    assert p.attrs["register_coverage"] == {
        "employment_months": LAST_MONTH,
        "benefit_weeks": LAST_WEEK,
    }
    w = _windows(cut, p).loc[p["measurement_id"]]
    # 13 weeks ending after the DREAM weeks but inside the employment months: still defined.
    mid13 = (_iso(p["measured_on"] + pd.Timedelta(days=91)) > LAST_WEEK).to_numpy() & w[
        "cov13"
    ].to_numpy()
    assert mid13.sum() > 20 and p.loc[mid13, Y13].notna().all()
    # 52 weeks inside the employment months but past the DREAM weeks: missing and flagged.
    mid52 = (w["m_hi52"] <= LAST_MONTH).to_numpy() & (w["w_hi52"] > LAST_WEEK).to_numpy()
    assert mid52.sum() > 20 and p.loc[mid52, Y52].isna().all()
    assert p.loc[mid52, CENSORED[Y52]].all()


def test_the_count_reported_is_the_number_of_removed_windows(cohort):
    full, cut, p, _ = cohort
    w = _windows(cut, p)
    counts = pipeline.dataset_counts(cut, p).outcome_coverage
    assert counts is not None
    assert counts.censored == {Y52: int((~w["cov52"]).sum()), Y13: int((~w["cov13"]).sum())}
    # Every register is present, so the censored windows are all the missing outcomes.
    assert counts.censored == {Y52: int(p[Y52].isna().sum()), Y13: int(p[Y13].isna().sum())}
    assert (counts.employment_months_last, counts.benefit_weeks_last) == (LAST_MONTH, LAST_WEEK)
    # Full registers: nothing is removed.
    assert censored_counts(full) == {Y52: 0, Y13: 0}


def _one(dataset_factory, emp_last: str, ben_last: str | None, job_month: str = "2015-03"):
    """Citizen A measured 2015-02-01 (52w window ends 2016-01-31, ISO 2016-W04; 13w window
    ends 2015-05-03) with a job in ``job_month``; citizen Z carries the registers' last period."""
    ms = [
        measurement("a", "A", "W1", "2015-02-01", B1=3),
        measurement("z", "Z", "W1", "2013-01-07", B1=3),
    ]
    emp = [
        {"citizen_id": "A", "month": job_month, "employed": 1},
        {"citizen_id": "Z", "month": emp_last, "employed": 0},
    ]
    regs = {"employment_months": emp}
    drop: tuple[str, ...] = ()
    if ben_last is None:
        drop = ("benefit_weeks",)
    else:
        regs["benefit_weeks"] = [{"citizen_id": "Z", "week": ben_last, "status": "cash_benefit"}]
    p = build_panel(dataset_factory(ms, regs, drop=drop)).set_index("measurement_id")
    a = p.loc["a"]
    return (
        None if pd.isna(a[Y52]) else int(a[Y52]),
        bool(a[CENSORED[Y52]]),
        None if pd.isna(a[Y13]) else int(a[Y13]),
        bool(a[CENSORED[Y13]]),
    )


@pytest.mark.parametrize(
    ("emp_last", "ben_last", "job", "want"),
    [
        # Both registers reach exactly the window's last month / week: covered.
        ("2016-01", "2016-W04", "2015-03", (1, False, 1, False)),
        ("2016-01", "2016-W04", "2014-12", (0, False, 0, False)),
        # DREAM weeks end one week early: the 52w job already seen is missing all the same;
        # the 13-week outcome needs only the employment months.
        ("2016-01", "2016-W03", "2015-03", (None, True, 1, False)),
        # Employment ends a month early: 52w censored, 13w still inside.
        ("2015-12", "2016-W10", "2015-03", (None, True, 1, False)),
        # Employment ends before the 13-week window does: both censored, the job notwithstanding.
        ("2015-04", "2016-W10", "2015-03", (None, True, None, True)),
        # No DREAM weeks at all: 52w missing for want of a register (not censored), 13w defined.
        ("2016-01", None, "2015-03", (None, False, 1, False)),
    ],
)
def test_windows_at_the_edge_of_each_register(dataset_factory, emp_last, ben_last, job, want):
    assert _one(dataset_factory, emp_last, ben_last, job) == want
