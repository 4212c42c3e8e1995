"""The `bip` command. Each subcommand lives beside the code it drives.

Every subcommand runs with a private umask (files 0600, folders 0700: :mod:`bip.private`), and
every error reaches the user as one line (``Error: ...``), never as a traceback; set
``BIP_TRACEBACK=1`` to see the traceback of an unexpected error.
"""

from __future__ import annotations

import os

import click

from bip import __version__
from bip.calibration.cli import calibrate
from bip.dataset.cli import dataset, pseudonymise
from bip.demo import demo
from bip.pipeline_cli import analyze
from bip.private import private_files
from bip.replicate.cli import replicate
from bip.report.cli import export, report
from bip.results.cli import results_schema
from bip.synth.cli import synth
from bip.web.admin_cli import audit, create_admin, db
from bip.web.api.cli import api_token
from bip.web.cli import export_db_cmd, import_db_cmd, serve
from bip.web.lifecycle_cli import retention
from bip.web.signin.cli import two_factor

TRACEBACK_ENV = "BIP_TRACEBACK"
# Errors whose message is meant for the user as it is (a missing setting, not a bug).
_PLAIN = ("ImproperlyConfigured",)


def one_line(exc: BaseException) -> str:
    """A one-line message for ``exc``: what failed and where, without a traceback."""
    if isinstance(exc, OSError) and exc.strerror:
        where = " -> ".join(str(f) for f in (exc.filename, exc.filename2) if f is not None)
        return f"{where}: {exc.strerror}" if where else exc.strerror
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    if isinstance(exc, OSError | ValueError | LookupError | RuntimeError) or _plain(exc):
        return text
    return f"{exc.__class__.__name__}: {text}"


def _plain(exc: BaseException) -> bool:
    return type(exc).__name__ in _PLAIN


class BipGroup(click.Group):
    """The top-level group: a private umask for every subcommand, one-line errors."""

    def invoke(self, ctx: click.Context):
        old = private_files()
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:  # last resort: anything a subcommand did not turn into a message
            if os.environ.get(TRACEBACK_ENV):
                raise
            raise click.ClickException(
                one_line(exc)
                + (
                    ""
                    if isinstance(exc, OSError) or _plain(exc)
                    else f" (set {TRACEBACK_ENV}=1 for details)"
                )
            ) from None
        finally:
            os.umask(old)


@click.group(cls=BipGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bip")
def main() -> None:
    """BIP: progression measurement, register linkage and analysis for jobcentres."""


main.add_command(demo)
main.add_command(dataset)
main.add_command(pseudonymise)
main.add_command(analyze)
main.add_command(report)
main.add_command(replicate)
main.add_command(results_schema)
main.add_command(export)
main.add_command(synth)
main.add_command(calibrate)
main.add_command(serve)
main.add_command(export_db_cmd)
main.add_command(import_db_cmd)
main.add_command(audit)
main.add_command(db)
main.add_command(create_admin)
main.add_command(api_token)
main.add_command(retention)
main.add_command(two_factor)
