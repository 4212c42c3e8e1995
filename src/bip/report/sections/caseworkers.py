"""Section 7, caseworker effectiveness (A6): the 004 method beside shrunken (empirical Bayes)
effects - the policy experiment, the quartiles, the spread of effects - and how much of the
differences is noise (:mod:`bip.report.sections.caseworker_noise`)."""

from __future__ import annotations

from bip.report import figures as F
from bip.report import numbers
from bip.report import published as P
from bip.report.blocks import Block, Figure, Para
from bip.report.i18n import N_
from bip.report.sections import caseworker_noise
from bip.report.sections.base import Ctx, Spec, why_not
from bip.report.style import OURS, OURS_2, PUBLISHED
from bip.report.tables import Col, Row, Table
from bip.results import Results
from bip.results.caseworkers import A6Caseworkers, Beyond, PolicyExperiment

# 004 names its quartiles so in published.yaml
QUARTILE_KEYS = {1: "q1_least_effective", 2: "q2", 3: "q3", 4: "q4_most_effective"}


def build(r: Results, c: Ctx) -> list[Block]:
    """The blocks of section 7."""
    a6 = r.a6_caseworkers
    sample = c.n_(
        "The analysis uses caseworkers with a caseworker part for at least {min} citizen: "
        "{cw} caseworkers, {n} measurements.",
        "The analysis uses caseworkers with a caseworker part for at least {min} citizens: "
        "{cw} caseworkers, {n} measurements.",
        a6.min_citizens_per_caseworker,
    ).format(
        min=a6.min_citizens_per_caseworker,
        cw=numbers.integer(a6.n_caseworkers, c.lang),
        n=numbers.integer(a6.n_measurements, c.lang),
    )
    if a6.status != "ok" or a6.policy_experiment is None or a6.beyond is None:
        return [Para(sample), why_not(c, a6, c._("Caseworker effectiveness"))]
    beyond = a6.beyond
    out: list[Block] = [Para(sample), _summary(a6, a6.policy_experiment, beyond, c)]
    out.append(Para(_explanation(beyond, c)))
    q = _quartiles(a6, beyond, c)
    out += [q, _rates_figure(q, c), _effects_figure(q, c)]
    out += caseworker_noise.blocks(a6, beyond, c)
    return out


def _explanation(beyond: Beyond, c: Ctx) -> str:
    n = round(beyond.median_citizens_per_caseworker or 0)
    return c.n_(
        "Each caseworker's effect is estimated from only about {n} citizen, so part of the "
        "differences between caseworkers is chance, and sorting them into quartiles puts the "
        "lucky ones at the top and the unlucky ones at the bottom. The gap between the best "
        "and the worst quarter – and the gain from making everyone as good as the best – is "
        "therefore larger in the raw figures than in reality; the corrected (“shrunken”) "
        "figures allow for the chance.",
        "Each caseworker's effect is estimated from only about {n} citizens, so part of the "
        "differences between caseworkers is chance, and sorting them into quartiles puts the "
        "lucky ones at the top and the unlucky ones at the bottom. The gap between the best "
        "and the worst quarter – and the gain from making everyone as good as the best – is "
        "therefore larger in the raw figures than in reality; the corrected (“shrunken”) "
        "figures allow for the chance.",
        n,
    ).format(n=numbers.integer(n, c.lang))


def _summary(a6: A6Caseworkers, pe: PolicyExperiment, beyond: Beyond, c: Ctx) -> Table:
    ps = beyond.policy_experiment_shrunk
    frac = P.fraction
    facts = (  # label, source method, shrunken, published, kind, published id
        (
            c._("Measurements analysed"),
            a6.n_measurements,
            None,
            P.value("cw_analysis_responses"),
            "int",
            "cw_analysis_responses",
        ),
        (
            c._("Caseworkers"),
            a6.n_caseworkers,
            None,
            P.value("cw_analysis_caseworkers"),
            "int",
            "cw_analysis_caseworkers",
        ),
        (
            c._("Citizens"),
            a6.n_citizens,
            None,
            P.value("cw_analysis_citizens"),
            "int",
            "cw_analysis_citizens",
        ),
        (
            c._("R² without caseworker effects"),
            a6.r2_without_fe,
            None,
            frac("cw_r2_without_cw_effects"),
            "d3",
            "cw_r2_without_cw_effects",
        ),
        (
            c._("R² with caseworker effects"),
            a6.r2_with_fe,
            None,
            frac("cw_r2_with_cw_effects"),
            "d3",
            "cw_r2_with_cw_effects",
        ),
        (
            c._("Actual share in job or education"),
            pe.actual,
            ps.actual,
            frac("policy_actual_share"),
            "pct",
            "policy_actual_share",
        ),
        (
            c._("Share if all were like the top quartile"),
            pe.counterfactual,
            ps.counterfactual,
            frac("policy_effective_share"),
            "pct",
            "policy_effective_share",
        ),
        (
            c._("Increase (percentage points)"),
            pe.increase,
            ps.increase,
            frac("policy_increase"),
            "pp",
            "policy_increase",
        ),
        (
            c._("Std. error of the increase (percentage points)"),
            pe.increase_se,
            None,
            P.entry("policy_increase")["se"] / 100,
            "pp",
            "policy_increase",
        ),
        (c._("p-value of the increase"), pe.p_value, None, None, "p", None),
        (
            c._("SD of the true caseworker effects (percentage points)"),
            None,
            beyond.true_effect_sd,
            None,
            "pp",
            None,
        ),
    )
    rows = tuple(
        Row(
            {"q": label, "ours": ours, "shr": shrunk, "pub": pub, "src": P.ref(pid) if pid else ""},
            n_citizens=a6.n_citizens,
            kind=kind,
        )
        for label, ours, shrunk, pub, kind, pid in facts
    )
    return Table(
        "tab-cw-summary",
        c._("Caseworker effectiveness and the policy experiment"),
        c._(
            "How much the caseworker explains, and what would happen if everyone were as "
            "effective as the best 25% – by the source's method and with shrunken effects."
        ),
        (
            Col("q", c._("Quantity"), "text", False),
            Col("ours", c._("Source's method (fixed effects)"), "mixed"),
            Col("shr", c._("Shrunken effects (empirical Bayes)"), "mixed"),
            Col("pub", c._("Published"), "mixed", False, published=True),
            Col("src", c._("Source"), "ref", False),
        ),
        rows,
        notes=(
            c._(
                "004 Tabel 1 prints 14.69 as the increase, but 28.45 − 14.76 = 13.69; we "
                "compute the increase as the difference."
            ),
            c._(
                "Standard errors by the delta method, clustered by citizen, with the quartiles "
                "taken as given."
            ),
        ),
    )


