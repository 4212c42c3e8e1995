"""A6 on the demo-size cohort (scale 1, the demo's seed 1): this checkout against a baseline.

    nice -n 10 python bench/bench_a6_demo.py --baseline-src /work/main/src [--repeat 3]

The cohort is generated and turned into a panel once; each source tree (its ``src`` on
``PYTHONPATH``) then runs ``a6_caseworkers.run(panel)`` with its defaults ``--repeat`` times in
a child process, alternating. Printed: the best time of each and the ratio this/baseline.
"""

from __future__ import annotations

import os

for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

CHILD = """
import sys, time, pandas as pd
from bip.analysis import a6_caseworkers
panel = pd.read_pickle(sys.argv[1])
t = time.perf_counter()
a6_caseworkers.run(panel)
print(time.perf_counter() - t)
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline-src", type=Path, required=True)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    here = Path(__file__).resolve().parents[1] / "src"
    from bip.dataset import open_dataset
    from bip.panel import build_panel
    from bip.synth import generate_cohort

    with tempfile.TemporaryDirectory() as tmp:
        out = generate_cohort(Path(tmp) / "c", scale=1, seed=1, fmt="parquet")
        pkl = Path(tmp) / "panel.pkl"
        build_panel(open_dataset(out)).to_pickle(pkl)
        times: dict[str, list[float]] = {"this": [], "baseline": []}
        for _ in range(args.repeat):
            for name, src in (("baseline", args.baseline_src), ("this", here)):
                env = {**os.environ, "PYTHONPATH": str(src)}
                r = subprocess.run(
                    [sys.executable, "-c", CHILD, str(pkl)],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                times[name].append(float(r.stdout.strip().splitlines()[-1]))
    best = {k: min(v) for k, v in times.items()}
    print(f"A6 on the demo cohort: baseline {best['baseline']:.2f}s, this {best['this']:.2f}s")
    print(f"ratio this/baseline = {best['this'] / best['baseline']:.2f} (all: {times})")


if __name__ == "__main__":
    main()
