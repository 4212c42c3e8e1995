"""`bip replicate`: what the package holds, that its panel is the one analysed, and one-line
errors on bad input."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from click.testing import CliRunner

from bip.cli import main
from bip.replicate import ReplicateError, build_package
from bip.replicate.package import FILES
from bip.results import load_results


def test_every_file_is_written(package):
    assert sorted(p.name for p in package.iterdir()) == sorted(FILES)
    readme = (package / "README.md").read_text("utf-8")
    for name in FILES[1:]:
        assert f"`{name}" in readme, name
    for model in ("a1_weeks", "a4_naive", "a4_adjusted", "a5_job", "a6_fe"):
        assert f"`{model}`" in readme


def test_panel_files_agree_and_are_the_analysed_panel(package, results_dir):
    pq = pd.read_parquet(package / "panel.parquet")
    csv = pd.read_csv(package / "panel.csv", dtype={"citizen_id": str, "combination": str})
    dta, _ = pyreadstat.read_dta(str(package / "panel.dta"))
    assert list(pq.columns) == list(csv.columns) == list(dta.columns)
    assert len(pq) == len(csv) == len(dta) == load_results(results_dir).dataset.measurements
    for col in ("B1", "d_B_avg", "weeks_since_prev", "job_or_education_52w", "share5y_employed"):
        a = pd.to_numeric(pq[col]).astype(float).to_numpy()
        for other in (csv[col], dta[col]):
            b = pd.to_numeric(other).astype(float).to_numpy()
            assert np.array_equal(np.isnan(a), np.isnan(b)), col
            assert np.array_equal(a[~np.isnan(a)], b[~np.isnan(b)]), col  # round-trip exact
    assert (csv["combination"].dropna().str.fullmatch(r"[01]{4}")).all()
    assert set(csv["is_repeat"].unique()) <= {0, 1}


def test_codebook_covers_every_variable(package):
    book = pd.read_csv(package / "codebook.csv", keep_default_na=False)
    panel = pd.read_parquet(package / "panel.parquet")
    assert list(book["variable"]) == list(panel.columns)
    for col in ("label_da", "label_en", "derivation", "type", "missing"):
        empty = book.loc[book[col].str.strip() == "", "variable"].tolist()
        assert not empty, (col, empty)
    row = book.set_index("variable").loc["d_B1"]
    assert "first measurement" in row["missing"]
    assert int(row["n_missing"]) == int(panel["d_B1"].isna().sum())
    assert "|" in (package / "codebook.md").read_text("utf-8")


def test_missing_dataset_is_one_line(results_dir, tmp_path):
    doc = json.loads((results_dir / "results.json").read_text("utf-8"))
    doc["meta"]["dataset_path"] = str(tmp_path / "gone")
    moved = tmp_path / "results"
    moved.mkdir()
    (moved / "results.json").write_text(json.dumps(doc), "utf-8")
    with pytest.raises(ReplicateError, match="--dataset"):
        build_package(moved, tmp_path / "pkg")
    r = CliRunner().invoke(main, ["replicate", str(moved), "--out", str(tmp_path / "pkg")])
    assert r.exit_code == 1
    lines = r.output.strip().splitlines()
    assert lines[-1].startswith("Error: ") and "gone" in lines[-1]
    assert "Traceback" not in r.output
    assert not (tmp_path / "pkg").exists()


def test_changed_dataset_is_refused(results_dir, cohort, tmp_path):
    copy = tmp_path / "cohort"
    shutil.copytree(cohort, copy)
    f = copy / "jobcenters.csv"
    table = pd.read_csv(f, dtype=str, keep_default_na=False)
    table.loc[0, "name"] = table.loc[0, "name"] + " (renamed)"
    table.to_csv(f, index=False)
    with pytest.raises(ReplicateError, match="fingerprint"):
        build_package(results_dir, tmp_path / "pkg", dataset=copy)


def test_existing_output_needs_force(results_dir, package, tmp_path):
    out = tmp_path / "pkg"
    out.mkdir()
    (out / "keep").write_text("x")
    r = CliRunner().invoke(main, ["replicate", str(results_dir), "--out", str(out)])
    assert r.exit_code == 1 and "Error: " in r.output
    assert (out / "keep").exists()


def test_compare_finds_a_changed_and_a_missing_number(results_dir):
    from bip.replicate import bip_estimates, compare

    ours = bip_estimates(load_results(results_dir))
    theirs = ours.copy()
    theirs.loc[5, "value"] += 1e-5
    theirs = theirs.drop(index=7)
    m = compare(ours, theirs)
    assert (m["diff"].abs() > 1e-6).sum() == 1
    assert (m["_merge"] == "left_only").sum() == 1
    assert m["diff"].abs().max() == pytest.approx(1e-5)
