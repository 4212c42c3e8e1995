"""Benchmark: what the input checks of the security rules cost in ``validate_dataset``.

The CPR scan (:mod:`bip.dataset.cprscan`), the formula, length and code checks run inside
the validator. This runs ``validate_dataset`` on one dataset with the current source and with
the source of a baseline git ref (default ``main``, extracted with ``git archive``), each in a
fresh child process (the working tree's ``src/`` copied at the start), alternately, ``--repeat`` times, and reports wall time, CPU time (less
disturbed by other work on the machine) and peak RSS of each and the ratios current / baseline
(medians). A scale-100 synthetic cohort
(``bip synth OUT --scale 100 --seed 0 --format parquet``, 193 million benefit-week rows) is
the case that matters.

Usage: ``python bench/bench_validate_security.py DATASET [--baseline-ref main] [--repeat 3]``.
Results are printed and written to ``bench/out/bench_validate_security.json``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"

CHILD = r"""
import importlib, json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from bip.dataset import validate_dataset
import bip.dataset
# Time spent inside the new checks' scans (absent in the baseline): the CPR scan and the
# formula test, wrapped where the validator looks them up.
inside = [0.0]
def timed(f):
    def g(*a, **k):
        t = time.perf_counter()
        try:
            return f(*a, **k)
        finally:
            inside[0] += time.perf_counter() - t
    return g
for mod, name in (("bip.dataset.cprscan", "cpr_mask"), ("bip.dataset.spreadsheet",
                                                        "formula_like_mask")):
    try:
        m = importlib.import_module(mod)
    except ImportError:
        continue
    if hasattr(m, name):
        setattr(m, name, timed(getattr(m, name)))
t0 = time.monotonic()
r = validate_dataset(sys.argv[2])
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({
    "seconds": time.monotonic() - t0,
    "check_seconds": inside[0],
    "cpu_seconds": ru.ru_utime + ru.ru_stime,
    "peak_rss_mib": ru.ru_maxrss / 1024,
    "errors": r.n_errors, "warnings": r.n_warnings,
    "first": [str(p) for p in r.problems[:3]],
    "source": bip.dataset.__file__,
}))
"""


def baseline_src(ref: str, into: Path) -> Path:
    """The ``src/`` folder of git ``ref``, extracted under ``into``."""
    into.mkdir(parents=True)
    archive = into / "src.tar"
    with open(archive, "wb") as fh:
        subprocess.run(["git", "archive", ref, "src"], cwd=ROOT, stdout=fh, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def run(src: Path, dataset: Path) -> dict:
    r = subprocess.run(
        [sys.executable, "-c", CHILD, str(src), str(dataset)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dataset", type=Path)
    ap.add_argument("--baseline-ref", default="main")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bip-bench-") as tmp:
        old = baseline_src(args.baseline_ref, Path(tmp) / "baseline")
        new = Path(tmp) / "current" / "src"  # a snapshot: later edits do not leak into a run
        shutil.copytree(ROOT / "src", new, ignore=shutil.ignore_patterns("__pycache__"))
        runs: dict[str, list[dict]] = {"baseline": [], "current": []}
        for i in range(args.repeat):
            for name, src in (("baseline", old), ("current", new)):
                res = run(src, args.dataset)
                assert res["source"].startswith(str(src)), res["source"]
                runs[name].append(res)
                print(
                    f"[{i + 1}/{args.repeat}] {name}: {res['seconds']:.1f} s "
                    f"({res['cpu_seconds']:.1f} s CPU, {res['check_seconds']:.1f} s in the "
                    "new scans), "
                    f"{res['peak_rss_mib']:.0f} MiB, {res['errors']} error(s)",
                    file=sys.stderr,
                )
    med = {
        k: {
            "seconds": statistics.median(r["seconds"] for r in v),
            "cpu_seconds": statistics.median(r["cpu_seconds"] for r in v),
            "check_seconds": statistics.median(r["check_seconds"] for r in v),
            "peak_rss_mib": statistics.median(r["peak_rss_mib"] for r in v),
            "errors": v[0]["errors"],
            "warnings": v[0]["warnings"],
        }
        for k, v in runs.items()
    }
    result = {
        "dataset": str(args.dataset),
        "baseline_ref": args.baseline_ref,
        "repeat": args.repeat,
        "median": med,
        "time_ratio": med["current"]["seconds"] / med["baseline"]["seconds"],
        "cpu_ratio": med["current"]["cpu_seconds"] / med["baseline"]["cpu_seconds"],
        "rss_ratio": med["current"]["peak_rss_mib"] / med["baseline"]["peak_rss_mib"],
        "runs": runs,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "bench_validate_security.json").write_text(json.dumps(result, indent=2))
    print(
        f"validate_dataset: current / {args.baseline_ref} = {result['time_ratio']:.3f} (wall), "
        f"{result['cpu_ratio']:.3f} (CPU), "
        f"{result['rss_ratio']:.3f} (peak RSS); "
        f"medians {med['baseline']['seconds']:.1f} s -> {med['current']['seconds']:.1f} s"
    )


if __name__ == "__main__":
    main()
