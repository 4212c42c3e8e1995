"""Benchmark `bip analyze` on synthetic cohorts: wall time and peak RSS per scale.

    python bench/bench_analyze.py                   # scales 1 and 100, parquet cohorts
    python bench/bench_analyze.py --scales 1 10     # other scales
    python bench/bench_analyze.py --dataset DIR     # an existing dataset instead

Each run is a separate `bip analyze` process; its peak RSS is that child's own rusage
(os.wait4). Cohorts are generated once into bench/out/ and reused. The
baseline in the same run is scale 1: later scales are reported as ratios to it, so numbers
from different machines compare. Target: scale 100 under 5 minutes and 8 GiB on
2 cores. Results go to stdout and bench/out/bench_analyze.json.

Measured 2026-11-22 on the shared 2-core / 24 GiB machine (parquet cohorts, seed 0; other
engineers' jobs kept the load average at 4-10, so absolute times are pessimistic):

    scale 1   (3.7k citizens, 13.8k measurements):                       5.2 s, peak RSS  690 MiB
    scale 100 (371k citizens, 1.38M measurements, 193M benefit weeks): 438 s, peak RSS 6030 MiB
      validation 279 s (benefit_weeks 220 s, employment_months 42 s), panel 61 s
      (registers 47 s), A1-A3 28 s, A4 63 s, A8/A9 + fingerprint + schema + write 6 s.

Re-measured at the end of the session, after A5-A7 and the report joined `bip analyze` and the
validator was sped up (quiet machine except a 1m43s test run during the first ~100 s;
/usr/bin/time -v): scale 100 in 5 min 46 s, peak RSS 6.80 GiB - validation 66 s, panel 37 s,
A1-A3 23 s, A4 85 s, A5-A7 121 s, rest 7 s.

In the first measurement, without validation scale 100 took about 160 s; the validator (src/bip/dataset) is the
bottleneck for the 5-minute target. (Before the A4 rework the same run took 624 s, A4 111 s.)

Measured 2026-12-04 on a quiet 2-core machine (load average ~1.5; nothing else running): scale 1
14.0 s, peak RSS 494 MiB; scale 100 407 s (x29.1), peak RSS 9.49 GiB. From the progress log of
the scale-100 run (each step's start): validation 45 s, panel 24 s, A1-A3 20 s, A4 34 s, A5 31 s,
A6 50 s, A7 189 s, A8/A9, fingerprint and writing 9 s. A7's belief effect is most of A7: at
scale 10 it took 12.5 of A7's 17 s, in five Poisson fits with the caseworkers absorbed (the
main fit and the sensitivity to the minimum of other citizens), each ~13 IRLS steps whose
within-transformation (estimation/design.py, demean) is ~75 % of the time.

2026-12-05, same kind of machine, one analysis at a time on a pickled panel: Poisson with one
absorbed factor now sorts rows by group once and forms each IRLS step's within cross products
from group sums (estimation/solve.py), and CR2's df sums are batched per cluster block. Scale 10:
A7 16.8 -> 12.6 s, A4 12.9 -> 8.8 s (results equal to 3e-15 and 2e-14 relative). Scale 100
is not faster: A7 206 s, A4 38.6 s; a profile at scale 100 puts 83 s of A7 in poisson's own
array passes outside IRLS (sorting, copies and page faults of the N x K design), 28 s in
background() and 18 s in leave_out_classification: the next place to work.

2026-12-07, same machine shared with another engineer's scale-100 A4 runs (load average ~2),
A7 alone on the pickled panels under threadpool_limits(1), old and new code back to back in
one script: scale 100 185.8 -> 115.2 s (x0.62), scale 10 11.9/12.0 -> 6.7/7.8 s; results
bit-identical (every float of run(panel).model_dump() equal, both scales). By part at scale
100 (cumulative): background() 22.3 s -> 1.7 s converting the controls once per panel (the
per-sample imputation is now inside the design builders), leave_out_classification 19.0 s
(five runs) -> 2.6 s prepared once, poisson 108.6 -> 80.8 s, two-way CR1 18.7 -> 4.1 s. What
is left in poisson: page faults of fresh N x K arrays (~2 s per 0.6 GB on this VM: the sorted
copy of each fit and the no-FE fits' intercept copy), IRLS itself (5 steps of ~0.9 s), and
the CR1 by citizen of the change fits.

2026-12-07, end of session, after the A3-A7 work of the day (one `bip analyze` of the scale-100
cohort on the quiet machine, RSS sampled each second): 285 s in all (455 s earlier the same day
under load, 407 s on 2026-12-04), peak RSS 6.9 GiB (9.49 GiB on 2026-12-04). By step (start
to start): validation 49 s (benefit_weeks 35 s), panel 25 s, A1-A3 8 s, A4 18 s, A5 20 s,
A6 35 s, A7 116 s, A8/A9, fingerprint and writing 14 s. The peak is A5's job model (6.9 GiB),
then A6 (5.8) and A7 (5.7). On the pickled panel, old and new code one after the other:
A3 19.3 -> 4.5 s, A4 34.5/45.5 -> 21.8 s, A5 ~47 -> 20.4 s, A6 ~68 -> 37 s. Fresh memory is
expensive on this VM (first touch of 1 GB measured at 2.4 s, re-faulting freed memory 0.12 s):
the allocations of N x K and clusters x K arrays are a large part of what remains. Targets
still not met: A4 <= 5 s, bip analyze <= 120 s and <= 4 GiB.

2026-12-08, after the validation speed-up and the new analyses of the night (A4's Oster delta
and citizen fixed-effects model, A5's B10/B11, out-of-sample prediction, logit AMEs and hazard
model, A6's leave-out variance and quartile tests): two `bip analyze --no-pdf` runs of the
scale-100 cohort on the quiet machine, RSS sampled each second. First run 233 s, peak 8.53 GiB
(A5's logit holding four N x K copies); then A5 let its design frames go and the logit kept
its design uncopied (results identical, compare_results 0 differences at 1e-10): second run
274 s, peak 7.38 GiB, with every step slower alike (the machine, not the code: validation
20.2 -> 27.9 s). By step (first / second run): validation 20.2 / 27.9 s (benefit_weeks
10.6 / 14.6 s; 49 s and 35 s the day before), panel 23.7 / 26.4 s, A1-A3 8.5 / 9.0 s, A4 15.2 /
18.3 s, A5 44.1 / 51.1 s (20 s before the new A5 parts), A6 30.7 / 43.6 s, A7 80.0 / 87.9 s.
The peak is A5 (7.4 GiB), then A7 and A6 (~5.9). Targets still not met.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


def cohort(scale: float, fmt: str, seed: int) -> Path:
    """Generate (or reuse) the synthetic cohort of this scale."""
    from bip.synth import generate_cohort

    path = OUT / f"cohort-s{scale:g}-{fmt}-seed{seed}"
    if not path.exists():
        t = time.monotonic()
        generate_cohort(path, scale=scale, seed=seed, fmt=fmt)
        print(f"generated {path.name} in {time.monotonic() - t:.1f}s", file=sys.stderr)
    return path


def run_analyze(dataset: Path, out: Path) -> dict:
    """One `bip analyze` in a child process: wall seconds and the child's peak RSS."""
    cmd = [sys.executable, "-m", "bip", "analyze", str(dataset), "--out", str(out), "--force"]
    t = time.monotonic()
    err = OUT / "analyze.stderr"
    with open(err, "w") as fh:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=fh)
        _, status, usage = os.wait4(proc.pid, 0)  # rusage of this child alone
    wall = time.monotonic() - t
    stderr = err.read_text()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bip analyze failed on {dataset}:\n{stderr[-4000:]}")
    peak_kib = usage.ru_maxrss
    steps = [line for line in stderr.splitlines() if line.startswith("[")]
    return {
        "dataset": str(dataset),
        "wall_s": round(wall, 2),
        "peak_rss_mib": round(peak_kib / 1024, 1),
        "bytes_on_disk": sum(f.stat().st_size for f in dataset.iterdir() if f.is_file()),
        "steps": steps,
    }


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--scales", type=float, nargs="+", default=[1, 100])
    ap.add_argument("--format", default="parquet", choices=["csv", "parquet"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dataset", type=Path, help="benchmark this dataset only")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    runs = []
    if args.dataset:
        runs.append({"scale": None, **run_analyze(args.dataset, OUT / "analyze-dataset")})
    else:
        for scale in args.scales:
            ds = cohort(scale, args.format, args.seed)
            r = {
                "scale": scale,
                "format": args.format,
                **run_analyze(ds, OUT / f"analyze-s{scale:g}"),
            }
            runs.append(r)
            print(
                f"scale {scale:g}: {r['wall_s']:.1f} s, peak RSS {r['peak_rss_mib']:.0f} MiB",
                flush=True,
            )
    base = runs[0]
    for r in runs:
        r["time_ratio_vs_first"] = round(r["wall_s"] / base["wall_s"], 2)
    info = {"cpus": os.cpu_count(), "python": sys.version.split()[0], "runs": runs}
    (OUT / "bench_analyze.json").write_text(json.dumps(info, indent=1), encoding="utf-8")
    print(json.dumps({k: v for k, v in info.items() if k != "runs"}))
    for r in runs:
        print(
            f"{r.get('scale')}: wall {r['wall_s']} s (x{r['time_ratio_vs_first']}), peak RSS {r['peak_rss_mib']} MiB"
        )
        for s in r["steps"]:
            print("   ", s)


if __name__ == "__main__":
    main()
