"""The dataset export for analysts: the jobcentre's data as a zipped format-v1 dataset."""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
from django.http import HttpRequest, HttpResponse

from bip.dataset import write_dataset
from bip.web.api.api import ERRORS, caller, router, scope
from bip.web.api.models import API_ROLE
from bip.web.core.audit import audit

TAGS = ["exports"]


def jobcenter_frames(jobcenter_id: str) -> dict[str, pd.DataFrame]:
    """The operational tables of one jobcentre, references kept whole: its citizens and their
    measurements, its caseworkers and any other caseworker those measurements name."""
    from bip.web.exchange import export_frames

    f = export_frames()
    citizens = f["citizens"][f["citizens"]["jobcenter_id"] == jobcenter_id]
    measurements = f["measurements"][f["measurements"]["citizen_id"].isin(citizens["citizen_id"])]
    cw = f["caseworkers"]
    caseworkers = cw[
        (cw["jobcenter_id"] == jobcenter_id)
        | cw["caseworker_id"].isin(measurements["caseworker_id"])
    ]
    jcs = set(caseworkers["jobcenter_id"]) | {jobcenter_id}
    return {
        "jobcenters": f["jobcenters"][f["jobcenters"]["jobcenter_id"].isin(jcs)],
        "caseworkers": caseworkers,
        "citizens": citizens,
        "measurements": measurements,
    }


def dataset_zip(jobcenter_id: str) -> bytes:
    """The zip of :func:`jobcenter_frames` as CSV files under ``bip-dataset/``."""
    tmp = Path(tempfile.mkdtemp(prefix="bip-api-export-"))
    try:
        out = write_dataset(
            {k: v.reset_index(drop=True) for k, v in jobcenter_frames(jobcenter_id).items()},
            tmp / "dataset",
            "csv",
        )
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for f in sorted(out.iterdir()):
                z.write(f, f"bip-dataset/{f.name}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return buf.getvalue()


@router.get(
    "/exports/dataset.zip",
    response=ERRORS,
    tags=TAGS,
    auth=scope("exports:read"),
    openapi_extra={
        "responses": {
            200: {
                "description": "the jobcentre's dataset (format v1, CSV, pseudonyms only)",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def dataset_export(request: HttpRequest):
    """The jobcentre's citizens, caseworkers and measurements as a zipped format-v1 dataset
    (pseudonymous; the registers are not held by the tool)."""
    token = caller(request)
    jc = token.jobcenter.jobcenter_id
    body = dataset_zip(jc)
    audit(token.user, API_ROLE, "dataset.export", "dataset", jc, "one jobcentre, pseudonymous")
    response = HttpResponse(body, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="bip-dataset-{jc}.zip"'
    return response
