"""Benchmark A6's fixed-effects step against pyfixest, and A5–A7 end to end, at scale 100.

    python bench/bench_a6.py [--scale 100] [--dataset PATH] [--draws 2000]

Without ``--dataset`` a vectorised simulated panel of the size of a scale-S synthetic cohort
is built (≈ 3,700·S citizens, 300·S caseworkers, ≈ 3.7 measurements per citizen, the panel
columns A5–A7 read). With ``--dataset`` the panel is built from that dataset
(``bip.panel.build_panel``). Both FE fits use the same design matrix and clustering in the
same run; the ratio ours/pyfixest is printed (pyfixest is warmed up first so its numba
compilation is not counted). Results go to stdout and ``bench/out/bench_a6.json``.
"""

from __future__ import annotations

import os

# One BLAS thread per process unless the caller says otherwise: on a shared 2-core machine a
# multi-threaded OpenBLAS under oversubscription is 10-50x slower (measured: a 182k x 75 Gram
# matrix 14 s vs 0.3 s). Applies to both engines compared; override with OPENBLAS_NUM_THREADS.
for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

B = [f"B{i}" for i in range(1, 10)]
S = [f"S{i}" for i in range(2, 13)]
CHANNELS = ["newspapers", "internet", "unsolicited", "network", "internship", "temp_agency"]
GROUP = "OOJSJSJSHHHJJJSHJOJJO"  # S1 options 1..21


