"""Recording measurements: create (idempotent), update (optimistic concurrency), refusals."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import IntegrityError, transaction

from bip.web.core.audit import audit
from bip.web.core.models import Assignment, Citizen, Measurement
from bip.web.core.newest import refresh_newest
from bip.web.core.services.drafts import draft_delete_saved


class Conflict(Exception):
    """The measurement changed since the form was opened (another user saved first)."""


class KeyInUse(Exception):
    """The form's idempotency key belongs to a measurement of another citizen."""


def _lock_citizen(pk: int) -> None:
    """Lock the citizen row (PostgreSQL; SQLite serialises writers anyway) before its
    measurements change, so that two concurrent saves for one citizen refresh its newest
    measurement (core/newest.py) one after the other, each seeing the other's row."""
    list(Citizen.objects.select_for_update().filter(pk=pk).values_list("pk"))


def _apply(m: Measurement, values: dict) -> None:
    items, nonans = values.pop("_nonanswers", ((), {}))
    merged = {k: v for k, v in (m.nonanswers or {}).items() if k not in items}
    merged.update(nonans)
    m.nonanswers = merged
    for k, v in values.items():
        setattr(m, k, v)


def measurement_create(
    *,
    citizen: Citizen,
    caseworker_id: int,
    values: dict,
    version: int,
    idempotency_key: str | None,
    user,
    part: str = "both",
) -> tuple[Measurement, bool]:
    """Create a measurement; a repeated ``idempotency_key`` returns the existing one instead.

    Returns (measurement, created). The unique index on the key decides: the INSERT of a
    second submit of the same form fails inside a savepoint and the first measurement is
    returned, however close together the two requests arrive. A key that belongs to another
    citizen's measurement raises :class:`KeyInUse`; nothing is written but the refusal's
    audit entry.
    """
    try:
        return _create(
            citizen=citizen,
            caseworker_id=caseworker_id,
            values=values,
            version=version,
            idempotency_key=idempotency_key,
            user=user,
            part=part,
        )
    except KeyInUse:
        _refused(user, citizen, "the form's key belongs to another citizen's measurement")
        raise


@transaction.atomic
def _create(
    *, citizen, caseworker_id, values, version, idempotency_key, user, part
) -> tuple[Measurement, bool]:
    m = Measurement(
        measurement_id=uuid.uuid4().hex,
        citizen=citizen,
        caseworker_id=caseworker_id,
        questionnaire_version=version,
        idempotency_key=idempotency_key or None,
        updated_by=user,
    )
    _apply(m, dict(values))
    _lock_citizen(citizen.pk)
    try:
        with transaction.atomic():
            m.save(force_insert=True)  # post_save refreshes the citizen's newest measurement
    except IntegrityError:
        existing = (
            Measurement.objects.filter(idempotency_key=idempotency_key).first()
            if idempotency_key
            else None
        )
        if existing is None:
            raise
        if existing.citizen_id != citizen.pk:
            raise KeyInUse(idempotency_key) from None
        draft_delete_saved(user=user, citizen=citizen, part=part)
        audit(
            user,
            None,
            "measurement.resubmit",
            "measurement",
            existing.measurement_id,
            f"citizen {citizen.citizen_id} part {part}",
        )
        return existing, False
    if citizen.caseworker_id is None:
        Citizen.objects.filter(pk=citizen.pk, caseworker__isnull=True).update(
            caseworker_id=caseworker_id
        )
        Assignment.objects.create(
            citizen=citizen,
            caseworker_id=caseworker_id,
            started_on=m.measured_on,
            reason="first measurement",
            created_by=user,
        )
    draft_delete_saved(user=user, citizen=citizen, part=part)
    audit(
        user,
        None,
        "measurement.create",
        "measurement",
        m.measurement_id,
        f"citizen {citizen.citizen_id} part {part}",
    )
    return m, True


def measurement_update(
    *, measurement: Measurement, values: dict, revision: int, user, part: str = "both"
) -> Measurement:
    """Save a part of ``measurement`` if nobody saved since ``revision``; else :class:`Conflict`.

    The compare-and-set runs as one UPDATE ... WHERE revision = %s, so of two concurrent savers
    exactly one wins and the other is told to reload (the refusal is audited).
    """
    try:
        return _update(measurement, values, revision, user, part)
    except Conflict:
        audit(user, None, "measurement.conflict", "measurement", measurement.measurement_id, part)
        raise


@transaction.atomic
def _update(m: Measurement, values: dict, revision: int, user, part: str) -> Measurement:
    _lock_citizen(m.citizen_id)
    _apply(m, dict(values))
    fields = {k: getattr(m, k) for k in values if not k.startswith("_")}
    fields["nonanswers"] = m.nonanswers
    fields["updated_by"] = user
    fields["updated_at"] = dt.datetime.now(dt.UTC)
    n = Measurement.objects.filter(pk=m.pk, revision=revision).update(
        revision=revision + 1, **fields
    )
    if n != 1:
        raise Conflict(m.measurement_id)
    refresh_newest([m.citizen_id])  # the date or the S1 ticks may have changed
    m.refresh_from_db()
    draft_delete_saved(user=user, citizen=m.citizen, part=part, measurement=m)
    audit(user, None, "measurement.update", "measurement", m.measurement_id, f"part {part}")
    return m


def _refused(user, citizen: Citizen, why: str) -> None:
    audit(user, None, "measurement.refused", "citizen", citizen.citizen_id, why)


def measurement_refused(*, user, citizen: Citizen, errors, measurement_id: str = "") -> None:
    """Audit a rejected (400) measurement form: which fields were wrong, never their values."""
    fields = ", ".join(sorted(errors)) or "form"
    target = measurement_id or citizen.citizen_id
    audit(
        user,
        None,
        "measurement.refused",
        "measurement" if measurement_id else "citizen",
        target,
        f"invalid: {fields}",
    )
