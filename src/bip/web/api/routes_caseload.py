"""Reads for a case-management system: the questionnaire in force, the caseload, transfers."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Schema, Status

from bip.instrument import B10_CHANNELS, GROUPS, Instrument
from bip.web.api.api import ERRORS, ApiError, caller, refuse, router, scope
from bip.web.api.models import API_ROLE, ApiToken
from bip.web.api.schemas import (
    CitizenRow,
    Errors,
    MeasurementRef,
    Questionnaire,
    TransferIn,
    TransferOut,
)
from bip.web.api.validation import Problem
from bip.web.core import selectors, services
from bip.web.core.audit import audit
from bip.web.core.forms import FIRST_PLAUSIBLE_DAY
from bip.web.core.models import CADENCE_WEEKS, Assignment, Caseworker, Citizen

TAGS = ["caseload"]


def citizen_of(
    request: HttpRequest, token: ApiToken, citizen_id: str, *, with_caseworker: bool = False
) -> Citizen:
    """The jobcentre's citizen ``citizen_id`` (with its caseworker read in the same query if
    ``with_caseworker``); else 404 (audited), whether or not it exists elsewhere, as the web
    pages answer."""
    citizens = Citizen.objects.select_related("caseworker") if with_caseworker else Citizen.objects
    citizen = citizens.filter(jobcenter_id=token.jobcenter_id, citizen_id=citizen_id).first()
    if citizen is None:
        audit(token.user, API_ROLE, "access.denied", "path", citizen_id[:64], request.path[:300])
        raise refuse(404, "citizen_id", "no such citizen at this token's jobcentre")
    return citizen


def _text(d, fallback: str = "") -> dict:
    d = d or {}
    da = d.get("da") or fallback
    return {"da": da, "en": d.get("en") or da}


def questionnaire_body(inst: Instrument) -> dict:
    """Everything another system needs to show the form of version ``inst``, in da and en."""
    raw = inst.raw
    scales = raw["scales"]
    items = []
    for item in inst.items.values():
        entry: dict = {
            "id": item.id,
            "part": item.part,
            "kind": item.kind,
            "label": _text(item.label),
            "wording": _text(item.wording),
            "fields": [item.id],
        }
        if item.scale:
            entry["choices"] = [
                {"value": int(k), "label": _text(v)}
                for k, v in scales[item.scale]["anchors"].items()
            ]
        elif item.id == "B10":
            entry["fields"] = ["B10_status", *(f"B10_{c}" for c in B10_CHANNELS)]
            entry["statuses"] = [
                {"value": k, "field": "B10_status", "label": _text(v)}
                for k, v in item.extra["status"].items()
            ]
            entry["choices"] = [
                {"value": 1, "field": f"B10_{c}", "label": _text(item.extra["channels"][c])}
                for c in B10_CHANNELS
            ]
        elif item.id == "S1":
            opts = item.extra["options"]
            entry["fields"] = [f"S1_{o['n']}" for o in opts]
            entry["choices"] = [
                {"value": 1, "field": f"S1_{o['n']}", "group": o["group"], "label": _text(o)}
                for o in opts
            ]
        if item.kind == "number":
            entry["minimum"] = item.extra.get("min")
            entry["maximum"] = item.extra.get("max")
            entry["unit"] = item.extra.get("unit")
        items.append(entry)
    groups = inst.items["S1"].extra.get("groups", {})
    return {
        "version": inst.version,
        "title": _text(raw.get("title"), f"BIP v{inst.version}"),
        "nonanswers": [
            {"value": k, "label": _text(v)} for k, v in raw.get("non_answers", {}).items()
        ],
        "groups": [{"value": g, "label": _text(groups.get(g))} for g in GROUPS if g in groups],
        "items": items,
    }


@router.get("/questionnaire", response={200: Questionnaire, **ERRORS}, tags=TAGS)
def questionnaire(request: HttpRequest):
    """The questionnaire version in force: items, answer options and labels (da, en).

    New measurements are recorded under this version."""
    token = caller(request)
    inst = selectors.instrument()
    audit(token.user, API_ROLE, "questionnaire.view", "questionnaire", str(inst.version))
    return questionnaire_body(inst)


class CaseloadFilter(Schema):
    status: str | None = None
    caseworker_id: str | None = None


@router.get(
    "/citizens", response={200: list[CitizenRow], **ERRORS}, tags=TAGS, auth=scope("caseload:read")
)
def citizens(request: HttpRequest, filters: Query[CaseloadFilter]):
    """The jobcentre's citizens with their cadence status: ``overdue`` (no measurement for 13
    weeks), ``due`` (within 2 weeks of that), ``ok``, ``never`` (no measurement yet); most
    urgent first. ``status`` and ``caseworker_id`` narrow the list."""
    token = caller(request)
    qs = Citizen.objects.filter(jobcenter=token.jobcenter)
    if filters.caseworker_id:
        qs = qs.filter(caseworker__caseworker_id=filters.caseworker_id)
    info = {
        cid: (cw, enrolled)
        for cid, cw, enrolled in qs.values_list(
            "citizen_id", "caseworker__caseworker_id", "enrolled_on"
        )
    }
    rows = selectors.caseload(qs, status=filters.status, names=False)
    scope = filters.caseworker_id or "jobcentre"
    audit(token.user, API_ROLE, "caseload.view", "caseload", scope, f"{len(rows)} citizens")
    return [
        {
            "citizen_id": r.citizen_id,
            "caseworker_id": info[r.citizen_id][0],
            "enrolled_on": info[r.citizen_id][1],
            "last_measured_on": r.last,
            "due_on": r.last + dt.timedelta(weeks=CADENCE_WEEKS) if r.last else None,
            "weeks_since_last": r.weeks,
            "status": r.status,
            "combination": r.combination,
        }
        for r in rows
    ]


@router.get(
    "/citizens/{citizen_id}/measurements",
    response={200: list[MeasurementRef], **ERRORS},
    tags=TAGS,
    auth=scope("caseload:read"),
)
def citizen_measurements(request: HttpRequest, citizen_id: str):
    """The citizen's measurements, oldest first (read one for its answers)."""
    token = caller(request)
    citizen = citizen_of(request, token, citizen_id)
    rows = list(citizen.measurements.order_by("measured_on", "id"))
    audit(token.user, API_ROLE, "citizen.view", "citizen", citizen.citizen_id, "measurements")
    return [
        {"measurement_id": m.measurement_id, "measured_on": m.measured_on, "revision": m.revision}
        for m in rows
    ]


