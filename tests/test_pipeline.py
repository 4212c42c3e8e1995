"""bip.pipeline / bip analyze end to end: typed results, atomic output, invalid datasets."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bip import pipeline
from bip.cli import main
from bip.dataset import DatasetError, write_dataset
from bip.dataset.example import example_tables
from bip.results import SCHEMA_ID, Results, load_results


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    root = tmp_path_factory.mktemp("ex")
    write_dataset(example_tables(), root / "ds")
    done = pipeline.run(root / "ds", root / "out", pipeline.RunOptions(report=False))
    return root, done


def with_unknown_column(folder):
    """The example dataset as CSV with a column the format does not know (``citizens.notes``)."""
    path = write_dataset(example_tables(), folder, "csv")
    csv = path / "citizens.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    csv.write_text(
        "\n".join([lines[0] + ',"notes"'] + [ln + ",x" for ln in lines[1:]]) + "\n",
        encoding="utf-8",
    )
    return path


def test_results_are_typed_and_written(example):
    root, done = example
    res = done.results
    assert isinstance(res, Results) and res.meta.schema_ == SCHEMA_ID
    assert load_results(root / "out") == res
    assert res.dataset.model_dump() == {
        "jobcenters": 2,
        "caseworkers": 3,
        "citizens": 4,
        "measurements": 8,
        "citizen_parts": 8,
        "caseworker_parts": 7,
        "citizens_measured": 4,
        # The example's registers end with 2014, the year of its measurements: every 52-week
        # window reaches past them; the last 13-week window ends 2014-12-01 (M3, 2014-09-01).
        "outcome_coverage": {
            "employment_months_last": "2014-12",
            "benefit_weeks_last": "2014-W52",
            "censored": {"job_or_education_52w": 8, "job_13w": 0},
        },
    }
    assert set(res.progression) >= {"B1", "S12", "B_avg", "S_avg"}
    assert set(res.combinations) == {f"{i:04b}" for i in range(16)}
    assert res.combination_effects["B1"]["1000"].n >= 0
    # example: weeks between 13, 21, 17, 18 -> mean 17.25
    assert res.mean_weeks_between == pytest.approx((91 + 147 + 119 + 126) / 7 / 4)
    assert done.files == ("results.json", "tables.html")


def test_tables_page_written(example):
    root, _ = example
    text = (root / "out" / "tables.html").read_text(encoding="utf-8")
    assert "<table" in text and "</table>" in text


def test_invalid_dataset_writes_nothing(tmp_path):
    tables = example_tables()
    tables["measurements"].loc[2, "citizen_id"] = "NOBODY"
    write_dataset(tables, tmp_path / "bad")
    with pytest.raises(DatasetError) as exc:
        pipeline.run(tmp_path / "bad", tmp_path / "out")
    assert "measurements.csv, line 4, column citizen_id" in str(exc.value)
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad"]  # no temporary folder left behind


def test_a_failing_step_leaves_the_old_output(example, tmp_path, monkeypatch):
    root, _ = example
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("old", encoding="utf-8")

    def boom(*a, **k):
        raise RuntimeError("the report broke")

    monkeypatch.setattr("bip.report.write_tables", boom)
    with pytest.raises(RuntimeError, match="the report broke"):
        pipeline.run(root / "ds", out, pipeline.RunOptions(report=False), overwrite=True)
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_exports_and_dataset_zip_in_one_pass(example, tmp_path, monkeypatch):
    root, _ = example
    calls = []
    import bip.pipeline as p

    real = p.build_panel
    monkeypatch.setattr(p, "build_panel", lambda *a, **k: calls.append(1) or real(*a, **k))
    opts = pipeline.RunOptions(report=False, panel_exports=("csv", "parquet"), dataset_zip=True)
    done = pipeline.run(root / "ds", tmp_path / "o", opts)
    assert calls == [1]  # the panel is built once
    assert {"exports/panel.csv", "exports/panel.parquet", "exports/dataset.zip"} <= set(done.files)


def test_cli(tmp_path):
    write_dataset(example_tables(), tmp_path / "ds")
    runner = CliRunner()
    (tmp_path / "o").mkdir()  # an empty folder is fine
    r = runner.invoke(
        main,
        ["analyze", str(tmp_path / "ds"), "--out", str(tmp_path / "o"), "--anonymise-jobcenters"],
    )
    assert r.exit_code == 0, r.output
    res = json.loads((tmp_path / "o" / "results.json").read_text(encoding="utf-8"))
    assert res["a9_data_quality"]["jobcenters_anonymised"] is True
    assert {row["jobcenter"] for row in res["a9_data_quality"]["rows"]} == {"A", "B"}
    assert "A4 combination effects" in r.output  # progress lines on stderr
    again = runner.invoke(main, ["analyze", str(tmp_path / "ds"), "--out", str(tmp_path / "o")])
    assert again.exit_code != 0 and "exists and is not empty" in again.output
    tables = example_tables()
    tables["measurements"].loc[0, "B1"] = 9
    write_dataset(tables, tmp_path / "bad")
    bad = runner.invoke(main, ["analyze", str(tmp_path / "bad"), "--out", str(tmp_path / "o2")])
    assert bad.exit_code == 1
    assert "measurements.csv, line 2, column B1" in bad.output and "nothing written" in bad.output
    assert not (tmp_path / "o2").exists()


def test_cli_shows_the_warnings_of_unknown_columns(tmp_path):
    with_unknown_column(tmp_path / "ds")
    r = CliRunner().invoke(
        main, ["analyze", str(tmp_path / "ds"), "--out", str(tmp_path / "o"), "--no-pdf"]
    )
    assert r.exit_code == 0, r.output
    assert "warning: citizens.csv, line 1, column notes: unknown column; ignored" in r.output
    assert "warning: warning:" not in r.output
    assert "1 validation warnings (above)" in r.output.splitlines()[-1]


def test_cli_says_when_the_pdf_was_not_written(tmp_path, monkeypatch):
    write_dataset(example_tables(), tmp_path / "ds")
    import bip.report as report

    def no_pdf(html, pdf, **kw):
        raise report.PdfUnavailable("Chromium is not installed")

    monkeypatch.setattr(report, "print_pdf", no_pdf)
    r = CliRunner().invoke(main, ["analyze", str(tmp_path / "ds"), "--out", str(tmp_path / "o")])
    assert r.exit_code == 1
    assert "no PDF written: Chromium is not installed" in r.output and "--no-pdf" in r.output
    assert (tmp_path / "o" / "results.json").is_file()  # everything else is there
