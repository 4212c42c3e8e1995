"""``bip report`` and ``bip export``."""

from __future__ import annotations

from pathlib import Path

import click

from bip.report.export import FORMATS, ExportError


@click.command("report")
@click.argument("results_dir", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--lang",
    type=click.Choice(["da", "en"]),
    default=None,
    help="Language of the report [default: the results' meta.lang]. Danish is written to "
    "report.html/report.pdf, English to report.en.html/report.en.pdf.",
)
@click.option(
    "--audience",
    type=click.Choice(["analyst", "manager"]),
    default="analyst",
    show_default=True,
    help="manager: cells built on fewer than 5 citizens are shown as <5.",
)
@click.option(
    "--pdf/--no-pdf", default=True, show_default=True, help="Also print the PDF with Chromium."
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder for the report (default: RESULTS_DIR).",
)
def report(
    results_dir: Path, lang: str | None, audience: str, pdf: bool, out_dir: Path | None
) -> None:
    """Render RESULTS_DIR/results.json as a self-contained HTML report, its PDF and the
    tables page (tables.html: every table and the numbers of every figure)."""
    from bip.calibration import CALIBRATION_FILE, read_calibration
    from bip.report.pdf import PdfUnavailable, print_pdf
    from bip.report.render import render_report, report_name, write_tables
    from bip.results import ResultsError, load_results

    try:
        results = load_results(results_dir)
    except ResultsError as e:
        raise click.ClickException(str(e)) from None
    lang = lang or results.meta.lang
    home = results_dir if results_dir.is_dir() else results_dir.parent
    out_dir = out_dir or home
    # the run's comparison with the published figures, when it made one (bip demo)
    cal = read_calibration(home / CALIBRATION_FILE)
    written = render_report(
        results, out_dir, lang=lang, audience=audience, pdf=False, calibration=cal
    )
    click.echo(f"wrote {written['html']}")
    tables = write_tables(results, out_dir, lang=lang, audience=audience, calibration=cal)
    click.echo(f"wrote {tables}")
    if pdf:
        try:
            click.echo(f"wrote {print_pdf(written['html'], out_dir / f'{report_name(lang)}.pdf')}")
        except PdfUnavailable as e:
            click.echo(f"PDF skipped: {e}", err=True)


@click.command("export")
@click.argument("dataset", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("out", type=click.Path(path_type=Path))
@click.option(
    "--panel",
    "what",
    flag_value="panel",
    help="Export the analysis panel (one row per measurement).",
)
@click.option("--dataset", "what", flag_value="dataset", help="Export every table of the dataset.")
@click.option("--to", "fmt", type=click.Choice(FORMATS), required=True, help="Output format.")
@click.option(
    "--lang",
    type=click.Choice(["da", "en"]),
    default="da",
    show_default=True,
    help="Language of variable and value labels (Stata, SPSS, Excel).",
)
@click.option("--overwrite", is_flag=True, help="Replace OUT if it exists.")
def export(
    dataset: Path, out: Path, what: str | None, fmt: str, lang: str, overwrite: bool
) -> None:
    """Export DATASET's analysis panel (--panel) or its tables (--dataset) to OUT.

    The panel is one file; the dataset is a folder with one file per table, or for xlsx one
    workbook with a sheet per table. Stata/SPSS/Excel files carry Danish or English labels.
    """
    from bip.dataset import DatasetError
    from bip.progress import progress
    from bip.report.export import export_dataset, export_panel

    if what is None:
        raise click.UsageError("say what to export: --panel or --dataset")
    try:
        with progress(f"export {what}") as advance:
            fn = export_panel if what == "panel" else export_dataset
            path = fn(
                dataset,
                out,
                fmt,
                lang=lang,
                overwrite=overwrite,
                progress=lambda note: advance(1, note),
            )
    except (ExportError, FileExistsError) as e:
        raise click.ClickException(str(e)) from e
    except DatasetError as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"wrote {path}")
