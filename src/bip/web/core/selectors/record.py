"""Right of access: everything the tool stores about one citizen, as one JSON-ready record."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from bip.dataset.schema import MEASUREMENT_COLUMNS
from bip.web.core.audit import audit
from bip.web.core.models import AuditLog, Citizen

_ANSWERS = [
    c.name
    for c in MEASUREMENT_COLUMNS
    if c.name not in ("measurement_id", "citizen_id", "caseworker_id", "measured_on")
]


def _iso(v):
    return v.isoformat() if isinstance(v, dt.date | dt.datetime) else v


def citizen_record(*, citizen: Citizen, fetched_by, role: str | None = None) -> dict:
    """The citizen's pseudonym and jobcentre, every measurement with every answer, every
    caseworker period, and every audit entry naming the citizen or one of their
    measurements (who saw or changed what, and when). The read is audited."""
    ms = list(
        citizen.measurements.select_related("caseworker", "updated_by").order_by(
            "measured_on", "id"
        )
    )
    periods = list(
        citizen.assignments.select_related("caseworker", "previous", "created_by").order_by(
            "started_on", "id"
        )
    )
    ids = [citizen.citizen_id, *(m.measurement_id for m in ms)]
    seen = AuditLog.objects.filter(Q(object_id__in=ids)).order_by("seq")
    record = {
        "format": "bip-citizen-record/1",
        "made_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "citizen": {
            "citizen_id": citizen.citizen_id,
            "jobcenter_id": citizen.jobcenter.jobcenter_id,
            "enrolled_on": _iso(citizen.enrolled_on),
            "caseworker_id": citizen.caseworker.caseworker_id if citizen.caseworker else None,
        },
        "measurements": [
            {
                "measurement_id": m.measurement_id,
                "measured_on": _iso(m.measured_on),
                "caseworker_id": m.caseworker.caseworker_id,
                "questionnaire_version": m.questionnaire_version,
                "revision": m.revision,
                "answers": {c: getattr(m, c) for c in _ANSWERS},
                "nonanswers": dict(m.nonanswers or {}),
                "created_at": _iso(m.created_at),
                "updated_at": _iso(m.updated_at),
                "updated_by": m.updated_by.username if m.updated_by else None,
            }
            for m in ms
        ],
        "caseworker_periods": [
            {
                "caseworker_id": a.caseworker.caseworker_id,
                "previous_caseworker_id": a.previous.caseworker_id if a.previous else None,
                "started_on": _iso(a.started_on),
                "reason": a.reason,
                "recorded_by": a.created_by.username if a.created_by else None,
            }
            for a in periods
        ],
        "audit": [
            {
                "seq": e.seq,
                "at": _iso(e.at),
                "username": e.username,
                "role": e.role,
                "action": e.action,
                "object_id": e.object_id,
                "detail": e.detail,
            }
            for e in seen
        ],
    }
    if fetched_by is not None:
        audit(fetched_by, role, "citizen.record", "citizen", citizen.citizen_id, "right of access")
    return record
