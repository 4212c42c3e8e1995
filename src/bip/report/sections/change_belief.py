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
from bip.results.change_belief import (
    A7ChangeBelief,
    BeliefEffect,
    EventStudy,
    ForecastBias,
    RelativeEffect,
)


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
    if be.status == "ok" and be.sensitivity:
        out.append(_sensitivity(be, c))
    es = a7.event_study
    if es is not None:
        if es.status == "ok":
            out.append(_event_table(es, c))
            out.append(_event_note(es, c))
        else:
            out.append(why_not(c, es, c._("The event study around the first change")))
    fb = a7.forecast_bias
    if fb is not None:
        out.append(_forecast(fb, c))
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
                "{high} of the measurements with a high-belief caseworker led to a job or "
                "education within 52 weeks, {low} with a low one; the median of the classifiable "
                "caseworkers' mean S12 is {median}."
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
    wd = ce.without_duration
    if ce.status == "ok" and wd is not None and wd.status == "ok":
        parts.append(
            c._(
                "Without the controls for time in the programme (the sources' model) the "
                "change per caseworker change is {effect} ({interval} {lo} to {hi})."
            ).format(
                interval=interval(c),
                effect=numbers.pct(wd.relative_effect, c.lang),
                lo=numbers.pct(wd.ci_low, c.lang),
                hi=numbers.pct(wd.ci_high, c.lang),
            )
        )
    sm = be.sources_model
    if be.status == "ok" and sm is not None and sm.status == "ok":
        parts.append(
            c._(
                "Without jobcentre fixed effects and with errors clustered by citizen only "
                "(the sources' model) the belief effect is {effect} ({interval} {lo} to {hi})."
            ).format(
                interval=interval(c),
                effect=numbers.pct(sm.relative_effect, c.lang),
                lo=numbers.pct(sm.ci_low, c.lang),
                hi=numbers.pct(sm.ci_high, c.lang),
            )
        )
    parts.append(
        c._(
            "Poisson regressions; the relative effect is exp(coefficient) − 1. The change "
            "model controls for the background and the time in the programme, errors clustered "
            "by citizen. The belief model controls for the background with jobcentre fixed "
            "effects; the belief varies by caseworker, so errors are clustered by caseworker "
            "and by citizen. A caseworker is classified for a citizen only from at least "
            "{min} other citizens with an answer to S12, and counts as high when their mean "
            "S12 about those others is above the median of the other caseworkers' means "
            "without this citizen."
        ).format(min=numbers.integer(be.min_other_citizens, c.lang))
    )
    return Para(" ".join(parts), "note")


def _sensitivity(be: BeliefEffect, c: Ctx) -> Table:
    rows = tuple(
        Row(
            {
                "min": r.min_other_citizens,
                "ncw": r.n_caseworkers,
                "est": r.relative_effect if r.status == "ok" else None,
                "lo": r.ci_low if r.status == "ok" else None,
                "hi": r.ci_high if r.status == "ok" else None,
            },
            n_citizens=r.n_citizens,
            n_obs=r.n_measurements,
        )
        for r in be.sensitivity or ()
    )
    return Table(
        "tab-belief-minimum",
        c._("The belief effect by the minimum number of other citizens"),
        c._(
            "How the estimate moves with the number of other citizens a caseworker's belief "
            "must rest on; fewer caseworkers are classified as the minimum rises."
        ),
        (
            Col("min", c._("Other citizens at least"), "int", False),
            Col("ncw", c._("Caseworkers"), "int"),
            Col("est", c._("Estimate"), "pct"),
            Col("lo", lower(c), "pct"),
            Col("hi", upper(c), "pct"),
        ),
        rows,
        notes=(
            c._("The report's estimate uses {min}.").format(
                min=numbers.integer(be.min_other_citizens, c.lang)
            ),
        ),
    )


def _bin_label(name: str, c: Ctx) -> str:
    labels = {
        "lead_104": c._("104 weeks or more before"),
        "lead_78": c._("78–104 weeks before"),
        "lead_52": c._("52–78 weeks before (reference)"),
        "straddle": c._("Less than 52 weeks before (the window contains the change)"),
        "lag_0": c._("0–13 weeks after"),
        "lag_13": c._("13–26 weeks after"),
        "lag_26": c._("26–52 weeks after"),
        "lag_52": c._("52 weeks or more after"),
    }
    return labels[name]


def _event_table(es: EventStudy, c: Ctx) -> Table:
    rows = tuple(
        Row(
            {
                "bin": _bin_label(b.bin, c),
                "rate": b.outcome_rate,
                "coef": b.coef,
                "lo": b.ci_low,
                "hi": b.ci_high,
            },
            n_citizens=b.n_citizens,
            n_obs=b.n,
        )
        for b in es.coefficients
    )
    return Table(
        "tab-change-event-study",
        c._("The job chance around the first change of caseworker"),
        c._(
            "Each row compares a citizen's measurements at that distance from their first "
            "change with the measurements 52–78 weeks before it, against citizens without a "
            "change; the rows before the change test the design."
        ),
        (
            Col("bin", c._("Measurement, from the first change"), "text", False),
            Col("rate", c._("Job or education within 52 weeks"), "pct"),
            Col("coef", c._("Difference"), "pp"),
            Col("lo", lower(c), "pp"),
            Col("hi", upper(c), "pp"),
        ),
        rows,
        notes=(
            c._(
                "Linear probability model with citizen fixed effects and time in the "
                "programme; differences in percentage points, errors clustered by citizen."
            ),
        ),
    )


def _event_note(es: EventStudy, c: Ctx) -> Para:
    lt = es.leads_joint_test
    if lt is None or lt.status != "ok":
        return Para(c._("The leads could not be tested jointly."), "note")
    text = c._(
        "Joint test that the measurements more than 78 weeks before the change do not differ "
        "from the reference: F = {f} with {df1} and {df2} degrees of freedom, p = {p}."
    ).format(
        f=numbers.num(lt.f_stat, c.lang, 2),
        df1=numbers.integer(lt.df1, c.lang),
        df2=numbers.integer(lt.df2, c.lang),
        p=numbers.p_value(lt.p_value, c.lang),
    )
    verdict = (
        c._(
            "The measurements before the change differ: citizens who change caseworker "
            "differed already before, so the change estimates are not causal."
        )
        if lt.p_value is not None and lt.p_value < 0.05
        else c._("The measurements before the change do not differ detectably.")
    )
    return Para(f"{text} {verdict}", "note")


def _forecast(fb: ForecastBias, c: Ctx) -> Para:
    what = c._("The forecast test of the caseworker effects")
    if fb.status != "ok":
        return why_not(c, fb, what)
    text = c._(
        "Forecast test: when a citizen changes caseworker, the change in their outcome is "
        "{coef} ({interval} {lo} to {hi}) times the difference between the new and the old "
        "caseworker's effect estimated from their other citizens; unbiased effects give 1 "
        "(test of 1: p = {p}; {n} citizens)."
    ).format(
        coef=numbers.num(fb.coef, c.lang, 2),
        interval=interval(c),
        lo=numbers.num(fb.ci_low, c.lang, 2),
        hi=numbers.num(fb.ci_high, c.lang, 2),
        p=numbers.p_value(fb.p_value_equal_one, c.lang),
        n=c.shown(numbers.integer(fb.n_citizens, c.lang), Counts(fb.n_citizens)),
    )
    return Para(text, "note")


SECTION = Spec("change", N_("Caseworker change and belief"), build)
