"""Section 7, second part (A6 beyond 004): how far the caseworker effects are noise - their
distribution raw and shrunken, the spread of the true effects, the split-sample check and
the intervals that allow for ranking on noise."""

from __future__ import annotations

import numpy as np

from bip.disclosure import Counts
from bip.report import figures as F
from bip.report import numbers
from bip.report import published as P
from bip.report.blocks import Block, Figure, Para
from bip.report.sections import caseworker_chance
from bip.report.sections.base import Ctx, Fact, facts_table, lower, upper
from bip.report.style import OURS, OURS_2
from bip.report.tables import Col, Row, Table
from bip.results.caseworkers import (
    A6Caseworkers,
    Beyond,
    LeaveOutVariance,
    NoiseInference,
    SplitSample,
)

BINS = 30


def blocks(a6: A6Caseworkers, beyond: Beyond, c: Ctx) -> list[Block]:
    """The effects' distribution and the noise checks."""
    out: list[Block] = [_histogram(a6, c), _noise(a6, beyond, c)]
    if beyond.leave_out is not None:
        out.append(_leave_out(beyond.leave_out, c))
    out.append(_split(beyond.split_sample, a6, c))
    if beyond.inference is None:
        out.append(Para(c._("No intervals were computed for these results."), "note"))
    else:
        out.append(_inference(beyond.inference, a6, c))
    out += caseworker_chance.blocks(a6, beyond, c)
    return out


def _histogram(a6: A6Caseworkers, c: Ctx) -> Figure:
    """Caseworkers per bin of raw and of shrunken effect. The manager edition leaves out a
    caseworker whose effect rests on few citizens (:mod:`bip.disclosure`)."""
    kept = [
        e
        for e in a6.effects
        if c.audience == "analyst" or not Counts(e.n_citizens, e.n_measurements).is_small()
    ]
    raw = np.array([e.effect for e in kept if e.effect is not None], dtype=float)
    shr = np.array([e.effect_shrunk for e in kept if e.effect_shrunk is not None], dtype=float)
    both = np.concatenate([raw, shr])
    lo, hi = (both.min(), both.max()) if both.size and both.min() < both.max() else (-0.1, 0.1)
    edges = np.linspace(lo, hi, BINS + 1)
    n_raw, _ = np.histogram(raw, edges)
    n_shr, _ = np.histogram(shr, edges)
    rows = tuple(
        Row({"from": edges[i], "to": edges[i + 1], "raw": int(n_raw[i]), "shr": int(n_shr[i])})
        for i in range(BINS)
    )
    # counts of caseworkers (each on at least the analysis' minimum of citizens), not citizens
    t = Table(
        "tab-cw-effects",
        c._("Distribution of caseworker effects: raw and shrunken"),
        c._("Caseworkers whose effect lies in each interval (percentage points)."),
        (
            Col("from", c._("From"), "pp", False),
            Col("to", c._("To"), "pp", False),
            Col("raw", c._("Raw (source's method)"), "int", False),
            Col("shr", c._("Shrunken"), "int", False),
        ),
        rows,
    )
    left_out = len(a6.effects) - len(kept)
    notes: tuple[str, ...] = ()
    if left_out:
        notes = (
            c.n_(
                "{n} caseworker whose effect rests on fewer than 5 citizens is left out.",
                "{n} caseworkers whose effects rest on fewer than 5 citizens are left out.",
                left_out,
            ).format(n=left_out),
        )
    return Figure(
        "fig-cw-effects",
        t.caption,
        c._(
            "The raw effects (shaded) spread far more than the shrunken ones (dashed line), "
            "because they contain noise."
        ),
        t,
        lambda st: F.histogram_bins(
            st,
            "fcwe",
            c.lang,
            series=(
                F.Series("raw", c._("Raw (source's method)"), OURS, ""),
                F.Series("shr", c._("Shrunken"), OURS_2, "", ls="--"),
            ),
            xlabel=c._("Effect (percentage points)"),
            ylabel=c._("Caseworkers"),
        ),
        notes=notes,
    )


