"""The `bip` command. Each subcommand lives beside the code it drives."""

from __future__ import annotations

import click

from bip import __version__
from bip.calibration.cli import calibrate
from bip.dataset.cli import dataset, pseudonymise
from bip.demo import demo
from bip.pipeline_cli import analyze
from bip.report.cli import export, report
from bip.results.cli import results_schema
from bip.synth.cli import synth
from bip.web.admin_cli import audit, create_admin, db
from bip.web.cli import export_db_cmd, import_db_cmd, serve


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bip")
def main() -> None:
    """BIP: progression measurement, register linkage and analysis for jobcentres."""


main.add_command(demo)
main.add_command(dataset)
main.add_command(pseudonymise)
main.add_command(analyze)
main.add_command(report)
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
