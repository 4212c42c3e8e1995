"""`bip retention apply`: erase the citizens with no contact for the retention period."""

from __future__ import annotations

import os

import click

DEFAULT_MONTHS = 36


@click.group("retention")
def retention() -> None:
    """The data's lifecycle: how long citizens' data is kept."""


@retention.command("apply")
@click.option(
    "--months",
    type=click.IntRange(min=1, max=1200),
    default=None,
    help=f"No contact for this many months [default: $BIP_RETENTION_MONTHS or {DEFAULT_MONTHS}].",
)
@click.option(
    "--yes", "confirmed", is_flag=True, help="Erase. Without it: a dry run, nothing changes."
)
def apply(months: int | None, confirmed: bool) -> None:
    """List, per jobcentre, the citizens with no contact for MONTHS (a dry run); with --yes,
    erase their answers, caseworker periods and pseudonyms, all or nothing, audited."""
    if months is None:
        raw = os.environ.get("BIP_RETENTION_MONTHS", str(DEFAULT_MONTHS))
        if not raw.isdigit() or not 1 <= int(raw) <= 1200:
            raise click.ClickException(f"BIP_RETENTION_MONTHS must be 1-1200 months, not {raw!r}")
        months = int(raw)
    from bip.web.admin_cli import _setup

    _setup(existing=True)
    from bip.web.api.cli import _actor
    from bip.web.core.services.retention import cutoff_for, retention_apply, retention_plan

    cutoff = cutoff_for(months)
    rows = (
        retention_apply(cutoff=cutoff, actor=_actor(), months=months)
        if confirmed
        else retention_plan(cutoff=cutoff)
    )
    verb = "erased" if confirmed else "to erase (dry run; --yes erases)"
    click.echo(f"no contact since before {cutoff} ({months} months):")
    for e in rows:
        click.echo(
            f"  {e.jobcenter_id}\t{e.citizens} citizens\t{e.measurements} measurements\t"
            f"{e.assignments} caseworker periods"
        )
    total = sum(e.citizens for e in rows)
    click.echo(f"{total} citizen(s) {verb}")
