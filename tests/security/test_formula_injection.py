"""Formula injection: no CSV or XLSX cell BIP writes is run by a spreadsheet as a formula.

Input: ids and text of a dataset may not start like a formula, codes must be codes (an icd10
``=1+1`` is refused). Output: every text cell of every CSV/XLSX BIP writes for people passes
through :func:`bip.dataset.spreadsheet.neutralise` - the analyst's ``dataset.zip``,
``bip export-db``, a run's ``panel.csv`` (``write_frame``), ``bip export --to csv|xlsx`` - and
numbers stay numbers, so BIP reads its own files back unchanged.
"""

from __future__ import annotations

import csv
import io
import zipfile

import pandas as pd
import pytest
from click.testing import CliRunner
from django.urls import reverse

from bip.cli import main
from bip.dataset import convert_dataset, open_dataset, validate_dataset
from bip.dataset.spreadsheet import is_formula_like
from bip.report.export import write_frame, write_workbook

PAYLOADS = ("=1+1", "@SUM(A1)", "+1+cmd|' /C calc'!A0", "-2+3", "\t=1", '=HYPERLINK("x")')


def _cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text)) for c in row]


def _assert_safe(cells) -> None:
    bad = [c for c in cells if isinstance(c, str) and is_formula_like(c)]
    assert bad == [], bad


def _edit(path, line, column, value):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[line - 2, column] = value
    df.to_csv(path, index=False)


# --- input: the validator refuses formula-like ids, text and codes ----------------------------


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("diagnoses", "icd10"),
        ("prescriptions", "atc"),
        ("jobcenters", "name"),
        ("measurements", "measurement_id"),
        ("caseworkers", "caseworker_id"),
    ],
)
@pytest.mark.parametrize("payload", ["=1+1", "@SUM(A1)", "-2+3"])
def test_formula_like_values_are_refused_at_input(example, table, column, payload):
    _edit(example / f"{table}.csv", 2, column, payload)
    report = validate_dataset(example)
    where = [(p.file, p.line, p.column) for p in report.errors]
    assert (f"{table}.csv", 2, column) in where, [str(p) for p in report.errors]


def test_codes_must_be_codes(example):
    _edit(example / "diagnoses.csv", 2, "icd10", "ring 112")
    _edit(example / "prescriptions.csv", 2, "atc", "N06AB04 x")
    msgs = [str(p) for p in validate_dataset(example).errors]
    assert any("line 2, column icd10: 'ring 112' is not an ICD-10 code" in m for m in msgs), msgs
    assert any("column atc: 'N06AB04 x' is not an ATC code" in m for m in msgs), msgs


def test_real_codes_and_negative_amounts_stay_valid(example, tmp_path):
    for i, code in enumerate(["DF321", "F32.1", "dz763b", "M54"], start=2):
        if i <= 4:
            _edit(example / "diagnoses.csv", i, "icd10", code)
    _edit(example / "gp_contacts.csv", 2, "fee_dkk", "-125.5")
    report = validate_dataset(example)
    assert report.ok, [str(p) for p in report.errors]
    # a CSV written by BIP and read back by BIP keeps the negative number as a number
    out = convert_dataset(
        convert_dataset(example, tmp_path / "pq", "parquet"), tmp_path / "c", "csv"
    )
    fees = open_dataset(out).frame("gp_contacts")["fee_dkk"]
    assert fees.iloc[0] == -125.5


# --- output ----------------------------------------------------------------------------------


def _world_with_payloads(world):
    jc = world.jc["A"]
    jc.name = PAYLOADS[5]
    jc.save()
    cw = world.caseworkers["A2"]
    cw.caseworker_id = PAYLOADS[1]
    cw.save()


