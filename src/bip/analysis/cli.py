"""`bip analyze DATASET --out DIR`: results.json and a tables page from a dataset."""

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
    from bip.analysis.run import analyze_dataset

    start = time.monotonic()

    def step(text: str) -> None:
        if not quiet:
            click.echo(f"[{time.monotonic() - start:6.1f}s] {text}", err=True)

    try:
        analyze_dataset(
            dataset,
            out,
            anonymise_jobcenters=anonymise_jobcenters,
            lang=lang,
            overwrite=force,
            progress=step,
            report=not no_report,
            pdf=not no_pdf,
        )
    except DatasetError as exc:
        echo_report(exc.report, 200)
        raise click.ClickException(
            f"{dataset} is not a valid dataset ({exc.report.summary()}); nothing written"
        ) from None
    except FileExistsError as exc:
        raise click.ClickException(str(exc)) from None
    written = ", ".join(p.name for p in sorted(out.iterdir()))
    click.echo(f"wrote {out}: {written}", err=True)
