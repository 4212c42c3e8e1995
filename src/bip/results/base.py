"""Building blocks of the result models: one frozen record type and the value types.

Every result is a :class:`Record`: frozen (a result never changes after an analysis made it),
``extra="forbid"`` (a misspelt or unknown key is an error, not silently kept) and finite (NaN
and infinity are refused: an undefined number is ``None``, written as ``null``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

# Schema identifier written to meta.schema; bumped when a key is removed or changes meaning.
SCHEMA_ID = "bip-results/2"


class Record(BaseModel):
    """Base of every result model: frozen, no unknown keys, no NaN or infinity."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        allow_inf_nan=False,
        populate_by_name=True,
        serialize_by_alias=True,
        validate_by_alias=True,
        validate_by_name=True,
    )


# A number that may be undefined (too few observations, no variation): null in JSON.
Num = float | None
# A fraction in [0, 1] (never a percent), or undefined.
Share = Annotated[float, Field(ge=0, le=1)] | None
# A count of rows or citizens.
Count = Annotated[int, Field(ge=0)]

# The indicators of dataset format v1 and the two averages (docs/dataset-format.md). Written
# out as single Literals so that the JSON Schema lists the allowed object keys.
CitizenItem = Literal["B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B9"]
CaseworkerItem = Literal["S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9", "S10", "S11", "S12"]
Indicator = Literal[
    "B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B9",
    "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9", "S10", "S11", "S12",
]  # fmt: skip
Series = Literal[
    "B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B9", "B_avg",
    "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9", "S10", "S11", "S12", "S_avg",
]  # fmt: skip
# A JOSH activity combination: J, O, S, H each 1 (took part) or 0.
Code = Annotated[str, Field(pattern=r"^[01]{4}$")]
# An activity group of S1 (J, O, S, H) or none (0000).
Group = Literal["J", "O", "S", "H", "none"]
# An answer level of a 1-5 scale, as a JSON object key.
LevelKey = Literal["1", "2", "3", "4", "5"]
Quartile = Annotated[int, Field(ge=1, le=4)]

# How an estimate ended: ``ok``, too few observations, or the model could not be estimated
# (the reason says why, e.g. no variation in the outcome).
Status = Literal["ok", "insufficient_data", "not_estimable"]


class Estimated(Record):
    """A result that may not exist: ``status`` says whether it does, ``reason`` why not."""

    status: Status
    reason: str | None = Field(default=None, description="why the model could not be estimated")

    @model_validator(mode="before")
    @classmethod
    def _status_with_reason(cls, data: object) -> object:
        # Analyses report an engine failure as "not_estimable: <reason>".
        if isinstance(data, dict):
            status = data.get("status")
            if isinstance(status, str) and status.startswith("not_estimable:"):
                data = {**data, "status": "not_estimable"}
                data.setdefault("reason", status.partition(":")[2].strip())
        return data
