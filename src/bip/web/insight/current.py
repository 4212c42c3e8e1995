"""The tool's current data as a dataset and as the analysis panel (operational + uploaded registers).

The panel is built by :func:`bip.panel.build_panel` on a format-v1 export of the database with
the active register uploads beside it - exactly what ``bip analyze`` reads - and kept in memory
per *data version* (measurements' count, last id and last change; citizens; register uploads),
so dashboard requests filter a ready panel instead of rebuilding it. The first request after a
change pays for the rebuild.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd
from django.db.models import Count, Max
from django.utils import timezone

from bip.dataset import open_dataset
from bip.panel import build_panel
from bip.web.core.models import Caseworker, Citizen, Measurement
from bip.web.insight.models import RegisterUpload

_lock = threading.Lock()
_cache: dict = {}
# The data version is looked up at most this often per process: three aggregates over the
# measurements cost tens of ms at scale 10, so a page may lag a save by up to this long.
VERSION_TTL_SECONDS = 3.0
_version: list = [None, 0.0]
# Serve the previous panel while a newer one is built in a thread (tests switch it off).
SERVE_STALE = True
_building: dict = {}
_build_lock = threading.Lock()
log = logging.getLogger(__name__)


def active_uploads() -> list[RegisterUpload]:
    """The newest active upload of each register table."""
    return _newest_per_table()


def _newest_per_table() -> list[RegisterUpload]:
    seen: dict[str, RegisterUpload] = {}
    for u in RegisterUpload.objects.filter(active=True).order_by("-id"):
        seen.setdefault(u.table, u)
    return [seen[t] for t in sorted(seen)]


def data_version() -> tuple:
    """Changes whenever anything the panel is built from changes (re-read every few seconds)."""
    now = time.monotonic()
    if _version[0] is not None and now - _version[1] < VERSION_TTL_SECONDS:
        return _version[0]
    v = _read_version()
    _version[:] = [v, now]
    return v


def _read_version() -> tuple:
    m = Measurement.objects.aggregate(n=Count("id"), last=Max("id"), changed=Max("updated_at"))
    return (
        m["n"],
        m["last"],
        str(m["changed"]),
        Citizen.objects.count(),
        Caseworker.objects.count(),
        tuple(u.pk for u in _newest_per_table()),
    )


def write_current_dataset(out: Path, fmt: str = "parquet") -> Path:
    """Export the database to ``out`` (format v1) and add the active register files beside it."""
    from bip.web.exchange import export_db

    export_db(out, fmt=fmt)
    for u in _newest_per_table():
        dest = out / f"{u.table}{u.path.suffix}"
        for old in out.glob(f"{u.table}.*"):  # an empty register written by the export
            old.unlink()
        shutil.copyfile(u.path, dest)
    return out


def _build(version: tuple) -> pd.DataFrame:
    tmp = Path(tempfile.mkdtemp(prefix="bip-panel-"))
    try:
        return build_panel(open_dataset(write_current_dataset(tmp / "dataset")))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _slim(panel: pd.DataFrame) -> pd.DataFrame:
    """The panel columns the dashboard reads (a sixth of the memory at scale 10: 19 of 118 MB)."""
    from bip.web.insight.figures import PANEL_COLUMNS

    return panel[[c for c in PANEL_COLUMNS if c in panel.columns]].reset_index(drop=True)


def _install(version: tuple, panel: pd.DataFrame, built_at: dt.datetime) -> None:
    panel = _slim(panel)
    with _lock:
        _cache.clear()  # also drops figures cached for the previous version
        _cache["panel"] = (version, panel, built_at)


def _rebuild_in_background(version: tuple) -> None:
    """Build the panel of ``version`` in a thread; requests meanwhile get the previous one."""
    if _building.get(version) or any(_building.values()):
        return
    _building[version] = True

    def work():
        from django.db import connection

        try:
            built_at = timezone.now()
            _install(version, _build(version), built_at)
        except Exception:  # the next request tries again; the stale panel stays in use
            log.exception("rebuilding the dashboard panel failed")
        finally:
            _building.pop(version, None)
            connection.close()

    threading.Thread(target=work, name="bip-panel-rebuild", daemon=True).start()


def panel_state(version: tuple | None = None) -> tuple[tuple, pd.DataFrame, dt.datetime, bool]:
    """(version of the panel, panel, when it was built, whether it is current).

    With :data:`SERVE_STALE` a request after a change gets the previous panel at once while
    a thread builds the new one (at scale 10 a build takes seconds); without a previous panel,
    or with SERVE_STALE off, the request builds it.
    """
    version = version or data_version()
    with _lock:
        hit = _cache.get("panel")
    if hit is not None and hit[0] == version:
        return hit[0], hit[1], hit[2], True
    if hit is not None and SERVE_STALE:
        _rebuild_in_background(version)
        return hit[0], hit[1], hit[2], False
    with _build_lock:  # one synchronous build at a time
        with _lock:
            hit = _cache.get("panel")
        if hit is not None and hit[0] == version:
            return hit[0], hit[1], hit[2], True
        built_at = timezone.now()
        _install(version, _build(version), built_at)
        with _lock:
            hit = _cache["panel"]
        return hit[0], hit[1], hit[2], True


def current_panel(version: tuple | None = None) -> pd.DataFrame:
    """The dashboard's columns of the analysis panel of the current data (waits; never stale)."""
    version = version or data_version()
    with _lock:
        hit = _cache.get("panel")
    if hit is None or hit[0] != version:
        with _build_lock:
            with _lock:
                hit = _cache.get("panel")
            if hit is None or hit[0] != version:
                _install(version, _build(version), timezone.now())
        with _lock:
            hit = _cache["panel"]
    return hit[1]


def cached(key: tuple, compute, version: tuple):
    """A value computed once per panel version (e.g. the all-jobcentre comparison figures)."""
    full = (version, *key)
    with _lock:
        if full in _cache:
            return _cache[full]
    value = compute()
    with _lock:
        if _cache.get("panel", (None,))[0] == version:  # not for a panel replaced meanwhile
            _cache[full] = value
    return value


def forget_version() -> None:
    """Re-read the data version at the next request (after a change made in this process)."""
    _version[:] = [None, 0.0]


def dashboard_panel(
    version: tuple | None = None,
) -> tuple[pd.DataFrame, dict, dt.datetime, bool, tuple]:
    """The panel's columns the dashboard uses, each jobcentre's row positions, when the panel
    was built, whether it is current, and its version (the key for :func:`cached`).

    Filtering a slim frame by precomputed positions instead of a 150-column frame by a mask
    is what keeps a dashboard request within its budget at scale 10.
    """
    pv, panel, built_at, fresh = panel_state(version)

    def build():
        return panel, {
            str(k): v for k, v in panel.groupby("jobcenter_id", sort=False).indices.items()
        }

    slim, rows = cached(("dashboard_panel",), build, pv)
    return slim, rows, built_at, fresh, pv


def clear() -> None:
    """Forget cached panels (tests; after a register upload the version changes anyway)."""
    with _lock:
        _cache.clear()
        _version[:] = [None, 0.0]
