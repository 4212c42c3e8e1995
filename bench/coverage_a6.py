"""Coverage of A6's intervals over synthetic cohorts with planted caseworker effects.

    nice -n 10 python bench/coverage_a6.py [--seeds 30] [--scale 1] [--draws 2000]

For every seed a cohort is generated (bip.synth), turned into a panel and analysed by A6. The
planted values are computed from truth.json for the caseworkers A6 estimates: the SD of their
planted effects and the planted policy effect (mean planted effect of the truly best quarter
minus the caseload-weighted mean, the caseloads being A6's measurements per caseworker). We
count how often the nominal 95 % intervals cover them; the 004 delta-method interval of the raw
increase (quartiles taken as given) is counted against the same planted policy effect for
comparison. Results: bench/out/coverage_a6_scale<S>.json and docs/img/a6-coverage.png (``--figure``).
"""

from __future__ import annotations

import os

for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from bip.analysis import a6_caseworkers  # noqa: E402
from bip.analysis.a6_inference import policy_gain  # noqa: E402
from bip.dataset import open_dataset  # noqa: E402
from bip.panel import build_panel  # noqa: E402
from bip.synth import generate_cohort  # noqa: E402


def planted(a6, truth: dict) -> dict:
    """Planted SD and policy effect of the caseworkers ``a6`` estimates."""
    ids = [e.caseworker_id for e in a6.effects]
    true = pd.Series(truth["caseworker_effects"]).reindex(ids).to_numpy(dtype=float)
    true = true - true.mean()
    n_g = np.array([e.n_measurements for e in a6.effects], dtype=float)
    return {"sd": float(np.std(true, ddof=1)), "policy": float(policy_gain(true, n_g))}


def one_seed(seed: int, scale: float, draws: int, work: Path) -> dict:
    """A6 on the cohort of ``seed`` and its planted values."""
    out = generate_cohort(work / f"c{seed}", scale=scale, seed=seed, fmt="parquet")
    truth = json.loads((out / "truth.json").read_text())
    panel = build_panel(open_dataset(out))
    t0 = time.perf_counter()
    a6 = a6_caseworkers.run(panel, seed=seed, n_draws=draws)
    secs = time.perf_counter() - t0
    assert a6.beyond is not None and a6.beyond.inference is not None
    assert a6.policy_experiment is not None
    inf, pe = a6.beyond.inference, a6.policy_experiment
    p = planted(a6, truth)
    raw_ci = (pe.increase - 1.96 * pe.increase_se, pe.increase + 1.96 * pe.increase_se)
    return {
        "seed": seed,
        "a6_seconds": secs,
        "n_caseworkers": a6.n_caseworkers,
        "planted_sd": p["sd"],
        "planted_sd_all": truth["caseworker_effect_sd"],
        "planted_policy": p["policy"],
        "sd": inf.true_effect_sd,
        "sd_ci": list(inf.true_effect_sd_ci),
        "policy": inf.policy_increase,
        "policy_ci": list(inf.policy_increase_ci),
        "raw_increase": pe.increase,
        "raw_increase_ci": list(raw_ci),
        "mean_reliability": a6.beyond.mean_reliability,
    }


def covers(ci, x) -> bool:
    return ci[0] <= x <= ci[1]


def summary(rows: list[dict]) -> dict:
    n = len(rows)
    return {
        "n_seeds": n,
        "sd_coverage": sum(covers(r["sd_ci"], r["planted_sd"]) for r in rows) / n,
        "sd_coverage_all_caseworkers": sum(covers(r["sd_ci"], r["planted_sd_all"]) for r in rows)
        / n,
        "policy_coverage": sum(covers(r["policy_ci"], r["planted_policy"]) for r in rows) / n,
        "raw_delta_method_coverage": sum(
            covers(r["raw_increase_ci"], r["planted_policy"]) for r in rows
        )
        / n,
        "estimate_inside_own_interval": all(
            covers(r["sd_ci"], r["sd"]) and covers(r["policy_ci"], r["policy"]) for r in rows
        ),
        "mean_planted_sd": float(np.mean([r["planted_sd"] for r in rows])),
        "mean_sd": float(np.mean([r["sd"] for r in rows])),
        "mean_planted_policy": float(np.mean([r["planted_policy"] for r in rows])),
        "mean_policy": float(np.mean([r["policy"] for r in rows])),
        "mean_raw_increase": float(np.mean([r["raw_increase"] for r in rows])),
        "mean_sd_ci_width": float(np.mean([r["sd_ci"][1] - r["sd_ci"][0] for r in rows])),
        "mean_policy_ci_width": float(
            np.mean([r["policy_ci"][1] - r["policy_ci"][0] for r in rows])
        ),
    }


def figure(rows: list[dict], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 0.22 * len(rows) + 1.6), sharey=True)
    panels = (
        ("SD of caseworker effects", "sd", "planted_sd"),
        ("Policy effect", "policy", "planted_policy"),
    )
    for ax, (label, key, truth) in zip(axes, panels, strict=True):
        for i, r in enumerate(rows):
            lo, hi = r[f"{key}_ci"]
            ok = covers(r[f"{key}_ci"], r[truth])
            ax.plot([lo, hi], [i, i], color="#1f77b4" if ok else "#d62728", lw=2)
            ax.plot(r[key], i, "o", color="#1f77b4" if ok else "#d62728", ms=3)
            ax.plot(r[truth], i, "k|", ms=8)
        if key == "policy":
            for i, r in enumerate(rows):
                ax.plot(r["raw_increase"], i, "x", color="#7f7f7f", ms=4)
        extra = ", × raw 004 increase" if key == "policy" else ""
        ax.set_xlabel(f"{label} (share; | planted{extra})")
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(range(len(rows)), [str(r["seed"]) for r in rows], fontsize=7)
    axes[0].set_ylabel("seed")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=30)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--draws", type=int, default=2000)
    ap.add_argument("--figure", type=Path, default=Path("docs/img/a6-coverage.png"))
    args = ap.parse_args()
    rows = []
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(args.seeds):
            r = one_seed(seed, args.scale, args.draws, Path(tmp))
            rows.append(r)
            print(
                f"seed {seed}: sd {r['sd']:.4f} {np.round(r['sd_ci'], 4)} planted "
                f"{r['planted_sd']:.4f}; policy {r['policy']:.4f} {np.round(r['policy_ci'], 4)} "
                f"planted {r['planted_policy']:.4f}; raw {r['raw_increase']:.4f}",
                flush=True,
            )
    s = summary(rows)
    s.update(scale=args.scale, draws=args.draws, total_seconds=time.perf_counter() - t0)
    print(json.dumps(s, indent=1))
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    (out / f"coverage_a6_scale{args.scale:g}.json").write_text(
        json.dumps({"summary": s, "seeds": rows}, indent=1)
    )
    figure(
        rows,
        args.figure,
        f"A6 95 % intervals over {len(rows)} synthetic cohorts (scale {args.scale:g}): "
        f"SD covered {s['sd_coverage']:.0%}, policy {s['policy_coverage']:.0%}",
    )


if __name__ == "__main__":
    main()
