"""``bip calibrate DATASET [--results results.json]``."""

from __future__ import annotations

from pathlib import Path

import click

from bip.dataset import DatasetError


def _fmt(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:.0f}" if abs(x) >= 1000 else f"{x:.3g}" if abs(x) < 1 else f"{x:.2f}"


@click.command()
@click.argument("dataset", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--results",
    "results",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="also compare figures from an analysis results.json",
)
@click.option(
    "--scale",
    type=float,
    default=None,
    help="cohort scale for count figures (default: from truth.json, else 1)",
)
@click.option("--failures-only", is_flag=True, help="print only figures outside their tolerance")
def calibrate(
    dataset: Path, results: Path | None, scale: float | None, failures_only: bool
) -> None:
    """Compare DATASET with every published BIP figure it can reproduce; exit 1 on any FAIL."""
    from bip.calibration import calibrate as run

    try:
        rows = run(dataset, results, scale=scale)
    except DatasetError as e:
        raise click.ClickException(str(e)) from e
    header = f"{'figure':<58} {'published':>10} {'ours':>10} {'diff':>9} {'tol':>8}  status  source"
    click.echo(header)
    click.echo("-" * len(header))
    for r in rows:
        if failures_only and r.status != "FAIL":
            continue
        click.echo(
            f"{r.figure:<58} {_fmt(r.published):>10} {_fmt(r.value):>10} {_fmt(r.difference):>9} "
            f"{r.tolerance:>8}  {r.status:<6}  {r.source}"
        )
    n_fail = sum(r.status == "FAIL" for r in rows)
    n_ok = sum(r.status == "OK" for r in rows)
    click.echo(
        f"\n{n_ok} OK, {n_fail} FAIL, {sum(r.status in ('INFO', 'MISSING') for r in rows)} info/missing "
        f"of {len(rows)} figures"
    )
    if n_fail:
        raise SystemExit(1)
