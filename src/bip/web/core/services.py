"""Operations on the tool's data that views and commands share (no request handling here)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from functools import lru_cache

from django.db import IntegrityError, transaction
from django.db.models import Max, OuterRef, Subquery

from bip.instrument import Instrument, instrument_from_yaml, load_instrument
from bip.web.core.models import (
    CADENCE_WEEKS,
    Assignment,
    Caseworker,
    Citizen,
    Measurement,
    QuestionnaireVersion,
)


@lru_cache(maxsize=16)
def _parse_version(version: int, yaml_text: str) -> Instrument:
    return instrument_from_yaml(yaml_text)


def instrument(version: int | None = None) -> Instrument:
    """Questionnaire ``version`` (default: the newest published), falling back to the shipped v1."""
    qs = QuestionnaireVersion.objects.all()
    row = qs.filter(version=version).first() if version else qs.first()
    if row is None:
        return load_instrument(version or 1)
    return _parse_version(row.version, row.yaml)


class Conflict(Exception):
    """The measurement changed since the form was opened (another user saved first)."""


def _apply(m: Measurement, values: dict) -> None:
    items, nonans = values.pop("_nonanswers", ((), {}))
    merged = {k: v for k, v in (m.nonanswers or {}).items() if k not in items}
    merged.update(nonans)
    m.nonanswers = merged
    for k, v in values.items():
        setattr(m, k, v)


def create_measurement(citizen: Citizen, caseworker: Caseworker, values: dict, *, version: int,
                       idempotency_key: str | None, user) -> tuple[Measurement, bool]:
    """Create a measurement; a repeated ``idempotency_key`` returns the existing one instead.

    Returns (measurement, created). The unique index on the key decides races between two
    simultaneous submits of the same form.
    """
    if idempotency_key:
        existing = Measurement.objects.filter(idempotency_key=idempotency_key, citizen=citizen).first()
        if existing:
            return existing, False
    m = Measurement(
        measurement_id=uuid.uuid4().hex, citizen=citizen, caseworker=caseworker,
        questionnaire_version=version, idempotency_key=idempotency_key or None, updated_by=user,
    )
    _apply(m, dict(values))
    try:
        with transaction.atomic():
            m.save()
            if citizen.caseworker_id is None:
                Citizen.objects.filter(pk=citizen.pk, caseworker__isnull=True).update(caseworker=caseworker)
                Assignment.objects.create(citizen=citizen, caseworker=caseworker, started_on=m.measured_on,
                                          reason="first measurement", created_by=user)
    except IntegrityError:
        existing = Measurement.objects.filter(idempotency_key=idempotency_key, citizen=citizen).first()
        if idempotency_key and existing:
            return existing, False
        raise
    return m, True


def update_measurement(m: Measurement, values: dict, *, revision: int, user) -> Measurement:
    """Save a part of ``m`` if nobody saved since ``revision``; else raise :class:`Conflict`.

    The compare-and-set runs as one UPDATE ... WHERE revision = %s, so of two concurrent savers
    exactly one wins and the other is told to reload.
    """
    _apply(m, dict(values))
    fields = {k: getattr(m, k) for k in values if not k.startswith("_")}
    fields["nonanswers"] = m.nonanswers
    fields["updated_by"] = user
    fields["updated_at"] = dt.datetime.now(dt.UTC)
    n = Measurement.objects.filter(pk=m.pk, revision=revision).update(revision=revision + 1, **fields)
    if n != 1:
        raise Conflict(m.measurement_id)
    m.refresh_from_db()
    return m


@transaction.atomic
def transfer(citizen: Citizen, to: Caseworker, *, started_on: dt.date, user, reason: str = "") -> Assignment:
    """Give ``citizen`` a new caseworker, recorded as a caseworker change."""
    citizen = Citizen.objects.select_for_update().get(pk=citizen.pk)
    a = Assignment.objects.create(citizen=citizen, caseworker=to, previous=citizen.caseworker,
                                  started_on=started_on, reason=reason, created_by=user)
    citizen.caseworker = to
    citizen.save(update_fields=["caseworker"])
    return a


@dataclass
class CaseloadRow:
    citizen: Citizen
    last: dt.date | None
    weeks: int | None
    status: str  # "overdue" | "due" | "ok" | "never"
    combination: str | None


def status_of(last: dt.date | None, today: dt.date) -> str:
    """Cadence status: overdue after 13 weeks, due within the last 2 weeks before that."""
    if last is None:
        return "never"
    due = last + dt.timedelta(weeks=CADENCE_WEEKS)
    if today > due:
        return "overdue"
    if today >= due - dt.timedelta(weeks=2):
        return "due"
    return "ok"


def caseload(citizens, today: dt.date | None = None) -> list[CaseloadRow]:
    """Caseload rows of ``citizens``: last measurement, cadence status, last activity combination."""
    today = today or dt.date.today()
    last_m = Measurement.objects.filter(citizen=OuterRef("pk")).order_by("-measured_on", "-id")
    qs = citizens.select_related("caseworker__user").annotate(
        last_on=Max("measurements__measured_on"), last_id=Subquery(last_m.values("id")[:1])
    )
    rows = list(qs.order_by("citizen_id"))
    s1 = [f"S1_{n}" for n in range(1, 24)]
    lasts = {
        m.id: m for m in Measurement.objects.filter(id__in=[r.last_id for r in rows if r.last_id]).only("id", *s1)
    }
    out = []
    for c in rows:
        m = lasts.get(c.last_id)
        weeks = (today - c.last_on).days // 7 if c.last_on else None
        out.append(CaseloadRow(c, c.last_on, weeks, status_of(c.last_on, today), m.combination if m else None))
    order = {"overdue": 0, "never": 1, "due": 2, "ok": 3}
    out.sort(key=lambda r: (order[r.status], r.last or dt.date.min))
    return out
