"""A5 beside the 52-week windows: the discrete-time hazard model of the time to a first job."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from bip.results.base import Count, Estimated, Num, Record, Share

TermGroup = Literal["duration", "activity", "caseworker_belief", "citizen_belief", "caseworker"]
Band = Literal[
    "weeks_0_13",
    "weeks_13_26",
    "weeks_26_39",
    "weeks_39_52",
    "weeks_52_78",
    "weeks_78_104",
    "weeks_104_plus",
]


def _contains(low, est, high, what: str) -> None:
    if est is not None and low is not None and high is not None and not low <= est <= high:
        raise ValueError(f"{what}: the interval [{low}, {high}] does not contain {est}")


class HazardTerm(Record):
    """One reported term of the hazard model: exp(coefficient) is a hazard ratio (cloglog)."""

    term: str = Field(description="regressor: weeks_<band>, act_<group>, S12_<level>, ...")
    group: TermGroup
    coef: Num
    se: Num
    hazard_ratio: Num
    ci_low: Num
    ci_high: Num
    p_value: Num
    n: Count = Field(description="person-periods where the regressor is not 0")

    @model_validator(mode="after")
    def _interval(self) -> HazardTerm:
        _contains(self.ci_low, self.hazard_ratio, self.ci_high, self.term)
        return self


class HazardBand(Record):
    """One duration band: the observed and the model's 13-week hazard, and the cumulative
    chance of a first job by the band's end (first four bands, 0-52 weeks)."""

    band: Band
    n_at_risk: Count
    n_events: Count
    observed: Share = Field(description="events / person-periods at risk in the band")
    model: Share = Field(
        default=None, description="mean over the first measurements moved to this band"
    )
    model_ci_low: Share = None
    model_ci_high: Share = None
    cumulative_life_table: Share = None
    cumulative_model: Share = None
    cumulative_model_ci_low: Share = None
    cumulative_model_ci_high: Share = None

    @model_validator(mode="after")
    def _intervals(self) -> HazardBand:
        _contains(self.model_ci_low, self.model, self.model_ci_high, self.band)
        _contains(
            self.cumulative_model_ci_low,
            self.cumulative_model,
            self.cumulative_model_ci_high,
            self.band,
        )
        return self


class HazardModel(Estimated):
    """Complementary log-log model of a first job (``job_13w``) per 13-week period after each
    measurement, stopping at the first job and at the employment register's end; duration
    bands, activity groups, S12 and B8 levels, caseworker changes, the caseworker's
    leave-citizen-out job rate and background; CR1 by citizen (docs/a5-a7.md)."""

    link: Literal["cloglog", "logit"] = "cloglog"
    n_periods: Count
    n_citizens: Count
    n_events: Count
    n_censored_citizens: Count = Field(
        description="citizens whose series ends at a window the register does not cover"
    )
    n_regressors: Count | None = None
    separating: tuple[str, ...] = Field(
        default=(),
        description="0/1 regressors left out because the outcome never varies on one side",
    )
    terms: tuple[HazardTerm, ...] = ()
    bands: tuple[HazardBand, ...] = ()
    cumulative_52w_model: Share = None
    cumulative_52w_model_ci_low: Share = None
    cumulative_52w_model_ci_high: Share = None
    cumulative_52w_life_table: Share = None
    observed_52w: Share = Field(
        default=None,
        description="job_or_education_52w of the same citizens' first measurements (known)",
    )
    n_observed_52w: Count | None = None
    n_entry: Count | None = Field(default=None, description="citizens at their first measurement")

    @model_validator(mode="after")
    def _interval(self) -> HazardModel:
        _contains(
            self.cumulative_52w_model_ci_low,
            self.cumulative_52w_model,
            self.cumulative_52w_model_ci_high,
            "cumulative_52w_model",
        )
        return self
