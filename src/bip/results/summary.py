"""The summary objects at the top of results.json, taken from the sections.

``progression``, ``combinations``, ``combination_effects``, ``caseworker_effectiveness``,
``caseworker_change`` and ``belief`` repeat the headline numbers of A1, A2, A4, A5, A6 and A7
in a flat form for readers who want just those (docs/results-schema.md). They are never
computed twice: :func:`summaries` derives them from the section results.
"""

from __future__ import annotations

from bip.results.activities import A2Activities, CodeShare
from bip.results.base import Code, Count, LevelKey, Num, Quartile, Record, Series, Share
from bip.results.caseworkers import A6Caseworkers, PolicyExperiment
from bip.results.change_belief import A7ChangeBelief
from bip.results.combination_effects import A4CombinationEffects
from bip.results.job_chance import A5JobChance
from bip.results.progression import A1Progression


class ProgressionSummary(Record):
    mean: Num
    n: Count
    n_citizens: Count
    share_unchanged: Share
    share_up: Share
    share_down: Share


class EffectSummary(Record):
    """The naive A4 effect size of one combination on one item."""

    d: Num
    ci_low: Num
    ci_high: Num
    n: Count
    n_citizens: Count
    percentile: Num


class QuartileSummary(Record):
    quartile: Quartile
    n_caseworkers: Count
    outcome_rate: Share
    mean_effect: Num
    citizens_per_caseworker: Num
    n_citizens: Count


class EffectBrief(Record):
    caseworker_id: str
    effect: Num
    effect_shrunk: Num
    se: Num
    n_measurements: Count
    quartile: Quartile


class CaseworkerEffectiveness(Record):
    """A6 in brief: the 004 quartiles, the policy experiment, every caseworker's effect."""

    n_measurements: Count
    n_caseworkers: Count
    n_citizens: Count
    r2_without_fe: Num
    r2_with_fe: Num
    quartiles: tuple[QuartileSummary, ...]
    policy_experiment: PolicyExperiment | None
    effects: tuple[EffectBrief, ...]
    true_effect_sd: Num


class CaseworkerChange(Record):
    """A7 in brief: share of citizens with a change, relative effect per change."""

    share_with_change: Share
    n_citizens: Count
    relative_effect_per_change: Num
    ci_low: Num
    ci_high: Num


class Belief(Record):
    """Outcome rates by the caseworker's belief S12 (A5) and the high-belief effect (A7)."""

    outcome_rate_by_S12: dict[LevelKey, Share]
    job13_rate_by_S12: dict[LevelKey, Share]
    n_by_S12: dict[LevelKey, Count]
    n_citizens_by_S12: dict[LevelKey, Count]
    relative_effect_high_vs_low: Num
    ci_low: Num
    ci_high: Num


class Summaries(Record):
    progression: dict[Series, ProgressionSummary]
    mean_weeks_between: Num
    combinations: dict[Code, CodeShare]
    combination_effects: dict[Series, dict[Code, EffectSummary]]
    caseworker_effectiveness: CaseworkerEffectiveness
    caseworker_change: CaseworkerChange
    belief: Belief


def summaries(
    a1: A1Progression,
    a2: A2Activities,
    a4: A4CombinationEffects,
    a5: A5JobChance,
    a6: A6Caseworkers,
    a7: A7ChangeBelief,
) -> Summaries:
    """The top-level summary objects of results.json from the sections they repeat."""
    return Summaries(
        progression={
            item: ProgressionSummary.model_validate(r.model_dump(include=_PROGRESSION))
            for item, r in a1.items.items()
        },
        mean_weeks_between=a1.weeks_between.mean,
        combinations=dict(a2.codes),
        combination_effects={
            item: {
                code: EffectSummary(
                    d=c.estimate,
                    ci_low=c.ci_low,
                    ci_high=c.ci_high,
                    n=c.n,
                    n_citizens=c.n_citizens,
                    percentile=c.percentile,
                )
                for code, c in model.codes.items()
            }
            for item, model in a4.naive.items()
        },
        caseworker_effectiveness=effectiveness_summary(a6),
        caseworker_change=change_summary(a7),
        belief=belief_summary(a5, a7),
    )


_PROGRESSION = set(ProgressionSummary.model_fields)


def effectiveness_summary(a6: A6Caseworkers) -> CaseworkerEffectiveness:
    """results.json's ``caseworker_effectiveness``: the headline figures of A6."""
    ok = a6.status == "ok"
    return CaseworkerEffectiveness(
        n_measurements=a6.n_measurements,
        n_caseworkers=a6.n_caseworkers,
        n_citizens=a6.n_citizens,
        r2_without_fe=a6.r2_without_fe,
        r2_with_fe=a6.r2_with_fe,
        quartiles=tuple(
            QuartileSummary.model_validate(q.model_dump(include=set(QuartileSummary.model_fields)))
            for q in a6.quartiles
        ),
        policy_experiment=a6.policy_experiment if ok else None,
        effects=tuple(
            EffectBrief.model_validate(e.model_dump(include=set(EffectBrief.model_fields)))
            for e in a6.effects
        ),
        true_effect_sd=a6.beyond.true_effect_sd if a6.beyond else None,
    )


def change_summary(a7: A7ChangeBelief) -> CaseworkerChange:
    """results.json's ``caseworker_change``: A7's share with a change and its effect."""
    c = a7.change_effect
    ok = c.status == "ok"
    return CaseworkerChange(
        share_with_change=a7.share_with_change.share_with_change,
        n_citizens=a7.share_with_change.n_citizens,
        relative_effect_per_change=c.relative_effect if ok else None,
        ci_low=c.ci_low if ok else None,
        ci_high=c.ci_high if ok else None,
    )


def belief_summary(a5: A5JobChance, a7: A7ChangeBelief) -> Belief:
    """results.json's ``belief``: A5's rates by S12 and A7's high-versus-low belief effect."""
    s12 = a5.rates_by_level.get("S12", ())
    b = a7.belief_effect
    ok = b.status == "ok"

    def by_level(attr: str) -> dict:
        return {str(r.level): getattr(r, attr) for r in s12}

    return Belief(
        outcome_rate_by_S12=by_level("job_or_education_52w"),
        job13_rate_by_S12=by_level("job_13w"),
        n_by_S12=by_level("n"),
        n_citizens_by_S12=by_level("n_citizens"),
        relative_effect_high_vs_low=b.relative_effect if ok else None,
        ci_low=b.ci_low if ok else None,
        ci_high=b.ci_high if ok else None,
    )
