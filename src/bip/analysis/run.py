"""Run every analysis on a dataset and write ``results.json`` and ``tables.html``, all or nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from threadpoolctl import threadpool_limits

from bip import __version__
from bip.analysis import (
    a1_progression,
    a2_activities,
    a3_background,
    a4_combination_effects,
    a8_cohort,
    a9_data_quality,
)
from bip.analysis.tables_html import render_tables
from bip.dataset import Dataset, open_dataset
from bip.dataset.write import atomic_dir
from bip.panel import ALL_ITEMS, build_panel
from bip.report.results import SCHEMA_ID, clean, validate_results, write_results

# Sections written by other modules (A5-A7). Each is optional until its module exists; a
# module that exists must work (an exception stops the run: no partial output).
OPTIONAL_SECTIONS = {
    "a5_job_chance": "bip.analysis.a5_job_chance",
    "a6_caseworkers": "bip.analysis.a6_caseworkers",
    "a7_change_belief": "bip.analysis.a7_change_belief",
}


def dataset_fingerprint(ds: Dataset) -> str:
    """SHA-256 over the table files' names and bytes (identifies the data analysed)."""
    h = hashlib.sha256()
    for name in sorted(ds.files):
        tf = ds.files[name]
        h.update(f"{name}\0{tf.path.name}\0".encode())
        with open(tf.path, "rb") as fh:
            while chunk := fh.read(1 << 22):
                h.update(chunk)
    return "sha256:" + h.hexdigest()


def analyze_panel(
    panel: pd.DataFrame,
    *,
    anonymise_jobcenters: bool = False,
    step: Callable[[str], None] = lambda s: None,
) -> dict:
    """Every analysis section on a panel (no meta, no dataset counts)."""
    # The regressions' BLAS work is small K x K products and N x K passes; BLAS threads only
    # add contention (A4 measured 3x slower with 2 threads on a shared 2-core machine).
    with threadpool_limits(limits=1, user_api="blas"):
        return _sections(panel, anonymise_jobcenters, step)


def _sections(panel: pd.DataFrame, anonymise_jobcenters: bool, step: Callable[[str], None]) -> dict:
    sections: dict = {}
    step("A1 progression")
    sections["a1_progression"] = a1_progression.run(panel)
    step("A2 activities")
    sections["a2_activities"] = a2_activities.run(panel)
    step("A3 background by activity group")
    sections["a3_background"] = a3_background.run(panel, anonymise_jobcenters=anonymise_jobcenters)
    step("A4 combination effects")
    sections["a4_combination_effects"] = a4_combination_effects.run(panel)
    for key, module in OPTIONAL_SECTIONS.items():
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            sections[key] = None
            continue
        step(key.replace("_", " ", 1))
        sections[key] = mod.run(panel)
    step("A8 cohort profile")
    sections["a8_cohort"] = a8_cohort.run(panel)
    step("A9 data quality")
    sections["a9_data_quality"] = a9_data_quality.run(
        panel, anonymise_jobcenters=anonymise_jobcenters
    )
    return sections


def spec_keys(ds_counts: dict, sections: dict) -> dict:
    """The SPEC §6 top-level keys, taken from the sections."""
    a1, a2, a4 = (
        sections["a1_progression"],
        sections["a2_activities"],
        sections["a4_combination_effects"],
    )
    progression = {
        item: {
            k: a1["items"][item][k]
            for k in ("mean", "n", "n_citizens", "share_unchanged", "share_up", "share_down")
        }
        for item in ALL_ITEMS
    }
    combinations = {code: dict(v) for code, v in a2["codes"].items()}
    effects = {
        item: {
            code: {
                "d": r["estimate"],
                "ci_low": r["ci_low"],
                "ci_high": r["ci_high"],
                "n": r["n"],
                "n_citizens": r["n_citizens"],
                "percentile": r["percentile"],
            }
            for code, r in a4["naive"][item]["codes"].items()
        }
        for item in ALL_ITEMS
    }
    a5, a6, a7 = (
        sections.get("a5_job_chance"),
        sections.get("a6_caseworkers"),
        sections.get("a7_change_belief"),
    )

    def pick(key: str, *candidates):
        for c in candidates:
            if isinstance(c, dict) and isinstance(c.get(key), dict):
                return c[key]
        return None

    return {
        "dataset": ds_counts,
        "progression": progression,
        "mean_weeks_between": a1["weeks_between"]["mean"],
        "combinations": combinations,
        "combination_effects": effects,
        "caseworker_effectiveness": pick("caseworker_effectiveness", a6),
        "caseworker_change": pick("caseworker_change", a7),
        "belief": pick("belief", a7, a5),
    }


def dataset_counts(ds: Dataset, panel: pd.DataFrame) -> dict:
    """Row counts of the operational tables and the parts present (SPEC §6 ``dataset``)."""

    def rows(name: str) -> int:
        return sum(b.num_rows for b in ds.batches(name))

    return {
        "jobcenters": rows("jobcenters"),
        "caseworkers": rows("caseworkers"),
        "citizens": rows("citizens"),
        "measurements": int(len(panel)),
        "citizen_parts": int(panel["has_citizen_part"].sum()),
        "caseworker_parts": int(panel["has_caseworker_part"].sum()),
        "citizens_measured": int(panel["citizen_id"].nunique()),
    }


def analyze_dataset(
    path: Path | str,
    out_dir: Path | str,
    *,
    anonymise_jobcenters: bool = False,
    lang: str = "da",
    overwrite: bool = False,
    progress: Callable[[str], None] | None = None,
    report: bool = True,
    pdf: bool = True,
) -> Path:
    """Validate the dataset at ``path``, build the panel, run A1-A9 and write ``out_dir``.

    ``out_dir`` receives ``results.json`` (schema bip-results/1), ``tables.html`` and, unless
    ``report`` is false, the report (``report.html``, and ``report.pdf`` when ``pdf`` is true
    and Chromium is available). It is
    written into a temporary folder that replaces ``out_dir`` only when everything worked;
    an invalid dataset raises :class:`bip.dataset.DatasetError` and writes nothing.
    """
    step = progress or (lambda s: None)
    out_dir = Path(out_dir)
    if out_dir.exists() and not overwrite:
        raise FileExistsError(f"{out_dir} exists; choose another folder or allow overwriting")
    step("validating dataset")
    ds = open_dataset(path, progress=lambda name: step(f"validating {name}"))
    panel = build_panel(ds, progress=step)
    sections = analyze_panel(panel, anonymise_jobcenters=anonymise_jobcenters, step=step)
    step("fingerprint")
    results = {
        **spec_keys(dataset_counts(ds, panel), sections),
        **sections,
        "meta": {
            "schema": SCHEMA_ID,
            "bip_version": __version__,
            "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "dataset_path": str(Path(path).resolve()),
            "dataset_fingerprint": dataset_fingerprint(ds),
            "lang": lang,
            "jobcenters_anonymised": bool(anonymise_jobcenters),
            "warnings": [str(p) for p in ds.report.warnings[:50]],
        },
    }
    results = clean(results)
    step("checking results against the schema")
    validate_results(results)
    step("writing results")
    with atomic_dir(out_dir, overwrite=overwrite) as tmp:
        write_results(results, tmp / "results.json")
        (tmp / "tables.html").write_text(render_tables(results), encoding="utf-8")
        if report:
            from bip.report.render import render_report

            step("writing the report" + (" (HTML and PDF)" if pdf else " (HTML)"))
            render_report(results, tmp, lang=lang, pdf=pdf)
    return out_dir
