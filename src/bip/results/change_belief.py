"""A7 Caseworker change and caseworker belief (000-002): result models."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from bip.results.base import Count, Estimated, Num, Record, Share


class ShareWithChange(Record):
    """Citizens with at least one caseworker change, among citizens with > 1 measurement."""

    share_with_change: Share
    n_citizens: Count
    n_citizens_with_change: Count
    mean_changes: Num


class RelativeEffect(Estimated):
    """exp(beta) - 1 of a Poisson (log-link) regression, with its interval (t, G - 1 df)."""

    relative_effect: Num = None
    ci_low: Num = None
    ci_high: Num = None
    coef: Num = None
    se: Num = None
    p_value: Num = None
    n_measurements: Count | None = None
    n_citizens: Count | None = None


class ChangeWithCaseworkerFE(RelativeEffect):
    n_dropped_all_zero_caseworker_rows: Count | None = Field(
        default=None, description="rows of caseworkers whose outcome is 0 throughout"
    )


class ChangeWithoutDuration(RelativeEffect):
    """The sources' change model: without the time-in-programme controls."""

    with_caseworker_fe: ChangeWithCaseworkerFE | None = None


class ChangeEffect(RelativeEffect):
    """Outcome on the number of caseworker changes so far, background and time in the
    programme (duration dummies), repeat measurements."""

    with_caseworker_fe: ChangeWithCaseworkerFE | None = None
    duration_controls: tuple[str, ...] | None = Field(
        default=None, description="the duration dummies (weeks since the first measurement)"
    )
    without_duration: ChangeWithoutDuration | None = None


EventBinName = Literal[
    "lead_104", "lead_78", "lead_52", "straddle", "lag_0", "lag_13", "lag_26", "lag_52"
]


class EventBin(Record):
    """One event-time bin: weeks from the first change in [weeks_from, weeks_to); ``coef`` in
    probability units against the reference bin (0 there), ``relative_effect`` = coef divided
    by the reference bin's outcome rate."""

    bin: EventBinName
    weeks_from: Num = None
    weeks_to: Num = None
    n: Count
    n_citizens: Count
    mean_weeks: Num = None
    outcome_rate: Share = None
    coef: Num = None
    se: Num = None
    ci_low: Num = None
    ci_high: Num = None
    relative_effect: Num = None


class WaldTest(Estimated):
    """Joint Wald test that coefficients are zero: F(df1, df2) and chi2(df1)."""

    f_stat: Num = None
    df1: Count | None = None
    df2: Count | None = None
    p_value: Share = None
    chi2: Num = None
    p_value_chi2: Share = None


class EventStudy(Estimated):
    """Leads and lags of the first caseworker change: linear probability model with citizen
    fixed effects and duration dummies, CR1 by citizen; the leads' joint test is the design
    test."""

    n_measurements: Count | None = None
    n_citizens: Count | None = None
    n_citizens_with_change: Count | None = None
    n_clusters: Count | None = None
    reference: EventBinName | None = None
    reference_outcome_rate: Share = None
    coefficients: tuple[EventBin, ...] = ()
    leads_joint_test: WaldTest | None = None


class ForecastBias(Estimated):
    """Chetty-Friedman-Rockoff test: change in the residual outcome at the first change on the
    change in the caseworkers' shrunk leave-out effects; unbiased forecasts give coef = 1."""

    n_citizens: Count | None = None
    min_other_citizens: Count | None = None
    n_caseworkers: Count | None = None
    true_effect_sd: Num = None
    within_sd: Num = None
    coef: Num = None
    se: Num = None
    ci_low: Num = None
    ci_high: Num = None
    p_value_equal_one: Share = None
    p_value_zero: Share = None
    se_iid: Num = None
    n_clusters: Count | None = None
    sd_delta_forecast: Num = None


class GroupRate(Record):
    outcome_rate: Share
    n: Count
    n_citizens: Count


class RateByGroup(Record):
    high: GroupRate
    low: GroupRate


class BeliefAtMinimum(RelativeEffect):
    """The belief effect when a caseworker needs ``min_other_citizens`` other citizens."""

    min_other_citizens: Count | None = None
    n_caseworkers: Count | None = None
    n_clusters: Count | None = Field(
        default=None, description="min(caseworkers, citizens): the two-way clusters' G"
    )


class BeliefEffect(BeliefAtMinimum):
    """Relative effect of a caseworker whose mean S12 about the citizen's others is above the
    median of the other caseworkers' means without the citizen (jobcentre fixed effects,
    errors clustered two-way by caseworker and citizen)."""

    median_caseworker_s12: Num = None
    outcome_rate_by_group: RateByGroup | None = None
    sources_model: RelativeEffect | None = Field(
        default=None, description="the same sample without jobcentre FE, errors by citizen"
    )
    sensitivity: tuple[BeliefAtMinimum, ...] | None = Field(
        default=None, description="the estimate for other minimums of other citizens"
    )


class A7ChangeBelief(Record):
    """A7: caseworker changes and the caseworker's belief in the citizen's job chance."""

    share_with_change: ShareWithChange
    change_effect: ChangeEffect
    belief_effect: BeliefEffect
    event_study: EventStudy | None = None
    forecast_bias: ForecastBias | None = None
