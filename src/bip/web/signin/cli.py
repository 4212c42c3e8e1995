"""`bip two-factor reset USER`: for a user who lost the phone and the recovery codes."""

from __future__ import annotations

import getpass

import click


@click.group("two-factor")
def two_factor() -> None:
    """Two-factor login of administrators and analysts."""


@two_factor.command("reset")
@click.argument("username")
def two_factor_reset(username: str) -> None:
    """Remove USERNAME's authenticator and recovery codes; the next login sets up a new one.

    Check who is asking first (in person, or by a call back to a known number): whoever has the
    password and logs in next sets up the new authenticator."""
    from bip.web.admin_cli import _setup

    _setup(existing=True)
    from django.contrib.auth import get_user_model

    from bip.web.signin.twofactor import reset

    if not get_user_model().objects.filter(username=username).exists():
        raise click.ClickException(f"no login named {username}")
    n = reset(username, by=f"{getpass.getuser()} (command line)")
    click.echo(f"{username}: {n} removed; the next login sets up a new authenticator")
