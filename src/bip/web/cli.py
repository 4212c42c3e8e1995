"""`bip serve`, `bip export-db`, `bip import-db`: the measurement web tool from the command line."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import click


def _data_dir(data_dir: Path | None) -> Path:
    path = (data_dir or Path(os.environ.get("BIP_DATA_DIR", "bip-data"))).resolve()
    os.environ["BIP_DATA_DIR"] = str(path)
    return path


def _database_only() -> None:
    """Django for ``export-db``/``import-db``: no web secret needed, database migrated."""
    from bip.web import bootstrap

    bootstrap.setup_for_command_line()
    bootstrap.migrate()


_DATA_DIR = click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder for the SQLite database and demo secrets (default $BIP_DATA_DIR or ./bip-data).",
)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=None,
    type=click.IntRange(min=1),
    help="Server processes [default: two per CPU core, at most 8]. 1, or any number on Windows: "
    "one waitress process.",
)
@click.option(
    "--threads",
    default=None,
    type=click.IntRange(min=1),
    help="Threads per process [default: 2 with several processes, 8 in one].",
)
@click.option(
    "--demo",
    "demo",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Demo mode: on an empty database import DATASET moved to the present with its registers "
    "and run one analysis; create demo logins and citizens.",
)
@click.option(
    "--demo-analysis/--no-demo-analysis",
    default=True,
    show_default=True,
    help="With --demo: run one analysis before serving if none has finished.",
)
@_DATA_DIR
def serve(
    host: str,
    port: int,
    workers: int | None,
    threads: int | None,
    demo: Path | None,
    data_dir: Path | None,
    demo_analysis: bool = True,
) -> None:
    """Serve the measurement tool (DEBUG off): gunicorn worker processes, or waitress on Windows.

    Database from DATABASE_URL."""
    from bip.web import bootstrap

    path = _data_dir(data_dir)
    if demo is not None:
        secrets_file = bootstrap.demo_secrets(path)
        click.echo(f"demo secrets (SECRET_KEY, HMAC key) in {secrets_file} - demonstration only")
    bootstrap.setup()
    bootstrap.migrate()
    if demo is not None:
        from bip.web.demo import prepare_demo

        info = prepare_demo(demo, path, analysis=demo_analysis, echo=click.echo)
        click.echo(f"\nDemo jobcentre: {info['jobcenter']}")
        click.echo("Demo logins (new passwords on every start):")
        for role, (user, pw) in info["logins"].items():
            click.echo(f"  {role:<11} {user:<20} {pw}")
        click.echo("Demo citizens to find by CPR (fake numbers): " + ", ".join(info["cprs"]))
    from bip.web import server

    workers = workers or server.default_workers()
    if workers > 1 and not server.can_fork():
        click.echo(
            f"{workers} worker processes need gunicorn (not on Windows); serving from one process"
        )
        workers = 1
    threads = threads or server.default_threads(workers)
    click.echo(
        f"\nBIP is running on http://{host}:{port}/  ({workers} process(es) x {threads} threads; "
        "Ctrl+C stops it)"
    )
    server.serve(host, port, workers=workers, threads=threads)


@click.command("export-db")
@click.argument("out", type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True
)
@click.option("--overwrite", is_flag=True, help="Replace OUT if it exists.")
@_DATA_DIR
def export_db_cmd(out: Path, fmt: str, overwrite: bool, data_dir: Path | None) -> None:
    """Write the tool's database (DATABASE_URL) as a format-v1 dataset folder OUT."""
    from bip.dataset import validate_dataset

    _data_dir(data_dir)
    _database_only()  # a new, empty database exports as an empty (valid) dataset
    from bip.web.exchange import export_db

    try:
        export_db(out, fmt, overwrite=overwrite)
    except FileExistsError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror}") from None
    report = validate_dataset(out)
    click.echo(f"wrote {out} ({fmt}); {report.summary()}")
    if not report.ok:
        sys.exit(1)


@click.command("import-db")
@click.argument("dataset", type=click.Path(exists=True, path_type=Path))
@_DATA_DIR
def import_db_cmd(dataset: Path, data_dir: Path | None) -> None:
    """Load DATASET (a folder, or a zip of one) into the tool's database, all or nothing.

    Creates or migrates the database first."""
    from bip.dataset import DatasetError
    from bip.dataset.archive import ZipRejected, extract_dataset_zip

    _data_dir(data_dir)
    tmp = None
    folder = dataset
    if dataset.is_file():
        tmp = Path(tempfile.mkdtemp(prefix="bip-import-"))
        try:
            folder = extract_dataset_zip(dataset, tmp / "dataset", label=dataset.name)
        except ZipRejected as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise click.ClickException(f"{exc}; nothing was imported") from None
    try:
        _database_only()
        from bip.web.exchange import ImportConflict, import_db

        try:
            counts = import_db(folder, show_progress=True, warn=lambda w: click.echo(w, err=True))
        except DatasetError as exc:
            for p in exc.report.errors[:50]:
                click.echo(str(p), err=True)
            more = exc.report.n_errors - min(50, len(exc.report.errors))
            if more > 0:
                click.echo(f"... and {more} more error(s)", err=True)
            raise click.ClickException(
                f"{dataset} is not a valid dataset; nothing was imported"
            ) from None
        except ImportConflict as exc:
            raise click.ClickException(f"{exc}; nothing was imported") from None
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    click.echo("imported " + ", ".join(f"{v} {k}" for k, v in counts.items()))