@pytest.mark.django_db
def test_export_db_csv_neutralises_every_text_cell(world, tmp_path):
    from bip.web.exchange import export_db

    _world_with_payloads(world)
    out = export_db(tmp_path / "ds", "csv")
    text = (out / "jobcenters.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text
    assert "'@SUM(A1)" in (out / "caseworkers.csv").read_text(encoding="utf-8")
    for f in out.glob("*.csv"):
        _assert_safe(_cells(f.read_text(encoding="utf-8")))


@pytest.mark.django_db
def test_analyst_dataset_zip_is_neutralised(client, world):
    _world_with_payloads(world)
    client.force_login(world.users[("analyst", "A")])
    r = client.get(reverse("analyst_export"))
    assert r.status_code == 200
    z = zipfile.ZipFile(io.BytesIO(b"".join(r.streaming_content)))
    cells = [c for n in z.namelist() for c in _cells(z.read(n).decode("utf-8"))]
    assert '\'=HYPERLINK("x")' in cells
    _assert_safe(cells)


def test_panel_csv_and_frames_neutralise_text_but_keep_numbers(tmp_path):
    df = pd.DataFrame(
        {
            "citizen_id": list(PAYLOADS),
            "note": pd.Categorical(["=x", "ok", "ok", "ok", "ok", "ok"]),
            "fee": [-1.5, -2.0, 3.0, 0.0, -0.5, 1.0],
            "text_number": ["-1.5", "+2", "3", "-4e2", ".5", "-0"],
        }
    )
    write_frame(df, tmp_path / "panel.csv", "csv")
    back = pd.read_csv(tmp_path / "panel.csv")
    _assert_safe(back.to_numpy().ravel().tolist())
    assert back["citizen_id"].tolist() == ["'" + p for p in PAYLOADS]
    assert back["fee"].tolist() == df["fee"].tolist()  # numbers stay numbers
    assert back["text_number"].tolist() == [-1.5, 2.0, 3.0, -400.0, 0.5, -0.0]


def _sheet_xml(path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(
            z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/")
        )


def test_xlsx_has_no_formulas(tmp_path):
    from openpyxl import load_workbook

    df = pd.DataFrame({"citizen_id": list(PAYLOADS), "fee": [-1.5, 2.0, 3.0, 4.0, 5.0, 6.0]})
    out = write_workbook({"panel": df}, tmp_path / "p.xlsx")
    assert "<f>" not in _sheet_xml(out)
    ws = load_workbook(out)["panel"]
    assert [c.value for c in ws["A"]][1:] == ["'" + p for p in PAYLOADS]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert ws["B2"].value == -1.5


def test_bip_export_to_csv_and_xlsx(example, tmp_path, monkeypatch):
    """The output is safe by itself: with the validator's formula check off (as it was), a
    formula-like jobcentre name still leaves ``bip export`` neutralised."""
    import types

    import numpy as np
    import pyarrow as pa

    import bip.dataset.parse as parse

    if hasattr(parse, "spreadsheet"):  # the input check, off for this test
        off = types.SimpleNamespace(formula_like_mask=lambda a: pa.array(np.zeros(len(a), bool)))
        monkeypatch.setattr(parse, "spreadsheet", off)
    _edit(example / "jobcenters.csv", 2, "name", PAYLOADS[5])
    assert validate_dataset(example).ok
    for fmt in ("csv", "xlsx"):
        r = CliRunner().invoke(
            main, ["export", "--dataset", str(example), str(tmp_path / f"out-{fmt}"), "--to", fmt]
        )
        assert r.exit_code == 0, r.output
    assert "<f>" not in _sheet_xml(tmp_path / "out-xlsx.xlsx")
    assert "'" + PAYLOADS[5] in pd.read_csv(tmp_path / "out-csv" / "jobcenters.csv")["name"].values
    for f in (tmp_path / "out-csv").glob("*.csv"):
        _assert_safe(_cells(f.read_text(encoding="utf-8")))


@pytest.mark.django_db
def test_a_neutralised_value_reads_back_as_text_not_formula(world, tmp_path):
    """A formula-like name in the tool's database is exported with its apostrophe, and BIP reads
    the file back with it: visibly text, and valid (an import takes it as it is)."""
    from bip.web.core.models import Jobcenter
    from bip.web.exchange import export_db

    _world_with_payloads(world)
    out = export_db(tmp_path / "ds", "csv")
    names = dict(open_dataset(out).frame("jobcenters")[["jobcenter_id", "name"]].values)
    assert names["JCA"] == "'" + PAYLOADS[5]
    assert validate_dataset(out).ok
    assert Jobcenter.objects.get(jobcenter_id="JCA").name == PAYLOADS[5]


def test_errors_csv_neutralises_names_from_the_files(example, tmp_path):
    """File and column names in ``--errors-csv`` come from the files checked."""
    _edit(example / "jobcenters.csv", 2, "name", "ok")
    df = pd.read_csv(example / "persons.csv", dtype=str, keep_default_na=False)
    df[PAYLOADS[5]] = "x"
    df.to_csv(example / "persons.csv", index=False)
    out = tmp_path / "problems.csv"
    CliRunner().invoke(main, ["dataset", "validate", str(example), "--errors-csv", str(out)])
    cells = _cells(out.read_text(encoding="utf-8"))
    assert "'" + PAYLOADS[5] in cells
    _assert_safe(cells)


def test_one_value_check_for_forms_is_the_validators_rule():
    from bip.dataset.validate import check_value

    assert check_value("jobcenters", "jobcenter_id", "JC7") is None
    assert check_value("jobcenters", "name", "Faxe") is None
    assert "formula" in check_value("jobcenters", "name", "=HYPERLINK(1)")
    assert "formula" in check_value("caseworkers", "caseworker_id", "@x")
    assert "too long" in check_value("caseworkers", "caseworker_id", "w" * 65)
    assert "CPR" in check_value("jobcenters", "name", "Faxe 010170-1018")
    assert "ICD-10" in check_value("diagnoses", "icd10", "=1+1")
