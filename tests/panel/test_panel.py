"""build_panel on hand-made datasets; every expected value is worked out by hand here."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from panel_builders import full_b, full_s, measurement

from bip.panel import build_panel

NA = pd.NA


def row(panel: pd.DataFrame, mid: str) -> pd.Series:
    return panel.set_index("measurement_id").loc[mid]


def isna(x) -> bool:
    return x is NA or x is None or (isinstance(x, float) and math.isnan(x))


def test_order_ties_previous_part_and_progression(dataset_factory):
    ms = [
        # Same day: ties go by measurement_id, so "a2" comes before "b1".
        measurement("b1", "C1", "W1", "2015-03-02", B1=4, B2=2),
        measurement("a2", "C1", "W1", "2015-03-02", B1=3, S2=2, S1=[22]),
        measurement("a1", "C1", "W1", "2015-01-05", B1=2, S2=3, S1=[3]),
        # Caseworker part only: no citizen part, so B progression skips it.
        measurement("c1", "C1", "W2", "2015-06-01", S2=5, S1=[9]),
        # Citizen part present but B1 missing; S part present via S3 only.
        measurement("d1", "C1", "W1", "2015-09-07", B2=3, S3=4),
        # B1 answered again: its previous citizen part (d1) lacks B1 -> NA, no reaching back.
        measurement("e1", "C1", "W1", "2015-12-07", B1=5, B2=1),
    ]
    p = build_panel(dataset_factory(ms))
    assert list(p["measurement_id"]) == ["a1", "a2", "b1", "c1", "d1", "e1"]
    assert list(p["meas_no"]) == [1, 2, 3, 4, 5, 6]
    assert list(p["is_repeat"]) == [False, True, True, True, True, True]
    assert list(p["has_citizen_part"]) == [True, True, True, False, True, True]
    assert list(p["has_caseworker_part"]) == [True, True, False, True, True, False]
    d_b1 = [None if isna(v) else v for v in p["d_B1"]]
    # a2: 3-2; b1: 4-3; c1 no citizen part -> NA; d1 lacks B1; e1: prev citizen part d1 lacks B1.
    assert d_b1 == [None, 1.0, 1.0, None, None, None]
    d_b2 = [None if isna(v) else v for v in p["d_B2"]]
    # b1 B2=2 has no earlier B2 (a2 lacks it); d1: 3-2 (prev citizen part b1); e1: 1-3.
    assert d_b2 == [None, None, None, None, 1.0, -2.0]
    d_s2 = [None if isna(v) else v for v in p["d_S2"]]
    # a2: 2-3; b1 no S part; c1: 5-2 (prev caseworker part a2, b1 skipped); d1 lacks S2.
    assert d_s2 == [None, -1.0, None, 3.0, None, None]
    weeks = list(p["weeks_since_prev"])
    assert isna(weeks[0])
    assert weeks[1] == pytest.approx(56 / 7)  # 2015-01-05 -> 2015-03-02
    assert weeks[2] == 0.0
    assert weeks[3] == pytest.approx(91 / 7)


def test_averages_only_when_complete(dataset_factory):
    b_missing = full_b(2)
    b_missing["B9"] = None
    ms = [
        measurement("m1", "C1", "W1", "2015-01-05", **full_b(2), **full_s(3)),
        measurement("m2", "C1", "W1", "2015-04-06", **{**full_b(3), "B1": 5}, **full_s(4)),
        measurement("m3", "C1", "W1", "2015-07-06", **b_missing, **{**full_s(4), "S12": None}),
    ]
    p = build_panel(dataset_factory(ms))
    assert p["B_avg"].iloc[0] == pytest.approx(2.0)
    assert p["B_avg"].iloc[1] == pytest.approx((5 + 8 * 3) / 9)
    assert isna(p["B_avg"].iloc[2]) and isna(p["S_avg"].iloc[2])
    assert p["d_B_avg"].iloc[1] == pytest.approx((5 + 8 * 3) / 9 - 2)
    assert p["d_S_avg"].iloc[1] == pytest.approx(1.0)
    assert isna(p["d_B_avg"].iloc[2])
    assert p["d_B1"].iloc[2] == pytest.approx(2 - 5)


def test_combinations_contradictions_and_unknown(dataset_factory):
    ms = [
        measurement("m1", "C1", "W1", "2015-01-05", S2=3, S1=[3, 22]),  # J + contradictory 22
        measurement("m2", "C1", "W1", "2015-02-05", S2=3, S1=[22]),  # no activity
        measurement("m3", "C1", "W1", "2015-03-05", S2=3, S1=[23]),  # don't know only: unknown
        measurement("m4", "C1", "W1", "2015-04-05", S2=3, S1=[]),  # nothing ticked: unknown
        measurement("m5", "C1", "W1", "2015-05-05", S2=3, S1=[9, 23]),  # H + contradictory 23
        measurement("m6", "C1", "W1", "2015-06-05", S2=3, S1=[1, 4, 16, 17]),  # O S H J
        measurement("m7", "C1", "W1", "2015-07-05", S2=3, S1=[22, 23]),  # 22 wins: 0000
        measurement("m8", "C1", "W1", "2015-08-05", B1=3),  # no caseworker part
    ]
    p = build_panel(dataset_factory(ms))
    got = [None if isna(c) else c for c in p["combination"]]
    assert got == ["1000", "0000", None, None, "0001", "1111", "0000", None]
    assert list(p["s1_contradictory"]) == [True, False, False, False, True, False, False, False]
    assert [None if isna(v) else int(v) for v in p["act_J"]] == [1, 0, None, None, 0, 1, 0, None]
    assert [None if isna(v) else int(v) for v in p["act_H"]] == [0, 0, None, None, 1, 1, 0, None]


def test_caseworker_changes(dataset_factory):
    ms = [
        measurement(f"m{i}", "C1", cw, f"2015-0{i}-01", B1=3)
        for i, cw in enumerate(["W1", "W1", "W2", "W1"], 1)
    ]
    ms.append(measurement("x1", "C2", "W2", "2015-01-01", B1=3))  # a new citizen is never a change
    p = build_panel(dataset_factory(ms))
    assert list(p["cw_changed"]) == [False, False, True, True, False]
    assert list(p["n_cw_changes"]) == [0, 0, 1, 2, 0]


def _outcome_dataset(dataset_factory):
    ms, emp, ben = [], [], []

    def cit(cid, day, months=(), weeks=()):
        ms.append(measurement(f"m_{cid}", cid, "W1", day, B1=3))
        emp.extend({"citizen_id": cid, "month": mo, "employed": e} for mo, e in months)
        ben.extend({"citizen_id": cid, "week": w, "status": s} for w, s in weeks)

    # Months, measured Saturday 2015-01-31: 52w window (01-31, 2016-01-30], 13w (01-31, 05-02].
    cit("E1", "2015-01-31", months=[("2015-01", 1)])  # only day 0 and before: excluded
    cit(
        "E2", "2016-01-31".replace("2016-01-31", "2015-01-31"), months=[("2016-01", 1)]
    )  # day 364 inside
    cit("E3", "2015-01-31", months=[("2016-02", 1)])  # after the window
    cit("E4", "2015-01-31", months=[("2015-05", 1)])  # May 1-2 inside the 13-week window
    cit("E5", "2015-01-31", months=[("2015-06", 1)])  # 52w only
    cit(
        "E6", "2015-01-31", months=[("2015-03", 0)], weeks=[("2015-W10", "employed")]
    )  # neither counts
    # Weeks, measured Sunday 2015-02-01: 52w window (02-01, 2016-01-31].
    cit(
        "V1", "2015-02-01", weeks=[("2015-W05", "education_su")]
    )  # Mon 01-26..Sun 02-01: day 0 only
    cit(
        "V2", "2015-02-01", weeks=[("2016-W04", "education_su")]
    )  # Mon 2016-01-25..Sun 01-31: day 364
    cit("V3", "2015-02-01", weeks=[("2016-W05", "education_su")])  # starts on day 365
    cit("V4", "2015-02-01", weeks=[("2015-W06", "education_su")])  # inside, but not a job for 13w
    # Coverage of the employment register ends 2017-12; a window reaching past it is censored.
    cit("X1", "2017-06-01", months=[("2017-12", 0)])
    return dataset_factory(ms, {"employment_months": emp, "benefit_weeks": ben})


def test_outcome_windows(dataset_factory):
    p = build_panel(_outcome_dataset(dataset_factory)).set_index("citizen_id")
    want = {
        "E1": (0, 0),
        "E2": (1, 0),
        "E3": (0, 0),
        "E4": (1, 1),
        "E5": (1, 0),
        "E6": (0, 0),
        "V1": (0, 0),
        "V2": (1, 0),
        "V3": (0, 0),
        "V4": (1, 0),
        "X1": (None, 0),
    }
    got = {
        c: (
            None
            if isna(p.loc[c, "job_or_education_52w"])
            else int(p.loc[c, "job_or_education_52w"]),
            None if isna(p.loc[c, "job_13w"]) else int(p.loc[c, "job_13w"]),
        )
        for c in want
    }
    assert got == want


def _background_dataset(dataset_factory, drop=()):
    # First measurement Sunday 2015-02-01 (ISO week 2015-W05, Monday 2015-01-26).
    ms = [
        measurement("m1", "C1", "W1", "2015-02-01", B1=3),
        measurement("m2", "C1", "W1", "2015-05-04", B1=4),
        measurement("n1", "C2", "W1", "2015-03-02", B1=2),  # no persons row, no register rows
    ]
    d = dt.date.fromisoformat
    reg = {
        "persons": [
            {
                "citizen_id": "C1",
                "birth_year": 1975,
                "sex": "f",
                "married": 1,
                "n_children": 2,
                "single_parent": 0,
                "origin": "danish",
                "education": "skilled",
            }
        ],
        "benefit_weeks": [
            *(
                {"citizen_id": "C1", "week": f"2015-W0{w}", "status": "cash_benefit"}
                for w in range(1, 6)
            ),
            {
                "citizen_id": "C1",
                "week": "2011-W01",
                "status": "sickness_benefit",
            },  # in 5y, not in 3y
            {
                "citizen_id": "C1",
                "week": "2009-W01",
                "status": "sickness_benefit",
            },  # more than 5y before
        ],
        "diagnoses": [
            {"citizen_id": "C1", "diagnosed_on": d("2014-01-01"), "icd10": "DF321"},  # F32: light
            {"citizen_id": "C1", "diagnosed_on": d("2013-05-01"), "icd10": "F20.0"},  # F20: severe
            {"citizen_id": "C1", "diagnosed_on": d("2014-06-01"), "icd10": "DD051"},  # D05: cancer
            {"citizen_id": "C1", "diagnosed_on": d("2012-02-01"), "icd10": "m54.5"},  # M54: musculo
            {
                "citizen_id": "C1",
                "diagnosed_on": d("2015-02-01"),
                "icd10": "DJ45",
            },  # on day 0: not before
            {
                "citizen_id": "C1",
                "diagnosed_on": d("2011-06-01"),
                "icd10": "DE11",
            },  # > 3 years before
            {
                "citizen_id": "C1",
                "diagnosed_on": d("2014-03-01"),
                "icd10": "D500",
            },  # D50: anaemia, no group
            {"citizen_id": "C1", "diagnosed_on": d("2014-03-01"), "icd10": "DF99"},  # F99
        ],
        "prescriptions": [
            {
                "citizen_id": "C1",
                "dispensed_on": d("2014-12-01"),
                "atc": "N05BA01",
            },  # anxiety, psychmed
            {"citizen_id": "C1", "dispensed_on": d("2014-09-01"), "atc": "C07AB02"},  # lifestyle
            {
                "citizen_id": "C1",
                "dispensed_on": d("2014-06-01"),
                "atc": "N06AB04",
            },  # > 6 months before
        ],
        "gp_contacts": [
            {"citizen_id": "C1", "contact_on": d("2014-12-01"), "n_services": 2, "fee_dkk": 100.0},
            {
                "citizen_id": "C1",
                "contact_on": d("2014-12-03"),
                "n_services": 1,
                "fee_dkk": 50.5,
            },  # same week
            {"citizen_id": "C1", "contact_on": d("2014-03-01"), "n_services": 3, "fee_dkk": 200.0},
            {
                "citizen_id": "C1",
                "contact_on": d("2013-12-01"),
                "n_services": 9,
                "fee_dkk": 999.0,
            },  # > 12 m
        ],
        "crime": [
            {
                "citizen_id": "C1",
                "decided_on": d("2011-03-01"),
                "kind": "conviction",
                "law": "penal",
            },
            {
                "citizen_id": "C1",
                "decided_on": d("2009-03-01"),
                "kind": "charge",
                "law": "traffic",
            },  # > 5 y
        ],
    }
    return dataset_factory(ms, reg, drop=drop)


def test_background_from_registers(dataset_factory):
    p = build_panel(_background_dataset(dataset_factory))
    c1 = row(p, "m2")  # background is at the first measurement, repeated on every row
    assert c1["age"] == 2015 - 1975
    assert (c1["female"], c1["married"], c1["n_children"], c1["single_parent"]) == (1, 1, 2, 0)
    assert (c1["origin"], c1["education"]) == ("danish", "skilled")
    # Weeks W01-W04 of 2015 are before the first week (W05 is the week of the measurement).
    assert c1["share5y_cash_benefit"] == pytest.approx(4 / 260)
    assert c1["share3y_cash_benefit"] == pytest.approx(4 / 156)
    assert c1["share5y_sickness_benefit"] == pytest.approx(1 / 260)
    assert c1["share3y_sickness_benefit"] == 0
    flags = {
        k: int(c1[k])
        for k in (
            "psych_light",
            "psych_severe",
            "psych_any",
            "psych_F30_F39",
            "psych_F20_F29",
            "psych_F99",
            "psych_F10_F19",
            "som_cancer",
            "som_musculo",
            "som_lung",
            "som_diabetes",
            "med_anxiety",
            "med_lifestyle",
            "med_antidepressant",
            "psych_or_psychmed",
            "conviction_penal_5y",
            "charge_traffic_5y",
        )
    }
    assert flags == {
        "psych_light": 1,
        "psych_severe": 1,
        "psych_any": 1,
        "psych_F30_F39": 1,
        "psych_F20_F29": 1,
        "psych_F99": 1,
        "psych_F10_F19": 0,
        "som_cancer": 1,
        "som_musculo": 1,
        "som_lung": 0,
        "som_diabetes": 0,
        "med_anxiety": 1,
        "med_lifestyle": 1,
        "med_antidepressant": 0,
        "psych_or_psychmed": 1,
        "conviction_penal_5y": 1,
        "charge_traffic_5y": 0,
    }
    assert (c1["gp_weeks_12m"], c1["gp_services_12m"], c1["gp_fees_12m"]) == (2.0, 6.0, 350.5)
    c2 = row(p, "n1")
    assert isna(c2["age"]) and isna(c2["female"]) and isna(c2["origin"])
    assert int(c2["psych_any"]) == 0 and c2["share5y_cash_benefit"] == 0 and c2["gp_weeks_12m"] == 0


def test_absent_register_tables_give_na(dataset_factory):
    p = build_panel(
        _background_dataset(
            dataset_factory, drop=("diagnoses", "employment_months", "benefit_weeks")
        )
    )
    c1 = row(p, "m1")
    assert isna(c1["psych_any"]) and isna(c1["som_cancer"]) and isna(c1["share5y_cash_benefit"])
    assert int(c1["psych_or_psychmed"]) == 1  # the medicine register still shows N05B
    assert isna(c1["job_or_education_52w"]) and isna(c1["job_13w"])
    assert int(c1["med_anxiety"]) == 1


def test_columns_follow_the_contract(dataset_factory):
    p = build_panel(_background_dataset(dataset_factory))
    for c in (
        "measurement_id",
        "citizen_id",
        "caseworker_id",
        "jobcenter_id",
        "measured_on",
        "meas_no",
        "is_repeat",
        "has_citizen_part",
        "has_caseworker_part",
        "B1",
        "S12",
        "B10_status",
        "B11",
        "S1_23",
        "B_avg",
        "S_avg",
        "d_B1",
        "d_S12",
        "d_B_avg",
        "d_S_avg",
        "weeks_since_prev",
        "combination",
        "act_J",
        "s1_contradictory",
        "cw_changed",
        "n_cw_changes",
        "job_or_education_52w",
        "job_13w",
        "age",
        "female",
        "married",
        "single_parent",
        "n_children",
        "origin",
        "education",
        "share5y_employed",
        "share3y_other_benefit",
        "psych_light",
        "psych_severe",
        "psych_any",
        "psych_F00_F09",
        "psych_F99",
        "som_accident",
        "med_addiction",
        "psych_or_psychmed",
        "gp_weeks_12m",
        "gp_services_12m",
        "gp_fees_12m",
        "charge_penal_5y",
        "conviction_other_5y",
    ):
        assert c in p.columns, c
    assert str(p["B1"].dtype) == "Float64"
    assert str(p["job_or_education_52w"].dtype) == "Int8"
    assert str(p["n_children"].dtype) == "Int32"
    assert p["measured_on"].dtype.kind == "M"
    assert p["jobcenter_id"].tolist() == ["JC1", "JC1", "JC2"]
