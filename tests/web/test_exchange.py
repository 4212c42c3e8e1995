"""`bip export-db` / `bip import-db`: a lossless round trip, validation first, all or nothing."""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from bip.dataset import DatasetError, open_dataset, validate_dataset, write_dataset
from bip.dataset.example import example_tables
from bip.web.core.models import Assignment, Caseworker, Citizen, Jobcenter, Measurement
from bip.web.exchange import ImportConflict, export_db, import_db

OPERATIONAL = ("jobcenters", "caseworkers", "citizens", "measurements")


@pytest.fixture
def example(tmp_path):
    return write_dataset(example_tables(), tmp_path / "example", "csv")


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


def _counts():
    return tuple(
        m.objects.count() for m in (Jobcenter, Caseworker, Citizen, Measurement, Assignment)
    )


def test_round_trip_is_lossless(db, example, tmp_path):
    counts = import_db(example)
    assert (
        counts["measurements"] == 8 and counts["assignments"] == 5
    )  # 4 first caseworkers + 1 change
    c1 = Citizen.objects.get(citizen_id="C1")
    assert c1.caseworker.caseworker_id == "W2"  # the caseworker at the last measurement
    out = export_db(tmp_path / "out", "parquet")
    assert validate_dataset(out).ok
    a, b = open_dataset(example), open_dataset(out)
    for name in OPERATIONAL:
        key = list(a.arrow(name).column_names[:1])
        left = a.frame(name).sort_values(key).reset_index(drop=True)
        right = b.frame(name).sort_values(key).reset_index(drop=True)
        assert_frame_equal(left, right, check_dtype=True, obj=name)


def test_export_of_the_tool_passes_validation(world, tmp_path, full_values):
    out = export_db(tmp_path / "ds", "csv")
    report = validate_dataset(out)
    assert report.ok, report.summary()
    m = open_dataset(out).frame("measurements")
    assert set(m["citizen_id"]) == {c.citizen_id for c in world.citizens.values()}
    assert m.loc[m["measurement_id"] == "MA1", "S1_22"].item() == 1


def test_invalid_dataset_imports_nothing_and_names_the_line(db, example):
    p = example / "measurements.csv"
    lines = p.read_text().splitlines()
    lines[3] = lines[3].replace(",2014-", ",2014-13-", 1)  # month 13 on line 4
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(DatasetError) as exc:
        import_db(example)
    assert any(e.line == 4 and e.column == "measured_on" for e in exc.value.report.errors)
    assert _counts() == (0, 0, 0, 0, 0)


def test_conflicting_import_imports_nothing(db, example, tmp_path):
    import_db(example)
    before = _counts()
    tables = example_tables()
    tables["jobcenters"] = pd.DataFrame({"jobcenter_id": ["JC9"], "name": ["Ny"]})
    tables["caseworkers"]["jobcenter_id"] = "JC9"
    tables["caseworkers"]["caseworker_id"] = ["X1", "X2", "X3"]
    tables["citizens"]["jobcenter_id"] = "JC9"
    tables["measurements"]["caseworker_id"] = tables["measurements"]["caseworker_id"].str.replace(
        "W", "X"
    )
    other = write_dataset(
        tables, tmp_path / "other", "csv"
    )  # new jobcentre, but citizens C1-C4 exist
    with pytest.raises(ImportConflict, match="citizens"):
        import_db(other)
    assert _counts() == before
    assert not Jobcenter.objects.filter(jobcenter_id="JC9").exists()


def test_failure_midway_rolls_everything_back(db, example, monkeypatch):
    def boom(*a, **kw):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Assignment.objects, "bulk_create", boom)  # the very last step
    with pytest.raises(RuntimeError):
        import_db(example)
    assert _counts() == (0, 0, 0, 0, 0)


def test_import_shows_the_warnings_of_unknown_columns(db, tmp_path):
    seen: list[str] = []
    import_db(with_unknown_column(tmp_path / "ds"), warn=seen.append)
    assert seen == ["warning: citizens.csv, line 1, column notes: unknown column; ignored"]
    assert Citizen.objects.count() == len(example_tables()["citizens"])


def test_cli_creates_database_imports_and_exports(tmp_path, example):
    """On a fresh SQLite file: import-db migrates first; export-db writes a valid dataset."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
            "BIP_SECRET_KEY": "k" * 50,
            "BIP_DATA_DIR": str(tmp_path / "data"),
        }
    )
    run = [sys.executable, "-m", "bip"]
    r = subprocess.run([*run, "import-db", str(example)], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "8 measurements" in r.stdout
    assert "warning:" not in r.stderr  # the example has no unknown column
    r = subprocess.run([*run, "import-db", str(example)], env=env, capture_output=True, text=True)
    assert r.returncode != 0 and "nothing was imported" in r.stderr
    extra = with_unknown_column(tmp_path / "extra")
    fresh = {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh2.sqlite3'}"}
    r = subprocess.run([*run, "import-db", str(extra)], env=fresh, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "warning: citizens.csv, line 1, column notes: unknown column; ignored" in r.stderr
    r = subprocess.run(
        [*run, "export-db", str(tmp_path / "out"), "--format", "csv"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    assert validate_dataset(tmp_path / "out").ok
    assert len(open_dataset(tmp_path / "out").frame("measurements")) == 8
