"""A4 Progression by activity combination (003 Figur 3-24): result models."""

from __future__ import annotations

from pydantic import Field

from bip.results.base import Code, Count, Num, Record, Series


class CodeEffect(Record):
    """One combination's coefficient: effect size d when the outcome is standardised."""

    estimate: Num
    se: Num
    ci_low: Num
    ci_high: Num
    p_value: Num
    percentile: Num = Field(description="100 * Phi(d): where a median citizen moves to (0-100)")
    n: Count
    n_citizens: Count


class ItemModel(Record):
    """One item's regression of progression on the combination dummies (no intercept)."""

    n: Count
    n_citizens: Count = Field(description="clusters G")
    mean: Num = Field(description="of the raw progression over the regression's sample")
    sd: Num
    df: int | None = Field(description="G - 1")
    t_crit: Num
    r2: Num
    codes: dict[Code, CodeEffect]


class A4CombinationEffects(Record):
    """A4: naive (dummies only) and adjusted (background and previous level) models per item."""

    standardised: bool
    level: float = Field(description="confidence level of the intervals")
    naive: dict[Series, ItemModel]
    adjusted: dict[Series, ItemModel]
    adjusted_controls: tuple[str, ...]
