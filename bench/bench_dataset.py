"""Benchmark: reading and validating a country-scale dataset within 8 GiB.

Writes (once, reused between runs) under ``bench/out/dataset/`` a Parquet dataset with a
2.7-million-row ``measurements`` table and a 100-million-row ``benefit_weeks`` table (plus
the jobcentres, caseworkers and citizens they refer to), generated vectorised by DuckDB.
Then runs each step in its own child process and reports wall time and peak RSS, each as a
ratio to a baseline measured in the same run:

- ``validate_dataset`` (every table)   vs streaming every file with ``pyarrow`` batches
- ``Dataset.frame('measurements')``    vs ``pyarrow.parquet.read_table`` of that file
- DuckDB aggregation over ``benefit_weeks`` via ``Dataset.register``
                                        vs the same aggregation on ``read_parquet`` directly,
                                        and vs a DuckDB ``count(*)`` of the file

Usage: ``python bench/bench_dataset.py [--scale 1.0] [--only STEP ...]``. ``--scale 0.01``
gives a quick smoke run (its own files). Results are printed and written to
``bench/out/bench_dataset.json`` (``--only`` updates just those steps in it).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
N_MEASUREMENTS = 2_700_000
N_CITIZENS = 400_000
WEEKS_PER_CITIZEN = 250  # 400,000 x 250 = 100 million benefit_weeks rows
N_CASEWORKERS = 30_000
N_JOBCENTERS = 98
GIB = 1024**3


def dataset_dir(scale: float) -> Path:
    return OUT / ("dataset" if scale == 1 else f"dataset-x{scale:g}")


def generate(path: Path, scale: float) -> None:
    """Write the benchmark dataset with DuckDB (vectorised; no Python loops over rows)."""
    import duckdb

    from bip.dataset.schema import TABLES

    if (path / ".complete").exists():
        return
    path.mkdir(parents=True, exist_ok=True)
    n_m, n_c = int(N_MEASUREMENTS * scale), max(10, int(N_CITIZENS * scale))
    n_cw = max(10, int(N_CASEWORKERS * scale))
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order=false")
    con.execute("SET enable_progress_bar=false")

    def copy(name: str, select: str) -> None:
        t0 = time.monotonic()
        con.execute(
            f"COPY ({select}) TO '{path / (name + '.parquet')}' "
            "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1000000)"
        )
        print(f"generated {name} in {time.monotonic() - t0:.0f}s", file=sys.stderr)

    copy(
        "jobcenters",
        f"SELECT 'JC' || i AS jobcenter_id, 'Jobcenter ' || i AS name FROM range({N_JOBCENTERS}) t(i)",
    )
    copy(
        "caseworkers",
        f"SELECT 'W' || i AS caseworker_id, 'JC' || (i % {N_JOBCENTERS}) AS jobcenter_id "
        f"FROM range({n_cw}) t(i)",
    )
    copy(
        "citizens",
        f"SELECT 'C' || lpad(i::VARCHAR, 7, '0') AS citizen_id, 'JC' || (i % {N_JOBCENTERS}) "
        f"AS jobcenter_id, DATE '2013-01-01' + (i % 1400)::INTEGER AS enrolled_on FROM range({n_c}) t(i)",
    )
    cols = []
    for c in TABLES["measurements"].columns:
        h = f"hash(i, '{c.name}')"
        if c.kind == "score":
            cols.append(
                f'CASE WHEN {h} % 10 = 0 THEN NULL ELSE ({h} % 5 + 1)::TINYINT END AS "{c.name}"'
            )
        elif c.kind == "flag":
            cols.append(f'({h} % 7 = 0)::TINYINT AS "{c.name}"')
        elif c.name == "B10_status":
            cols.append(
                f"['searching', 'not_searching', 'no_answer'][({h} % 3 + 1)::BIGINT] AS B10_status"
            )
        elif c.name == "B11":
            cols.append(
                f"CASE WHEN {h} % 3 = 0 THEN NULL ELSE 100 + ({h} % 20000) / 100.0 END AS B11"
            )
    copy(
        "measurements",
        f"""
        SELECT 'M' || i AS measurement_id, 'C' || lpad((i % {n_c})::VARCHAR, 7, '0') AS citizen_id,
               'W' || (hash(i // 4) % {n_cw}) AS caseworker_id,
               DATE '2013-01-01' + (hash(i, 'd') % 1460)::INTEGER AS measured_on, {", ".join(cols)}
        FROM range({n_m}) t(i)""",
    )
    # Sorted by person, then week, as registers are delivered and as import-dream writes them.
    con.execute("SET preserve_insertion_order=true")
    copy(
        "benefit_weeks",
        f"""
        SELECT 'C' || lpad(c::VARCHAR, 7, '0') AS citizen_id,
               strftime(DATE '2008-01-07' + (7 * (w + (c % 200)))::INTEGER, '%G-W%V') AS week,
               ['employed', 'self_supporting', 'education_su', 'cash_benefit', 'sickness_benefit',
                'unemployment_benefit', 'other_benefit'][(hash(c, w) % 7 + 1)::BIGINT] AS status
        FROM (SELECT i // {WEEKS_PER_CITIZEN} AS c, i % {WEEKS_PER_CITIZEN} AS w
              FROM range({n_c * WEEKS_PER_CITIZEN}) t(i))""",
    )
    (path / ".complete").write_text("ok")


N_DREAM_PERSONS = 370_000
N_DREAM_WEEKS = 520  # 2008-W01 .. ten years of weekly columns, DREAM naming y_YYWW


def dream_file(scale: float) -> Path:
    return OUT / ("dream_wide.csv" if scale == 1 else f"dream_wide-x{scale:g}.csv")


def generate_dream(path: Path, scale: float) -> None:
    """A DREAM-style wide CSV: one row per person, one y_YYWW column per week, ~60% filled."""
    import datetime as dt

    import duckdb

    if path.exists():
        return
    n = max(10, int(N_DREAM_PERSONS * scale))
    monday = dt.date(2008, 1, 7)  # ISO 2008-W02; weeks from here on
    cols = []
    for j in range(N_DREAM_WEEKS):
        y, w, _ = (monday + dt.timedelta(weeks=j)).isocalendar()
        cols.append(
            f"CASE WHEN hash(i, {j}) % 10 < 4 THEN NULL ELSE "
            f"['111', '130', '651', '890', '783', '135'][(hash(i // 7, {j // 13}) % 6 + 1)::BIGINT] "
            f"END AS y_{y % 100:02d}{w:02d}"
        )
    con = duckdb.connect()
    con.execute("SET enable_progress_bar=false")
    tmp = path.with_suffix(".tmp.csv")
    t0 = time.monotonic()
    con.execute(
        f"COPY (SELECT 'C' || lpad(i::VARCHAR, 7, '0') AS citizen_id, {', '.join(cols)} "
        f"FROM range({n}) t(i)) TO '{tmp}' (FORMAT csv, HEADER true)"
    )
    tmp.rename(path)
    print(f"generated {path.name} in {time.monotonic() - t0:.0f}s", file=sys.stderr)


# --- steps: each runs in a fresh child process ------------------------------------------------


def step_baseline_stream_all(path: Path) -> dict:
    import pyarrow.parquet as pq

    rows = 0
    for f in sorted(path.glob("*.parquet")):
        for b in pq.ParquetFile(f).iter_batches(batch_size=1_000_000):
            rows += b.num_rows
    return {"rows": rows}


def step_validate(path: Path) -> dict:
    from bip.dataset import validate_dataset

    r = validate_dataset(path)
    return {
        "errors": r.n_errors,
        "warnings": r.n_warnings,
        "first": [str(p) for p in r.problems[:3]],
    }


def step_duplicate_search_unsorted(path: Path) -> dict:
    """The DuckDB duplicate search that an unsorted benefit_weeks file needs (forced here)."""
    from bip.dataset.files import TableFile
    from bip.dataset.problems import Report
    from bip.dataset.validate import _KeyChecker

    report, keys = Report(), _KeyChecker()
    keys.check_parquet(
        TableFile("benefit_weeks", path / "benefit_weeks.parquet", "parquet"),
        ("citizen_id", "week"),
        report,
    )
    keys.close()
    return {"errors": report.n_errors}


def step_baseline_read_measurements(path: Path) -> dict:
    import pyarrow.parquet as pq

    return {"rows": pq.read_table(path / "measurements.parquet").num_rows}


def step_frame_measurements(path: Path) -> dict:
    from bip.dataset import open_dataset

    df = open_dataset(path, validate=False).frame("measurements")
    return {"rows": len(df), "frame_bytes": int(df.memory_usage(deep=False).sum())}


_AGG = (
    "SELECT status, count(*) AS n, count(DISTINCT citizen_id) AS persons FROM {src} GROUP BY status"
)


def _duck():
    import duckdb

    con = duckdb.connect()
    con.execute("SET memory_limit='4GB'")
    return con


def step_baseline_duckdb_count(path: Path) -> dict:
    con = _duck()
    (n,) = con.execute(
        f"SELECT count(*) FROM read_parquet('{path / 'benefit_weeks.parquet'}')"
    ).fetchone()
    return {"rows": n}


def step_baseline_duckdb_agg(path: Path) -> dict:
    con = _duck()
    rows = con.execute(
        _AGG.format(src=f"read_parquet('{path / 'benefit_weeks.parquet'}')")
    ).fetchall()
    return {"groups": len(rows)}


def step_register_duckdb_agg(path: Path) -> dict:
    from bip.dataset import open_dataset

    con = _duck()
    open_dataset(path, validate=False).register(con, ["benefit_weeks"])
    rows = con.execute(_AGG.format(src="benefit_weeks")).fetchall()
    return {"groups": len(rows), "rows": sum(r[1] for r in rows)}


def step_baseline_stream_dream_csv(path: Path) -> dict:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    src = _dream_of(path)
    with open(src, encoding="utf-8") as fh:
        names = fh.readline().strip().split(",")
    reader = pacsv.open_csv(
        src,
        read_options=pacsv.ReadOptions(block_size=64 << 20, use_threads=False),
        convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in names}),
    )
    return {"persons": sum(b.num_rows for b in reader)}


def step_import_dream(path: Path) -> dict:
    from bip.dataset.dream import EXAMPLE_MAPPING, import_dream

    out = OUT / f"{path.name}-benefit_weeks_from_dream.parquet"
    report = import_dream(_dream_of(path), EXAMPLE_MAPPING, out, overwrite=True)
    import pyarrow.parquet as pq

    rows = pq.ParquetFile(out).metadata.num_rows if report.ok else None
    return {
        "errors": report.n_errors,
        "first": [str(p) for p in report.problems[:3]],
        "rows_out": rows,
    }


def _dream_of(path: Path) -> Path:
    """The wide DREAM file that goes with a benchmark dataset folder (same scale)."""
    return OUT / (path.name.replace("dataset", "dream_wide") + ".csv")


STEPS = {
    "baseline_stream_all": step_baseline_stream_all,
    "validate_dataset": step_validate,
    "duplicate_search_unsorted": step_duplicate_search_unsorted,
    "baseline_read_measurements": step_baseline_read_measurements,
    "frame_measurements": step_frame_measurements,
    "baseline_duckdb_count": step_baseline_duckdb_count,
    "baseline_duckdb_agg": step_baseline_duckdb_agg,
    "register_duckdb_agg": step_register_duckdb_agg,
    "baseline_stream_dream_csv": step_baseline_stream_dream_csv,
    "import_dream": step_import_dream,
}
RATIOS = [  # (step, baseline)
    ("validate_dataset", "baseline_stream_all"),
    ("duplicate_search_unsorted", "baseline_stream_all"),
    ("frame_measurements", "baseline_read_measurements"),
    ("register_duckdb_agg", "baseline_duckdb_agg"),
    ("register_duckdb_agg", "baseline_duckdb_count"),
    ("import_dream", "baseline_stream_dream_csv"),
]


def run_child(step: str, path: Path) -> dict:
    """Run one step in a child process; wall time and peak RSS (ru_maxrss of the child)."""
    t0 = time.monotonic()
    proc = subprocess.run(
        [sys.executable, __file__, "--child", step, "--path", str(path)],
        capture_output=True,
        text=True,
    )
    wall = time.monotonic() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"step {step} failed:\n{proc.stderr}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["wall_s"] = round(wall, 2)
    return out


def _peak_rss_bytes() -> int:
    """Peak resident set of this process. VmHWM, because ru_maxrss survives exec on Linux and
    would carry the parent's peak over into the child."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def child(step: str, path: Path) -> None:
    # Import everything first, so that every step (and its baseline) times the work only.
    import duckdb  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    import bip.dataset  # noqa: F401

    t0 = time.monotonic()
    result = STEPS[step](path)
    result["step_s"] = round(time.monotonic() - t0, 2)
    result["peak_rss_gib"] = round(_peak_rss_bytes() / GIB, 3)
    print(json.dumps(result))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--only", nargs="*", choices=list(STEPS))
    ap.add_argument("--child")
    ap.add_argument("--path", type=Path)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.path)
        return
    path = dataset_dir(args.scale)
    generate(path, args.scale)
    generate_dream(dream_file(args.scale), args.scale)
    sizes = {f.name: round(f.stat().st_size / 2**20, 1) for f in sorted(path.glob("*.parquet"))}
    results = {}
    saved = OUT / (
        "bench_dataset.json" if args.scale == 1 else f"bench_dataset-x{args.scale:g}.json"
    )
    if args.only and saved.exists():  # a partial run updates the steps it ran, keeps the rest
        previous = json.loads(saved.read_text())
        if previous.get("scale") == args.scale:
            results = previous["steps"]
    for step in args.only or STEPS:
        results[step] = run_child(step, path)
        print(f"{step:28s} {results[step]}", file=sys.stderr)
    ratios = {}
    for step, base in RATIOS:
        if step in results and base in results:
            ratios[f"{step} / {base}"] = {
                "time": round(results[step]["step_s"] / max(results[base]["step_s"], 1e-3), 2),
                "peak_rss": round(
                    results[step]["peak_rss_gib"] / max(results[base]["peak_rss_gib"], 1e-3), 2
                ),
            }
    peak = max(r["peak_rss_gib"] for r in results.values())
    summary = {
        "scale": args.scale,
        "files_mib": sizes,
        "cpus": os.cpu_count(),
        "steps": results,
        "ratios": ratios,
        "max_peak_rss_gib": peak,
        "within_8_gib": peak < 8,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
