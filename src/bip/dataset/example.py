"""A minimal valid dataset (every table, a few rows): for documentation, examples and tests."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from bip.dataset.schema import TABLES
from bip.instrument import B10_CHANNELS, B_ITEMS, S1_OPTIONS, S_ITEMS


def example_tables() -> dict[str, pd.DataFrame]:
    """Two jobcentres, three caseworkers, four citizens, eight measurements, some registers."""
    d = dt.date
    jobcenters = pd.DataFrame({"jobcenter_id": ["JC1", "JC2"], "name": ["Faxe", "Horsens"]})
    caseworkers = pd.DataFrame(
        {"caseworker_id": ["W1", "W2", "W3"], "jobcenter_id": ["JC1", "JC1", "JC2"]}
    )
    citizens = pd.DataFrame(
        {
            "citizen_id": ["C1", "C2", "C3", "C4"],
            "jobcenter_id": ["JC1", "JC1", "JC2", "JC2"],
            "enrolled_on": [d(2014, 1, 6), d(2014, 2, 3), d(2014, 3, 3), None],
        }
    )
    rows = []
    plan = [
        ("C1", "W1", d(2014, 1, 6)),
        ("C1", "W1", d(2014, 4, 7)),
        ("C1", "W2", d(2014, 9, 1)),
        ("C2", "W2", d(2014, 2, 3)),
        ("C2", "W2", d(2014, 6, 2)),
        ("C3", "W3", d(2014, 3, 3)),
        ("C3", "W3", d(2014, 7, 7)),
        ("C4", "W3", d(2014, 5, 5)),
    ]
    for i, (cit, cw, day) in enumerate(plan, start=1):
        r = {"measurement_id": f"M{i}", "citizen_id": cit, "caseworker_id": cw, "measured_on": day}
        for j, b in enumerate(B_ITEMS):
            r[b] = 1 + (i + j) % 5
        r["B10_status"] = ("searching", "not_searching", "no_answer")[i % 3]
        for k, ch in enumerate(B10_CHANNELS):
            r[f"B10_{ch}"] = int(r["B10_status"] == "searching" and k % 2 == 0)
        r["B11"] = 110.0 + i
        for n in S1_OPTIONS:
            r[f"S1_{n}"] = 0
        r[f"S1_{(3 * i) % 21 + 1}"] = 1
        for j, s in enumerate(S_ITEMS):
            r[s] = 1 + (2 * i + j) % 5
        rows.append(r)
    rows[-1].update({c: None for c in TABLES["measurements"].column_names if c.startswith("S")})
    measurements = pd.DataFrame(rows)
    persons = pd.DataFrame(
        {
            "citizen_id": ["C1", "C2", "C3", "C4"],
            "birth_year": [1975, 1982, 1968, 1990],
            "sex": ["f", "m", "m", "f"],
            "married": [0, 1, 0, 0],
            "n_children": [0, 2, 1, 0],
            "single_parent": [0, 0, 1, 0],
            "origin": ["danish", "nonwestern_immigrant", "danish", "western_descendant"],
            "education": ["unskilled", "skilled", "unskilled", "higher"],
        }
    )
    weeks = [f"2014-W{w:02d}" for w in range(1, 53)]
    benefit_weeks = pd.DataFrame(
        {
            "citizen_id": [c for c in ["C1", "C2", "C3", "C4"] for _ in weeks],
            "week": weeks * 4,
            "status": ["cash_benefit"] * 150 + ["education_su"] * 58,
        }
    )
    months = [f"2014-{m:02d}" for m in range(1, 13)]
    employment_months = pd.DataFrame(
        {
            "citizen_id": [c for c in ["C1", "C2"] for _ in months],
            "month": months * 2,
            "employed": [0] * 20 + [1] * 4,
        }
    )
    diagnoses = pd.DataFrame(
        {
            "citizen_id": ["C1", "C3", "C3"],
            "diagnosed_on": [d(2012, 5, 1), d(2013, 1, 9), d(2013, 2, 1)],
            "icd10": ["DF321", "F20.0", "M54.5"],
        }
    )
    prescriptions = pd.DataFrame(
        {
            "citizen_id": ["C1", "C2"],
            "dispensed_on": [d(2013, 11, 1), d(2013, 12, 1)],
            "atc": ["N06AB04", "N02BE01"],
        }
    )
    gp_contacts = pd.DataFrame(
        {
            "citizen_id": ["C1", "C1", "C4"],
            "contact_on": [d(2013, 10, 1), d(2013, 12, 3), d(2014, 1, 2)],
            "n_services": [1, 2, 1],
            "fee_dkk": [145.5, 290.0, 145.5],
        }
    )
    crime = pd.DataFrame(
        {
            "citizen_id": ["C2"],
            "decided_on": [d(2012, 3, 3)],
            "kind": ["conviction"],
            "law": ["penal"],
        }
    )
    return {
        "jobcenters": jobcenters,
        "caseworkers": caseworkers,
        "citizens": citizens,
        "measurements": measurements,
        "persons": persons,
        "benefit_weeks": benefit_weeks,
        "employment_months": employment_months,
        "diagnoses": diagnoses,
        "prescriptions": prescriptions,
        "gp_contacts": gp_contacts,
        "crime": crime,
    }
