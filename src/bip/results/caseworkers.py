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


class QuartileContrast(Record):
    """One of 004's comparisons of a quartile with the other three (Figur 4–19), tested: the
    mean over the quartile's measurements minus the mean over the other quartiles', CR1
    clustered by caseworker; q-value (BH) and familywise p (Romano–Wolf) over every
    contrast of the section."""

    family: Literal["activity_group", "caseworker_answer"] = Field(
        description="a share of measurements with an activity group, or a mean S answer"
    )
    outcome: Group | CaseworkerItem
    contrast: Literal["top_vs_rest", "bottom_vs_rest"] = Field(
        description="the most (4) or least (1) effective quartile against the other three"
    )
    n_measurements: Count
    n_caseworkers: Count
    difference: Num = None
    se: Num = None
    ci_low: Num = None
    ci_high: Num = None
    p_value: Num = None
    q_value: Num = None
    p_familywise: Num = None


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


class NoiseInference(Record):
    """Intervals from the empirical-Bayes model (true effects N(0, sigma^2), each estimate with
    its own standard error), inverted into confidence sets; valid for ranked quartiles and for
    the spread of true effects, also when that spread is near 0 (docs/a6-inference.md)."""

    method: Literal["parametric_eb"]
    n_draws: Count
    seed: int
    level: float = Field(description="nominal coverage of every interval")
    true_effect_sd: Num
    true_effect_sd_ci: Interval
    policy_increase: Num = Field(
        description="gain if every caseworker were as effective as the truly best quarter"
    )
    policy_increase_ci: Interval
    policy_counterfactual: Num = Field(description="outcome rate then (observed rate given)")
    policy_counterfactual_ci: Interval
    noise_only_gap_mean: Num = Field(
        description="raw quartile 4-1 gap that ranking noise alone produces (mean)"
    )
    noise_only_gap_q95: Num
    noise_only_increase_mean: Num = Field(
        description="raw policy increase that ranking noise alone produces (mean)"
    )
    noise_only_increase_q95: Num
    p_value_no_spread: Num = Field(
        description="share of draws with no true spread whose statistic reaches the observed"
    )


class Eligibility(Record):
    """The sample rule counted twice: 004 counts a caseworker's distinct citizens over every
    measurement with a caseworker part; the effect itself rests on the analysis sample's."""

    n_caseworkers_with_part: Count = Field(description="caseworkers with any caseworker part")
    n_caseworkers_eligible: Count = Field(description="at least the minimum by 004's count")
    n_caseworkers_min_in_sample: Count = Field(
        description="of those, with at least the minimum of citizens in the analysis sample"
    )


class FTest(Record):
    """Tests that all caseworker effects are equal: the classical F test (independent errors)
    and a cluster-robust Wald test (CR1 by citizen, F on (df_num, robust_df_den)); adjusted R²."""

    f_statistic: Num
    df_num: Count
    df_den: Count
    p_value: Num
    wald: Num = None
    robust_f_statistic: Num = None
    robust_df_den: Count | None = None
    robust_p_value: Num = None
    adj_r2_without_fe: Num
    adj_r2_with_fe: Num


class PermutationTest(Record):
    """Caseworkers shuffled within jobcentre (each citizen's measurements with one caseworker
    move together): the raw gap and policy increase that noise alone produces."""

    n_permutations: Count
    sd_observed: Num = Field(description="SD of the raw effects (the joint test's statistic)")
    sd_permuted_mean: Num
    sd_p_value: Num
    gap_observed: Num
    gap_permuted_mean: Num
    gap_permuted_q95: Num
    gap_p_value: Num
    increase_observed: Num
    increase_permuted_mean: Num
    increase_p_value: Num


class WithinJobcenter(Record):
    """Effects relative to the caseworker's jobcentre mean (jobcentre fixed effects), ranked
    into quartiles; caseworkers alone in their jobcentre drop out."""

    n_caseworkers: Count
    n_jobcenters: Count
    n_caseworkers_alone: Count
    raw_effect_sd: Num = None
    true_effect_sd: Num = None
    true_effect_sd_ci: Interval | None = None
    gap_top_bottom_raw: Num = None
    gap_top_bottom_shrunk: Num = None
    increase_raw: Num = None
    increase_shrunk: Num = None
    policy_increase: Num = None
    policy_increase_ci: Interval | None = None
    noise_only_gap_mean: Num = None


class LeaveOutVariance(Record):
    """Kline–Saggio–Sølvsten (2020) leave-out estimate of the variance of the caseworkers'
    true effects: the plug-in variance of the fixed effects minus an unbiased estimate of its
    noise, each citizen's errors of any variance and correlated within the citizen (their whole
    record left out), beside the method-of-moments estimate of the noise model
    (docs/a6-inference.md). Variances are over caseworkers, each counted once (ddof 1)."""

    method: Literal["kss_leave_citizen_out"]
    variance: Num = Field(description="KSS variance of true effects (can be negative)")
    sd: Num = Field(description="square root of the KSS variance, 0 when that is negative")
    variance_plugin: Num = Field(description="variance of the estimated effects, same rows")
    sd_plugin: Num
    variance_mom: Num = Field(description="method-of-moments variance (the noise model's)")
    sd_mom: Num
    n_measurements: Count
    n_caseworkers: Count
    n_citizens: Count
    n_dropped_measurements: Count = Field(
        description="rows of citizens without whom a caseworker's effect is not identified"
    )
    n_dropped_citizens: Count
    n_dropped_caseworkers: Count


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
    inference: NoiseInference | None
    permutation: PermutationTest | None = None
    within_jobcenter: WithinJobcenter | None = None
    leave_out: LeaveOutVariance | None = None
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
    eligibility: Eligibility | None = None
    f_test: FTest | None = None
    quartiles: tuple[QuartileProfile, ...] = ()
    quartile_tests: tuple[QuartileContrast, ...] | None = None
    policy_experiment: PolicyExperiment | None = None
    effects: tuple[CaseworkerEffect, ...] = ()
    beyond: Beyond | None = None
