"""A6's leave-out (KSS) variance of caseworker effects against the planted truth, over seeds.

    nice -n 10 python bench/leave_out_a6.py [--seeds 10] [--scale 1]

For every seed a cohort is generated (bip.synth), turned into a panel and analysed by A6. The
planted variance is that of truth.json's effects of the caseworkers the leave-out estimate
uses (divisor G - 1). Writes bench/out/leave_out_a6_scale<S>.json; figures in
docs/a6-inference.md.
"""

from __future__ import annotations

import os

for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from bip.analysis import a6_caseworkers  # noqa: E402
from bip.dataset import open_dataset  # noqa: E402
from bip.panel import build_panel  # noqa: E402
from bip.synth import generate_cohort  # noqa: E402


def one_seed(seed: int, scale: float, work: Path) -> dict:
    """A6's plug-in, empirical-Bayes and leave-out spread on one cohort, and the planted one."""
    out = generate_cohort(work / f"c{seed}", scale=scale, seed=seed, fmt="parquet")
    truth = json.loads((out / "truth.json").read_text())
    a6 = a6_caseworkers.run(build_panel(open_dataset(out)), seed=seed, n_draws=200, n_perm=0)
    assert a6.beyond is not None and a6.beyond.leave_out is not None
    lo = a6.beyond.leave_out
    ids = [e.caseworker_id for e in a6.effects if e.n_citizens >= 2]
    true = pd.Series(truth["caseworker_effects"]).reindex(ids).to_numpy(dtype=float)
    return {
        "seed": seed,
        "n_caseworkers": lo.n_caseworkers,
        "planted_var": float(np.var(true, ddof=1)),
        "plug_in_var": lo.plug_in_sd**2,
        "leave_out_var": lo.leave_out_variance,
        "eb_var": a6.beyond.true_effect_sd**2,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--scale", type=float, default=1)
    a = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for s in range(a.seeds):
            rows.append(one_seed(s, a.scale, Path(tmp)))
            print(rows[-1], flush=True)
    df = pd.DataFrame(rows)
    summary = {
        k: {"mean": float(df[k].mean()), "se": float(df[k].std(ddof=1) / np.sqrt(len(df)))}
        for k in ("planted_var", "plug_in_var", "leave_out_var", "eb_var")
    }
    d = df["leave_out_var"] - df["planted_var"]
    summary["leave_out_minus_planted"] = {
        "mean": float(d.mean()),
        "se": float(d.std(ddof=1) / np.sqrt(len(d))),
    }
    print(json.dumps(summary, indent=1))
    Path("bench/out").mkdir(parents=True, exist_ok=True)
    Path(f"bench/out/leave_out_a6_scale{a.scale:g}.json").write_text(
        json.dumps({"rows": rows, "summary": summary}, indent=1)
    )


if __name__ == "__main__":
    main()
