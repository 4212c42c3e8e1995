"""Section 8, caseworker change and belief (A7): the share of citizens whose caseworker
changes, what a change goes with, and what a caseworker's belief in their citizens goes with,
beside 000-002."""

from __future__ import annotations

from bip.disclosure import Counts
from bip.report import figures as F
from bip.report import numbers
from bip.report import published as P
from bip.report.blocks import Block, Figure, Para
from bip.report.i18n import N_
from bip.report.sections.base import Ctx, Spec, interval, lower, upper, why_not
from bip.report.tables import Col, Row, Table
from bip.results import Results
from bip.results.change_belief import A7ChangeBelief, RelativeEffect


def build(r: Results, c: Ctx) -> list[Block]:
    """The blocks of section 8."""
    a7 = r.a7_change_belief
    out: list[Block] = []
    ce, be = a7.change_effect, a7.belief_effect
    change_what = c._("The relative change in the job chance per caseworker change")
    belief_what = c._("The effect of a caseworker with a high belief in their citizens")
    for est, what in ((ce, change_what), (be, belief_what)):
        if est.status != "ok":
            out.append(why_not(c, est, what))
    t = _table(a7, c)
    out.append(t)
    if ce.status == "ok" or be.status == "ok":
        out.append(_figure(t, c))
    out.append(_models(a7, c))
    return out


def _row(label: str, est: RelativeEffect, pub: float | None, pid: str) -> Row:
    ok = est.status == "ok"
    return Row(
        {
            "q": label,
            "est": est.relative_effect if ok else None,
            "lo": est.ci_low if ok else None,
            "hi": est.ci_high if ok else None,
            "pub": pub,
            "src": P.ref(pid),
        },
        n_citizens=est.n_citizens,
        n_obs=est.n_measurements,
    )


def _table(a7: A7ChangeBelief, c: Ctx) -> Table:
    sw = a7.share_with_change
    reduction = P.fraction("job_chance_reduction_per_caseworker_change")
    rows = (
        Row(
            {
                "q": c._("Citizens with at least one change of caseworker"),
                "est": sw.share_with_change,
                "lo": None,
                "hi": None,
                "pub": P.fraction("share_experienced_caseworker_change"),
                "src": P.ref("share_experienced_caseworker_change"),
            },
            n_citizens=sw.n_citizens,
            n_with=sw.n_citizens_with_change,
        ),
        _row(
            c._("Relative change in the job chance per change"),
            a7.change_effect,
            None if reduction is None else -reduction,
            "job_chance_reduction_per_caseworker_change",
        ),
        _row(
            c._("Caseworker with a high vs a low belief (about other citizens)"),
            a7.belief_effect,
            P.fraction("belief_effect_job_probability"),
            "belief_effect_job_probability",
        ),
    )
    return Table(
        "tab-change-belief",
        c._("Caseworker changes and the caseworker's belief"),
        c._(
            "A change of caseworker goes with a lower job chance; a caseworker who believes in "
            "their citizens with a higher one."
        ),
        (
            Col("q", c._("Quantity"), "text", False),
            Col("est", c._("Estimate"), "pct"),
            Col("lo", lower(c), "pct"),
            Col("hi", upper(c), "pct"),
            Col("pub", c._("Published"), "pct", False, published=True),
            Col("src", c._("Source"), "ref", False),
        ),
        rows,
        notes=(
            c._(
                "Relative effects: {minus} means a {plus} lower chance than without (not "
                "percentage points)."
            ).format(minus=numbers.pct(-0.22, c.lang, 0), plus=numbers.pct(0.22, c.lang, 0)),
        ),
    )


def _figure(t: Table, c: Ctx) -> Figure:
    effects = Table(t.id, t.caption, t.reading, t.cols, t.rows[1:])
    return Figure(
        "fig-change-belief",
        c._("Relative effects with {level} intervals").format(level=numbers.pct(0.95, c.lang, 0)),
        c._("Points left of 0 mean a lower job chance; diamonds are the sources' numbers."),
        effects,
        lambda st: F.forest(
            st,
            "fchg",
            c.lang,
            label_key="q",
            labels=(c._("Ours"), c._("Published")),
            xlabel=c._("Relative change (%)"),
        ),
        source=P.ref("job_chance_reduction_per_caseworker_change"),
    )


def _models(a7: A7ChangeBelief, c: Ctx) -> Block:
    """The models behind the table: what they rest on, and the caseworker fixed effects."""
    ce, be = a7.change_effect, a7.belief_effect
    sw = a7.share_with_change
    with_change = Counts(sw.n_citizens, with_=sw.n_citizens_with_change)
    among = c._(
        "Among {n} citizens with more than one measurement, {k} ({share}) had at least one "
        "change of caseworker, {m} changes on average."
    )
    parts = [
        among.format(
            n=c.shown(numbers.integer(sw.n_citizens, c.lang), Counts(sw.n_citizens)),
            k=c.shown(numbers.integer(sw.n_citizens_with_change, c.lang), with_change),
            share=c.shown(numbers.pct(sw.share_with_change, c.lang), with_change),
            m=c.shown(numbers.num(sw.mean_changes, c.lang, 2), with_change),
        )
    ]
    fe = ce.with_caseworker_fe
    if ce.status == "ok" and fe is not None:
        if fe.status == "ok":
            parts.append(
                c._(
                    "Within caseworker (caseworker fixed effects) the change per caseworker "
                    "change is {effect} ({interval} {lo} to {hi})."
                ).format(
                    interval=interval(c),
                    effect=numbers.pct(fe.relative_effect, c.lang),
                    lo=numbers.pct(fe.ci_low, c.lang),
                    hi=numbers.pct(fe.ci_high, c.lang),
                )
            )
        else:
            parts.append(why_not(c, fe, c._("The model within caseworker")).text)
    if be.status == "ok" and be.outcome_rate_by_group is not None:
        g = be.outcome_rate_by_group
        parts.append(
            c._(
                "A caseworker counts as high when their mean S12 about their other citizens is "
                "above the caseworkers' median ({median}); {high} of the measurements with a high "
                "caseworker led to a job or education within 52 weeks, {low} with a low one."
            ).format(
                median=numbers.num(be.median_caseworker_s12, c.lang, 2),
                high=c.shown(
                    numbers.pct(g.high.outcome_rate, c.lang), Counts(g.high.n_citizens, g.high.n)
                ),
                low=c.shown(
                    numbers.pct(g.low.outcome_rate, c.lang), Counts(g.low.n_citizens, g.low.n)
                ),
            )
        )
    parts.append(
        c._(
            "Poisson regressions on the background, errors clustered by citizen; the relative "
            "effect is exp(coefficient) − 1."
        )
    )
    return Para(" ".join(parts), "note")


SECTION = Spec("change", N_("Caseworker change and belief"), build)
