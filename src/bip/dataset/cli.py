"""`bip dataset ...`: validate and convert datasets."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bip.dataset.problems import DatasetError, Report
from bip.dataset.read import convert_dataset
from bip.dataset.validate import validate_dataset


def echo_report(report: Report, max_shown: int, errors_csv: Path | None = None) -> None:
    """Print problems (at most ``max_shown``) and a summary to stderr."""
    for p in report.problems[:max_shown]:
        click.echo(str(p), err=True)
    hidden = report.n_errors + report.n_warnings - min(max_shown, len(report.problems))
    if hidden > 0:
        click.echo(f"... and {hidden} more problem(s); use --errors-csv FILE to get them all", err=True)
    if errors_csv:
        report.write_csv(errors_csv)
        click.echo(f"all {len(report.problems)} problem(s) written to {errors_csv}", err=True)
        if report.truncated:
            click.echo(f"({report.truncated} beyond the first {report.limit} were counted only)", err=True)


@click.group()
def dataset() -> None:
    """Validate and convert BIP datasets (format v1)."""


@dataset.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--errors-csv", type=click.Path(path_type=Path), help="Write every problem to this CSV file.")
@click.option("--max-shown", default=200, show_default=True, help="Problems printed on screen.")
@click.option("--quiet", is_flag=True, help="No progress lines.")
def validate(directory: Path, errors_csv: Path | None, max_shown: int, quiet: bool) -> None:
    """Check every table of DIRECTORY; exit 1 if there are errors."""
    def show(name: str) -> None:
        if not quiet:
            click.echo(f"checking {name} ...", err=True)

    report = validate_dataset(directory, progress=show)
    echo_report(report, max_shown, errors_csv)
    click.echo(f"{directory}: {report.summary()}", err=True)
    sys.exit(0 if report.ok else 1)


@dataset.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--to", "fmt", type=click.Choice(["csv", "parquet"]), required=True, help="Target format.")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
def convert(directory: Path, out: Path, fmt: str, force: bool) -> None:
    """Validate DIRECTORY and write it as FMT to OUT (nothing is written if invalid)."""
    try:
        convert_dataset(directory, out, fmt, overwrite=force,
                        progress=lambda n: click.echo(f"converting {n} ...", err=True))
    except DatasetError as exc:
        echo_report(exc.report, 200)
        raise click.ClickException(f"{directory} is not a valid dataset; nothing written") from None
    except FileExistsError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {out} ({fmt})", err=True)
