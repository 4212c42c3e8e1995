"""Operations on the tool's data that views and commands share (no request handling here)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from functools import lru_cache

from django.db import IntegrityError, connection, transaction
from django.db.models import OuterRef, Subquery

from bip.instrument import (
    S1_OPTIONS,
    Instrument,
    combination_code,
    instrument_from_yaml,
    load_instrument,
)
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


def create_measurement(citizen: Citizen, caseworker_id: int, values: dict, *, version: int,
                       idempotency_key: str | None, user) -> tuple[Measurement, bool]:
    """Create a measurement; a repeated ``idempotency_key`` returns the existing one instead.

    Returns (measurement, created). The unique index on the key decides: the INSERT of a
    second submit of the same form fails inside a savepoint and the first measurement is
    returned, however close together the two requests arrive.
    """
    m = Measurement(
        measurement_id=uuid.uuid4().hex, citizen=citizen, caseworker_id=caseworker_id,
        questionnaire_version=version, idempotency_key=idempotency_key or None, updated_by=user,
    )
    _apply(m, dict(values))
    try:
        with transaction.atomic():
            m.save(force_insert=True)
    except IntegrityError:
        existing = Measurement.objects.filter(idempotency_key=idempotency_key, citizen=citizen).first() if idempotency_key else None
        if existing is None:
            raise
        return existing, False
    if citizen.caseworker_id is None:
        with transaction.atomic():
            Citizen.objects.filter(pk=citizen.pk, caseworker__isnull=True).update(caseworker_id=caseworker_id)
            Assignment.objects.create(citizen=citizen, caseworker_id=caseworker_id, started_on=m.measured_on,
                                      reason="first measurement", created_by=user)
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
    citizen_id: str
    caseworker: str
    last: dt.date | None
    weeks: int | None
    status: str  # "overdue" | "due" | "ok" | "never"
    combination: str | None

    @property
    def short_id(self) -> str:
        return self.citizen_id[:10]


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


S1_COLUMNS = tuple(f"S1_{n}" for n in S1_OPTIONS)


def caseload(citizens, today: dt.date | None = None) -> list[CaseloadRow]:
    """Caseload rows of ``citizens``: last measurement, cadence status, last activity combination.

    Two queries and plain tuples (no model instances): the page must stay fast at 1,000 citizens.
    """
    today = today or dt.date.today()
    cols = ("citizen_id", "caseworker__caseworker_id", "caseworker__user__username",
            "caseworker__user__first_name", "caseworker__user__last_name")
    if connection.vendor == "postgresql":
        # DISTINCT ON: the newest measurement per citizen in one sorted index scan
        rows = list(citizens.values_list(*cols, "pk"))
        lasts = {r[0]: r[1:] for r in Measurement.objects.filter(citizen__in=citizens.values("pk"))
                 .order_by("citizen", "-measured_on", "-id").distinct("citizen")
                 .values_list("citizen", "measured_on", *S1_COLUMNS)}
    else:
        last_m = Measurement.objects.filter(citizen=OuterRef("pk")).order_by("-measured_on", "-id")
        rows = list(citizens.annotate(last_id=Subquery(last_m.values("id")[:1])).values_list(*cols, "last_id"))
        lasts = {r[0]: r[1:] for r in Measurement.objects.filter(id__in=[r[5] for r in rows if r[5]])
                 .values_list("id", "measured_on", *S1_COLUMNS)}
    out = []
    for cid, cw_id, username, first, last_name, last_id in rows:
        name = f"{first} {last_name}".strip() or username or cw_id or ""
        m = lasts.get(last_id)
        day = m[0] if m else None
        combination = None
        if m and any(v is not None for v in m[1:]):
            combination = combination_code([n for n, v in zip(S1_OPTIONS, m[1:], strict=True) if v == 1])
        weeks = (today - day).days // 7 if day else None
        out.append(CaseloadRow(cid, name, day, weeks, status_of(day, today), combination))
    order = {"overdue": 0, "never": 1, "due": 2, "ok": 3}
    out.sort(key=lambda r: (order[r.status], r.last or dt.date.min, r.citizen_id))
    return out
