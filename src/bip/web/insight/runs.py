"""``bip analyze`` started from the tool, as a background thread tracked by an AnalysisRun row.

The run exports the database with the active register uploads (:func:`write_current_dataset`),
runs :func:`bip.analysis.run.analyze_dataset`, renders the report
(:func:`bip.report.render.render_report`, HTML and - when Chromium is there - PDF) and writes
the analysis panel as exports. Everything is written into ``runs/<id>.tmp`` and renamed to
``runs/<id>`` only when all of it worked, so a run is either complete or failed with its log.
Progress is written to the row after every step; the page polls it by refreshing itself.
One run at a time: a second start while one is queued or running is refused.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import threading
import traceback
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from bip.web.insight.models import AnalysisRun, RunStatus

# Progress steps a run reports without registers (export, validation of the four operational
# tables, panel, A1-A9, results, report, exports); each register table adds one validation step.
# Only used to draw the progress bar.
BASE_STEPS = 23


def expected_steps(run: AnalysisRun) -> int:
    return BASE_STEPS + (len(run.registers.split(", ")) if run.registers else 0)


DEFAULT_EXPORT_FORMATS = ("csv", "dta")
DOWNLOADS = {
    "report.html": "report/report.html",
    "report.pdf": "report/report.pdf",
    "results.json": "results/results.json",
    "tables.html": "results/tables.html",
    **{f"panel.{f}": f"exports/panel.{f}" for f in ("csv", "dta", "sav", "xlsx", "parquet")},
}

_threads: dict[int, threading.Thread] = {}
_results_cache: dict = {}


class RunBusy(RuntimeError):
    """An analysis run is already queued or running."""


def _worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(worker: str) -> bool:
    """Whether the process that took a run still exists (unknown host: assume it does)."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    if int(pid) == os.getpid():
        return any(t.is_alive() for t in _threads.values()) or not _threads
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start_run(user, *, lang: str = "da", background: bool = True) -> AnalysisRun:
    """Create a run and start it after the request's transaction commits (or now, in-line).

    A queued or running run whose process is gone (server stopped) is marked failed first.
    """
    with transaction.atomic():
        busy = list(
            AnalysisRun.objects.select_for_update().filter(
                status__in=(RunStatus.QUEUED, RunStatus.RUNNING)
            )
        )
        for old in busy:
            if old.worker and not _alive(old.worker):
                old.status = RunStatus.FAILED
                old.log += "\ninterrupted: the server process running it stopped"
                old.finished_at = timezone.now()
                old.save()
        if any(old.status != RunStatus.FAILED for old in busy):
            raise RunBusy("an analysis is already running")
        run = AnalysisRun.objects.create(
            started_by=user, lang=lang, step="queued", worker=_worker_id()
        )
    if not background:
        execute(run.pk)
        run.refresh_from_db()
        return run

    def launch():
        t = threading.Thread(
            target=_thread_main, args=(run.pk,), name=f"bip-analysis-{run.pk}", daemon=True
        )
        _threads[run.pk] = t
        t.start()

    transaction.on_commit(launch)
    return run


def _thread_main(run_id: int) -> None:
    close_old_connections()
    try:
        execute(run_id)
    finally:
        _threads.pop(run_id, None)
        connection.close()


def execute(run_id: int) -> None:
    """Do the run: dataset → analyze_dataset → report → exports; the row follows every step."""
    from bip.analysis.run import analyze_dataset
    from bip.dataset import open_dataset
    from bip.panel import build_panel
    from bip.report.export import write_frame
    from bip.report.render import render_report
    from bip.web.insight.current import active_uploads, write_current_dataset

    run = AnalysisRun.objects.get(pk=run_id)
    log: list[str] = []

    def step(text: str) -> None:
        run.steps_done += 1
        run.step = text[:200]
        log.append(f"{dt.datetime.now().strftime('%H:%M:%S')} {text}")
        run.log = "\n".join(log)
        run.save(update_fields=["steps_done", "step", "log"])

    final = run.folder
    tmp = final.with_name(final.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    run.status = RunStatus.RUNNING
    run.save(update_fields=["status"])
    try:
        step("exporting the tool's data")
        uploads = active_uploads()
        dataset = write_current_dataset(tmp / "dataset", "parquet")
        run.registers = ", ".join(u.table for u in uploads)[:300]
        run.save(update_fields=["registers"])
        analyze_dataset(dataset, tmp / "results", lang=run.lang, progress=step)
        results = json.loads((tmp / "results" / "results.json").read_text(encoding="utf-8"))
        step("report")
        written = render_report(
            results,
            tmp / "report",
            lang=run.lang,
            audience="analyst",
            pdf=getattr(settings, "BIP_RUN_PDF", True),
        )
        if "pdf" not in written:
            log.append("PDF skipped: Chromium is not available; the HTML report is complete")
        step("exports")
        panel = build_panel(open_dataset(dataset))
        (tmp / "exports").mkdir()
        for fmt in getattr(settings, "BIP_RUN_EXPORT_FORMATS", DEFAULT_EXPORT_FORMATS):
            write_frame(panel, tmp / "exports" / f"panel.{fmt}", fmt, run.lang, name="panel")
        shutil.make_archive(str(tmp / "exports" / "dataset"), "zip", dataset)
        shutil.rmtree(final, ignore_errors=True)
        tmp.rename(final)
        run.fingerprint = results["meta"]["dataset_fingerprint"][:80]
        run.n_measurements = results["dataset"]["measurements"]
        run.status = RunStatus.DONE
        log.append("done")
    except Exception as exc:  # the run fails as a whole; its log says why
        shutil.rmtree(tmp, ignore_errors=True)
        run.status = RunStatus.FAILED
        log.append(f"FAILED: {exc.__class__.__name__}: {exc}")
        log.append(traceback.format_exc(limit=8))
    run.finished_at = timezone.now()
    run.log = "\n".join(log)
    run.save()


def download_path(run: AnalysisRun, name: str) -> Path | None:
    """The file behind a download name of a finished run, or None."""
    rel = DOWNLOADS.get(name)
    if name == "dataset.zip":
        rel = "exports/dataset.zip"
    if rel is None or run.status != RunStatus.DONE:
        return None
    p = run.folder / rel
    return p if p.is_file() else None


def available(run: AnalysisRun) -> list[str]:
    """Download names present for a finished run."""
    names = [*DOWNLOADS, "dataset.zip"]
    return [n for n in names if download_path(run, n) is not None]


def latest_results() -> tuple[AnalysisRun, dict] | None:
    """The newest successful run and its results.json (None: no analysis yet)."""
    run = AnalysisRun.objects.filter(status=RunStatus.DONE).first()
    if run is None:
        return None
    path = run.folder / "results" / "results.json"
    if not path.is_file():
        return None
    key = (str(path), run.pk)
    if _results_cache.get("key") != key:  # a finished run's files never change: read once
        _results_cache.update(key=key, results=json.loads(Path(path).read_text(encoding="utf-8")))
    return run, _results_cache["results"]