def _noise(a6: A6Caseworkers, b: Beyond, c: Ctx) -> Table:
    n = Counts(citizens=a6.n_citizens, observations=a6.n_measurements)
    gap = "cw_gap_raw_pp"
    ss = b.split_sample
    return facts_table(
        c,
        "tab-cw-noise",
        c._("How much of the differences between caseworkers is noise?"),
        c._(
            "The raw effects spread as much as the true effects and the noise of estimating "
            "each from few citizens together; reliability is the share of a raw effect's "
            "variance that is true."
        ),
        (
            Fact(c._("SD of the raw effects (percentage points)"), b.raw_effect_sd, "pp", n),
            Fact(c._("Mean standard error of an effect (percentage points)"), b.mean_se, "pp", n),
            Fact(c._("SD of the true effects (percentage points)"), b.true_effect_sd, "pp", n),
            Fact(c._("Mean reliability (0–1)"), b.mean_reliability, "d2", n),
            Fact(
                c._("Gap between quartile 4 and 1, raw (percentage points)"),
                b.gap_top_bottom_raw,
                "pp",
                n,
                P.fraction(gap),
                P.ref(gap),
            ),
            Fact(
                c._("Gap between quartile 4 and 1, shrunken (percentage points)"),
                b.gap_top_bottom_shrunk,
                "pp",
                n,
            ),
            Fact(c._("Residual SD of the outcome"), b.residual_sd, "d3", n),
            Fact(c._("Correlation within a citizen"), b.within_citizen_correlation, "d2", n),
            Fact(c._("Correlation of the two halves' effects"), ss.correlation, "d2", n),
            Fact(
                c._("Reliability of a whole caseload (Spearman–Brown)"), ss.spearman_brown, "d2", n
            ),
        ),
        notes=(
            c._(
                "The true spread is a method-of-moments estimate; the shrunken effects are "
                "empirical-Bayes estimates (each raw effect times its reliability)."
            ),
        ),
    )


def _leave_out(lo: LeaveOutVariance, c: Ctx) -> Table:
    """The spread of true effects three ways: plug-in, leave-out (KSS), method of moments."""
    n = Counts(citizens=lo.n_citizens, observations=lo.n_measurements)
    notes = [
        c._(
            "The leave-out estimate subtracts from the spread of the estimated effects an "
            "estimate of their noise that pairs each citizen's outcomes with their errors in a "
            "fit without that citizen, so it stays unbiased when the noise differs between "
            "citizens and a citizen's repeated outcomes are correlated; the method-of-moments "
            "estimate assumes the same noise for everyone. Both rest on the linear model of "
            "the outcome."
        )
    ]
    if lo.variance is not None and lo.variance < 0:
        notes.append(
            c._(
                "The leave-out variance is negative: the estimated effects spread less than "
                "their noise alone would, so the SD is shown as 0."
            )
        )
    if lo.n_dropped_citizens:
        notes.append(
            c.n_(
                "{n} citizen without whom a caseworker's effect cannot be estimated is left out.",
                "{n} citizens without whom a caseworker's effect cannot be estimated are left out.",
                lo.n_dropped_citizens,
            ).format(n=numbers.integer(lo.n_dropped_citizens, c.lang))
        )
    return facts_table(
        c,
        "tab-cw-leave-out",
        c._("The spread of true caseworker effects, three ways"),
        c._(
            "How much caseworkers truly differ, once the noise in each estimated effect is "
            "taken out: the plain spread of the estimates overstates it."
        ),
        (
            Fact(c._("SD of the estimated effects (percentage points)"), lo.sd_plugin, "pp", n),
            Fact(c._("SD of the true effects, leave-out (percentage points)"), lo.sd, "pp", n),
            Fact(
                c._("SD of the true effects, method of moments (percentage points)"),
                lo.sd_mom,
                "pp",
                n,
            ),
            Fact(c._("Caseworkers"), float(lo.n_caseworkers), "int", n),
        ),
        notes=tuple(notes),
    )


