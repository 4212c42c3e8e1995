"""Measurements: create (idempotent by the client's key), read, correct (by revision)."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.http import HttpRequest
from ninja import Status

from bip.web.api.api import ERRORS, ApiError, caller, refuse, router, scope
from bip.web.api.models import API_ROLE, ApiToken
from bip.web.api.routes_caseload import citizen_of
from bip.web.api.schemas import (
    ANSWER_COLUMNS,
    Errors,
    MeasurementIn,
    MeasurementOut,
    MeasurementPatch,
)
from bip.web.api.validation import Problem, check, part_name, parts_of, service_values
from bip.web.core import selectors, services
from bip.web.core.audit import audit
from bip.web.core.models import Caseworker, Measurement

TAGS = ["measurements"]
_ANSWERS = tuple(c.name for c in ANSWER_COLUMNS)


def body_of(m: Measurement) -> dict:
    """A measurement as the API shows it (the dataset format's columns, and its revision)."""
    out = {
        "measurement_id": m.measurement_id,
        "citizen_id": m.citizen.citizen_id,
        "caseworker_id": m.caseworker.caseworker_id,
        "measured_on": m.measured_on,
        "questionnaire_version": m.questionnaire_version,
        "revision": m.revision,
        "nonanswers": dict(m.nonanswers or {}),
        "created_at": m.created_at,
        "updated_at": m.updated_at,
    }
    out.update({c: getattr(m, c) for c in _ANSWERS})
    return out


def _key(token: ApiToken, client_key: str) -> str:
    # each system's keys apart from every other's and from the web forms' (which are uuid hex)
    return hashlib.sha256(f"api:{token.user_id}\0{client_key}".encode()).hexdigest()


def _refused(token, citizen, problems, measurement_id: str = ""):
    services.measurement_refused(
        user=token.user,
        citizen=citizen,
        errors=[p.field or "body" for p in problems],
        measurement_id=measurement_id,
    )
    return ApiError(400, problems)


@router.post(
    "/citizens/{citizen_id}/measurements",
    response={200: MeasurementOut, 201: MeasurementOut, 409: Errors, **ERRORS},
    tags=TAGS,
    auth=scope("measurements:write"),
)
def measurement_create(request: HttpRequest, citizen_id: str, payload: MeasurementIn):
    """Record a measurement of the citizen: 201 with the measurement; 200 with the same
    measurement when ``client_key`` was used before (a retry creates nothing)."""
    token = caller(request)
    citizen = citizen_of(request, token, citizen_id, with_caseworker=True)
    inst = selectors.instrument()
    data = payload.model_dump()
    nonanswers = data.pop("nonanswers") or {}
    if payload.questionnaire_version not in (None, inst.version):
        raise _refused(token, citizen, [_stale_version(payload.questionnaire_version, inst)])
    parts = parts_of(data, nonanswers)
    problems = check(data, nonanswers, parts, inst, dt.date.today())
    if payload.caseworker_id:
        cw = Caseworker.objects.filter(
            jobcenter=token.jobcenter, caseworker_id=payload.caseworker_id
        ).first()
        if cw is None:
            problems.append(Problem("caseworker_id", "no such caseworker at this jobcentre"))
        cw_pk = cw.pk if cw else None
    else:
        cw, cw_pk = citizen.caseworker, citizen.caseworker_id
        if cw_pk is None:
            problems.append(Problem("caseworker_id", "required: the citizen has no caseworker"))
    if problems or cw_pk is None:
        raise _refused(token, citizen, problems)
    try:
        m, created = services.measurement_create(
            citizen=citizen,
            caseworker_id=cw_pk,
            values=service_values(data, nonanswers, parts),
            version=inst.version,
            idempotency_key=_key(token, payload.client_key),
            user=token.user,
            part=part_name(parts),
        )
    except services.KeyInUse:
        raise refuse(409, "client_key", "this key was used for another citizen") from None
    if created:
        # the instance just saved holds what was stored (its times set by the save): no
        # second read, which cost about a seventh of a create's CPU
        m.caseworker = cw
    else:
        m = Measurement.objects.select_related("citizen", "caseworker").get(pk=m.pk)
    return Status(201 if created else 200, body_of(m))


def _stale_version(given, inst):
    return Problem(
        "questionnaire_version",
        f"version {given} is not in force (version {inst.version} is): fetch the questionnaire",
    )


def measurement_of(request: HttpRequest, token: ApiToken, measurement_id: str) -> Measurement:
    """The jobcentre's measurement ``measurement_id``; else 404 (audited)."""
    m = (
        Measurement.objects.select_related("citizen", "caseworker")
        .filter(citizen__jobcenter=token.jobcenter, measurement_id=measurement_id)
        .first()
    )
    if m is None:
        audit(
            token.user, API_ROLE, "access.denied", "path", measurement_id[:64], request.path[:300]
        )
        raise refuse(404, "measurement_id", "no such measurement at this token's jobcentre")
    return m


@router.get(
    "/measurements/{measurement_id}",
    response={200: MeasurementOut, **ERRORS},
    tags=TAGS,
    auth=scope("caseload:read"),
)
def measurement_read(request: HttpRequest, measurement_id: str):
    """One measurement's answers and its ``revision`` (send it back to correct it)."""
    token = caller(request)
    m = measurement_of(request, token, measurement_id)
    selectors.measurement_form_opened(
        citizen=m.citizen, part="both", fetched_by=token.user, measurement=m
    )
    return body_of(m)


@router.patch(
    "/measurements/{measurement_id}",
    response={200: MeasurementOut, 409: Errors, **ERRORS},
    tags=TAGS,
    auth=scope("measurements:write"),
)
def measurement_correct(request: HttpRequest, measurement_id: str, payload: MeasurementPatch):
    """Correct a measurement: the fields given replace the stored ones, the result must
    satisfy the same rules as a new one. ``revision`` must be the measurement's current one,
    else 409 and nothing is changed (read it again, then correct it again)."""
    token = caller(request)
    m = measurement_of(request, token, measurement_id)
    given = payload.model_fields_set - {"revision"}
    patch = payload.model_dump(include=given)
    current = {c: getattr(m, c) for c in _ANSWERS}
    current["measured_on"] = m.measured_on
    nonanswers = dict(m.nonanswers or {})
    if "nonanswers" in patch:
        nonanswers = {k: v for k, v in nonanswers.items() if k not in (patch["nonanswers"] or {})}
        nonanswers.update(patch.pop("nonanswers") or {})
    for field, value in patch.items():
        if field == "measured_on" and value is None:
            continue
        current[field] = value
        if value is not None:
            nonanswers.pop(field, None)  # an answer replaces a non-answer
    parts = parts_of({c: getattr(m, c) for c in _ANSWERS}, m.nonanswers or {})
    parts |= parts_of(patch, payload.nonanswers or {})
    inst = selectors.instrument(m.questionnaire_version)
    problems = check(current, nonanswers, parts, inst, dt.date.today())
    if problems:
        raise _refused(token, m.citizen, problems, m.measurement_id)
    try:
        m = services.measurement_update(
            measurement=m,
            values=service_values(current, nonanswers, parts),
            revision=payload.revision,
            user=token.user,
            part=part_name(parts),
        )
    except services.Conflict:
        raise refuse(409, "revision", "another correction was saved first; read it again") from None
    return body_of(Measurement.objects.select_related("citizen", "caseworker").get(pk=m.pk))
