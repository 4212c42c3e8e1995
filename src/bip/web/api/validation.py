"""A measurement's rules for the API, with errors as the dataset validator words them.

Types and ranges come from the dataset format (``schemas.py``, checked by pydantic; its errors
are reworded here by :func:`from_pydantic`); the questionnaire's rules are those of the
caseworker's form: every item of a part answered or marked as a non-answer, channels only
while searching, "no activities" and "don't know" alone, no meeting in the future.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bip.instrument import (
    B10_CHANNELS,
    B_ITEMS,
    DONT_KNOW_OPTION,
    NO_ACTIVITY_OPTION,
    S1_OPTIONS,
    S_ITEMS,
    Instrument,
)
from bip.web.api.schemas import ANSWER_COLUMNS
from bip.web.core.forms import FIRST_PLAUSIBLE_DAY

CITIZEN_COLUMNS = (*B_ITEMS, "B10_status", *(f"B10_{c}" for c in B10_CHANNELS), "B11")
CASEWORKER_COLUMNS = (*(f"S1_{n}" for n in S1_OPTIONS), *S_ITEMS)
_NONANSWERS = "dont_know, wont_answer"


@dataclass(frozen=True)
class Problem:
    """One refused field (``field`` None: the body as a whole)."""

    field: str | None
    reason: str

    def as_dict(self) -> dict:
        return {"field": self.field, "reason": self.reason}


def _shown(v) -> str:
    text = str(v)
    return text if len(text) <= 40 else text[:37] + "..."


def _field_of(loc: tuple) -> str | None:
    # ninja puts the body under ("body", "payload", ...); the field is what follows
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path")]
    return ".".join(parts) or None


def from_pydantic(errors: list[dict]) -> list[Problem]:
    """pydantic's validation errors as (field, reason) in the dataset validator's words."""
    out = []
    for e in errors:
        kind, ctx, value = e.get("type", ""), e.get("ctx") or {}, e.get("input")
        if kind == "missing":
            reason = "required"
        elif kind == "extra_forbidden":
            reason = "unknown field (not in the format)"
        elif kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
            lo, hi = _range_of(_field_of(tuple(e.get("loc", ()))), ctx)
            reason = f"value '{_shown(value)}' out of range {lo}–{hi}"
        elif kind in ("int_type", "int_parsing", "int_from_float"):
            reason = f"bad number '{_shown(value)}' (expected a whole number)"
        elif kind in ("float_type", "float_parsing"):
            reason = f"bad number '{_shown(value)}'"
        elif kind == "literal_error":
            reason = f"unknown value '{_shown(value)}' (allowed: {ctx.get('expected', '')})"
        elif kind.startswith("date"):
            reason = f"bad date '{_shown(value)}' (expected YYYY-MM-DD)"
        else:
            reason = str(e.get("msg", "invalid")).removeprefix("Value error, ")
        out.append(Problem(_field_of(tuple(e.get("loc", ()))), reason))
    return out


def _range_of(field: str | None, ctx: dict) -> tuple:
    for c in ANSWER_COLUMNS:
        if c.name == field:
            return _num(c.lo), _num(c.hi)
    bound = ctx.get("ge", ctx.get("gt", ctx.get("le", ctx.get("lt", ""))))
    return (bound, "") if "ge" in ctx or "gt" in ctx else ("", bound)


def _num(x) -> str:
    return str(int(x)) if x is not None and float(x).is_integer() else str(x)


def parts_of(values: dict, nonanswers: dict) -> set[str]:
    """The parts ("citizen", "caseworker") that ``values``/``nonanswers`` hold anything of."""
    parts = set()
    if any(values.get(c) is not None for c in CITIZEN_COLUMNS) or set(nonanswers) & set(B_ITEMS):
        parts.add("citizen")
    if any(values.get(c) is not None for c in CASEWORKER_COLUMNS) or set(nonanswers) & set(S_ITEMS):
        parts.add("caseworker")
    return parts


def check(
    values: dict, nonanswers: dict, parts: set[str], inst: Instrument, today: dt.date
) -> list[Problem]:
    """The questionnaire's rules for ``parts`` of a measurement (types already checked)."""
    out: list[Problem] = []
    day = values.get("measured_on")
    if day is None:
        out.append(Problem("measured_on", "required"))
    elif day > today:
        out.append(Problem("measured_on", f"the date {day} is in the future"))
    elif day < FIRST_PLAUSIBLE_DAY:
        out.append(Problem("measured_on", f"the date {day} is before {FIRST_PLAUSIBLE_DAY}"))
    if not parts:
        out.append(
            Problem(
                None,
                "no answers: give the citizen part (B1–B11), the caseworker part (S1–S12) or both",
            )
        )
    for item in nonanswers:
        if values.get(item) is not None:
            out.append(Problem(item, "both an answer and a non-answer given"))
    items = [*(B_ITEMS if "citizen" in parts else ()), *(S_ITEMS if "caseworker" in parts else ())]
    for item in items:
        if values.get(item) is None and item not in nonanswers:
            out.append(Problem(item, f"required (an answer 1–5, or a non-answer: {_NONANSWERS})"))
    if "citizen" in parts:
        status = values.get("B10_status")
        if status is None:
            out.append(Problem("B10_status", "required"))
        for c in B10_CHANNELS:
            if values.get(f"B10_{c}") == 1 and status != "searching":
                out.append(
                    Problem(f"B10_{c}", "a channel can only be 1 when B10_status is searching")
                )
        wage, extra = values.get("B11"), inst.items["B11"].extra
        lo, hi = extra.get("min", 0), extra.get("max", 2000)
        if wage is not None and not lo <= wage <= hi:
            out.append(Problem("B11", f"value '{_num(wage)}' out of range {_num(lo)}–{_num(hi)}"))
    if "caseworker" in parts:
        ticked = {n for n in S1_OPTIONS if values.get(f"S1_{n}") == 1}
        if not ticked:
            out.append(
                Problem("S1", "tick at least one S1 option (22 no activities, 23 don't know)")
            )
        elif ticked & {NO_ACTIVITY_OPTION, DONT_KNOW_OPTION} and len(ticked) > 1:
            out.append(Problem("S1", "options 22 and 23 cannot be combined with other options"))
    return out


def service_values(values: dict, nonanswers: dict, parts: set[str]) -> dict:
    """The model values of ``parts`` as the measurement services take them (a flag not given
    is 0, as an unticked box on the form)."""
    out: dict = {"measured_on": values["measured_on"]}
    items: list[str] = []
    if "citizen" in parts:
        items += B_ITEMS
        out["B10_status"] = values.get("B10_status")
        for c in B10_CHANNELS:
            out[f"B10_{c}"] = values.get(f"B10_{c}") or 0
        out["B11"] = values.get("B11")
    if "caseworker" in parts:
        items += S_ITEMS
        for n in S1_OPTIONS:
            out[f"S1_{n}"] = values.get(f"S1_{n}") or 0
    for i in items:
        out[i] = values.get(i)
    out["_nonanswers"] = (items, {i: nonanswers[i] for i in items if i in nonanswers})
    return out


def part_name(parts: set[str]) -> str:
    """The audit's name of the parts saved, as the forms name them."""
    return "both" if len(parts) == 2 else next(iter(parts), "none")
