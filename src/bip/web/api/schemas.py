"""The API's request and response bodies (pydantic, through django-ninja).

A measurement's answers are the columns of the dataset format's ``measurements`` table, with
the same names, types and ranges (built from ``bip.dataset.schema``), so a system that writes
the dataset format already knows the API's fields.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, Strict, create_model

from bip.dataset.schema import ID_MAX_LENGTH, MEASUREMENT_COLUMNS
from bip.instrument import B_ITEMS, S_ITEMS

OWN_COLUMNS = ("measurement_id", "citizen_id", "caseworker_id", "measured_on")
ANSWER_COLUMNS = tuple(c for c in MEASUREMENT_COLUMNS if c.name not in OWN_COLUMNS)
NonAnswer = Literal["dont_know", "wont_answer"]
if TYPE_CHECKING:
    Item = str
else:
    Item = Literal[B_ITEMS + S_ITEMS]
Id = Annotated[str, Field(min_length=1, max_length=ID_MAX_LENGTH)]


def _answer_type(col, *, strict: bool) -> Any:
    """The pydantic type of one answer column: its kind and its range, null allowed."""
    if col.kind in ("score", "flag"):
        base: Any = Annotated[int, Strict(), Field(ge=col.lo, le=col.hi)] if strict else int
    elif col.kind == "amount":
        base = Annotated[float, Strict(), Field(ge=col.lo, le=col.hi)] if strict else float
    elif col.kind == "category":
        base = Literal[col.values]
    else:  # pragma: no cover - the schema has no other kinds among the answers
        raise TypeError(col.kind)
    return base | None


def _answers(*, strict: bool) -> dict[str, Any]:
    return {
        c.name: (_answer_type(c, strict=strict), Field(None, description=c.doc))
        for c in ANSWER_COLUMNS
    }


class ApiSchema(Schema):
    """Request bodies refuse unknown fields: a misspelt answer is an error, not lost."""

    model_config = ConfigDict(extra="forbid")


class _MeasurementIn(ApiSchema):
    """A new measurement: the citizen part (B1-B11), the caseworker part (S1-S12) or both."""

    client_key: Annotated[str, Field(min_length=1, max_length=64)] = Field(
        description="the client's id of this create: a retry with the same key returns the "
        "measurement made the first time"
    )
    measured_on: dt.date = Field(description="date of the meeting")
    caseworker_id: Id | None = Field(None, description="default: the citizen's caseworker")
    questionnaire_version: int | None = Field(
        None, description="the version the form was shown in; must be the one in force"
    )
    nonanswers: dict[Item, NonAnswer] = Field(
        default_factory=dict, description="items answered 'don't know' or 'won't answer'"
    )


class _MeasurementPatch(ApiSchema):
    """A correction: the fields given replace the stored ones; ``revision`` is the one read
    (a stale one is refused with 409)."""

    revision: Annotated[int, Strict(), Field(ge=1)]
    measured_on: dt.date | None = None
    nonanswers: dict[Item, NonAnswer] | None = None


class _MeasurementOut(Schema):
    measurement_id: str
    citizen_id: str
    caseworker_id: str
    measured_on: dt.date
    questionnaire_version: int
    revision: int
    nonanswers: dict[str, str]
    created_at: dt.datetime
    updated_at: dt.datetime


# the answer columns join each body from the dataset schema; type checkers see the bases
if TYPE_CHECKING:
    MeasurementIn = _MeasurementIn
    MeasurementPatch = _MeasurementPatch
    MeasurementOut = _MeasurementOut
else:
    MeasurementIn = create_model(
        "MeasurementIn",
        __base__=_MeasurementIn,
        __doc__=_MeasurementIn.__doc__,
        **_answers(strict=True),
    )
    MeasurementPatch = create_model(
        "MeasurementPatch",
        __base__=_MeasurementPatch,
        __doc__=_MeasurementPatch.__doc__,
        **_answers(strict=True),
    )
    MeasurementOut = create_model(
        "MeasurementOut", __base__=_MeasurementOut, **_answers(strict=False)
    )


class FieldError(Schema):
    """One problem, as the dataset validator reports them: the field and a plain reason."""

    field: str | None
    reason: str


class Errors(Schema):
    """Every error response: nothing was stored."""

    errors: list[FieldError]


class Text(Schema):
    da: str
    en: str


class Choice(Schema):
    value: str | int
    field: str | None = None  # the answer column this choice sets (B10 channels, S1 options)
    group: str | None = None
    label: Text


class QuestionItem(Schema):
    id: str
    part: Literal["citizen", "caseworker"]
    kind: str
    label: Text
    wording: Text
    fields: list[str]
    choices: list[Choice] = []
    statuses: list[Choice] = []
    minimum: float | None = None
    maximum: float | None = None
    unit: str | None = None


class Questionnaire(Schema):
    version: int
    title: Text
    nonanswers: list[Choice]
    groups: list[Choice]
    items: list[QuestionItem]


class CitizenRow(Schema):
    citizen_id: str
    caseworker_id: str | None
    enrolled_on: dt.date | None
    last_measured_on: dt.date | None
    due_on: dt.date | None
    weeks_since_last: int | None
    status: Literal["overdue", "due", "ok", "never"]
    combination: str | None


class MeasurementRef(Schema):
    measurement_id: str
    measured_on: dt.date
    revision: int


class TransferIn(ApiSchema):
    caseworker_id: Id
    started_on: dt.date
    reason: Annotated[str, Field(max_length=200)] = ""


class TransferOut(Schema):
    caseworker_id: str
    previous_caseworker_id: str | None
    started_on: dt.date
    reason: str
    is_change: bool
