"""`bip analyze DATASET --out DIR`: a whole run of :mod:`bip.pipeline` from the command line."""

from __future__ import annotations

import time
from pathlib import Path

import click

from bip.dataset.cli import echo_report
from bip.dataset.problems import DatasetError


@click.command()
@click.argument("dataset", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    required=True,
    help="Folder to write (results.json, tables.html, report.html, report.pdf).",
)
@click.option(
    "--anonymise-jobcenters", is_flag=True, help="Show jobcentres as A, B, C ... as in the seeds."
)
@click.option(
    "--lang",
    type=click.Choice(["da", "en"]),
    default="da",
    show_default=True,
    help="Language recorded for the report.",
)
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
@click.option("--no-report", is_flag=True, help="Only results.json and tables.html, no report.")
@click.option("--no-pdf", is_flag=True, help="The report as HTML only (no Chromium needed).")
@click.option("--quiet", is_flag=True, help="No progress lines.")
def analyze(
    dataset: Path,
    out: Path,
    anonymise_jobcenters: bool,
    lang: str,
    force: bool,
    no_report: bool,
    no_pdf: bool,
    quiet: bool,
) -> None:
    """Validate DATASET, build the panel, run the analyses and write OUT (all or nothing)."""
    from bip import pipeline

    start = time.monotonic()

    def step(text: str) -> None:
        if not quiet or text.startswith("warning: "):
            click.echo(f"[{time.monotonic() - start:6.1f}s] {text}", err=True)

    options = pipeline.RunOptions(
        lang="en" if lang == "en" else "da",
        anonymise_jobcenters=anonymise_jobcenters,
        report=not no_report,
        pdf=not no_pdf,
    )
    try:
        done = pipeline.run(dataset, out, options, overwrite=force, progress=step)
    except DatasetError as exc:
        echo_report(exc.report, 200)
        raise click.ClickException(
            f"{dataset} is not a valid dataset ({exc.report.summary()}); nothing written"
        ) from None
    except FileExistsError as exc:
        raise click.ClickException(str(exc)) from None
    warned = f", {len(done.warnings)} validation warnings (above)" if done.warnings else ""
    click.echo(f"wrote {out}: {', '.join(done.files)}{warned}", err=True)
    if done.pdf_missing:
        raise click.ClickException(
            f"no PDF written: {done.pdf_missing}. Everything else is in {out}; "
            "run again, or pass --no-pdf for HTML only"
        )
