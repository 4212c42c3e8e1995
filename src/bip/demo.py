"""`bip demo`: the main job on the embedded default, end to end.

Synthetic cohort → validation → analysis (results.json, report) → calibration of the cohort
and the results against the published figures → the web tool with demo logins. Each step is
the same code a user runs one by one (`bip synth`, `bip dataset validate`, `bip analyze`,
`bip calibrate DATASET --results RESULTS`, `bip serve --demo`).
"""

from __future__ import annotations

import time
from pathlib import Path

import click


@click.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("demo"),
    show_default=True,
    help="Folder for the demo dataset, results, report and web database.",
)
@click.option(
    "--scale",
    type=click.FloatRange(min=0, min_open=True),
    default=1.0,
    show_default=True,
    help="Cohort size (1 ≈ the BIP study).",
)
@click.option(
    "--seed", type=int, default=1, show_default=True, help="Seed of the synthetic cohort."
)
@click.option(
    "--lang",
    type=click.Choice(["da", "en"]),
    default="da",
    show_default=True,
    help="Report language.",
)
@click.option("--fresh", is_flag=True, help="Regenerate the cohort and results even if they exist.")
@click.option(
    "--serve/--no-serve", default=True, show_default=True, help="Start the web tool at the end."
)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
def demo(
    out: Path, scale: float, seed: int, lang: str, fresh: bool, serve: bool, port: int
) -> None:
    """Generate a synthetic cohort, validate, calibrate, analyse, report, and serve the web tool."""
    from bip import pipeline
    from bip.calibration import CALIBRATION_FILE, calibrate, read_calibration
    from bip.calibration.cli import print_summary
    from bip.dataset import validate_dataset
    from bip.synth import generate_cohort

    start = time.monotonic()

    def say(text: str) -> None:
        click.echo(f"[{time.monotonic() - start:6.1f}s] {text}", err=True)

    dataset, results = out / "dataset", out / "results"
    if fresh or not (dataset / "truth.json").exists():
        say(f"1/5 generating the synthetic cohort (scale {scale}, seed {seed}) into {dataset}")
        generate_cohort(dataset, scale=scale, seed=seed, fmt="parquet", overwrite=True)
    else:
        say(f"1/5 reusing the cohort in {dataset} (--fresh regenerates it)")

    say("2/5 validating the dataset")
    report = validate_dataset(dataset)
    if not report.ok:
        for p in report.errors[:50]:
            click.echo(str(p), err=True)
        raise click.ClickException(f"{dataset}: {report.summary()}")
    say(f"    {dataset}: {report.summary()}")

    if fresh or not (results / "results.json").exists():
        say(f"3/5 analysing (A1–A9) and writing the report into {results}")
        done = pipeline.run(
            dataset,
            results,
            pipeline.RunOptions(lang="en" if lang == "en" else "da", calibrate=True),
            overwrite=True,
            progress=lambda s: say(f"    {s}"),
        )
        if done.pdf_missing:
            say(f"    no PDF: {done.pdf_missing} (the HTML report is complete)")
    else:
        say(f"3/5 reusing the results in {results} (--fresh recomputes them)")
    for name in ("results.json", "report.html", "report.pdf"):
        if (results / name).exists():
            say(f"    {results / name}")

    # The same comparison and summary line as `bip calibrate DATASET --results RESULTS`; the
    # analysis wrote it beside its results and the report shows it (its last section).
    say("4/5 comparing with the published BIP figures (bip calibrate --results)")
    summary = read_calibration(results / CALIBRATION_FILE)
    if summary is None:  # results from before the run calibrated itself
        summary = calibrate(dataset, results / "results.json")
    say(f"    {summary.line()} (also in the report)")
    print_summary(
        summary,
        failures_only=True,
        with_line=False,
        echo=lambda t: click.echo(f"    {t}", err=True),
    )

    if not serve:
        say("5/5 done (web tool not started: --no-serve)")
        return
    say("5/5 starting the web tool with demo logins")
    from bip.web.cli import serve as serve_cmd

    ctx = click.get_current_context()
    ctx.invoke(
        serve_cmd,
        host="127.0.0.1",
        port=port,
        workers=None,
        threads=8,
        demo=dataset,
        data_dir=out / "web",
    )
