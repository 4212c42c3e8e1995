"""`bip dataset validate` exit codes and output, `python -m bip`."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from bip.cli import main
from tests.dataset.conftest import set_cell


def test_validate_ok(example_csv):
    r = CliRunner().invoke(main, ["dataset", "validate", str(example_csv)])
    assert r.exit_code == 0
    assert r.output.strip().endswith(f"{example_csv}: 0 error(s), 0 warning(s)")
    assert "checking measurements ..." in r.output


def test_validate_errors_exit_1_and_name_the_place(example_csv, tmp_path):
    set_cell(example_csv / "measurements.csv", 3, "S12", "6")
    set_cell(example_csv / "citizens.csv", 2, "enrolled_on", "2014-02-31")
    errors_csv = tmp_path / "problems.csv"
    r = CliRunner().invoke(
        main, ["dataset", "validate", str(example_csv), "--quiet", "--errors-csv", str(errors_csv)]
    )
    assert r.exit_code == 1
    assert "error: measurements.csv, line 3, column S12: value '6' out of range 1–5" in r.output
    assert (
        "error: citizens.csv, line 2, column enrolled_on: bad date '2014-02-31' (no such day)"
        in r.output
    )
    assert "2 error(s), 0 warning(s)" in r.output
    assert "checking" not in r.output
    rows = errors_csv.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "severity,file,line,column,reason" and len(rows) == 3


def test_validate_warnings_only_exit_0(example_csv):
    (example_csv / "notes.csv").write_text("a\n1\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["dataset", "validate", str(example_csv), "--quiet"])
    assert r.exit_code == 0
    assert "warning: notes.csv: not a table of dataset format v1; ignored" in r.output


def test_validate_max_shown(example_csv):
    for line in range(2, 10):
        set_cell(example_csv / "measurements.csv", line, "B9", "0")
    r = CliRunner().invoke(
        main, ["dataset", "validate", str(example_csv), "--quiet", "--max-shown", "3"]
    )
    assert r.exit_code == 1
    assert r.output.count("error: measurements.csv") == 3
    assert "... and 5 more problem(s)" in r.output


def test_validate_not_a_folder(tmp_path):
    r = CliRunner().invoke(main, ["dataset", "validate", str(tmp_path / "nope"), "--quiet"])
    assert r.exit_code == 1 and "not a folder" in r.output


def test_python_m_bip_help():
    r = subprocess.run(
        [sys.executable, "-m", "bip", "--help"], capture_output=True, text=True, check=True
    )
    for cmd in ("dataset", "pseudonymise"):
        assert cmd in r.stdout
    r = subprocess.run(
        [sys.executable, "-m", "bip", "dataset", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    for cmd in ("validate", "convert", "import-dream"):
        assert cmd in r.stdout
