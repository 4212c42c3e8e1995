"""CSV -> Parquet -> CSV is lossless: same rows, same values, same types; files identical."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from bip.cli import main
from bip.dataset import TABLES, convert_dataset, open_dataset, write_dataset
from bip.dataset.example import example_tables


def tricky_tables() -> dict[str, pd.DataFrame]:
    """The example plus values that trip naive CSV handling."""
    t = example_tables()
    t["jobcenters"].loc[0, "name"] = 'Faxe, "Øst" – Ærø'  # comma, quotes, non-ASCII
    t["jobcenters"].loc[1, "name"] = None
    m = t["measurements"]
    m["B11"] = m["B11"].astype("float64")
    m.loc[0, "B11"] = 1 / 3
    m.loc[1, "B11"] = 112.5
    m.loc[2, "B11"] = None
    m.loc[3, ["B1", "B5", "S1_4", "B10_status"]] = None
    t["gp_contacts"].loc[1, "fee_dkk"] = -290.25
    t["gp_contacts"].loc[2, "n_services"] = None
    t["persons"].loc[0, "birth_year"] = None
    return t


@pytest.fixture
def src(tmp_path):
    return write_dataset(tricky_tables(), tmp_path / "a_csv", "csv")


def frames(path) -> dict[str, pd.DataFrame]:
    ds = open_dataset(path)
    return {name: ds.frame(name) for name in ds.files}


def test_csv_parquet_csv_is_lossless(src, tmp_path):
    pq_dir = convert_dataset(src, tmp_path / "b_parquet", "parquet")
    back = convert_dataset(pq_dir, tmp_path / "c_csv", "csv")
    a, b, c = frames(src), frames(pq_dir), frames(back)
    assert set(a) == set(b) == set(c) == set(TABLES)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True)
        pd.testing.assert_frame_equal(a[name], c[name], check_exact=True)
    for f in sorted(src.iterdir()):
        assert (back / f.name).read_bytes() == f.read_bytes(), f.name


def test_parquet_csv_parquet_is_lossless(tmp_path):
    first = write_dataset(tricky_tables(), tmp_path / "p1", "parquet")
    csv = convert_dataset(first, tmp_path / "c", "csv")
    second = convert_dataset(csv, tmp_path / "p2", "parquet")
    a, b = frames(first), frames(second)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True)


def test_values_and_types_are_canonical(src):
    ds = open_dataset(src)
    m = ds.frame("measurements")
    assert str(m["B1"].dtype) == "Int8" and str(m["B11"].dtype) == "Float64"
    assert str(m["measured_on"].dtype).startswith("datetime64")
    assert m["B11"].iloc[0] == 1 / 3 and m["B11"].iloc[1] == 112.5 and pd.isna(m["B11"].iloc[2])
    assert pd.isna(m.loc[3, "B1"]) and pd.isna(m.loc[3, "B10_status"])
    j = ds.frame("jobcenters")
    assert j["name"].iloc[0] == 'Faxe, "Øst" – Ærø' and pd.isna(j["name"].iloc[1])
    assert ds.frame("gp_contacts")["fee_dkk"].iloc[1] == -290.25


def test_convert_writes_nothing_for_an_invalid_dataset(src, tmp_path):
    (src / "caseworkers.csv").write_text(
        "caseworker_id,jobcenter_id\nW1,JC1\nW1,JC1\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["dataset", "convert", str(src), str(out), "--to", "parquet"])
    assert result.exit_code == 1
    assert "duplicate id 'W1'" in result.output
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]  # no temp left


def test_register_views_in_duckdb_match_frames(src, tmp_path):
    import duckdb

    pq_dir = convert_dataset(src, tmp_path / "pq", "parquet")
    for path in (src, pq_dir):
        con = duckdb.connect()
        open_dataset(path).register(con)
        got = con.execute(
            "SELECT status, count(*) FROM benefit_weeks GROUP BY 1 ORDER BY 1"
        ).fetchall()
        assert got == [("cash_benefit", 150), ("education_su", 58)]
        (n,) = con.execute("SELECT count(*) FROM measurements WHERE B1 IS NULL").fetchone()
        assert n == 1
