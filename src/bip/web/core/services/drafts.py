"""Drafts of measurement forms: saved as the caseworker answers, discarded on request.

A draft holds the form's raw values (field name -> list of strings), only of the fields the
form has, each value short; its audit entry names the fields answered, never their values.
Saving the measurement deletes the draft inside ``measurement_create``/``measurement_update``.
"""

from __future__ import annotations

from django.db import transaction

from bip.web.core.audit import audit
from bip.web.core.models import Citizen, Measurement, MeasurementDraft

MAX_VALUE_CHARS = 64
MAX_VALUES = 40  # S1 has 23 options; nothing else takes more than a handful


def clean_data(post, allowed: set[str]) -> dict[str, list[str]]:
    """The form's values from a POST (a QueryDict), only of ``allowed`` fields, each bounded."""
    out: dict[str, list[str]] = {}
    for name in sorted(allowed):
        values = [v[:MAX_VALUE_CHARS] for v in post.getlist(name)[:MAX_VALUES]]
        if any(v != "" for v in values):
            out[name] = values
    return out


def _target(citizen: Citizen, measurement: Measurement | None) -> tuple[str, str]:
    if measurement is not None:
        return "measurement", measurement.measurement_id
    return "citizen", citizen.citizen_id


@transaction.atomic
def draft_save(
    *,
    user,
    citizen: Citizen,
    part: str,
    data: dict[str, list[str]],
    step: int = 1,
    measurement: Measurement | None = None,
) -> MeasurementDraft:
    """Create or replace the user's draft of this form, with its audit entry."""
    key = MeasurementDraft.key_for(user, citizen, part, measurement)
    draft, created = MeasurementDraft.objects.update_or_create(
        key=key,
        defaults={
            "user": user,
            "citizen": citizen,
            "measurement": measurement,
            "part": part,
            "data": data,
            "step": step,
        },
    )
    answered = [k for k in data if k not in ("revision", "idempotency_key", "csrfmiddlewaretoken")]
    otype, oid = _target(citizen, measurement)
    audit(
        user,
        None,
        "measurement.draft",
        otype,
        oid,
        f"part {part} step {step} {'new' if created else 'updated'}: {', '.join(answered)}"[:300],
    )
    return draft


@transaction.atomic
def draft_discard(
    *, user, citizen: Citizen, part: str, measurement: Measurement | None = None
) -> bool:
    """Delete the user's draft of this form (audited); False when there was none."""
    n, _ = MeasurementDraft.objects.filter(
        key=MeasurementDraft.key_for(user, citizen, part, measurement)
    ).delete()
    if n:
        otype, oid = _target(citizen, measurement)
        audit(user, None, "measurement.draft_discard", otype, oid, f"part {part}")
    return bool(n)


def draft_delete_saved(*, user, citizen: Citizen, part: str, measurement=None) -> None:
    """The draft of a form just saved: deleted inside the caller's transaction (no own entry:
    the save's audit entry covers it). A save by no logged-in user (an API call) has none."""
    if getattr(user, "pk", None) is None:
        return
    MeasurementDraft.objects.filter(
        key=MeasurementDraft.key_for(user, citizen, part, measurement)
    ).delete()
