"""`bip audit verify`, `bip db app-role`, `bip db rotate-field-key`, `bip create-admin`: the
tool's security chores."""

from __future__ import annotations

import os

import click


def _setup(*, existing: bool = False) -> None:
    """Django for these commands; ``existing``: the database must be there already."""
    from bip.web import bootstrap

    bootstrap.setup_for_command_line()
    from django.conf import settings

    db = settings.DATABASES["default"]
    if existing and db["ENGINE"].endswith("sqlite3") and not os.path.exists(db["NAME"]):
        raise click.ClickException(
            f"no database at {db['NAME']}: set DATABASE_URL or BIP_DATA_DIR, or run "
            "`bip import-db` or `bip serve` first"
        )


@click.group("audit")
def audit() -> None:
    """The web tool's audit log."""


@audit.command("verify")
def audit_verify() -> None:
    """Check the audit log's hash chain (DATABASE_URL); exit 1 at the first broken link.

    Prints the newest entry's number and hash: keep them elsewhere to notice later if the
    newest entries were removed together with the chain's head."""
    _setup(existing=True)
    from bip.web.core.audit import verify

    result = verify()
    click.echo(result.summary())
    if not result.ok:
        raise SystemExit(1)


@click.group("db")
def db() -> None:
    """The web tool's database."""


@db.command("app-role")
@click.argument("role")
@click.option(
    "--password-env",
    metavar="VAR",
    default=None,
    help="Set the role's password from this environment variable.",
)
def db_app_role(role: str, password_env: str | None) -> None:
    """Migrate, then create (or update) ROLE, the least-privileged PostgreSQL role to run the
    tool as. Run with DATABASE_URL of the database owner; then serve with DATABASE_URL of ROLE."""
    from bip.web import bootstrap

    _setup()
    bootstrap.migrate()
    from django.db import connection

    from bip.web.dbrole import grant_app_role

    password = os.environ.get(password_env) if password_env else None
    if password_env and not password:
        raise click.ClickException(f"the environment variable {password_env} is empty or unset")
    try:
        for stmt in grant_app_role(connection, role, password=password):
            click.echo(stmt)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"done: serve with DATABASE_URL=postgres://{role}@<host>/{connection.settings_dict['NAME']}"
    )


@db.command("rotate-field-key")
def db_rotate_field_key() -> None:
    """Re-encrypt citizens' names with the first field key and rebuild their search index.

    Put the new key first in BIP_FIELD_KEY (or the key file), keep the old one after it, run
    this, then remove the old key (docs/security.md).
    """
    _setup(existing=True)
    from bip.web.core import fieldcrypt

    try:
        n = fieldcrypt.rotate_all()
    except fieldcrypt.FieldKeyError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{n} citizens' names re-encrypted with the current field key")


@click.command("create-admin")
@click.argument("username")
@click.option("--name", "full_name", default="", help="The administrator's name.")
def create_admin(username: str, full_name: str) -> None:
    """Create an administrator login from the command line (active at once; asks for the
    password). Create two: a login made on the web waits for a second administrator."""
    from bip.web import bootstrap

    _setup()
    bootstrap.migrate()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.contrib.auth.validators import UnicodeUsernameValidator
    from django.core.exceptions import ValidationError

    from bip.web.core.services import user_create

    try:
        UnicodeUsernameValidator()(username)
    except ValidationError as exc:
        raise click.ClickException(f"{username!r}: {' '.join(exc.messages)}") from exc
    if get_user_model().objects.filter(username=username).exists():
        raise click.ClickException(f"the user name {username} is taken")
    password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    first, _sep, last = full_name.partition(" ")
    try:
        validate_password(
            password, user=get_user_model()(username=username, first_name=first, last_name=last)
        )
    except ValidationError as exc:
        raise click.ClickException(" ".join(exc.messages)) from exc
    user_create(
        created_by=None,
        username=username,
        password=password,
        role="admin",
        full_name=full_name,
        approved=True,
    )
    click.echo(f"administrator {username} created")
