"""Benchmark of the synthetic cohort generator: wall time and peak memory by scale.

Each scale runs in a fresh child process (so its peak RSS is its own) and writes Parquet to
``bench/out/synth-<scale>``. Prints one line per scale with the ratio to the first scale of
the same run (no absolute thresholds: the machine is shared).

    python bench/bench_synth.py                 # scales 1 and 10
    python bench/bench_synth.py --scales 1,10,100
    python bench/bench_synth.py --scales 1 --mechanisms legacy,default,dynamic_selection=true

With ``--mechanisms`` each scale runs once per mechanism set (``legacy`` = the bip-synth/1
generator, ``default``, or NAME=VALUE pairs joined by ``+``) and prints its wall and CPU time
as ratios to the first set of the same run (CPU time is the steadier one on a shared machine).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

CHILD = """
import resource, sys, time, json
from bip.synth import Mechanisms, generate_cohort
spec = sys.argv[4]
mech = Mechanisms() if spec == "default" else Mechanisms.parse(spec.split("+"))
t = time.perf_counter()
generate_cohort(
    sys.argv[1], scale=float(sys.argv[2]), seed=0, fmt=sys.argv[3], overwrite=True, mechanisms=mech
)
dt = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": dt, "cpu_seconds": ru.ru_utime + ru.ru_stime, "peak_rss_mb": ru.ru_maxrss / 1024}))
"""


def run(scale: float, fmt: str, out_root: Path, keep: bool, mech: str = "default") -> dict:
    out = out_root / f"synth-{scale:g}"
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(out), str(scale), fmt, mech],
        capture_output=True,
        text=True,
        check=True,
    )
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    res["wall_seconds"] = time.perf_counter() - t
    res["bytes"] = sum(p.stat().st_size for p in out.iterdir())
    truth = json.loads((out / "truth.json").read_text())
    res["scale"] = scale
    res["meetings_y52_rate"] = truth["parameters"]["realised_rates"]["y52"]
    if fmt == "parquet":
        import pyarrow.parquet as pq

        res["rows"] = {p.stem: pq.ParquetFile(p).metadata.num_rows for p in out.glob("*.parquet")}
    if not keep:
        shutil.rmtree(out)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", default="1,10")
    ap.add_argument("--format", default="parquet", choices=["csv", "parquet"])
    ap.add_argument("--out", default=str(Path(__file__).parent / "out"))
    ap.add_argument("--keep", action="store_true", help="keep the generated cohorts")
    ap.add_argument(
        "--mechanisms", default=None, help="compare mechanism sets, e.g. legacy,default"
    )
    args = ap.parse_args()
    out_root = Path(args.out)
    out_root.mkdir(parents=True, exist_ok=True)
    if args.mechanisms:
        for s in [float(x) for x in args.scales.split(",")]:
            first = None
            for mech in args.mechanisms.split(","):
                r = run(s, args.format, out_root, False, mech)
                first = first or r
                print(
                    f"scale {s:>6g} {mech:<40} {r['seconds']:8.1f} s  "
                    f"time x{r['seconds'] / first['seconds']:.2f} of {args.mechanisms.split(',')[0]}  "
                    f"CPU {r['cpu_seconds']:7.1f} s x{r['cpu_seconds'] / first['cpu_seconds']:.2f}  "
                    f"peak RSS {r['peak_rss_mb']:6.0f} MB",
                    flush=True,
                )
        return
    base = None
    for s in [float(x) for x in args.scales.split(",")]:
        r = run(s, args.format, out_root, args.keep)
        base = base or r
        rows = r.get("rows", {})
        print(
            f"scale {s:>6g}: {r['seconds']:8.1f} s  peak RSS {r['peak_rss_mb']:7.0f} MB  "
            f"{r['bytes'] / 1e6:8.1f} MB on disk  citizens {rows.get('citizens', '?')}  "
            f"measurements {rows.get('measurements', '?')}  benefit_weeks {rows.get('benefit_weeks', '?')}  "
            f"time x{r['seconds'] / base['seconds']:.1f} / size x{s / base['scale']:g}  "
            f"RSS x{r['peak_rss_mb'] / base['peak_rss_mb']:.2f}",
            flush=True,
        )
        (out_root / f"bench_synth_{s:g}.json").write_text(json.dumps(r, indent=1))
    _ = resource  # children's RSS is measured inside each child


if __name__ == "__main__":
    main()
