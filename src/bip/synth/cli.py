"""``bip synth OUT [--scale S] [--seed N] [--format csv|parquet]``."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option(
    "--scale",
    type=float,
    default=1.0,
    show_default=True,
    help="size factor: 1 = ~3,700 citizens in 10 jobcentres; 100 = a whole country",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="random seed (output is deterministic)"
)
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True
)
@click.option("--overwrite", is_flag=True, help="replace OUT if it exists")
@click.option(
    "--mechanism",
    "mechanisms",
    multiple=True,
    metavar="NAME=VALUE",
    help="switch a mechanism (docs/synthetic-cohort.md), e.g. dynamic_selection=true, "
    "register_end=2017-06-30, item_shock_corr=0.2; 'legacy' = the bip-synth/1 generator",
)
def synth(
    out: Path, scale: float, seed: int, fmt: str, overwrite: bool, mechanisms: tuple[str, ...]
) -> None:
    """Write a synthetic BIP cohort (all 11 tables) and its planted truth.json to OUT."""
    from bip.synth import generate_cohort
    from bip.synth.mechanisms import Mechanisms

    if scale <= 0:
        raise click.BadParameter("must be positive", param_hint="--scale")
    try:
        mech = Mechanisms.parse(mechanisms)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--mechanism") from None
    try:
        generate_cohort(
            out,
            scale=scale,
            seed=seed,
            fmt=fmt,
            overwrite=overwrite,
            show_progress=True,
            mechanisms=mech,
        )
    except FileExistsError as e:
        raise click.ClickException(f"{e} (use --overwrite)") from e
    click.echo(f"wrote {out}")