def simulate(scale: float, seed: int = 0) -> pd.DataFrame:
    """A panel with the columns A5–A7 read, vectorised (about 3.7 measurements per citizen)."""
    rng = np.random.default_rng(seed)
    n_cit, n_cw = int(3700 * scale), int(300 * scale)
    per = rng.integers(1, 7, n_cit)
    n = int(per.sum())
    cit = np.repeat(np.arange(n_cit), per)
    meas_no = np.arange(n) - np.repeat(np.cumsum(per) - per, per) + 1
    ability = rng.normal(size=n_cit)[cit]
    cw_eff = rng.normal(0, 0.06, n_cw)
    jc = rng.integers(0, max(n_cw // 30, 1), n_cit)
    home = (jc * 30 + rng.integers(0, 30, n_cit)) % n_cw
    cw = home[cit].copy()
    switch = (meas_no > 1) & (rng.random(n) < 0.15)
    cw[switch] = rng.integers(0, n_cw, switch.sum())
    # once switched, stay with the new caseworker: carry forward within citizen
    s = pd.Series(np.where(switch | (meas_no == 1), cw, -1))
    cw = s.where(s >= 0).groupby(cit).ffill().to_numpy().astype(int)
    prev = pd.Series(cw).groupby(cit).shift()
    changed = (prev.notna() & (prev != cw)).to_numpy()
    n_changes = pd.Series(changed.astype(int)).groupby(cit).cumsum().to_numpy()
    p = np.clip(0.15 + 0.05 * ability + cw_eff[cw], 0.01, 0.95) * 0.78**n_changes
    panel = pd.DataFrame(
        {
            "measurement_id": np.arange(n).astype(str),
            "citizen_id": pd.Series(cit).map("C{:07d}".format),
            "caseworker_id": pd.Series(cw).map("W{:06d}".format),
            "meas_no": meas_no,
            "is_repeat": meas_no > 1,
            "has_citizen_part": True,
            "has_caseworker_part": True,
            "cw_changed": changed,
            "n_cw_changes": n_changes,
            "job_or_education_52w": (rng.random(n) < p).astype("int8"),
            "job_13w": (rng.random(n) < p / 3).astype("int8"),
        }
    )
    for items in (B, S):
        lv = np.clip(np.round(3 + ability[:, None] + rng.normal(0, 0.7, (n, len(items)))), 1, 5)
        lv[rng.random(lv.shape) < 0.05] = np.nan
        frame = pd.DataFrame(lv, columns=items)
        d = frame - frame.groupby(cit).shift()
        panel[items] = frame
        panel[[f"d_{i}" for i in items]] = d.to_numpy()
    status = rng.choice(
        np.array(["searching", "not_searching", "no_answer"]), n, p=[0.3, 0.64, 0.06]
    )
    panel["B10_status"] = status
    for ch in CHANNELS:
        panel[f"B10_{ch}"] = ((status == "searching") & (rng.random(n) < 0.4)).astype(int)
    ticks = rng.random((n, 23)) < 0.08
    ticks[:, 21] = ~ticks[:, :21].any(axis=1)
    ticks[:, 22] = False
    for i in range(23):
        panel[f"S1_{i + 1}"] = ticks[:, i].astype(int)
    for g in "JOSH":
        cols = [i for i, x in enumerate(GROUP) if x == g]
        panel[f"act_{g}"] = ticks[:, cols].any(axis=1).astype(int)
    panel["combination"] = (
        panel["act_J"].astype(str)
        + panel["act_O"].astype(str)
        + panel["act_S"].astype(str)
        + panel["act_H"].astype(str)
    )
    bg = {
        "age": rng.uniform(25, 60, n_cit),
        "female": rng.random(n_cit) < 0.45,
        "married": rng.random(n_cit) < 0.2,
        "single_parent": rng.random(n_cit) < 0.18,
        "n_children": rng.integers(0, 4, n_cit),
    }
    for k, v in bg.items():
        panel[k] = v[cit].astype(float)
    panel["origin"] = rng.choice(
        np.array(["danish", "nonwestern_immigrant", "western_immigrant"]),
        n_cit,
        p=[0.8, 0.15, 0.05],
    )[cit]
    panel["education"] = rng.choice(
        np.array(["unskilled", "skilled", "higher"]), n_cit, p=[0.71, 0.25, 0.04]
    )[cit]
    for st in ("employed", "cash_benefit", "sickness_benefit", "education_su", "other_benefit"):
        for yrs in (3, 5):
            panel[f"share{yrs}y_{st}"] = rng.random(n_cit)[cit]
    for name in (
        "psych_F10_F19",
        "psych_F20_F29",
        "psych_F30_F39",
        "psych_F40_F49",
        "psych_F60_F69",
        "som_cancer",
        "som_diabetes",
        "som_musculo",
        "som_lung",
        "som_digestive",
        "med_lifestyle",
        "med_painkiller",
        "med_antidepressant",
        "med_antipsychotic",
        "charge_penal_5y",
        "conviction_penal_5y",
    ):
        panel[name] = (rng.random(n_cit) < 0.15)[cit].astype(float)
    panel["psych_light"] = (
        (panel["psych_F10_F19"] + panel["psych_F30_F39"] + panel["psych_F40_F49"]) > 0
    ).astype(int)
    panel["psych_severe"] = ((panel["psych_F20_F29"] + panel["psych_F60_F69"]) > 0).astype(int)
    for name in ("gp_weeks_12m", "gp_services_12m", "gp_fees_12m"):
        panel[name] = rng.poisson(6, n_cit)[cit].astype(float)
    return panel


def timed(fn, *a, **k):
    t = time.perf_counter()
    out = fn(*a, **k)
    return out, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=100)
    ap.add_argument("--dataset", type=Path)
    ap.add_argument("--draws", type=int, default=2000, help="A6 model draws")
    ap.add_argument("--skip-pyfixest", action="store_true")
    args = ap.parse_args()

    from bip.analysis import a5_job_chance, a6_caseworkers, a7_change_belief
    from bip.analysis.estimation import Clustered, ols

    report: dict = {
        "scale": args.scale,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "blas_threads": os.environ["OPENBLAS_NUM_THREADS"],
        "load_average_at_start": os.getloadavg(),
    }
    if args.dataset:
        from bip.dataset import open_dataset
        from bip.panel import build_panel

        panel, t = timed(lambda: build_panel(open_dataset(args.dataset)))
        report["panel_build_s"] = t
    else:
        panel, t = timed(simulate, args.scale)
        report["simulate_s"] = t
    report["panel_rows"] = len(panel)
    print(f"panel: {len(panel):,} rows ({t:.1f}s)", flush=True)

    sample, t_s = timed(a6_caseworkers.analysis_sample, panel)
    X, t_x = timed(a6_caseworkers.design, sample)
    y = sample["job_or_education_52w"].astype(float).to_numpy()
    report.update(
        a6_sample_rows=len(sample),
        a6_regressors=X.shape[1],
        a6_caseworkers=int(sample["caseworker_id"].nunique()),
        sample_s=t_s,
        design_s=t_x,
    )
    print(
        f"A6 sample {len(sample):,} rows × {X.shape[1]} regressors, "
        f"{report['a6_caseworkers']:,} caseworkers",
        flush=True,
    )
    fit, t_ours = timed(
        ols, y, X, covariance=Clustered(sample["citizen_id"]), absorb=sample["caseworker_id"]
    )
    report["fe_ours_s"] = t_ours
    print(f"FE (ours, within-transformation): {t_ours:.2f}s", flush=True)
    if not args.skip_pyfixest:
        import pyfixest as pf

        names = {c: f"x{i}" for i, c in enumerate(fit.names)}
        df = (
            X[list(fit.names)]
            .rename(columns=names)
            .assign(y=y, cw=sample["caseworker_id"].to_numpy(), cit=sample["citizen_id"].to_numpy())
        )
        fml = f"y ~ {' + '.join(names.values())} | cw"
        pf.feols(fml, data=df.iloc[:5000], vcov={"CRV1": "cit"})  # warm-up: numba compilation
        ref, t_pf = timed(pf.feols, fml, data=df, vcov={"CRV1": "cit"})
        diff = float(np.max(np.abs(ref.coef().reindex(list(names.values())).to_numpy() - fit.coef)))
        report.update(
            fe_pyfixest_s=t_pf,
            fe_ratio_ours_over_pyfixest=t_ours / t_pf,
            fe_max_coef_diff=diff,
            r2_diff=abs(ref._r2 - fit.r2),
        )
        print(
            f"FE (pyfixest feols): {t_pf:.2f}s  ratio ours/pyfixest = {t_ours / t_pf:.2f}  "
            f"max |Δβ| = {diff:.2e}",
            flush=True,
        )
        del df, ref

    total = 0.0
    for name, fn, kw in (
        ("A5", a5_job_chance.run, {}),
        ("A6", a6_caseworkers.run, {"n_draws": args.draws}),
        ("A7", a7_change_belief.run, {}),
    ):
        _, t = timed(fn, panel, seed=0, **kw)
        report[f"{name}_s"] = t
        total += t
        print(f"{name}: {t:.1f}s", flush=True)
    report["A5_A7_total_s"] = total
    print(f"A5–A7 total: {total:.1f}s (target < 300 s)", flush=True)
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    (out / "bench_a6.json").write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
