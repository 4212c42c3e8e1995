"""Section 7, third part (A6): is the spread of caseworker effects more than chance? The sample
rule counted twice, the joint tests, the permutation test, and caseworkers compared within
their own jobcentre."""

from __future__ import annotations

from bip.disclosure import Counts
from bip.report import numbers
from bip.report.blocks import Block
from bip.report.sections.base import Ctx, Fact, facts_table
from bip.results.caseworkers import A6Caseworkers, Beyond


def blocks(a6: A6Caseworkers, beyond: Beyond, c: Ctx) -> list[Block]:
    """The tests table and, where jobcentres are known, the within-jobcentre table."""
    out: list[Block] = [_tests(a6, beyond, c)]
    w = beyond.within_jobcenter
    if w is not None and w.gap_top_bottom_raw is not None:
        out.append(_within(a6, c))
    return out


def _tests(a6: A6Caseworkers, b: Beyond, c: Ctx):
    n = Counts(citizens=a6.n_citizens, observations=a6.n_measurements)
    el, ft, pm, inf = a6.eligibility, a6.f_test, b.permutation, b.inference
    facts: list[Fact] = []
    if el is not None:
        facts += [
            Fact(c._("Caseworkers with a caseworker part"), el.n_caseworkers_with_part, "int", n),
            Fact(
                c._("… with at least {min} citizens (the source's count)").format(
                    min=a6.min_citizens_per_caseworker
                ),
                el.n_caseworkers_eligible,
                "int",
                n,
            ),
            Fact(
                c._("… of these, with at least {min} citizens in the analysis sample").format(
                    min=a6.min_citizens_per_caseworker
                ),
                el.n_caseworkers_min_in_sample,
                "int",
                n,
            ),
        ]
    if ft is not None:
        facts += [
            Fact(c._("Adjusted R² without caseworker effects"), ft.adj_r2_without_fe, "d3", n),
            Fact(c._("Adjusted R² with caseworker effects"), ft.adj_r2_with_fe, "d3", n),
            Fact(c._("F test of equal effects: F"), ft.f_statistic, "d2", n),
            Fact(c._("F test of equal effects: p-value"), ft.p_value, "p", n),
            Fact(c._("Cluster-robust Wald test: F"), ft.robust_f_statistic, "d2", n),
            Fact(c._("Cluster-robust Wald test: p-value"), ft.robust_p_value, "p", n),
        ]
    if pm is not None:
        facts += [
            Fact(
                c._("Gap between quartile 4 and 1, raw (percentage points)"),
                pm.gap_observed,
                "pp",
                n,
            ),
            Fact(
                c._("… with caseworkers shuffled within jobcentre (percentage points)"),
                pm.gap_permuted_mean,
                "pp",
                n,
            ),
            Fact(c._("Permutation test of the gap: p-value"), pm.gap_p_value, "p", n),
            Fact(c._("Permutation test of the spread of effects: p-value"), pm.sd_p_value, "p", n),
        ]
    if inf is not None:
        facts.append(
            Fact(c._("Noise-model test of no true spread: p-value"), inf.p_value_no_spread, "p", n)
        )
    notes = [
        c._(
            "The F tests take each measurement's error as independent (the first) or each "
            "citizen's errors as one cluster (the second); with many caseworkers, each on few "
            "citizens, both reject too often – on the synthetic cohort also after the "
            "caseworkers have been shuffled. The permutation test shuffles each citizen's "
            "measurements with one caseworker to another caseworker of the same jobcentre, so "
            "it asks how large the gap is when noise alone ranks the caseworkers."
        )
    ]
    if pm is not None:
        notes.append(
            c.n_("{n} permutation.", "{n} permutations.", pm.n_permutations).format(
                n=numbers.integer(pm.n_permutations, c.lang)
            )
        )
    return facts_table(
        c,
        "tab-cw-chance",
        c._("Are the differences between caseworkers more than chance?"),
        c._(
            "How many caseworkers the rule admits, how much the caseworker adds to the model, "
            "and tests of whether the effects differ at all."
        ),
        facts,
        notes=tuple(notes),
    )


def _within(a6: A6Caseworkers, c: Ctx):
    assert a6.beyond is not None and a6.beyond.within_jobcenter is not None
    w = a6.beyond.within_jobcenter
    n = Counts(citizens=a6.n_citizens, observations=a6.n_measurements)
    facts = [
        Fact(c._("Caseworkers compared within their jobcentre"), w.n_caseworkers, "int", n),
        Fact(c._("Jobcentres"), w.n_jobcenters, "int", n),
        Fact(
            c._("Caseworkers alone in their jobcentre (left out)"), w.n_caseworkers_alone, "int", n
        ),
        Fact(c._("SD of the raw effects (percentage points)"), w.raw_effect_sd, "pp", n),
        Fact(c._("SD of the true effects (percentage points)"), w.true_effect_sd, "pp", n),
        Fact(
            c._("Gap between quartile 4 and 1, raw (percentage points)"),
            w.gap_top_bottom_raw,
            "pp",
            n,
        ),
        Fact(
            c._("Gap between quartile 4 and 1, shrunken (percentage points)"),
            w.gap_top_bottom_shrunk,
            "pp",
            n,
        ),
        Fact(c._("Increase, raw (percentage points)"), w.increase_raw, "pp", n),
        Fact(c._("Increase, shrunken (percentage points)"), w.increase_shrunk, "pp", n),
        Fact(
            c._("Increase if all were like the truly best quarter (percentage points)"),
            w.policy_increase,
            "pp",
            n,
        ),
    ]
    notes = []
    if w.true_effect_sd_ci is not None and w.policy_increase_ci is not None:
        notes.append(
            c._(
                "{share} intervals: SD of the true effects {sd_lo} to {sd_hi}, increase if all "
                "were like the truly best quarter {p_lo} to {p_hi} percentage points."
            ).format(
                share=numbers.pct(0.95, c.lang, 0),
                sd_lo=numbers.pp(w.true_effect_sd_ci[0], c.lang),
                sd_hi=numbers.pp(w.true_effect_sd_ci[1], c.lang),
                p_lo=numbers.pp(w.policy_increase_ci[0], c.lang),
                p_hi=numbers.pp(w.policy_increase_ci[1], c.lang),
            )
        )
    return facts_table(
        c,
        "tab-cw-within",
        c._("Caseworkers compared within their own jobcentre"),
        c._(
            "Each effect measured against the mean of the caseworkers of the same jobcentre "
            "(jobcentre fixed effects), so differences between jobcentres – their citizens, "
            "their labour market – do not count as differences between caseworkers. The "
            "source ranks across jobcentres (the tables above)."
        ),
        facts,
        notes=tuple(notes),
    )
