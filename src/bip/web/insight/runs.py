"""``bip analyze`` started from the tool, as a background thread tracked by an AnalysisRun row.

The run exports the database with the active register uploads (:func:`write_current_dataset`)
and hands it to :func:`bip.pipeline.run`, which validates it, builds the panel once, runs the
analyses and writes results, report (HTML and - when Chromium is there - PDF) and the panel
exports in one pass. Everything is written into ``runs/<id>.tmp`` and renamed to ``runs/<id>``
only when all of it worked, so a run is either complete or failed with its log.
Progress is written to the row after every step; the page polls it by refreshing itself.
One run at a time: a second start while one is queued or running is refused.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import threading
import traceback
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from bip.results import Results, load_results
from bip.web.insight.models import AnalysisRun, RunStatus

# Progress steps a run reports with registers (export, validation of the four operational
# tables, panel, A1-A9, results, report, two exports, the dataset zip); each register table adds
# one validation step. Only used to draw the progress bar (measured: 32 with three registers).
BASE_STEPS = 29


def expected_steps(run: AnalysisRun) -> int:
    return BASE_STEPS + (len(run.registers.split(", ")) if run.registers else 0)


DEFAULT_EXPORT_FORMATS = ("csv", "dta")
# Download name -> file in the run's folder (the layout of bip.pipeline.run's output).
DOWNLOADS = {
    "report.html": "results/report.html",
    "report.pdf": "results/report.pdf",
    "results.json": "results/results.json",
    "tables.html": "results/tables.html",
    "dataset.zip": "results/exports/dataset.zip",
    **{
        f"panel.{f}": f"results/exports/panel.{f}" for f in ("csv", "dta", "sav", "xlsx", "parquet")
    },
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
    """Do the run: the tool's data as a dataset -> bip.pipeline.run; the row follows every step."""
    from bip import pipeline
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
        options = pipeline.RunOptions(
            lang="en" if run.lang == "en" else "da",
            pdf=getattr(settings, "BIP_RUN_PDF", True),
            panel_exports=tuple(
                getattr(settings, "BIP_RUN_EXPORT_FORMATS", DEFAULT_EXPORT_FORMATS)
            ),
            dataset_zip=True,
        )
        done = pipeline.run(dataset, tmp / "results", options, progress=step)
        if done.pdf_missing:
            log.append(f"PDF skipped: {done.pdf_missing}; the HTML report is complete")
        shutil.rmtree(final, ignore_errors=True)
        tmp.rename(final)
        run.fingerprint = done.results.meta.dataset_fingerprint[:80]
        run.n_measurements = done.results.dataset.measurements
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
    if rel is None or run.status != RunStatus.DONE:
        return None
    if run.lang == "en" and name in ("report.html", "report.pdf", "tables.html"):
        rel = rel.replace("/report.", "/report.en.").replace("/tables.", "/tables.en.")
    p = run.folder / rel
    return p if p.is_file() else None


def available(run: AnalysisRun) -> list[str]:
    """Download names present for a finished run."""
    return [n for n in DOWNLOADS if download_path(run, n) is not None]


def latest_results() -> tuple[AnalysisRun, Results] | None:
    """The newest successful run and its results (None: no analysis yet)."""
    run = AnalysisRun.objects.filter(status=RunStatus.DONE).first()
    if run is None:
        return None
    path = run.folder / "results" / "results.json"
    if not path.is_file():
        return None
    key = (str(path), run.pk)
    if _results_cache.get("key") != key:  # a finished run's files never change: read once
        _results_cache.update(key=key, results=load_results(path))
    return run, _results_cache["results"]