@router.get(
    "/citizens/{citizen_id}/record",
    response={200: dict[str, Any], **ERRORS},
    tags=TAGS,
    auth=scope("caseload:read"),
)
def citizen_record(request: HttpRequest, citizen_id: str):
    """Right of access: everything stored about the citizen (pseudonym, jobcentre, every
    measurement and answer, caseworker periods, and the audit entries naming them)."""
    from bip.web.core.selectors.record import citizen_record as record

    token = caller(request)
    citizen = citizen_of(request, token, citizen_id)
    return record(citizen=citizen, fetched_by=token.user, role=API_ROLE)


@router.get(
    "/citizens/{citizen_id}/record.pdf",
    response={**ERRORS, 503: Errors},
    tags=TAGS,
    auth=scope("caseload:read"),
    openapi_extra={
        "responses": {
            200: {
                "description": "the record as a PDF",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def citizen_record_pdf(request: HttpRequest, citizen_id: str, lang: Literal["da", "en"] = "da"):
    """Right of access as a PDF, in Danish (``lang=da``) or English, to hand to the citizen."""
    from django.http import HttpResponse

    from bip.report.pdf import PdfUnavailable
    from bip.web.core.selectors.record import citizen_record as record
    from bip.web.lifecycle.record_pdf import record_pdf

    token = caller(request)
    citizen = citizen_of(request, token, citizen_id)
    rec = record(citizen=citizen, fetched_by=None)
    try:
        body = record_pdf(rec, selectors.instrument(), lang)
    except PdfUnavailable as exc:
        raise refuse(503, None, f"the PDF cannot be printed here: {exc}") from None
    # audited after printing: the audit chain's lock is held from here to the commit
    audit(token.user, API_ROLE, "citizen.record", "citizen", citizen.citizen_id, f"PDF, {lang}")
    return HttpResponse(body, content_type="application/pdf")


def _transfer_body(a: Assignment) -> dict:
    return {
        "caseworker_id": a.caseworker.caseworker_id,
        "previous_caseworker_id": a.previous.caseworker_id if a.previous else None,
        "started_on": a.started_on,
        "reason": a.reason,
        "is_change": a.is_change,
    }


@router.get(
    "/citizens/{citizen_id}/transfers",
    response={200: list[TransferOut], **ERRORS},
    tags=TAGS,
    auth=scope("caseload:read"),
)
def transfers(request: HttpRequest, citizen_id: str):
    """The citizen's caseworker periods, oldest first (each transfer starts one)."""
    token = caller(request)
    citizen = citizen_of(request, token, citizen_id)
    rows = list(citizen.assignments.select_related("caseworker", "previous"))
    audit(token.user, API_ROLE, "transfer.view", "citizen", citizen.citizen_id)
    return [_transfer_body(a) for a in rows]


@router.post(
    "/citizens/{citizen_id}/transfers",
    response={201: TransferOut, **ERRORS},
    tags=TAGS,
    auth=scope("transfers:write"),
)
def transfer(request: HttpRequest, citizen_id: str, payload: TransferIn):
    """Transfer the citizen to another caseworker of the jobcentre from ``started_on`` (today
    or since the current caseworker's period began)."""
    token = caller(request)
    citizen = citizen_of(request, token, citizen_id)
    since = selectors.transfer_since(citizen=citizen)
    to = Caseworker.objects.filter(
        jobcenter=token.jobcenter, caseworker_id=payload.caseworker_id
    ).first()
    problems = []
    if to is None:
        problems.append(("caseworker_id", "no such caseworker at this token's jobcentre"))
    elif to.pk == citizen.caseworker_id:
        problems.append(("caseworker_id", "this is the citizen's caseworker already"))
    earliest = max(FIRST_PLAUSIBLE_DAY, since or FIRST_PLAUSIBLE_DAY)
    if payload.started_on > dt.date.today():
        problems.append(("started_on", f"the date {payload.started_on} is in the future"))
    elif payload.started_on < earliest:
        problems.append(("started_on", f"the date {payload.started_on} is before {earliest}"))
    if problems:
        services.transfer_refused(user=token.user, citizen=citizen, errors=[f for f, _ in problems])
        raise ApiError(400, [Problem(f, r) for f, r in problems])
    with transaction.atomic():
        a = services.citizen_transfer(
            citizen=citizen,
            to=to,
            started_on=payload.started_on,
            user=token.user,
            reason=payload.reason,
        )
    return Status(201, _transfer_body(a))
