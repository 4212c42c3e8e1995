"""The one owner of a run: validate → panel → analyses → results → report and exports.

``bip analyze``, ``bip demo`` and the web tool's analysis runs all call :func:`run`; nothing
else strings the steps together. A run is all or nothing: everything is written into a
temporary folder that replaces ``out_dir`` only when every step worked, so a failed run leaves
what was there before untouched.

What a run writes (``out_dir``)::

    results.json          typed results, schema bip-results/2 (docs/results-schema.md)
    tables.html           every table, plain
    report.html, .pdf     the report (report.en.html / .en.pdf in English; docs/report.md)
    exports/panel.<fmt>   the analysis panel, when asked for (csv, dta, sav, xlsx, parquet)
    exports/dataset.zip   the dataset analysed, when asked for (web runs)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from bip import __version__
from bip.analysis import analyze_panel
from bip.calibration import CALIBRATION_FILE, Summary, write_calibration
from bip.dataset import Dataset, open_dataset
from bip.dataset.write import atomic_dir
from bip.panel import build_panel, censored_counts
from bip.results import DatasetCounts, Meta, OutcomeCoverage, Results, write_results

Progress = Callable[[str], None]
Lang = Literal["da", "en"]
Audience = Literal["analyst", "manager"]
# Validation warnings kept in results.json (all are printed while the run goes).
MAX_WARNINGS = 50


@dataclass(frozen=True, kw_only=True)
class RunOptions:
    """What a run does besides the analyses, as one frozen record (written nowhere else)."""

    lang: Lang = "da"
    audience: Audience = "analyst"
    anonymise_jobcenters: bool = False
    report: bool = True
    pdf: bool = True
    panel_exports: tuple[str, ...] = ()
    dataset_zip: bool = False
    # A synthetic cohort (truth.json beside the tables) is compared with the published figures
    # (bip.calibration) and the summary written as calibration.json, which the report shows.
    calibrate: bool = False


@dataclass(frozen=True)
class RunOutput:
    """What a finished run wrote, and what it could not."""

    out_dir: Path
    results: Results
    files: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    pdf_missing: str | None = field(default=None)  # why no PDF, when one was asked for
    calibration: Summary | None = None  # with RunOptions.calibrate on a synthetic cohort


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


def dataset_counts(ds: Dataset, panel: pd.DataFrame) -> DatasetCounts:
    """Rows of the operational tables, the measurement parts present, and outcome coverage."""

    def rows(name: str) -> int:
        return sum(b.num_rows for b in ds.batches(name))

    cover = panel.attrs.get("register_coverage")  # set by build_panel
    coverage = (
        OutcomeCoverage.model_validate(
            {
                "employment_months_last": cover["employment_months"],
                "benefit_weeks_last": cover["benefit_weeks"],
                "censored": censored_counts(panel),
            }
        )
        if cover is not None
        else None
    )

    return DatasetCounts(
        jobcenters=rows("jobcenters"),
        caseworkers=rows("caseworkers"),
        citizens=rows("citizens"),
        measurements=int(len(panel)),
        citizen_parts=int(panel["has_citizen_part"].sum()),
        caseworker_parts=int(panel["has_caseworker_part"].sum()),
        citizens_measured=int(panel["citizen_id"].nunique()),
        outcome_coverage=coverage,
    )


def analyze(
    ds: Dataset, panel: pd.DataFrame, options: RunOptions, progress: Progress | None = None
) -> Results:
    """The analyses A1-A9 on a panel, assembled with the run's meta into :class:`Results`."""
    step = progress or _quiet
    sections = analyze_panel(
        panel, anonymise_jobcenters=options.anonymise_jobcenters, progress=step
    )
    step("fingerprint")
    meta = Meta(
        bip_version=__version__,
        generated_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        dataset_path=str(ds.path.resolve()),
        dataset_fingerprint=dataset_fingerprint(ds),
        lang=options.lang,
        jobcenters_anonymised=options.anonymise_jobcenters,
        warnings=tuple(str(p) for p in ds.report.warnings[:MAX_WARNINGS]),
    )
    return Results.assemble(meta=meta, dataset=dataset_counts(ds, panel), sections=sections)


def run(
    dataset: Path | str,
    out_dir: Path | str,
    options: RunOptions | None = None,
    *,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> RunOutput:
    """Validate ``dataset``, build the panel once, analyse, and write ``out_dir`` (all or nothing).

    An invalid dataset raises :class:`bip.dataset.DatasetError` and writes nothing; an
    ``out_dir`` that exists and is not empty raises :class:`FileExistsError` unless
    ``overwrite``. Validation warnings are passed to ``progress`` as they are found, kept in
    ``results.meta.warnings`` and returned.
    """
    from bip import report
    from bip.report.export import write_frame

    options = options or RunOptions()
    step = progress or _quiet
    dataset, out_dir = Path(dataset), Path(out_dir)
    empty = out_dir.is_dir() and not any(out_dir.iterdir())
    if out_dir.exists() and not (overwrite or empty):
        raise FileExistsError(
            f"{out_dir} exists and is not empty; choose another folder or --force"
        )
    step("validating the dataset")
    ds = open_dataset(dataset, progress=lambda name: step(f"validating {name}"))
    warnings = tuple(str(p) for p in ds.report.warnings)
    for w in warnings:  # a problem's text already starts with "warning: "
        step(w if w.startswith("warning: ") else f"warning: {w}")
    panel = build_panel(ds, progress=step)
    results = analyze(ds, panel, options, progress=step)
    pdf_missing = None
    step("writing results")
    calibration = None
    with atomic_dir(out_dir, overwrite=True) as tmp:
        write_results(results, tmp / "results.json")
        if options.calibrate and (dataset / "truth.json").is_file():
            from bip.calibration import calibrate

            step("comparing with the published BIP figures")
            calibration = calibrate(dataset, tmp / "results.json")
            write_calibration(calibration, tmp / CALIBRATION_FILE)
        report.write_tables(
            results, tmp, lang=options.lang, audience=options.audience, calibration=calibration
        )
        if options.report:
            step("writing the report" + (" (HTML and PDF)" if options.pdf else " (HTML)"))
            html = report.render_report(
                results,
                tmp,
                lang=options.lang,
                audience=options.audience,
                pdf=False,
                calibration=calibration,
            )["html"]
            if options.pdf:
                try:
                    report.print_pdf(html, html.with_suffix(".pdf"))
                except report.PdfUnavailable as exc:
                    pdf_missing = str(exc)
        if options.panel_exports or options.dataset_zip:
            (tmp / "exports").mkdir()
        for fmt in options.panel_exports:
            step(f"exporting the panel ({fmt})")
            write_frame(panel, tmp / "exports" / f"panel.{fmt}", fmt, options.lang, name="panel")
        if options.dataset_zip:
            step("packing the dataset")
            shutil.make_archive(str(tmp / "exports" / "dataset"), "zip", dataset)
        files = tuple(sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*") if p.is_file()))
    return RunOutput(out_dir, results, files, warnings, pdf_missing, calibration)


def _quiet(text: str) -> None:
    """A progress callback that says nothing."""
