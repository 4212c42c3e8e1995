"""``bip calibrate DATASET [--results results.json]``."""

from __future__ import annotations

from pathlib import Path

import click

from bip.dataset import DatasetError


def _fmt(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:.0f}" if abs(x) >= 1000 else f"{x:.3g}" if abs(x) < 1 else f"{x:.2f}"


def print_summary(
    summary, *, failures_only: bool = False, with_line: bool = True, echo=click.echo
) -> None:
    """The calibration table (or only its FAIL and INCONSISTENT-SOURCE rows) and the summary
    line: what ``bip calibrate`` and ``bip demo`` print."""
    header = f"{'figure':<58} {'published':>10} {'ours':>10} {'diff':>9} {'tol':>8}  status  source"
    if not failures_only:
        echo(header)
        echo("-" * len(header))
    for r in summary.rows:
        if failures_only and r.status not in ("FAIL", "INCONSISTENT-SOURCE"):
            continue
        status = "source inconsistent" if r.status == "INCONSISTENT-SOURCE" else r.status
        echo(
            f"{r.figure:<58} {_fmt(r.published):>10} {_fmt(r.value):>10} {_fmt(r.difference):>9} "
            f"{r.tolerance:>8}  {status:<6}  {r.source}"
        )
        if r.note:
            echo(f"{'':<58}   why: {r.note}")
    if with_line:
        echo(f"\n{summary.line()}")


@click.command()
@click.argument("dataset", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--results",
    "results",
    type=click.Path(exists=True, path_type=Path),
    help="also compare figures from an analysis results.json (or its folder)",
)
@click.option(
    "--scale",
    type=float,
    default=None,
    help="cohort scale for count figures (default: from truth.json, else 1)",
)
@click.option(
    "--failures-only",
    is_flag=True,
    help="print only figures outside their tolerance and those whose source is inconsistent",
)
def calibrate(
    dataset: Path, results: Path | None, scale: float | None, failures_only: bool
) -> None:
    """Compare DATASET with every published BIP figure it can reproduce; exit 1 on any FAIL."""
    from bip.calibration import calibrate as run
    from bip.results import ResultsError

    try:
        summary = run(dataset, results, scale=scale)
    except (DatasetError, ResultsError) as e:
        raise click.ClickException(str(e)) from e
    print_summary(summary, failures_only=failures_only)
    if not summary.passed:
        raise SystemExit(1)
