"""The `bip` command. Each subcommand lives beside the code it drives."""

from __future__ import annotations

import click

from bip import __version__
from bip.analysis.cli import analyze
from bip.calibration.cli import calibrate
from bip.dataset.cli import dataset
from bip.report.cli import export, report
from bip.synth.cli import synth


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bip")
def main() -> None:
    """BIP: progression measurement, register linkage and analysis for jobcentres."""


main.add_command(dataset)
main.add_command(analyze)
main.add_command(report)
main.add_command(export)
main.add_command(synth)
main.add_command(calibrate)
