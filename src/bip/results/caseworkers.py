"""A6 Caseworker effectiveness (004, and the same with noise in mind): result models."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from bip.results.base import (
    CaseworkerItem,
    Count,
    Estimated,
    Group,
    Num,
    Quartile,
    Record,
    Share,
)

# S1 options as object keys ("1" ... "21"): the activities a caseworker can tick.
OptionKey = str


class GroupUse(Record):
    share: Share
    n: Count = Field(description="measurements with a known combination")


class OptionUse(Record):
    group: Literal["J", "O", "S", "H"]
    share: Share
    n: Count = Field(description="measurements with a caseworker part")


class MeanAnswer(Record):
    mean: Num
    n: Count


class QuartileProfile(Record):
    """One quartile of caseworkers ranked by their raw effect (004 Figur 2-19)."""

    quartile: Quartile
    n_caseworkers: Count
    n_measurements: Count
    n_citizens: Count
    outcome_rate: Share
    mean_effect: Num
    citizens_per_caseworker: Num
    activity_groups: dict[Group, GroupUse]
    activities: dict[OptionKey, OptionUse]
    mean_answers: dict[CaseworkerItem, MeanAnswer]


class PolicyExperiment(Record):
    """Every caseworker as effective as the top quartile's mean: the outcome rate now and
    then. Standard errors by the delta method (CR1 by citizen), quartiles taken as given."""

    actual: Num
    actual_se: Num
    counterfactual: Num
    counterfactual_se: Num
    increase: Num
    increase_se: Num
    p_value: Num


class CaseworkerEffect(Record):
    """One caseworker's effect: fixed effect minus the mean over caseworkers."""

    caseworker_id: str
    effect: Num
    effect_shrunk: Num = Field(description="empirical-Bayes shrunken effect")
    se: Num
    reliability: Num = Field(description="lambda = sigma^2 / (sigma^2 + se^2)")
    n_measurements: Count
    n_citizens: Count
    quartile: Quartile
    quartile_shrunk: Quartile


class QuartileShrunk(Record):
    quartile: Quartile
    n_caseworkers: Count
    mean_effect: Num
    mean_raw_effect: Num


class PolicyShrunk(Record):
    actual: Num
    counterfactual: Num
    increase: Num


class CrossHalf(Record):
    direction: Literal["a_to_b", "b_to_a"]
    quartile: Quartile
    n_caseworkers: Count
    mean_effect_forming_half: Num
    mean_effect_other_half: Num


class SplitSample(Record):
    """Quartiles formed on a random half of each caseload and evaluated on the other half."""

    n_caseworkers: Count
    correlation: Num
    spearman_brown: Num
    quartiles_cross_half: tuple[CrossHalf, ...] = ()
    gap_top_bottom_forming_half: Num = None
    gap_top_bottom_other_half: Num = None


Interval = tuple[float, float]


class Bootstrap(Record):
    """Citizen (cluster) bootstrap percentile intervals."""

    n_boot: Count
    seed: int
    resampled: Literal["citizens"]
    slopes_refitted: bool
    increase_shrunk_ci: Interval
    counterfactual_shrunk_ci: Interval
    increase_raw_ci: Interval
    counterfactual_raw_ci: Interval
    true_effect_sd_ci: Interval


class Beyond(Record):
    """Beyond 004: each effect's noise, the spread of true effects, shrinkage, reliability."""

    residual_sd: Num
    within_citizen_correlation: Num
    raw_effect_sd: Num
    mean_se: Num
    true_effect_sd: Num = Field(description="method-of-moments SD of the true effects")
    mean_reliability: Num
    quartiles_shrunk: tuple[QuartileShrunk, ...]
    gap_top_bottom_raw: Num
    gap_top_bottom_shrunk: Num
    policy_experiment_shrunk: PolicyShrunk
    split_sample: SplitSample
    bootstrap: Bootstrap | None
    median_citizens_per_caseworker: Num = Field(
        description="median distinct citizens behind one caseworker's effect"
    )


class A6Caseworkers(Estimated):
    """A6 (004): caseworkers with a caseworker part for at least ``min_citizens_per_caseworker``
    citizens; a linear probability model of job or education within 52 weeks without and with
    caseworker fixed effects; the effects normalised to mean zero over caseworkers (only
    differences are interpretable), ranked by the raw effect into quartiles."""

    min_citizens_per_caseworker: Count
    n_measurements: Count
    n_caseworkers: Count
    n_citizens: Count
    outcome: Literal["job_or_education_52w"] | None = None
    regressors: tuple[str, ...] = ()
    dropped_collinear: tuple[str, ...] = ()
    r2_without_fe: Num = None
    r2_with_fe: Num = None
    r2_within: Num = None
    quartiles: tuple[QuartileProfile, ...] = ()
    policy_experiment: PolicyExperiment | None = None
    effects: tuple[CaseworkerEffect, ...] = ()
    beyond: Beyond | None = None
