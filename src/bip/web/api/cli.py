"""`bip api-token create|list|revoke`: the administrator's API tokens, from the command line."""

from __future__ import annotations

import getpass

import click

from bip.web.api.scopes import SCOPES


def _actor() -> str:
    """Who runs the command, for the audit log (the operating-system user)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:-"


def _setup() -> None:
    from bip.web import bootstrap

    bootstrap.setup_for_command_line()
    bootstrap.migrate()


@click.group("api-token")
def api_token() -> None:
    """Tokens of the systems that call the JSON API (/api/v1/)."""


@api_token.command("create")
@click.argument("name")
@click.option("--jobcentre", "jobcenter_id", required=True, help="The one jobcentre it reaches.")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    type=click.Choice(list(SCOPES)),
    help="What it may do (repeat the option for more): "
    + "; ".join(f"{k}: {v}" for k, v in SCOPES.items()),
)
@click.option("--days", default=365, show_default=True, type=int, help="Valid this many days.")
def create(name: str, jobcenter_id: str, scopes: tuple[str, ...], days: int) -> None:
    """Create the token NAME (one per connected system) and print it, once."""
    _setup()
    from bip.web.api.tokens import TokenError, token_create

    try:
        new = token_create(
            actor=_actor(), name=name, jobcenter_id=jobcenter_id, scopes=list(scopes), days=days
        )
    except TokenError as exc:
        raise click.ClickException(str(exc)) from None
    t = new.token
    click.echo(
        f"token {t.name} for {t.jobcenter.jobcenter_id}, scopes {' '.join(t.scopes)}, "
        f"valid until {t.expires_at:%Y-%m-%d}"
    )
    click.echo("Give this to the system's administrator now; it is not stored and is shown once:")
    click.echo(new.secret)


@api_token.command("list")
@click.option("--jobcentre", "jobcenter_id", default=None, help="Only this jobcentre's tokens.")
def list_tokens(jobcenter_id: str | None) -> None:
    """Every token: name, jobcentre, scopes, state, expiry (never the secret)."""
    _setup()
    from bip.web.api.tokens import tokens
    from bip.web.core.models import Jobcenter

    if jobcenter_id and not Jobcenter.objects.filter(jobcenter_id=jobcenter_id).exists():
        raise click.ClickException(f"no jobcentre {jobcenter_id!r}")
    rows = [t for t in tokens() if jobcenter_id in (None, t.jobcenter.jobcenter_id)]
    for t in rows:
        click.echo(
            f"{t.name}\t{t.jobcenter.jobcenter_id}\tbip_{t.prefix}_...\t{' '.join(t.scopes)}\t"
            f"{t.state()}\texpires {t.expires_at:%Y-%m-%d}\tmade by {t.created_by}"
        )
    click.echo(f"{len(rows)} token(s)")


@api_token.command("revoke")
@click.argument("name")
def revoke(name: str) -> None:
    """Revoke the token NAME at once; calls with it are refused from now on."""
    _setup()
    from bip.web.api.tokens import TokenError, token_revoke

    try:
        token_revoke(actor=_actor(), name=name)
    except TokenError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"token {name} revoked")