def _split(ss: SplitSample, a6: A6Caseworkers, c: Ctx) -> Table:
    direction = {"a_to_b": c._("half A → half B"), "b_to_a": c._("half B → half A")}
    rows = tuple(
        Row(
            {
                "dir": direction[x.direction],
                "q": str(x.quartile),
                "ncw": x.n_caseworkers,
                "form": x.mean_effect_forming_half,
                "other": x.mean_effect_other_half,
            },
            n_citizens=a6.n_citizens,
        )
        for x in ss.quartiles_cross_half
    )
    return Table(
        "tab-cw-split",
        c._("Do the quartiles hold on the other half of each caseload?"),
        c._(
            "Each caseload is split at random into two halves; quartiles are formed on one half "
            "and their mean effect measured on the other. Noise shows as a smaller gap there."
        ),
        (
            Col("dir", c._("Quartiles formed on"), "text", False),
            Col("q", c._("Quartile"), "text", False),
            Col("ncw", c._("Caseworkers"), "int"),
            Col("form", c._("Mean effect, forming half"), "pp"),
            Col("other", c._("Mean effect, other half"), "pp"),
        ),
        rows,
        notes=(
            c._(
                "Gap between quartile 4 and 1: {a} percentage points on the forming half, {b} "
                "on the other half ({n} caseworkers)."
            ).format(
                a=numbers.pp(ss.gap_top_bottom_forming_half, c.lang),
                b=numbers.pp(ss.gap_top_bottom_other_half, c.lang),
                n=numbers.integer(ss.n_caseworkers, c.lang),
            ),
        ),
    )


def _inference(inf: NoiseInference, a6: A6Caseworkers, c: Ctx) -> Table:
    b, pe = a6.beyond, a6.policy_experiment
    assert b is not None and pe is not None  # the section builds these blocks only then
    rows = (  # label, estimate, interval, kind
        (
            c._("SD of the true effects (percentage points)"),
            inf.true_effect_sd,
            inf.true_effect_sd_ci,
            "pp",
        ),
        (
            c._("Increase if all were like the truly best quarter (percentage points)"),
            inf.policy_increase,
            inf.policy_increase_ci,
            "pp",
        ),
        (
            c._("Share if all were like the truly best quarter"),
            inf.policy_counterfactual,
            inf.policy_counterfactual_ci,
            "pct",
        ),
    )
    return Table(
        "tab-cw-bootstrap",
        c._("Intervals that allow for the ranking on noisy effects"),
        c._(
            "Drawn from the empirical-Bayes model: true effects with the estimated spread, each "
            "caseworker's estimate with its own standard error; every interval holds the values "
            "that model makes compatible with the data at {share} confidence."
        ).format(share=numbers.pct(inf.level, c.lang, 0)),
        (
            Col("q", c._("Quantity"), "text", False),
            Col("est", c._("Estimate"), "mixed"),
            Col("lo", lower(c), "mixed"),
            Col("hi", upper(c), "mixed"),
        ),
        tuple(
            Row({"q": q, "est": est, "lo": ci[0], "hi": ci[1]}, n_citizens=a6.n_citizens, kind=k)
            for q, est, ci, k in rows
        ),
        notes=(
            c._(
                "Noise alone, with no true differences between caseworkers, would give a raw "
                "gap between quartile 4 and 1 of {gap} percentage points on average and a raw "
                "increase of {inc} percentage points (source's method: {gap_obs} and {inc_obs})."
            ).format(
                gap=numbers.pp(inf.noise_only_gap_mean, c.lang),
                inc=numbers.pp(inf.noise_only_increase_mean, c.lang),
                gap_obs=numbers.pp(b.gap_top_bottom_raw, c.lang),
                inc_obs=numbers.pp(pe.increase, c.lang),
            ),
            c.n_("{n} draw of the model.", "{n} draws of the model.", inf.n_draws).format(
                n=numbers.integer(inf.n_draws, c.lang)
            ),
        ),
    )
