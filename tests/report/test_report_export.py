"""Exports: every format, labels in both languages, values round-trip through pyreadstat."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from click.testing import CliRunner

from bip.cli import main
from bip.dataset import open_dataset
from bip.dataset.schema import TABLES
from bip.panel import build_panel
from bip.report.export import ExportError, export_dataset, export_panel, write_frame


@pytest.fixture(scope="module")
def panel(example_dataset) -> pd.DataFrame:
    return build_panel(open_dataset(example_dataset))


def _same(orig: pd.DataFrame, back: pd.DataFrame) -> None:
    """Every column equal: numbers as numbers (bools as 0/1), dates as dates, text as text."""
    assert list(back.columns) == list(orig.columns)
    for c in orig.columns:
        o, b = orig[c], back[c]
        if pd.api.types.is_datetime64_any_dtype(o):
            b = pd.to_datetime(b)
            assert (o.isna() == b.isna()).all(), c
            assert (
                o[o.notna()].dt.normalize().values == b[b.notna()].values.astype(o.dtype)
            ).all(), c
        elif pd.api.types.is_bool_dtype(o) or pd.api.types.is_numeric_dtype(o):
            ov = pd.to_numeric(o.astype("object").where(o.notna(), np.nan), errors="coerce").astype(
                float
            )
            bv = pd.to_numeric(b, errors="coerce").astype(float)
            np.testing.assert_allclose(bv.to_numpy(), ov.to_numpy(), rtol=0, atol=1e-12, err_msg=c)
        else:  # Stata and SPSS have no missing string: missing becomes ""
            ov = o.astype("object").where(o.notna(), "")
            bv = b.astype("object").where(b.notna(), "")
            assert ov.tolist() == bv.tolist(), c


@pytest.mark.parametrize("fmt", ["dta", "sav"])
def test_panel_round_trips_with_labels(panel, tmp_path, fmt):
    path = write_frame(panel, tmp_path / f"panel.{fmt}", fmt, "da")
    read = pyreadstat.read_dta if fmt == "dta" else pyreadstat.read_sav
    back, meta = read(str(path))
    _same(panel, back)
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["B1"] == "B1 Idé om arbejde (1–5)"
    assert labels["job_or_education_52w"].startswith("Job eller SU-uddannelse")
    assert all(lab and len(lab) <= 80 for lab in labels.values()) if fmt == "dta" else True
    assert meta.variable_value_labels["S12"][5] == "Ja"
    assert meta.variable_value_labels["act_J"][1] == "Ja"


def test_english_labels(panel, tmp_path):
    path = write_frame(panel, tmp_path / "panel.dta", "dta", "en")
    _, meta = pyreadstat.read_dta(str(path), metadataonly=True)
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["B1"] == "B1 Idea of work (1–5)" and labels["S1_13"].startswith("S1.13 [J]")
    assert meta.variable_value_labels["S12"][1] == "No"


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_panel_other_formats(panel, tmp_path, fmt):
    path = write_frame(panel, tmp_path / f"panel.{fmt}", fmt, "da", name="panel")
    text = {c: str for c in panel.columns if pd.api.types.is_string_dtype(panel[c])}
    if fmt == "csv":
        back = pd.read_csv(path, dtype=text)
    elif fmt == "parquet":
        back = pd.read_parquet(path)
    else:
        back = pd.read_excel(path, sheet_name="panel", dtype=text)
        labels = pd.read_excel(path, sheet_name="labels")
        assert set(labels["variable"]) == set(panel.columns)
    _same(panel, back)


@pytest.mark.parametrize("fmt", ["csv", "parquet", "dta", "sav", "xlsx"])
def test_dataset_export_has_every_table(example_dataset, tmp_path, fmt):
    out = export_dataset(example_dataset, tmp_path / "ds", fmt, lang="en")
    ds = open_dataset(example_dataset)
    for name in TABLES:
        if not ds.has(name):
            continue
        orig = ds.frame(name)
        text = {c: str for c in orig.columns if pd.api.types.is_string_dtype(orig[c])}
        if fmt == "xlsx":
            back = pd.read_excel(out, sheet_name=name, dtype=text)
        elif fmt == "csv":
            back = pd.read_csv(out / f"{name}.csv", dtype=text)
        elif fmt == "parquet":
            back = pd.read_parquet(out / f"{name}.parquet")
        else:
            back, _ = (pyreadstat.read_dta if fmt == "dta" else pyreadstat.read_sav)(
                str(out / f"{name}.{fmt}")
            )
        _same(orig, back)


def test_cli_export_and_refusals(example_dataset, tmp_path):
    r = CliRunner().invoke(
        main, ["export", str(example_dataset), str(tmp_path / "p.dta"), "--panel", "--to", "dta"]
    )
    assert r.exit_code == 0, r.output
    assert (tmp_path / "p.dta").exists()
    again = CliRunner().invoke(
        main, ["export", str(example_dataset), str(tmp_path / "p.dta"), "--panel", "--to", "dta"]
    )
    assert again.exit_code != 0 and "exists" in again.output
    none = CliRunner().invoke(
        main, ["export", str(example_dataset), str(tmp_path / "x"), "--to", "csv"]
    )
    assert none.exit_code != 0 and "--panel or --dataset" in none.output


def test_invalid_dataset_writes_nothing(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "jobcenters.csv").write_text("jobcenter_id,name\nJ1,A\n", encoding="utf-8")
    (bad / "caseworkers.csv").write_text("caseworker_id,jobcenter_id\nC1,NOPE\n", encoding="utf-8")
    r = CliRunner().invoke(
        main, ["export", str(bad), str(tmp_path / "out"), "--dataset", "--to", "sav"]
    )
    assert r.exit_code != 0 and "caseworkers" in r.output
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_unknown_format_and_long_text(tmp_path, panel):
    with pytest.raises(ExportError, match="unknown format"):
        export_panel(tmp_path, tmp_path / "p", "sas7bdat")
    long = pd.DataFrame({"note": ["x" * 3000]})
    with pytest.raises(ExportError, match="Stata limit"):
        write_frame(long, tmp_path / "long.dta", "dta")
    assert not list(tmp_path.glob("*.dta"))
