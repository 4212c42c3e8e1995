"""A1 Progression (003 Tabel 1, Figur 1-2, appendix histograms): result models."""

from __future__ import annotations

from pydantic import Field

from bip.results.base import Count, Num, Record, Series, Share


class HistogramBin(Record):
    """One bin of a progression histogram: ``[from, to)`` around ``value``."""

    from_: float = Field(alias="from")
    to: float
    value: float
    count: Count


class ItemProgression(Record):
    """Progression (answer minus the citizen's previous answer) of one item or average."""

    mean: Num
    sd: Num = Field(description="standard deviation with n - 1")
    n: Count
    n_citizens: Count
    share_unchanged: Share
    share_up: Share
    share_down: Share
    histogram: tuple[HistogramBin, ...] = Field(
        description="items: one bin per whole step -4..4; averages: quarter-point bins"
    )


class WeeksBetween(Record):
    """Weeks between consecutive measurements of a citizen (all pairs)."""

    mean: Num
    median: Num
    sd: Num
    n: Count = Field(description="pairs of consecutive measurements")
    n_citizens: Count
    share_within_13_weeks: Share


class WeeksRegression(Record):
    """Progression on an intercept and weeks since the previous measurement (CR1 by citizen)."""

    intercept: Num
    slope_per_week: Num
    se: Num = Field(description="of the slope")
    ci_low: Num
    ci_high: Num
    p_value: Num
    n: Count
    n_citizens: Count


class A1Progression(Record):
    """A1: progression per item, weeks between measurements, progression on weeks."""

    items: dict[Series, ItemProgression]
    weeks_between: WeeksBetween
    weeks_regression: dict[Series, WeeksRegression]
