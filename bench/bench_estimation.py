"""The estimation engine against pyfixest on the same designs, side by side in one run.

    python bench/bench_estimation.py [--dataset DIR] [--scale 20] [--repeat 3]

Builds the analysis panel of DATASET (or of a synthetic cohort of ``--scale`` generated into a
temporary folder) and times, on the same data and in the same process:

- A4's naive model (cell means with closed-form CR1 errors, :func:`cell_means`) for all 22
  series against ``pyfixest.feols("d ~ C(combination) - 1", vcov={"CRV1": "citizen_id"})``;
- A6's fixed-effects fit (:func:`ols` with the caseworker absorbed, CR1 by citizen) against
  ``pyfixest.feols("y ~ x... | caseworker", vcov={"CRV1": "citizen"})``;
- the whole of A4 (:func:`bip.analysis.a4_combination_effects.run`).

Reported: best-of-``--repeat`` seconds and the ratio ours / pyfixest (target ≤ 0.5), plus the
largest coefficient and standard-error differences as a check that both fit the same model.
Speed is a ratio measured in this run, never an absolute threshold (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


def best(fn, repeat: int):
    """(result, best wall seconds of ``repeat`` calls)."""
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return out, min(times)


def panel_of(args) -> pd.DataFrame:
    from bip.dataset import open_dataset
    from bip.panel import build_panel

    if args.dataset:
        return build_panel(open_dataset(args.dataset))
    from bip.synth import generate_cohort

    tmp = Path(tempfile.mkdtemp(prefix="bench-estimation-"))
    return build_panel(open_dataset(generate_cohort(tmp / "c", scale=args.scale, seed=0)))


def a4_naive(panel: pd.DataFrame, repeat: int) -> dict:
    import pyfixest as pf

    from bip.analysis import a4_naive_model
    from bip.panel import ALL_ITEMS

    base = panel[panel["is_repeat"].to_numpy() & panel["combination"].notna().to_numpy()]
    res, t_ours = best(lambda: a4_naive_model(panel, standardise=False), repeat)
    df = pd.DataFrame(
        {
            "comb": base["combination"].astype(str).to_numpy(),
            "cit": pd.factorize(base["citizen_id"])[0],
            **{f"d{i}": base[f"d_{it}"].astype(float).to_numpy() for i, it in enumerate(ALL_ITEMS)},
        }
    )

    def pyfixest_all():
        return [
            pf.feols(f"d{i} ~ C(comb) - 1", data=df, vcov={"CRV1": "cit"})
            for i in range(len(ALL_ITEMS))
        ]

    pf.feols("d0 ~ C(comb) - 1", data=df.iloc[:2000], vcov={"CRV1": "cit"})  # warm-up
    refs, t_pf = best(pyfixest_all, repeat)
    worst_b = worst_se = 0.0
    for it, ref in zip(ALL_ITEMS, refs, strict=True):
        for name, b in ref.coef().items():
            code = name.rsplit("[", 1)[-1].rstrip("]").removeprefix("T.")
            row = res[it].codes[code]
            worst_b = max(worst_b, abs(row.estimate - b))
            worst_se = max(worst_se, abs(row.se - ref.se()[name]))
    return {
        "rows": len(base),
        "series": len(ALL_ITEMS),
        "ours_s": t_ours,
        "pyfixest_s": t_pf,
        "ratio": t_ours / t_pf,
        "max_coef_diff": worst_b,
        "max_se_diff": worst_se,
    }


def a6_fe(panel: pd.DataFrame, repeat: int) -> dict:
    import pyfixest as pf

    from bip.analysis import a6_caseworkers
    from bip.analysis.estimation import Clustered, ols
    from bip.panel import JOB_OUTCOME

    sample = a6_caseworkers.analysis_sample(panel)
    X = a6_caseworkers.design(sample)
    y = sample[JOB_OUTCOME].astype(float).to_numpy()
    cw, cit = sample["caseworker_id"].astype(str), sample["citizen_id"].astype(str)
    fit, t_ours = best(lambda: ols(y, X, covariance=Clustered(cit), absorb=cw), repeat)
    names = {c: f"x{i}" for i, c in enumerate(fit.names)}
    df = X[list(fit.names)].rename(columns=names).assign(y=y, cw=cw.to_numpy(), cit=cit.to_numpy())
    fml = f"y ~ {' + '.join(names.values())} | cw"
    ssc = pf.ssc(k_fixef="full")
    pf.feols(fml, data=df.iloc[:2000], vcov={"CRV1": "cit"}, ssc=ssc)  # warm-up (numba)
    ref, t_pf = best(lambda: pf.feols(fml, data=df, vcov={"CRV1": "cit"}, ssc=ssc), repeat)
    cols = list(names.values())
    return {
        "rows": len(sample),
        "regressors": len(fit.names),
        "caseworkers": int(cw.nunique()),
        "ours_s": t_ours,
        "pyfixest_s": t_pf,
        "ratio": t_ours / t_pf,
        "max_coef_diff": float(np.max(np.abs(ref.coef().reindex(cols).to_numpy() - fit.coef))),
        "max_se_diff": float(np.max(np.abs(ref.se().reindex(cols).to_numpy() - fit.se))),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", type=Path)
    ap.add_argument("--scale", type=float, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    from threadpoolctl import threadpool_limits

    from bip.analysis import a4_combination_effects

    panel = panel_of(args)
    out: dict = {"panel_rows": len(panel), "load_average_at_start": os.getloadavg()}
    with threadpool_limits(limits=1, user_api="blas"):
        out["a4_naive"] = a4_naive(panel, args.repeat)
        print("A4 naive:", json.dumps(out["a4_naive"]), flush=True)
        out["a6_fe"] = a6_fe(panel, args.repeat)
        print("A6 FE:   ", json.dumps(out["a6_fe"]), flush=True)
        _, t = best(lambda: a4_combination_effects.run(panel), 1)
    out["a4_total_s"] = t
    print(f"A4 (naive and adjusted, 22 series): {t:.2f}s", flush=True)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
