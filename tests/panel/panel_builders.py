"""Builders of hand-made datasets for the panel tests."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from bip.dataset import TABLES, open_dataset, write_dataset


def measurement(mid: str, cid: str, cw: str, day: str, **answers) -> dict:
    """A measurement row with every column empty except the given answers.

    ``S1=[3, 22]`` ticks those options (the others 0); without S1 all ticks stay empty.
    """
    row = {c: None for c in TABLES["measurements"].column_names}
    row.update(
        measurement_id=mid, citizen_id=cid, caseworker_id=cw, measured_on=dt.date.fromisoformat(day)
    )
    ticks = answers.pop("S1", None)
    if ticks is not None:
        for n in range(1, 24):
            row[f"S1_{n}"] = int(n in ticks)
    row.update(answers)
    return row


def full_b(value: int) -> dict:
    return {f"B{i}": value for i in range(1, 10)}


def full_s(value: int) -> dict:
    return {f"S{i}": value for i in range(2, 13)}


def make_dataset(
    path,
    measurements: list[dict],
    registers: dict[str, list[dict]] | None = None,
    drop: tuple[str, ...] = (),
):
    """Write and open a dataset; citizens/caseworkers are derived from the measurements."""
    m = pd.DataFrame(measurements)
    cws = sorted(set(m["caseworker_id"]))
    cits = sorted(set(m["citizen_id"]))
    tables = {
        "jobcenters": pd.DataFrame({"jobcenter_id": ["JC1", "JC2"], "name": ["Faxe", "Horsens"]}),
        "caseworkers": pd.DataFrame({"caseworker_id": cws, "jobcenter_id": "JC1"}),
        "citizens": pd.DataFrame(
            {
                "citizen_id": cits,
                "jobcenter_id": ["JC1" if i % 2 == 0 else "JC2" for i in range(len(cits))],
                "enrolled_on": [None] * len(cits),
            }
        ),
        "measurements": m,
    }
    for name in (
        "persons",
        "benefit_weeks",
        "employment_months",
        "diagnoses",
        "prescriptions",
        "gp_contacts",
        "crime",
    ):
        if name in drop:
            continue
        rows = (registers or {}).get(name, [])
        cols = TABLES[name].column_names
        tables[name] = (
            pd.DataFrame(rows, columns=cols) if rows else TABLES[name].arrow_schema.empty_table()
        )
    write_dataset(tables, path / "ds")
    return open_dataset(path / "ds")
