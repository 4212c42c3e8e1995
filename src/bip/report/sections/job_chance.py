"""Section 6, indicators and job chance (A5): the job rate by the caseworker's belief (S12) and
by the answer to every indicator, and which indicators predict a job. Beliefs, job search and
mental health follow (:mod:`bip.report.sections.job_search`)."""

from __future__ import annotations

from bip.disclosure import Counts
from bip.instrument import B10_CHANNELS
from bip.report import figures as F
from bip.report import names, numbers
from bip.report import published as P
from bip.report.blocks import Block, Figure
from bip.report.i18n import N_
from bip.report.sections import job_prediction, job_search
from bip.report.sections.base import INDICATORS, Ctx, Spec, lower, upper, why_not
from bip.report.style import OURS, OURS_2, PUBLISHED
from bip.report.tables import Col, Row, Table
from bip.results import Results
from bip.results.job_chance import A5JobChance

LEVELS = (1, 2, 3, 4, 5)
# 002/001 print the job rate by S12 answer under these names
S12_PUBLISHED = {1: "nej", 2: "tvivler", 3: "det_svinger", 4: "gode_chancer", 5: "ja"}
OUTCOMES = (
    ("job_or_education_52w", N_("Job or education within 52 weeks")),
    ("job_13w", N_("Employed within 13 weeks")),
)


def build(r: Results, c: Ctx) -> list[Block]:
    """The blocks of section 6."""
    a5 = r.a5_job_chance
    t = _s12(a5, c)
    out: list[Block] = [t, _s12_figure(t, c)]
    out += [_by_level(a5, key, title, c) for key, title in OUTCOMES]
    out.append(_model(a5, c))
    out += job_prediction.blocks(a5, c)
    out += job_search.blocks(a5, c)
    return out


def _s12(a5: A5JobChance, c: Ctx) -> Table:
    pid = "pct_in_job_by_caseworker_belief"
    rows = []
    for x in a5.rates_by_level["S12"]:
        rows.append(
            Row(
                {
                    "level": f"{x.level} {names.anchor(c, 'S12', x.level)}",
                    "short": str(x.level),
                    "r52": x.job_or_education_52w,
                    "r13": x.job_13w,
                    "pub": P.fraction(pid, S12_PUBLISHED[x.level]),
                    "n": x.n,
                },
                n_citizens=x.n_citizens,
                n_obs=x.n,
                cell_n={
                    "r52": Counts(x.n_citizens, x.n_job_or_education_52w),
                    "r13": Counts(x.n_citizens, x.n_job_13w),
                },
            )
        )
    return Table(
        "tab-s12",
        c._("Job chance by the caseworker's belief in the citizen (S12)"),
        c._(
            "The more the caseworker believes in the citizen's job chance, the more often "
            "the citizen gets a job."
        ),
        (
            Col("level", "S12", "text", False),
            Col("r52", c._(OUTCOMES[0][1]), "pct"),
            Col("r13", c._(OUTCOMES[1][1]), "pct"),
            Col("pub", c._("Published"), "pct", False, published=True),
            Col("n", c._("Measurements"), "int"),
        ),
        tuple(rows),
        source=P.ref(pid),
        notes=(
            c._(
                "The sources state neither the outcome nor its window; their rates (about "
                "{theirs} on average) cannot be the 52-week outcome ({outcome}), so they are "
                "set beside employment within 13 weeks."
            ).format(
                theirs=numbers.pct(_mean_published_rate(), c.lang),
                outcome=numbers.pct(P.fraction("policy_actual_share"), c.lang, 2),
            ),
        ),
    )


def _mean_published_rate() -> float:
    """The published job rates by S12 answer weighted by the published spread of S12."""
    total = 0.0
    for lv in LEVELS:
        rate = P.fraction("pct_in_job_by_caseworker_belief", S12_PUBLISHED[lv])
        weight = P.fraction("belief_dist_caseworkers", f"step{lv}")
        assert rate is not None and weight is not None  # published.yaml prints all five
        total += rate * weight
    return total


def _s12_figure(t: Table, c: Ctx) -> Figure:
    series = [
        F.Series("r52", c._(OUTCOMES[0][1]), OURS, "o"),
        F.Series("r13", c._(OUTCOMES[1][1]), OURS_2, "s", filled=False, ls="--"),
        F.Series("pub", c._("Published"), PUBLISHED, "D", filled=False, ls=":"),
    ]
    return Figure(
        "fig-s12",
        c._("Job chance by S12"),
        c._(
            "The share in a job at each answer to S12 (1 = no … 5 = yes); diamonds are the "
            "published percentages."
        ),
        t,
        lambda st: F.lines_by_level(
            st, "fs12", c.lang, label_key="short", series=series, ylabel=c._("Share (%)")
        ),
        source=t.source,
    )


