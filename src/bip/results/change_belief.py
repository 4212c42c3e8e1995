"""A7 Caseworker change and caseworker belief (000-002): result models."""

from __future__ import annotations

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


class ChangeEffect(RelativeEffect):
    """Outcome on the number of caseworker changes so far (+ background), repeat measurements."""

    with_caseworker_fe: ChangeWithCaseworkerFE | None = None


class GroupRate(Record):
    outcome_rate: Share
    n: Count
    n_citizens: Count


class RateByGroup(Record):
    high: GroupRate
    low: GroupRate


class BeliefEffect(RelativeEffect):
    """Relative effect of a caseworker whose mean S12 about their other citizens is above the
    median of the caseworkers' mean S12."""

    median_caseworker_s12: Num = None
    outcome_rate_by_group: RateByGroup | None = None


class A7ChangeBelief(Record):
    """A7: caseworker changes and the caseworker's belief in the citizen's job chance."""

    share_with_change: ShareWithChange
    change_effect: ChangeEffect
    belief_effect: BeliefEffect
