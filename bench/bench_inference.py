"""Coverage of A4's and A5's inference by simulation, with the figures of docs/estimation.md.

    python bench/bench_inference.py [--seeds 2000] [--families 1500] [--a4-scale S]

1. CR2 with Bell–McCaffrey df vs CR1 with t(G − 1) on small planted cells (6, 10 and 16
   citizens; :mod:`tests.analysis.cr2_sim`): coverage of nominal 95 % intervals per cell.
2. The multiplicity rule on simulated families of 30 correlated t statistics (10 true effects,
   df 4–40, correlation 0 and 0.6): familywise error of the Romano–Wolf stepdown, coverage of
   the simultaneous band, and the share of families where a coefficient alone rejects a true
   null.

3. With ``--a4-scale S``: A4 in whole on a scale-S synthetic cohort (seed 1) with the CR2 and
   multiplicity step switched off and on in the same run (best of 2 each; the ratio).

Writes ``docs/img/cr2-coverage.png`` and ``bench/out/bench_inference.json``; prints the table.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from scipy import stats

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bip.analysis import multiplicity  # noqa: E402
from tests.analysis.cr2_sim import SMALL_CITIZENS, coverage  # noqa: E402


def families(reps: int, rho: float, seed: int = 0) -> dict[str, float]:
    """Familywise error, band coverage and unadjusted error over ``reps`` families."""
    rng = np.random.default_rng(seed)
    p = 30
    df = np.linspace(4, 40, p)
    effect = np.r_[np.full(10, 4.0), np.zeros(p - 10)]
    r = np.full((p, p), rho) + (1 - rho) * np.eye(p)
    fwe = cover = alone = 0
    for _ in range(reps):
        b = effect + rng.multivariate_normal(np.zeros(p), r)
        se = np.sqrt(rng.chisquare(df) / df)
        fam = multiplicity.family(b, se, df, r, draws=2000, seed=int(rng.integers(1 << 30)))
        fwe += bool((fam.p_familywise[10:] < 0.05).any())
        cover += bool(np.all((fam.band_low <= effect) & (effect <= fam.band_high)))
        alone += bool((2 * stats.t.sf(np.abs(b[10:] / se[10:]), df[10:]) < 0.05).any())
    return {"familywise_error": fwe / reps, "band_coverage": cover / reps, "alone": alone / reps}


def a4_ratio(scale: float) -> dict[str, float]:
    """A4's run time without and with the CR2 step (best of 2 each, interleaved)."""
    import tempfile
    import time

    import bip.analysis.a4_inference as inference
    from bip.analysis import a4_combination_effects as a4
    from bip.analysis.estimation import EstimationError
    from bip.dataset import open_dataset
    from bip.panel import build_panel
    from bip.synth import generate_cohort

    with tempfile.TemporaryDirectory() as tmp:
        panel = build_panel(open_dataset(generate_cohort(Path(tmp) / "c", scale=scale, seed=1)))
    real = inference.cell_cr2

    def off(*args, **kwargs):
        raise EstimationError("switched off for the baseline")

    best: dict[str, float] = {}
    try:
        for name in ("without", "with", "without", "with"):
            inference.cell_cr2 = off if name == "without" else real  # type: ignore[assignment]
            t = time.perf_counter()
            a4.run(panel)
            best[name] = min(best.get(name, np.inf), time.perf_counter() - t)
    finally:
        inference.cell_cr2 = real
    return {"rows": len(panel), **best, "ratio": best["with"] / best["without"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=2000)
    ap.add_argument("--families", type=int, default=1500)
    ap.add_argument("--a4-scale", type=float, default=None)
    a = ap.parse_args()
    if a.a4_scale is not None:
        print(json.dumps({"a4": a4_ratio(a.a4_scale)}, indent=2))
        return
    cov = coverage(range(a.seeds))
    fam = {str(rho): families(a.families, rho, seed=7) for rho in (0.0, 0.6)}
    out = {
        "cr2": {
            "seeds": a.seeds,
            "citizens": list(SMALL_CITIZENS),
            "coverage_cr2": cov["cr2"].tolist(),
            "coverage_cr1": cov["cr1"].tolist(),
            "mean_bm_df": cov["df"].tolist(),
        },
        "families": {"reps": a.families, **fam},
    }
    (ROOT / "bench" / "out").mkdir(exist_ok=True)
    (ROOT / "bench" / "out" / "bench_inference.json").write_text(json.dumps(out, indent=2))
    print(json.dumps(out, indent=2))
    _figure(cov, a.seeds)


def _figure(cov, seeds: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.2), dpi=120)
    x = np.arange(len(SMALL_CITIZENS))
    mc = 2 * np.sqrt(0.95 * 0.05 / seeds)
    ax.axhspan(0.95 - mc, 0.95 + mc, color="0.9")
    ax.axhline(0.95, color="0.4", lw=0.8)
    ax.plot(x, cov["cr1"], "s--", color="#b2182b", label="CR1, t(G − 1)")
    ax.plot(x, cov["cr2"], "o-", color="#2166ac", label="CR2, Bell–McCaffrey df")
    ax.set_xticks(
        x,
        [
            f"{c} citizens\n(mean df {d:.1f})"
            for c, d in zip(SMALL_CITIZENS, cov["df"], strict=True)
        ],
    )
    ax.set_ylabel("coverage of 95 % intervals")
    ax.set_ylim(0.8, 1.0)
    ax.set_title(f"Small planted cells, {seeds:,} simulated samples", fontsize=10)
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(ROOT / "docs" / "img" / "cr2-coverage.png")


if __name__ == "__main__":
    main()
