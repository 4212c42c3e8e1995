"""A8 Cohort profile (000, 001) and A9 Data quality: result models."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from bip.results.base import Count, Indicator, Num, Record, Share


class CohortRow(Record):
    """One characteristic of the citizens at their first measurement."""

    variable: str
    stat: Literal["mean", "share"]
    value: Num
    n_citizens: Count
    n_citizens_with: Count | None = Field(default=None, description="shares: the numerator")
    published_id: str | None = Field(
        description="the figure of the sources this row sits beside (calibration/published.yaml)"
    )


class A8Cohort(Record):
    """A8: one row per citizen (background at the first measurement)."""

    n_citizens: Count
    n_citizens_with_persons_row: Count
    n_jobcenters: Count
    n_caseworkers: Count
    n_measurements: Count
    measurements_per_citizen: Num
    first_measurement: dt.date | None
    last_measurement: dt.date | None
    rows: tuple[CohortRow, ...]


class QualityRow(Record):
    """Data quality of one jobcentre (or ``all``)."""

    jobcenter: str
    n_citizens: Count
    n_measurements: Count
    n_caseworkers: Count
    measurements_per_citizen_mean: Num
    measurements_per_citizen_median: Num
    share_citizens_with_repeat: Share
    mean_weeks_between: Num
    share_within_13_weeks: Share
    n_intervals: Count
    share_citizen_part: Share
    share_caseworker_part: Share
    share_both_parts: Share
    n_unknown_combination: Count
    share_unknown_combination: Share
    n_only_dont_know: Count = Field(description="S1 'don't know' ticked alone")
    n_contradictory_s1: Count = Field(description="an activity ticked with 'none' or 'don't know'")
    share_missing: dict[Indicator, Share]
    share_b_avg_defined: Share
    share_s_avg_defined: Share


class A9DataQuality(Record):
    """A9: one row per jobcentre (labelled as in A3) and one for all."""

    rows: tuple[QualityRow, ...]
    all: QualityRow
    jobcenters_anonymised: bool
