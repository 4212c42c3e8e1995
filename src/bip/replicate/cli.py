"""`bip replicate RESULTS_DIR --out PKG`: the replication package of an analysis run."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("results_dir", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out", "out", type=click.Path(path_type=Path), required=True, help="Folder to write."
)
@click.option(
    "--dataset",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="The dataset analysed (default: the one named in results.json).",
)
@click.option(
    "--lang",
    type=click.Choice(["da", "en"]),
    default="en",
    show_default=True,
    help="Language of the Stata labels (the codebook has both).",
)
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
def replicate(results_dir: Path, out: Path, dataset: Path | None, lang: str, force: bool) -> None:
    """Write the replication package of RESULTS_DIR (what `bip analyze` wrote) to OUT: panel
    (CSV, Stata, Parquet), codebook, BIP's estimates, replicate.R, replicate.do, README."""
    from bip.replicate import build_package

    def step(text: str) -> None:
        click.echo(text, err=True)

    path = build_package(
        results_dir, out, dataset=dataset, lang=lang, overwrite=force, progress=step
    )
    click.echo(f"wrote {path}")
