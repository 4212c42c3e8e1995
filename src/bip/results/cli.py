"""`bip results-schema`: write the JSON Schema of results.json, generated from the models."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("results-schema")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("docs/results.schema.json"),
    show_default=True,
    help="File to write.",
)
def results_schema(out: Path) -> None:
    """Write the JSON Schema (draft 2020-12) of results.json to OUT."""
    from bip.results import write_json_schema

    write_json_schema(out)
    click.echo(f"wrote {out}", err=True)
