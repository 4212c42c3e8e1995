"""`bip dataset ...`: validate and convert datasets."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bip.dataset.problems import DatasetError, Report
from bip.dataset.read import convert_dataset
from bip.dataset.validate import validate_dataset


def echo_report(report: Report, max_shown: int, errors_csv: Path | None = None) -> None:
    """Print problems (at most ``max_shown``, by file and line) and a summary to stderr."""
    files = {p.file: i for i, p in reversed(list(enumerate(report.problems)))}
    shown = sorted(report.problems, key=lambda p: (files[p.file], p.line or 0))
    for p in shown[:max_shown]:
        click.echo(str(p), err=True)
    hidden = report.n_errors + report.n_warnings - min(max_shown, len(report.problems))
    if hidden > 0:
        click.echo(
            f"... and {hidden} more problem(s); use --errors-csv FILE to get them all", err=True
        )
    if errors_csv:
        report.write_csv(errors_csv)
        click.echo(f"all {len(report.problems)} problem(s) written to {errors_csv}", err=True)
        if report.truncated:
            click.echo(
                f"({report.truncated} beyond the first {report.limit} were counted only)", err=True
            )


@click.group()
def dataset() -> None:
    """Validate and convert BIP datasets (format v1)."""


@dataset.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option(
    "--errors-csv", type=click.Path(path_type=Path), help="Write every problem to this CSV file."
)
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
@click.option(
    "--to", "fmt", type=click.Choice(["csv", "parquet"]), required=True, help="Target format."
)
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
def convert(directory: Path, out: Path, fmt: str, force: bool) -> None:
    """Validate DIRECTORY and write it as FMT to OUT (nothing is written if invalid)."""
    try:
        convert_dataset(
            directory,
            out,
            fmt,
            overwrite=force,
            progress=lambda n: click.echo(f"converting {n} ...", err=True),
        )
    except DatasetError as exc:
        echo_report(exc.report, 200)
        raise click.ClickException(f"{directory} is not a valid dataset; nothing written") from None
    except FileExistsError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {out} ({fmt})", err=True)


@dataset.command("import-dream")
@click.argument("wide_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("out_file", type=click.Path(path_type=Path))
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="CSV 'code,status' mapping every benefit code "
    "(start from `bip dataset dream-mapping-example`).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "parquet"]),
    help="Output format (default: from OUT_FILE's suffix).",
)
@click.option(
    "--id-column", default="citizen_id", show_default=True, help="Column holding the person id."
)
@click.option(
    "--week-pattern",
    "week_patterns",
    multiple=True,
    metavar="REGEX",
    help="Week column name pattern with groups (?P<year>..) and (?P<week>..); "
    "repeatable; replaces the defaults y_YYWW and YYYY-Www.",
)
@click.option("--force", is_flag=True, help="Replace OUT_FILE if it exists.")
@click.option(
    "--errors-csv", type=click.Path(path_type=Path), help="Write every problem to this CSV file."
)
def import_dream_cmd(
    wide_file: Path,
    out_file: Path,
    mapping: Path,
    fmt: str | None,
    id_column: str,
    week_patterns: tuple[str, ...],
    force: bool,
    errors_csv: Path | None,
) -> None:
    """Turn the DREAM wide file WIDE_FILE into the long benefit_weeks table OUT_FILE.

    WIDE_FILE (CSV or Parquet) has one row per person and one column per ISO week
    (y_1501 or 2015-W01 = 2015 week 1) holding a benefit code; empty = no record.
    Nothing is written if any code is unmapped or any cell is malformed.
    """
    from bip.dataset.dream import DEFAULT_WEEK_PATTERNS, import_dream
    from bip.progress import progress

    with progress("persons read") as advance:
        last = [0]

        def step(done: int) -> None:
            advance(done - last[0])
            last[0] = done

        report = import_dream(
            wide_file,
            mapping,
            out_file,
            fmt=fmt,
            id_column=id_column,
            week_patterns=week_patterns or DEFAULT_WEEK_PATTERNS,
            overwrite=force,
            progress=step,
        )
    echo_report(report, 200, errors_csv)
    if not report.ok:
        raise click.ClickException(f"{wide_file}: {report.summary()}; nothing written")
    click.echo(f"wrote {out_file}", err=True)


@dataset.command("dream-mapping-example")
def dream_mapping_example() -> None:
    """Print the shipped EXAMPLE DREAM code mapping (check it before use) to stdout."""
    from bip.dataset.dream import EXAMPLE_MAPPING

    click.echo(EXAMPLE_MAPPING.read_text(encoding="utf-8"), nl=False)


@click.command()
@click.argument("src", metavar="IN", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("out", type=click.Path(path_type=Path))
@click.option(
    "--cpr-column", default="cpr", show_default=True, help="Column holding the CPR number."
)
@click.option(
    "--key-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="File holding the HMAC key (default: environment variable BIP_HMAC_KEY).",
)
@click.option(
    "--drop-invalid",
    is_flag=True,
    help="Write the rows with valid CPR numbers and report the others (default: write nothing).",
)
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
@click.option(
    "--errors-csv", type=click.Path(path_type=Path), help="Write every problem to this CSV file."
)
def pseudonymise(
    src: Path,
    out: Path,
    cpr_column: str,
    key_file: Path | None,
    drop_invalid: bool,
    force: bool,
    errors_csv: Path | None,
) -> None:
    """Replace the CPR column of IN by the pseudonymous citizen_id and write OUT.

    IN and OUT are CSV or Parquet (by suffix). citizen_id is the HMAC-SHA-256 of the CPR
    number under the data controller's key, which is never written anywhere.
    """
    from bip.dataset.pseudonym import PseudonymKeyError, load_key
    from bip.dataset.pseudonymise import pseudonymise_file

    try:
        key = load_key(key_file)
    except PseudonymKeyError as exc:
        raise click.ClickException(str(exc)) from None
    result = pseudonymise_file(
        src, out, key, cpr_column=cpr_column, drop_invalid=drop_invalid, overwrite=force
    )
    report = result.report
    echo_report(report, 200, errors_csv)
    if result.rows_written is None:
        raise click.ClickException(f"{src}: {report.summary()}; nothing written")
    dropped = (
        f", leaving out {result.invalid_cpr} row(s) with an invalid CPR"
        if result.invalid_cpr
        else ""
    )
    click.echo(f"wrote {out}: {result.rows_written} row(s){dropped}", err=True)
