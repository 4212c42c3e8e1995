"""DREAM wide -> benefit_weeks long: round trip, mapping file, every error with its place."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from bip.cli import main
from bip.dataset import open_dataset, validate_dataset
from bip.dataset.dream import (
    DEFAULT_WEEK_PATTERNS,
    EXAMPLE_MAPPING,
    Mapping,
    import_dream,
    parse_week_column,
    read_mapping,
)
from bip.dataset.dream import _compile as compile_patterns
from bip.dataset.problems import Report
from bip.dataset.schema import BENEFIT_STATUSES

MAPPING = """# test mapping
code,status
111,unemployment_benefit
130,cash_benefit
651,education_su
890,sickness_benefit
# a comment between rows
99,other_benefit
"""


@pytest.fixture
def mapping(tmp_path):
    p = tmp_path / "map.csv"
    p.write_text(MAPPING, encoding="utf-8")
    return p


def long_to_wide(long: pd.DataFrame, weeks: list[str], style: str) -> pd.DataFrame:
    """An independent wide layout from a long table (codes chosen per status)."""
    code = {
        "unemployment_benefit": "111",
        "cash_benefit": "130",
        "education_su": "651",
        "sickness_benefit": "890",
        "other_benefit": "99",
    }
    wide = long.assign(code=long["status"].map(code)).pivot(
        index="citizen_id", columns="week", values="code"
    )
    wide = wide.reindex(columns=weeks)
    if style == "dream":
        wide.columns = [f"y_{w[2:4]}{w[-2:]}" for w in weeks]
    return wide.reset_index()


def random_long(seed: int, n: int = 40) -> tuple[pd.DataFrame, list[str]]:
    rng = np.random.default_rng(seed)
    weeks = [f"2015-W{w:02d}" for w in range(1, 54)] + [f"2016-W{w:02d}" for w in range(1, 53)]
    statuses = [
        "unemployment_benefit",
        "cash_benefit",
        "education_su",
        "sickness_benefit",
        "other_benefit",
    ]
    rows = [
        (f"P{i:03d}", w, statuses[rng.integers(5)])
        for i in range(n)
        for w in weeks
        if rng.random() < 0.3
    ]
    return pd.DataFrame(rows, columns=["citizen_id", "week", "status"]), weeks


@pytest.mark.parametrize(
    "style, fmt_in, fmt_out",
    [
        ("dream", "csv", "parquet"),
        ("iso", "csv", "csv"),
        ("dream", "parquet", "csv"),
        ("iso", "parquet", "parquet"),
        ("dream", "parquet-text", "parquet"),
    ],
)
def test_wide_to_long_round_trip(tmp_path, mapping, style, fmt_in, fmt_out):
    long, weeks = random_long(seed=len(style) + len(fmt_in))
    wide = long_to_wide(long, weeks, style)
    src = tmp_path / f"wide.{fmt_in.split('-')[0]}"
    if fmt_in == "csv":
        wide.to_csv(src, index=False)
    elif fmt_in == "parquet-text":
        pq.write_table(pa.Table.from_pandas(wide, preserve_index=False), src)
    else:
        # Parquet from SAS/Stata exports often holds the codes as numbers.
        num = wide.copy()
        for c in num.columns[1:]:
            num[c] = pd.to_numeric(num[c]).astype("Int64")
        pq.write_table(pa.Table.from_pandas(num, preserve_index=False), src)
    out = tmp_path / f"benefit_weeks.{fmt_out}"
    report = import_dream(src, mapping, out)
    assert report.ok, [str(p) for p in report.problems]
    got = pd.read_parquet(out) if fmt_out == "parquet" else pd.read_csv(out)
    expected = long.sort_values(["citizen_id", "week"]).reset_index(drop=True)
    assert got.astype(str).values.tolist() == expected.astype(str).values.tolist()


def test_output_is_a_valid_benefit_weeks_table(tmp_path, mapping, example_csv):
    long, weeks = random_long(seed=3, n=4)
    long["citizen_id"] = long["citizen_id"].map(
        {"P000": "C1", "P001": "C2", "P002": "C3", "P003": "C4"}
    )
    src = tmp_path / "wide.csv"
    long_to_wide(long, weeks, "dream").to_csv(src, index=False)
    (example_csv / "benefit_weeks.csv").unlink()
    assert import_dream(src, mapping, example_csv / "benefit_weeks.parquet").ok
    assert validate_dataset(example_csv).ok
    bw = open_dataset(example_csv).frame("benefit_weeks")
    assert len(bw) == len(long)


def test_unmapped_code_names_file_line_week_and_code(tmp_path, mapping):
    src = tmp_path / "dream.csv"
    src.write_text(
        "citizen_id,y_1501,y_1502,y_1503\nA,111,,130\nB,,777,\nC,130,130,42\n", encoding="utf-8"
    )
    out = tmp_path / "bw.csv"
    report = import_dream(src, mapping, out)
    assert [str(p) for p in report.errors] == [
        "error: dream.csv, line 3, column y_1502: benefit code '777' is not in the mapping file",
        "error: dream.csv, line 4, column y_1503: benefit code '42' is not in the mapping file",
    ]
    assert not out.exists()


def test_header_problems(tmp_path, mapping):
    src = tmp_path / "dream.csv"
    src.write_text("pnr,y_1453,2015-W01,y_1501,kommune\nA,111,,,101\n", encoding="utf-8")
    report = import_dream(src, mapping, tmp_path / "bw.csv")
    got = [(p.severity, p.line, p.column, p.reason.split(" (")[0]) for p in report.problems]
    assert (
        "error",
        1,
        "y_1453",
        "week column names week 53 of 2014, which has 52 ISO weeks",
    ) in got
    assert ("error", 1, "y_1501", "week 2015-W01 appears twice") in got
    assert ("error", 1, "citizen_id", "missing id column") in got
    assert ("warning", 1, None, "not week columns, ignored: pnr, kommune") in got
    ok = import_dream(src.with_name("x.csv"), mapping, tmp_path / "bw.csv")
    assert "no such file" in ok.errors[0].reason


def test_id_column_option_and_row_problems(tmp_path, mapping):
    src = tmp_path / "dream.csv"
    src.write_text("pnr,y_1501\nA,111\n,130\nA,130\nB,1,2\nC, 651 \n", encoding="utf-8")
    report = import_dream(src, mapping, tmp_path / "bw.csv", id_column="pnr")
    assert sorted(
        (p.line, p.column, p.reason.split(" '")[0].split(":")[0]) for p in report.errors
    ) == [
        (3, "pnr", "empty, but this column is required"),
        (4, "pnr", "duplicate id"),
        (5, None, "malformed row"),
    ]


def test_custom_week_pattern(tmp_path, mapping):
    src = tmp_path / "dream.csv"
    src.write_text("citizen_id,uge_2015_01,uge_2015_02\nA,111,651\n", encoding="utf-8")
    out = tmp_path / "bw.csv"
    assert not import_dream(src, mapping, out).ok  # the default patterns do not match
    report = import_dream(
        src, mapping, out, week_patterns=[r"^uge_(?P<year>\d{4})_(?P<week>\d{2})$"]
    )
    assert report.ok
    assert pd.read_csv(out)["week"].tolist() == ["2015-W01", "2015-W02"]


def test_week_column_names():
    pats = compile_patterns(DEFAULT_WEEK_PATTERNS)
    assert parse_week_column("y_1501", pats) == ("2015-W01", None)
    assert parse_week_column("y_9101", pats) == ("1991-W01", None)
    assert parse_week_column("y_0953", pats) == ("2009-W53", None)
    assert parse_week_column("2020-W53", pats) == ("2020-W53", None)
    assert parse_week_column("2021-W53", pats)[1] is not None
    assert parse_week_column("y_1500", pats)[1] is not None
    assert parse_week_column("kommune", pats) == (None, None)
    with pytest.raises(ValueError, match="named groups"):
        compile_patterns([r"^w(\d+)$"])


def test_mapping_file_problems(tmp_path):
    p = tmp_path / "m.csv"
    p.write_text(
        "# c\ncode,status\n111,dagpenge\n130,cash_benefit\n130,other_benefit\n,cash_benefit\n651\n",
        encoding="utf-8",
    )
    report = Report()
    assert read_mapping(p, report) is None
    assert [(e.line, e.column) for e in report.errors] == [
        (3, "status"),
        (5, "code"),
        (6, "code"),
        (7, None),
    ]
    p.write_text("kode;status\n111;cash_benefit\n", encoding="utf-8")
    report = Report()
    assert read_mapping(p, report) is None and report.errors[0].line == 1


def test_shipped_example_mapping_says_it_is_an_example():
    head = EXAMPLE_MAPPING.read_text(encoding="utf-8").splitlines()[:8]
    assert head[0].startswith("# EXAMPLE")
    text = " ".join(head).lower()
    assert "dream documentation in force" in text and "illustrative" in text
    report = Report()
    m = read_mapping(EXAMPLE_MAPPING, report)
    assert isinstance(m, Mapping) and report.ok
    pairs = dict(zip(m.codes.to_pylist(), [BENEFIT_STATUSES[i] for i in m.statuses], strict=True))
    assert pairs["111"] == "unemployment_benefit" and pairs["651"] == "education_su"
    assert pairs["890"] == "sickness_benefit" and pairs["130"] == "cash_benefit"


def test_cli(tmp_path, mapping):
    src = tmp_path / "dream.csv"
    src.write_text("citizen_id,y_1501,y_1502\nA,111,\nB,,890\n", encoding="utf-8")
    out = tmp_path / "bw.parquet"
    runner = CliRunner()
    r = runner.invoke(
        main, ["dataset", "import-dream", str(src), "--mapping", str(mapping), str(out)]
    )
    assert r.exit_code == 0, r.output
    assert pq.read_table(out).to_pylist() == [
        {"citizen_id": "A", "week": "2015-W01", "status": "unemployment_benefit"},
        {"citizen_id": "B", "week": "2015-W02", "status": "sickness_benefit"},
    ]
    r = runner.invoke(
        main, ["dataset", "import-dream", str(src), "--mapping", str(mapping), str(out)]
    )
    assert r.exit_code == 1 and "exists" in r.output
    r = runner.invoke(
        main,
        [
            "dataset",
            "import-dream",
            str(src),
            "--mapping",
            str(mapping),
            str(tmp_path / "x.parquet"),
            "--format",
            "csv",
        ],
    )
    assert r.exit_code == 1 and "name says parquet" in r.output
    src.write_text("citizen_id,y_1501\nA,5\n", encoding="utf-8")
    r = runner.invoke(
        main,
        ["dataset", "import-dream", str(src), "--mapping", str(mapping), str(tmp_path / "y.csv")],
    )
    assert r.exit_code == 1
    assert (
        "dream.csv, line 2, column y_1501: benefit code '5' is not in the mapping file" in r.output
    )
    assert not (tmp_path / "y.csv").exists()


def test_cli_prints_the_example_mapping():
    r = CliRunner().invoke(main, ["dataset", "dream-mapping-example"])
    assert r.exit_code == 0
    assert r.output == EXAMPLE_MAPPING.read_text(encoding="utf-8")