def _by_level(a5: A5JobChance, key: str, title: str, c: Ctx) -> Table:
    rows = []
    for it in INDICATORS:
        values: dict[str, object] = {"item": names.item(c, it)}
        cell_n = {}
        for x in a5.rates_by_level[it]:
            values[str(x.level)] = getattr(x, key)
            cell_n[str(x.level)] = Counts(x.n_citizens, getattr(x, f"n_{key}"))
        rows.append(Row(values, cell_n=cell_n))
    return Table(
        f"tab-a5-{key}",
        c._("Job chance by the answer to each indicator: {outcome}").format(outcome=c._(title)),
        c._(
            "The share in a job by the answer (1 lowest … 5 highest); a share that rises with "
            "the answer means the indicator predicts the job chance."
        ),
        (
            Col("item", c._("Indicator"), "text", False),
            *(Col(str(lv), str(lv), "pct") for lv in LEVELS),
        ),
        tuple(rows),
        source="000, 002",
    )


def _model(a5: A5JobChance, c: Ctx) -> Block:
    jm = a5.job_model
    what = c._("Which indicators predict a job")
    if jm.status != "ok":
        return why_not(c, jm, what)
    terms = {
        "level": c._("level"),
        "progression": c._("progression"),
        "searching": c._("searching (vs. not searching)"),
        "log_wage": c._("log hourly wage"),
    }
    terms |= {
        ch: c._("search channel: {channel}").format(channel=names.b10(c, ch)) for ch in B10_CHANNELS
    }
    rows = tuple(
        Row(
            {
                "rank": t.rank,
                "item": names.item(c, t.item),
                "term": terms[t.term],
                "coef": t.coef,
                "ame": t.ame,
                "lo": t.ci_low,
                "hi": t.ci_high,
                "std": t.std_coef,
                "p": t.p_value,
                "q": t.q_value,
                "fw": t.p_familywise,
            },
            n_obs=t.n,
        )
        for t in jm.terms
    )
    has_ame = any(t.ame is not None for t in jm.terms)
    ame_note = (
        (
            c._(
                "Logit AME: the average marginal effect of the same regressor in a logit "
                "model of the same design, the mean change in the probability per unit; "
                "close to the coefficient when the linear model fits."
            ),
        )
        if has_ame
        else ()
    )
    return Table(
        "tab-a5-model",
        c._("Which indicators predict a job? (linear probability model)"),
        _model_caption(jm, c),
        (
            Col("rank", "#", "int", False),
            Col("item", c._("Indicator"), "text", False),
            Col("term", c._("Term"), "text", False),
            Col("coef", c._("Coefficient"), "d3"),
            *((Col("ame", c._("Logit AME"), "d3"),) if has_ame else ()),
            Col("lo", lower(c), "d3"),
            Col("hi", upper(c), "d3"),
            Col("std", c._("Per SD of the regressor"), "d3"),
            Col("p", c._("p-value"), "p"),
            Col("q", c._("q-value"), "p"),
            Col("fw", c._("Familywise p"), "p"),
        ),
        rows,
        notes=(
            c.n_(
                "{n} repeat measurement of {cit} citizens; every indicator's level and "
                "progression, job search (B10) and the reservation wage (B11) together, with "
                "{k} background controls; errors clustered by citizen. A missing answer is set "
                "to the item's mean and flagged.",
                "{n} repeat measurements of {cit} citizens; every indicator's level and "
                "progression, job search (B10) and the reservation wage (B11) together, with "
                "{k} background controls; errors clustered by citizen. A missing answer is set "
                "to the item's mean and flagged.",
                jm.n_measurements,
            ).format(
                n=numbers.integer(jm.n_measurements, c.lang),
                cit=numbers.integer(jm.n_citizens, c.lang),
                k=numbers.integer(jm.n_background_controls, c.lang),
            ),
            *ame_note,
        ),
    )


def _model_caption(jm, c: Ctx) -> str:
    text = c._(
        "Sorted by t statistic; the coefficient is the change in the probability of a job "
        "or education within 52 weeks per answer step (R² = {r2})."
    ).format(r2=numbers.num(jm.r2, c.lang, 3))
    if jm.n_significant is None:  # results written before the multiplicity rule
        return text
    return (
        text
        + " "
        + c.n_(
            "Of the {n} ranked terms, {k} is significant once all {n} comparisons are taken "
            "into account (familywise p below 5 %, Romano–Wolf); {q} have a q-value below 5 % "
            "and {p} a p-value below 5 % alone.",
            "Of the {n} ranked terms, {k} are significant once all {n} comparisons are taken "
            "into account (familywise p below 5 %, Romano–Wolf); {q} have a q-value below 5 % "
            "and {p} a p-value below 5 % alone.",
            jm.n_significant,
        ).format(
            n=numbers.integer(len(jm.terms), c.lang),
            k=numbers.integer(jm.n_significant, c.lang),
            q=numbers.integer(jm.n_bh, c.lang),
            p=numbers.integer(jm.n_unadjusted, c.lang),
        )
    )


SECTION = Spec("jobchance", N_("Indicators and job chance"), build)
