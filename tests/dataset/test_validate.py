"""Every validation error kind, with its exact file, line and column (docs/dataset-format.md)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from bip.dataset import DatasetError, open_dataset, validate_dataset
from tests.dataset.conftest import csv_lines, set_cell, write_lines


def where(report) -> list[tuple]:
    """(severity, file, line, column, reason kind) of every problem, for exact comparison."""
    return sorted(
        (p.severity, p.file, p.line, p.column, p.reason.split(" '")[0].split(" (")[0])
        for p in report.problems
    )


def errors(report) -> list[tuple]:
    return [w[1:] for w in where(report) if w[0] == "error"]


def test_example_dataset_is_valid(example_csv, example_parquet):
    for path in (example_csv, example_parquet):
        report = validate_dataset(path)
        assert report.ok and report.n_warnings == 0, [str(p) for p in report.problems]


@pytest.mark.parametrize(
    "column, value, reason",
    [
        ("B1", "x", "bad number"),
        ("B2", "2.5", "bad number"),
        ("B3", "7", "value"),  # out of range 1-5
        ("B4", "0", "value"),
        ("S1_3", "2", "value"),  # a flag is 0/1
        ("B11", "abc", "bad number"),
        ("measured_on", "2014/01/06", "bad date"),
        ("measured_on", "2014-02-30", "bad date"),
        ("measured_on", "2015-02-29", "bad date"),
        ("B10_status", "maybe", "unknown value"),
        ("caseworker_id", "W99", "unknown id"),
        ("citizen_id", "C99", "unknown id"),
        ("measured_on", "", "empty, but this column is required"),
    ],
)
def test_bad_cell_in_measurements_csv(example_csv, column, value, reason):
    set_cell(example_csv / "measurements.csv", 4, column, value)
    report = validate_dataset(example_csv)
    assert not report.ok
    assert errors(report) == [("measurements.csv", 4, column, reason)]


def test_messages_are_plain(example_csv):
    set_cell(example_csv / "measurements.csv", 3, "B5", "9")
    set_cell(example_csv / "measurements.csv", 5, "measured_on", "2014-02-30")
    msgs = sorted(str(p) for p in validate_dataset(example_csv).problems)
    assert msgs == [
        "error: measurements.csv, line 3, column B5: value '9' out of range 1–5",
        "error: measurements.csv, line 5, column measured_on: bad date '2014-02-30' (no such day)",
    ]


@pytest.mark.parametrize(
    "week, ok",
    [
        ("2015-W53", True),
        ("2020-W53", True),
        ("2014-W53", False),
        ("2014-W54", False),
        ("2014-W00", False),
        ("2014-3", False),
        ("2014-W3", False),
        ("14-W03", False),
    ],
)
def test_iso_weeks(example_csv, week, ok):
    set_cell(example_csv / "benefit_weeks.csv", 2, "week", week)
    report = validate_dataset(example_csv)
    assert report.ok is ok
    if not ok:
        assert errors(report) == [("benefit_weeks.csv", 2, "week", "bad week")]


@pytest.mark.parametrize("month, ok", [("2015-12", True), ("2014-13", False), ("2014-1", False)])
def test_months(example_csv, month, ok):
    set_cell(example_csv / "employment_months.csv", 5, "month", month)
    report = validate_dataset(example_csv)
    assert report.ok is ok
    if not ok:
        assert errors(report) == [("employment_months.csv", 5, "month", "bad month")]


def test_unknown_category_in_register(example_csv):
    set_cell(example_csv / "persons.csv", 3, "origin", "martian")
    set_cell(example_csv / "crime.csv", 2, "law", "civil")
    assert errors(validate_dataset(example_csv)) == [
        ("crime.csv", 2, "law", "unknown value"),
        ("persons.csv", 3, "origin", "unknown value"),
    ]


def test_dangling_reference_in_register_and_caseworkers(example_csv):
    set_cell(example_csv / "diagnoses.csv", 3, "citizen_id", "C77")
    set_cell(example_csv / "caseworkers.csv", 2, "jobcenter_id", "JC9")
    assert errors(validate_dataset(example_csv)) == [
        ("caseworkers.csv", 2, "jobcenter_id", "unknown id"),
        ("diagnoses.csv", 3, "citizen_id", "unknown id"),
    ]


def test_duplicate_id_names_both_lines(example_csv):
    path = example_csv / "citizens.csv"
    lines = csv_lines(path)
    write_lines(path, [*lines, lines[2]])  # C2 again, on line 6
    report = validate_dataset(example_csv)
    assert errors(report) == [("citizens.csv", 6, "citizen_id", "duplicate id")]
    assert "first on line 3" in report.errors[0].reason


def test_duplicate_composite_key(example_csv):
    path = example_csv / "employment_months.csv"
    lines = csv_lines(path)
    write_lines(path, [*lines, lines[3]])
    report = validate_dataset(example_csv)
    assert errors(report) == [("employment_months.csv", len(lines) + 1, "month", "duplicate key")]
    assert "(citizen_id, month)" in report.errors[0].reason
    assert "first on line 4" in report.errors[0].reason


def test_missing_required_column(example_csv):
    path = example_csv / "persons.csv"
    lines = csv_lines(path)
    head = lines[0].split(",")
    i = head.index('"sex"')
    write_lines(
        path, [",".join(c for j, c in enumerate(row.split(",")) if j != i) for row in lines]
    )
    assert errors(validate_dataset(example_csv)) == [
        ("persons.csv", 1, "sex", "missing required column")
    ]


def test_empty_required_cell(example_csv):
    set_cell(example_csv / "caseworkers.csv", 3, "jobcenter_id", "")
    assert errors(validate_dataset(example_csv)) == [
        ("caseworkers.csv", 3, "jobcenter_id", "empty, but this column is required")
    ]


def test_empty_optional_cells_are_missing_not_errors(example_csv):
    for col in ("B1", "B10_status", "B11", "S12"):
        set_cell(example_csv / "measurements.csv", 2, col, "")
    set_cell(example_csv / "citizens.csv", 2, "enrolled_on", "")
    assert validate_dataset(example_csv).ok
    m = open_dataset(example_csv).frame("measurements")
    assert m.loc[0, ["B1", "B10_status", "B11", "S12"]].isna().all()


def test_malformed_row_keeps_later_line_numbers(example_csv):
    path = example_csv / "measurements.csv"
    lines = csv_lines(path)
    write_lines(path, [lines[0], lines[1], "M99,C1", *lines[2:]])  # line 3 malformed
    set_cell(path, 6, "B2", "8")  # the row after it, on its true file line
    set_cell(path, 10, "measured_on", "2014-13-01")  # the last row
    report = validate_dataset(example_csv)
    assert errors(report) == [
        ("measurements.csv", 3, None, "malformed row: expected 55 fields, got 2"),
        ("measurements.csv", 6, "B2", "value"),
        ("measurements.csv", 10, "measured_on", "bad date"),
    ]


def test_too_many_fields(example_csv):
    path = example_csv / "jobcenters.csv"
    lines = csv_lines(path)
    write_lines(path, [*lines[:2], "JC3,Aarhus,extra", *lines[2:]])
    assert errors(validate_dataset(example_csv)) == [
        ("jobcenters.csv", 3, None, "malformed row: expected 2 fields, got 3")
    ]


def test_non_utf8_bytes(example_csv):
    path = example_csv / "jobcenters.csv"
    data = path.read_bytes().replace(b"Horsens", b"K\xf8ge")  # latin-1, not UTF-8
    path.write_bytes(data)
    # The unreadable table is not used to check references (no flood of "unknown id").
    assert errors(validate_dataset(example_csv)) == [
        ("jobcenters.csv", 3, None, "not valid UTF-8 text")
    ]


def test_line_break_inside_a_cell(example_csv):
    path = example_csv / "jobcenters.csv"
    lines = csv_lines(path)
    write_lines(path, [*lines, '"JC3","Two', 'lines"'])
    assert errors(validate_dataset(example_csv)) == [
        ("jobcenters.csv", 4, "name", "line break inside a cell")
    ]


def test_every_problem_is_reported_not_just_the_first(example_csv):
    for line in range(2, 10):
        set_cell(example_csv / "measurements.csv", line, "S2", "6")
    report = validate_dataset(example_csv)
    assert [p.line for p in report.errors] == list(range(2, 10))


def test_unknown_extra_column_is_a_warning_naming_it(example_csv):
    path = example_csv / "persons.csv"
    lines = csv_lines(path)
    write_lines(path, [lines[0] + ",shoe_size"] + [r + ",42" for r in lines[1:]])
    report = validate_dataset(example_csv)
    assert report.ok
    assert where(report) == [("warning", "persons.csv", 1, "shoe_size", "unknown column; ignored")]


def test_missing_operational_table_is_an_error(example_csv):
    (example_csv / "caseworkers.csv").unlink()
    report = validate_dataset(example_csv)
    assert not report.ok
    assert any(p.file == "caseworkers.csv" and "missing table" in p.reason for p in report.errors)


def test_missing_register_table_is_a_warning(example_csv):
    (example_csv / "crime.csv").unlink()
    report = validate_dataset(example_csv)
    assert report.ok
    assert [p.file for p in report.warnings] == ["crime.csv"]


def test_both_forms_of_one_table(example_csv, example_parquet):
    (example_csv / "crime.parquet").write_bytes((example_parquet / "crime.parquet").read_bytes())
    report = validate_dataset(example_csv)
    assert any("both crime.csv and crime.parquet" in p.reason for p in report.errors)


def test_open_dataset_raises_with_all_problems(example_csv):
    set_cell(example_csv / "measurements.csv", 2, "B1", "6")
    set_cell(example_csv / "measurements.csv", 3, "B1", "6")
    with pytest.raises(DatasetError) as exc:
        open_dataset(example_csv)
    assert exc.value.report.n_errors == 2
    assert "measurements.csv, line 2, column B1" in str(exc.value)


# --- the same checks on Parquet: line = data row + 1, as in the CSV form ---------------------


def _rewrite_parquet(path, **columns):
    t = pq.read_table(path)
    for name, values in columns.items():
        t = t.set_column(t.schema.get_field_index(name), name, pa.array(values))
    pq.write_table(t, path)


def test_parquet_bad_values(example_parquet):
    path = example_parquet / "measurements.parquet"
    m = pq.read_table(path).to_pandas()
    b1 = m["B1"].astype("Int64").tolist()
    b1[2] = 9
    days = [str(d.date()) if hasattr(d, "date") else str(d) for d in m["measured_on"]]
    days[4] = "2014-02-30"
    status = m["B10_status"].tolist()
    status[0] = "perhaps"
    _rewrite_parquet(path, B1=pa.array(b1, pa.int64()), measured_on=days, B10_status=status)
    assert errors(validate_dataset(example_parquet)) == [
        ("measurements.parquet", 2, "B10_status", "unknown value"),
        ("measurements.parquet", 4, "B1", "value"),
        ("measurements.parquet", 6, "measured_on", "bad date"),
    ]


def test_parquet_numbers_stored_as_text_and_floats(example_parquet):
    path = example_parquet / "persons.parquet"
    _rewrite_parquet(
        path, n_children=["0", "two", "1", ""], birth_year=[1975.0, 1982.5, 1968.0, None]
    )
    assert errors(validate_dataset(example_parquet)) == [
        ("persons.parquet", 3, "birth_year", "bad number"),
        ("persons.parquet", 3, "n_children", "bad number"),
    ]


def test_parquet_duplicate_and_dangling(example_parquet):
    path = example_parquet / "citizens.parquet"
    _rewrite_parquet(
        path, citizen_id=["C1", "C2", "C1", "C4"], jobcenter_id=["JC1", "JC1", "JC2", "JCX"]
    )
    got = errors(validate_dataset(example_parquet))
    assert ("citizens.parquet", 4, "citizen_id", "duplicate id") in got
    assert ("citizens.parquet", 5, "jobcenter_id", "unknown id") in got


def test_parquet_missing_column_and_extra_column(example_parquet):
    path = example_parquet / "gp_contacts.parquet"
    t = pq.read_table(path)
    t = t.drop_columns(["fee_dkk"]).append_column("note", pa.array(["a", "b", "c"]))
    pq.write_table(t, path)
    report = validate_dataset(example_parquet)
    assert where(report) == [
        ("error", "gp_contacts.parquet", 1, "fee_dkk", "missing required column"),
        ("warning", "gp_contacts.parquet", 1, "note", "unknown column; ignored"),
    ]


def test_parquet_that_is_not_parquet(example_parquet):
    (example_parquet / "crime.parquet").write_bytes(b"PAR1 this is not really parquet")
    assert errors(validate_dataset(example_parquet))[0][:2] == ("crime.parquet", None)


def test_parquet_types_are_accepted_loosely(example_parquet):
    """Booleans for flags, timestamps for dates, int64 for scores: a typical pandas export."""
    path = example_parquet / "persons.parquet"
    _rewrite_parquet(path, married=[False, True, False, False])
    path = example_parquet / "crime.parquet"
    _rewrite_parquet(path, decided_on=pa.array([pd.Timestamp("2012-03-03")], pa.timestamp("ns")))
    assert validate_dataset(example_parquet).ok


@pytest.mark.parametrize("order", ["sorted", "unsorted"])
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_duplicate_keys_found_in_sorted_and_unsorted_tables(tmp_path, fmt, order):
    """Sorted keys take a fast path; a repeat right after its twin must still be caught."""
    from bip.dataset import write_dataset
    from bip.dataset.example import example_tables

    t = example_tables()
    bw = t["benefit_weeks"]
    dup = bw.iloc[[10]]
    bw = pd.concat([bw.iloc[:11], dup, bw.iloc[11:]]) if order == "sorted" else pd.concat([bw, dup])
    t["benefit_weeks"] = bw.reset_index(drop=True)
    path = write_dataset(t, tmp_path / "d", fmt)
    line = 13 if order == "sorted" else len(bw) + 1
    report = validate_dataset(path)
    assert errors(report) == [(f"benefit_weeks.{fmt}", line, "week", "duplicate key")]
    assert "first on line 12" in report.errors[0].reason


def test_parquet_canonical_types_still_range_checked(example_parquet):
    """Columns already in the canonical type skip per-row parsing but not the checks."""
    path = example_parquet / "measurements.parquet"
    t = pq.read_table(path)
    s2 = t.column("S2").to_pylist()
    s2[5] = 0
    b11 = t.column("B11").to_pylist()
    b11[1] = float("inf")
    _rewrite_parquet(path, S2=pa.array(s2, pa.int8()), B11=pa.array(b11, pa.float64()))
    assert errors(validate_dataset(example_parquet)) == [
        ("measurements.parquet", 3, "B11", "bad number"),
        ("measurements.parquet", 7, "S2", "value"),
    ]


def test_pandas_categoricals_in_parquet_and_bom_in_csv(example_parquet, example_csv):
    """Dictionary-encoded Parquet text (pandas 'category') and a UTF-8 BOM are both fine."""
    from bip.dataset import open_dataset

    path = example_parquet / "persons.parquet"
    df = pq.read_table(path).to_pandas()
    df["sex"] = df["sex"].astype("category")
    df["origin"] = df["origin"].astype("category")
    df.to_parquet(path, index=False)
    assert validate_dataset(example_parquet).ok
    persons = open_dataset(example_parquet).frame("persons")
    assert persons["sex"].tolist() == ["f", "m", "m", "f"] and persons["sex"].dtype != "category"
    df["sex"] = df["sex"].cat.rename_categories({"m": "x"})
    df.to_parquet(path, index=False)
    assert errors(validate_dataset(example_parquet)) == [
        ("persons.parquet", 3, "sex", "unknown value"),
        ("persons.parquet", 4, "sex", "unknown value"),
    ]
    jc = example_csv / "jobcenters.csv"
    jc.write_bytes(b"\xef\xbb\xbf" + jc.read_bytes())
    assert validate_dataset(example_csv).ok


def test_many_malformed_rows_keep_every_line_number(example_csv):
    path = example_csv / "benefit_weeks.csv"
    lines = csv_lines(path)
    out, bad_at = [lines[0]], []
    for i, row in enumerate(lines[1:], start=1):
        if i % 7 in (3, 4):  # pairs of consecutive malformed rows
            out.append("C1,2014-W01")
            bad_at.append(len(out))
        out.append(row)
    out[-1] = out[-1].replace("education_su", "unemployed")  # a bad value on the very last line
    write_lines(path, out)
    got = errors(validate_dataset(example_csv))
    assert [g[1] for g in got if g[2] is None] == bad_at
    assert [g[1:3] for g in got if g[2] is not None] == [(len(out), "status")]


def test_parquet_in_many_row_groups_reports_each_line(example_parquet, example_csv):
    # Ids, weeks and categories are read dictionary-encoded, one dictionary per row group:
    # a bad value in a later row group is still reported at its own line, as in the CSV.
    path = example_parquet / "benefit_weeks.parquet"
    t = pq.read_table(path)
    n = t.num_rows
    assert n >= 6, "the example's benefit_weeks is too short for this test"
    citizens = t.column("citizen_id").to_pylist()
    weeks = t.column("week").to_pylist()
    status = t.column("status").to_pylist()
    citizens[n - 1] = "NOBODY"
    weeks[3] = "2015-W60"
    status[4] = "retired"
    bad = pa.table(
        {"citizen_id": citizens, "week": weeks, "status": status}, schema=t.schema
    ).select(t.column_names)
    pq.write_table(bad, path, row_group_size=2)
    assert pq.ParquetFile(path).metadata.num_row_groups > 2
    got = errors(validate_dataset(example_parquet))
    assert got == [
        ("benefit_weeks.parquet", 5, "week", "bad week"),
        ("benefit_weeks.parquet", 6, "status", "unknown value"),
        ("benefit_weeks.parquet", n + 1, "citizen_id", "unknown id"),
    ]
    # The same cells in the CSV form give the same lines.
    csv = example_csv / "benefit_weeks.csv"
    (example_csv / "benefit_weeks.csv").unlink()
    bad.to_pandas().to_csv(csv, index=False)
    assert [
        (f.replace(".csv", ".parquet"), *r) for f, *r in errors(validate_dataset(example_csv))
    ] == got
