"""analyze_dataset / bip analyze end to end: schema, atomic output, invalid datasets."""

from __future__ import annotations

import json

import jsonschema
import pytest
from click.testing import CliRunner

from bip.analysis.run import analyze_dataset
from bip.cli import main
from bip.dataset import DatasetError, write_dataset
from bip.dataset.example import example_tables
from bip.report.results import SCHEMA_ID, ResultsError, load_results, schema, validate_results


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    root = tmp_path_factory.mktemp("ex")
    write_dataset(example_tables(), root / "ds")
    out = analyze_dataset(root / "ds", root / "out")
    return root, json.loads((out / "results.json").read_text(encoding="utf-8"))


def test_results_match_schema_and_spec_keys(example):
    _, res = example
    jsonschema.Draft202012Validator.check_schema(schema())
    jsonschema.validate(res, schema(), cls=jsonschema.Draft202012Validator)
    assert res["meta"]["schema"] == SCHEMA_ID
    assert res["dataset"] == {
        "jobcenters": 2,
        "caseworkers": 3,
        "citizens": 4,
        "measurements": 8,
        "citizen_parts": 8,
        "caseworker_parts": 7,
        "citizens_measured": 4,
    }
    assert set(res["progression"]) >= {"B1", "S12", "B_avg", "S_avg"}
    assert set(res["combinations"]) == {f"{i:04b}" for i in range(16)}
    assert res["combination_effects"]["B1"]["1000"]["n"] >= 0
    # example: weeks between 13, 21, 17, 18 -> mean 17.25
    assert res["mean_weeks_between"] == pytest.approx((91 + 147 + 119 + 126) / 7 / 4)


def test_load_results_and_schema_rejects_broken(example):
    root, res = example
    assert load_results(root / "out")["meta"]["schema"] == SCHEMA_ID
    broken = json.loads(json.dumps(res))
    broken["combinations"]["0000"]["share"] = 14.0  # a percent, not a fraction
    with pytest.raises(ResultsError, match="combinations/0000/share"):
        validate_results(broken)


def test_tables_html_written(example):
    root, _ = example
    text = (root / "out" / "tables.html").read_text(encoding="utf-8")
    assert "A4 Effect sizes" in text and "<table>" in text


def test_invalid_dataset_writes_nothing(tmp_path):
    tables = example_tables()
    tables["measurements"].loc[2, "citizen_id"] = "NOBODY"
    write_dataset(tables, tmp_path / "bad")
    with pytest.raises(DatasetError) as exc:
        analyze_dataset(tmp_path / "bad", tmp_path / "out")
    assert "measurements.csv, line 4, column citizen_id" in str(exc.value)
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad"]  # no temporary folder left behind


def test_cli(tmp_path):
    write_dataset(example_tables(), tmp_path / "ds")
    runner = CliRunner()
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
    assert again.exit_code != 0 and "exists" in again.output
    tables = example_tables()
    tables["measurements"].loc[0, "B1"] = 9
    write_dataset(tables, tmp_path / "bad")
    bad = runner.invoke(main, ["analyze", str(tmp_path / "bad"), "--out", str(tmp_path / "o2")])
    assert bad.exit_code == 1
    assert "measurements.csv, line 2, column B1" in bad.output and "nothing written" in bad.output
    assert not (tmp_path / "o2").exists()


def test_sections_of_other_modules_feed_spec_keys(monkeypatch, example):
    import sys
    import types

    from bip.analysis import run
    from bip.dataset import open_dataset
    from bip.panel import build_panel

    panel = build_panel(open_dataset(example[0] / "ds"))
    fake = types.ModuleType("fake_a7")
    fake.run = lambda p: {
        "caseworker_change": {"share_with_change": 0.4},
        "belief": {"ci_low": 0.1},
    }
    monkeypatch.setitem(sys.modules, "fake_a7", fake)
    monkeypatch.setattr(
        run,
        "OPTIONAL_SECTIONS",
        {"a5_job_chance": "no_such_module_xyz", "a7_change_belief": "fake_a7"},
    )
    sections = run.analyze_panel(panel)
    assert sections["a5_job_chance"] is None
    keys = run.spec_keys({}, sections)
    assert keys["caseworker_change"] == {"share_with_change": 0.4}
    assert keys["belief"] == {"ci_low": 0.1}
    assert keys["caseworker_effectiveness"] is None