def _quartiles(a6: A6Caseworkers, beyond: Beyond, c: Ctx) -> Table:
    shrunk = {q.quartile: q for q in beyond.quartiles_shrunk}
    rows = []
    for x in a6.quartiles:
        key = QUARTILE_KEYS[x.quartile]
        rows.append(
            Row(
                {
                    "quartile": str(x.quartile),
                    "ncw": x.n_caseworkers,
                    "pub_ncw": P.value("cw_quartile_sizes", key),
                    "rate": x.outcome_rate,
                    "pub_rate": P.fraction("cw_outcome_share_by_quartile", key),
                    "eff": x.mean_effect,
                    "eff_s": shrunk[x.quartile].mean_effect,
                    "cpc": x.citizens_per_caseworker,
                    "pub_cpc": P.value("cw_citizens_per_caseworker_by_quartile", key),
                },
                n_citizens=x.n_citizens,
                n_obs=x.n_measurements,
            )
        )
    return Table(
        "tab-cw-quartiles",
        c._("Caseworkers in quartiles of effectiveness"),
        c._(
            "Quartile 1 is the least, 4 the most effective; only differences between quartiles "
            "can be read, not their levels. Effects are in percentage points."
        ),
        (
            Col("quartile", c._("Quartile"), "text", False),
            Col("ncw", c._("Caseworkers"), "int"),
            Col("pub_ncw", c._("Published"), "int", False, published=True),
            Col("rate", c._("Share in job or education"), "pct"),
            Col("pub_rate", c._("Published"), "pct", False, published=True),
            Col("eff", c._("Mean effect, raw"), "pp"),
            Col("eff_s", c._("Mean effect, shrunken"), "pp"),
            Col("cpc", c._("Citizens per caseworker"), "d1"),
            Col("pub_cpc", c._("Published"), "d1", False, published=True),
        ),
        tuple(rows),
        source=P.ref("cw_outcome_share_by_quartile"),
    )


def _rates_figure(q: Table, c: Ctx) -> Figure:
    series = [
        F.Series("rate", c._("Ours"), OURS, "o"),
        F.Series("pub_rate", c._("Published"), PUBLISHED, "D", filled=False),
    ]
    return Figure(
        "fig-cw-quartiles",
        c._("Share in job or education by quartile of caseworker effectiveness"),
        c._(
            "The rise from quartile 1 to 4 is the gap between the least and the most effective "
            "caseworkers, as 004 reports it."
        ),
        q,
        lambda st: F.grouped_bars(
            st,
            "fcwq",
            c.lang,
            label_key="quartile",
            series=series,
            ylabel=c._("Share (%)"),
            xlabel=c._("Quartile"),
        ),
        source=q.source,
    )


def _effects_figure(q: Table, c: Ctx) -> Figure:
    series = [
        F.Series("eff", c._("Raw (source's method)"), OURS, "o"),
        F.Series("eff_s", c._("Shrunken"), OURS_2, "s"),
    ]
    return Figure(
        "fig-cw-quartile-effects",
        c._("Mean caseworker effect by quartile: raw and shrunken"),
        c._(
            "Shrunken effects take out the part of the gap between quartiles that is noise; "
            "what is left is the spread one can rely on."
        ),
        q,
        lambda st: F.grouped_bars(
            st,
            "fcwqe",
            c.lang,
            label_key="quartile",
            series=series,
            ylabel=c._("Effect (percentage points)"),
            xlabel=c._("Quartile"),
            scale=100,
        ),
    )


SECTION = Spec("caseworkers", N_("Caseworker effectiveness"), build)
