"""Invariants of a generated cohort: validity, ids, references, dates, registers, outcomes."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from bip.calibration.prepare import prepare
from bip.cli import main
from bip.dataset import TABLES, open_dataset, validate_dataset
from bip.instrument import ALL_COMBINATIONS, B_ITEMS, S_ITEMS


@pytest.fixture(scope="module")
def ds(small_cohort):
    return open_dataset(small_cohort)


def test_all_tables_written_and_valid(small_cohort):
    for name in TABLES:
        assert (small_cohort / f"{name}.csv").is_file(), name
    report = validate_dataset(small_cohort)
    assert report.ok, report
    result = CliRunner().invoke(main, ["dataset", "validate", str(small_cohort)])
    assert result.exit_code == 0, result.output


def test_ids_unique_and_references_valid(ds):
    jc, cw, cit, m = (
        ds.frame(t) for t in ("jobcenters", "caseworkers", "citizens", "measurements")
    )
    assert jc.jobcenter_id.is_unique and cw.caseworker_id.is_unique and cit.citizen_id.is_unique
    assert m.measurement_id.is_unique
    assert m.citizen_id.isin(cit.citizen_id).all() and m.caseworker_id.isin(cw.caseworker_id).all()
    assert (
        cw.jobcenter_id.isin(jc.jobcenter_id).all() and cit.jobcenter_id.isin(jc.jobcenter_id).all()
    )
    # A citizen's caseworkers work in the citizen's jobcentre.
    j = m.merge(cit, on="citizen_id").merge(cw, on="caseworker_id", suffixes=("_cit", "_cw"))
    assert (j.jobcenter_id_cit == j.jobcenter_id_cw).all()
    persons = ds.frame("persons")
    assert persons.citizen_id.is_unique and set(persons.citizen_id) == set(cit.citizen_id)
    for t in (
        "benefit_weeks",
        "employment_months",
        "diagnoses",
        "prescriptions",
        "gp_contacts",
        "crime",
    ):
        ids = set(ds.frame(t).citizen_id)
        assert ids <= set(cit.citizen_id), t
    assert set(m.citizen_id) == set(cit.citizen_id)  # every citizen was measured


def test_dates_ordered_and_in_range(ds):
    m = ds.frame("measurements").sort_values(["citizen_id", "measured_on"])
    cit = ds.frame("citizens")
    assert m.measured_on.min() >= pd.Timestamp("2013-01-01")
    assert m.measured_on.max() <= pd.Timestamp("2016-12-31")
    first = m.groupby("citizen_id").measured_on.min()
    enrolled = cit.set_index("citizen_id").enrolled_on
    assert (enrolled.loc[first.index] <= first).all()
    gaps = m.groupby("citizen_id").measured_on.diff().dropna()
    assert (gaps >= pd.Timedelta(days=28)).all()  # no two meetings within 4 weeks
    # measurement ids follow the order of meetings within a citizen
    assert (m.groupby("citizen_id").measurement_id.apply(lambda s: s.is_monotonic_increasing)).all()
    persons = ds.frame("persons").set_index("citizen_id")
    age = first.dt.year - persons.birth_year.loc[first.index].astype(int)
    assert age.between(17, 66).all()


def test_registers_cover_2008_to_2017(ds):
    bw = ds.frame("benefit_weeks")
    per = bw.groupby("citizen_id").size()
    assert (per == 522).all()  # 2008-W01 .. 2017-W52, one row per week
    assert bw.week.min() == "2008-W01" and bw.week.max() == "2017-W52"
    em = ds.frame("employment_months")
    assert (em.groupby("citizen_id").size() == 120).all()
    assert em.month.min() == "2008-01" and em.month.max() == "2017-12"


def test_every_measurement_has_a_part_and_answers_are_on_scale(ds):
    m = ds.frame("measurements")
    b_cols = [c for c in m.columns if c.startswith("B")]
    s_cols = [c for c in m.columns if c.startswith("S")]
    has_b, has_s = m[b_cols].notna().any(axis=1), m[s_cols].notna().any(axis=1)
    assert (has_b | has_s).all()
    assert 0.9 < has_b.mean() <= 1 and 0.9 < has_s.mean() <= 1
    for c in B_ITEMS + S_ITEMS:
        v = m[c].dropna()
        assert v.between(1, 5).all(), c
    # the observed mix of S1 answers contains every case docs/panel.md distinguishes
    s1 = m[[f"S1_{i}" for i in range(1, 24)]].fillna(0).astype(int)
    act = s1.iloc[:, :21].any(axis=1)
    assert (act & (s1.S1_22 == 1)).any()  # contradictory ticks exist
    assert (~act & (s1.S1_23 == 1)).any()  # "ved ikke" alone (unknown)
    assert (~act & (s1.S1_22 == 1)).any()  # no activity


def _outcomes_python(meas: pd.DataFrame, em: pd.DataFrame, bw: pd.DataFrame) -> pd.DataFrame:
    """The outcomes of docs/panel.md, written independently with datetime arithmetic."""
    emp = em[em.employed == 1]
    months = {}
    for cid, mon in zip(emp.citizen_id, emp.month, strict=True):
        y, mo = map(int, mon.split("-"))
        start = dt.date(y, mo, 1)
        end = dt.date(y + (mo == 12), mo % 12 + 1, 1) - dt.timedelta(days=1)
        months.setdefault(cid, []).append((start, end))
    edu = {}
    for cid, wk in zip(
        bw.citizen_id[bw.status == "education_su"],
        bw.week[bw.status == "education_su"],
        strict=True,
    ):
        y, w = int(wk[:4]), int(wk[6:])
        monday = dt.date.fromisocalendar(y, w, 1)
        edu.setdefault(cid, []).append((monday, monday + dt.timedelta(days=6)))
    rows = []
    for mid, cid, t in zip(
        meas.measurement_id, meas.citizen_id, meas.measured_on.dt.date, strict=True
    ):

        def touches(spans, days, t=t):
            lo, hi = t + dt.timedelta(days=1), t + dt.timedelta(days=days)
            return any(s <= hi and e >= lo for s, e in spans)

        emp52 = touches(months.get(cid, []), 364)
        rows.append(
            (
                mid,
                int(emp52 or touches(edu.get(cid, []), 364)),
                int(touches(months.get(cid, []), 91)),
            )
        )
    return pd.DataFrame(rows, columns=["measurement_id", "y52", "job13"])


def test_outcomes_in_registers_match_spec_definition(ds, small_cohort):
    meas = ds.frame("measurements")
    sample = meas.sample(300, random_state=1)
    em = ds.frame("employment_months")
    bw = ds.frame("benefit_weeks")
    ids = set(sample.citizen_id)
    py = _outcomes_python(sample, em[em.citizen_id.isin(ids)], bw[bw.citizen_id.isin(ids)])
    con = prepare(ds)
    sql = con.execute("SELECT measurement_id, y52, job13 FROM mo").df()
    both = py.merge(sql, on="measurement_id", suffixes=("_py", "_sql"))
    assert len(both) == 300
    assert (both.y52_py == both.y52_sql).all() and (both.job13_py == both.job13_sql).all()
    assert both.y52_py.sum() > 10  # the sample holds positive outcomes
    # The generator's own evaluation (on its month/week matrices) agrees with the registers.
    truth = json.loads((small_cohort / "truth.json").read_text())
    rates = truth["parameters"]["realised_rates"]
    all_sql = con.execute("SELECT avg(y52), avg(job13) FROM mo").fetchone()
    assert rates["y52"] == pytest.approx(all_sql[0], abs=1e-12)
    assert rates["job13"] == pytest.approx(all_sql[1], abs=1e-12)
    # Employment after the first meeting never falls in a month touched by history rows only:
    # job_13w rises steeply with the caseworker's belief (S12), as published.
    by = con.execute(
        "SELECT S12, avg(job13) FROM mo WHERE S12 IS NOT NULL GROUP BY 1 ORDER BY 1"
    ).fetchall()
    rates_by = [r[1] for r in by]
    assert rates_by[0] < rates_by[2] < rates_by[4]


def test_truth_json_follows_the_contract(small_cohort, ds):
    truth = json.loads((small_cohort / "truth.json").read_text())
    eff = truth["progression"]["effects"]
    assert set(eff) == set(B_ITEMS + S_ITEMS)
    for item, codes in eff.items():
        assert set(codes) == set(ALL_COMBINATIONS), item
        assert codes["0000"] < 0, item  # no activity goes with regression
        assert codes["1101"] > codes["1000"] > codes["0000"], item
    assert set(truth["progression"]["sd"]) == set(B_ITEMS + S_ITEMS)
    assert all(0.3 < v < 1.5 for v in truth["progression"]["sd"].values())
    assert isinstance(truth["selection"]["text"], str) and truth["selection"]["coefficients"]
    cw = ds.frame("caseworkers")
    assert set(truth["caseworker_effects"]) == set(cw.caseworker_id)
    vals = np.array(list(truth["caseworker_effects"].values()))
    assert abs(vals.mean()) < 1e-6
    assert truth["caseworker_effect_sd"] == pytest.approx(vals.std(ddof=1), rel=1e-3)
    assert truth["change_effect"] == -0.22
    # belief_effect is the A7 estimand on this population: high vs low expected 52-week outcome
    rr = truth["parameters"]["realised_rates"]
    ratio = rr["expected_y52_high_belief"] / rr["expected_y52_low_belief"] - 1
    assert truth["belief_effect"] == pytest.approx(ratio, abs=1e-4)
    assert 0.1 < truth["belief_effect"] < 0.6
    for k in ("scale", "seed", "version"):
        assert k in truth["parameters"] and k in truth
    assert truth["scale"] == 0.3 and truth["seed"] == 7
    # bip-synth/2: the mechanisms that made the cohort, the register end, dynamic selection
    from bip.synth import Mechanisms

    assert truth["version"] == "bip-synth/2"
    assert truth["mechanisms"] == Mechanisms().as_dict()
    assert truth["registers_end"] == Mechanisms().register_end
    dyn = truth["dynamic_selection"]
    assert dyn["enabled"] is False and dyn["direction_naive_bias"] == {}
    assert set(dyn["change_effect_by_weeks_since_change"].values()) == {truth["change_effect"]}
