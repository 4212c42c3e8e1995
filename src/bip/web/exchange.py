"""The tool's data as a format-v1 dataset and back (``bip export-db`` / ``bip import-db``).

Django must be set up before these run (see :func:`bip.web.bootstrap.setup`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
from django.db import transaction

from bip.dataset import TABLES, open_dataset, write_dataset
from bip.dataset.schema import MEASUREMENT_COLUMNS
from bip.progress import progress
from bip.web.core.models import Assignment, Caseworker, Citizen, Jobcenter, Measurement
from bip.web.core.newest import refresh_newest

BATCH = 2000
_VALUE_COLS = [
    c.name
    for c in MEASUREMENT_COLUMNS
    if c.name not in ("measurement_id", "citizen_id", "caseworker_id", "measured_on")
]


class ImportConflict(ValueError):
    """The dataset names ids that already exist in the database."""


def export_frames() -> dict[str, pd.DataFrame]:
    """The operational tables of the database as DataFrames in format-v1 columns."""
    jobcenters = pd.DataFrame.from_records(
        list(Jobcenter.objects.order_by("jobcenter_id").values_list("jobcenter_id", "name")),
        columns=["jobcenter_id", "name"],
    )
    caseworkers = pd.DataFrame.from_records(
        list(
            Caseworker.objects.order_by("caseworker_id").values_list(
                "caseworker_id", "jobcenter__jobcenter_id"
            )
        ),
        columns=["caseworker_id", "jobcenter_id"],
    )
    citizens = pd.DataFrame.from_records(
        list(
            Citizen.objects.order_by("citizen_id").values_list(
                "citizen_id", "jobcenter__jobcenter_id", "enrolled_on"
            )
        ),
        columns=["citizen_id", "jobcenter_id", "enrolled_on"],
    )
    citizens["enrolled_on"] = pd.to_datetime(citizens["enrolled_on"])
    cols = [
        "measurement_id",
        "citizen__citizen_id",
        "caseworker__caseworker_id",
        "measured_on",
        *_VALUE_COLS,
    ]
    rows = Measurement.objects.order_by("citizen__citizen_id", "measured_on", "id").values_list(
        *cols
    )
    measurements = pd.DataFrame.from_records(
        list(rows.iterator(chunk_size=BATCH)), columns=TABLES["measurements"].column_names
    )
    measurements["measured_on"] = pd.to_datetime(measurements["measured_on"])
    for c in MEASUREMENT_COLUMNS:
        if c.kind in ("score", "flag"):
            measurements[c.name] = measurements[c.name].astype("Int8")
        elif c.kind == "amount":
            measurements[c.name] = measurements[c.name].astype("Float64")
        elif c.kind in ("category",):
            measurements[c.name] = measurements[c.name].astype("string")
    return {
        "jobcenters": jobcenters,
        "caseworkers": caseworkers,
        "citizens": citizens,
        "measurements": measurements,
    }


def export_db(out: Path | str, fmt: str = "csv", *, overwrite: bool = False) -> Path:
    """Write the database as a dataset (operational tables; registers are not held by the tool)."""
    return write_dataset(export_frames(), Path(out), fmt, overwrite=overwrite)


def _none(v):
    return None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v


def import_db(
    path: Path | str,
    *,
    version: int = 1,
    show_progress: bool = False,
    warn: Callable[[str], object] | None = None,
) -> dict[str, int]:
    """Load a dataset into the database, all or nothing.

    The dataset is validated first (:class:`bip.dataset.DatasetError` names file/line/column);
    then every row goes in inside one transaction, so any failure - an id that already exists,
    a database error, an interrupt - leaves the database as it was. Register tables are not part
    of the tool and are skipped. Returns the number of rows per table. ``warn`` receives each
    validation warning (an unknown column, say), as ``bip dataset validate`` would print it.
    """
    ds = open_dataset(path)
    for w in ds.report.warnings:
        if warn is not None:
            warn(str(w))
    frames = {n: ds.frame(n) for n in ("jobcenters", "caseworkers", "citizens", "measurements")}
    counts = {n: len(f) for n, f in frames.items()}
    with transaction.atomic():
        for model, name, key in (
            (Jobcenter, "jobcenters", "jobcenter_id"),
            (Caseworker, "caseworkers", "caseworker_id"),
            (Citizen, "citizens", "citizen_id"),
            (Measurement, "measurements", "measurement_id"),
        ):
            ids = list(frames[name][key])
            clash = []
            for i in range(0, len(ids), BATCH):
                clash += list(
                    model.objects.filter(**{f"{key}__in": ids[i : i + BATCH]}).values_list(
                        key, flat=True
                    )[:5]
                )
                if clash:
                    break
            if clash:
                raise ImportConflict(
                    f"{name}: {key} already in the database: {', '.join(map(str, clash[:5]))}"
                )
        jc = {
            r.jobcenter_id: Jobcenter(jobcenter_id=r.jobcenter_id, name=_none(r.name) or "")
            for r in frames["jobcenters"].itertuples()
        }
        Jobcenter.objects.bulk_create(jc.values(), batch_size=BATCH)
        jc_pk = dict(Jobcenter.objects.values_list("jobcenter_id", "pk"))
        Caseworker.objects.bulk_create(
            [
                Caseworker(caseworker_id=r.caseworker_id, jobcenter_id=jc_pk[r.jobcenter_id])
                for r in frames["caseworkers"].itertuples()
            ],
            batch_size=BATCH,
        )
        cw_pk = dict(Caseworker.objects.values_list("caseworker_id", "pk"))
        m = frames["measurements"].sort_values(["citizen_id", "measured_on", "measurement_id"])
        last_cw = m.groupby("citizen_id")["caseworker_id"].last().to_dict()
        cit = frames["citizens"]
        Citizen.objects.bulk_create(
            [
                Citizen(
                    citizen_id=r.citizen_id,
                    jobcenter_id=jc_pk[r.jobcenter_id],
                    enrolled_on=_none(r.enrolled_on.date() if pd.notna(r.enrolled_on) else None),
                    caseworker_id=cw_pk.get(last_cw.get(r.citizen_id)),
                )
                for r in cit.itertuples()
            ],
            batch_size=BATCH,
        )
        cit_pk = dict(Citizen.objects.values_list("citizen_id", "pk"))
        cols = list(m.columns)
        with progress("import measurements", len(m), enabled=show_progress) as tick:
            batch = []
            for row in m.itertuples(index=False, name=None):
                r = dict(zip(cols, row, strict=True))
                obj = Measurement(
                    measurement_id=r["measurement_id"],
                    citizen_id=cit_pk[r["citizen_id"]],
                    caseworker_id=cw_pk[r["caseworker_id"]],
                    measured_on=r["measured_on"].date(),
                    questionnaire_version=version,
                )
                for c in _VALUE_COLS:
                    v = _none(r[c])
                    setattr(
                        obj,
                        c,
                        (float(v) if c == "B11" else v if isinstance(v, str) else int(v))
                        if v is not None
                        else None,
                    )
                batch.append(obj)
                if len(batch) >= BATCH:
                    Measurement.objects.bulk_create(batch)
                    tick(len(batch))
                    batch = []
            Measurement.objects.bulk_create(batch)
            tick(len(batch))
        # bulk_create sends no post_save: the imported citizens' newest measurements at once
        refresh_newest(cit_pk[c] for c in cit["citizen_id"])
        # assignment history: the first caseworker, then one row per caseworker change
        assignments, prev = [], {}
        for r in m[["citizen_id", "caseworker_id", "measured_on"]].itertuples(index=False):
            before = prev.get(r.citizen_id)
            if before != r.caseworker_id:
                assignments.append(
                    Assignment(
                        citizen_id=cit_pk[r.citizen_id],
                        caseworker_id=cw_pk[r.caseworker_id],
                        previous_id=cw_pk[before] if before else None,
                        started_on=r.measured_on.date(),
                        reason="imported",
                    )
                )
                prev[r.citizen_id] = r.caseworker_id
        Assignment.objects.bulk_create(assignments, batch_size=BATCH)
    counts["assignments"] = len(assignments)
    return counts
