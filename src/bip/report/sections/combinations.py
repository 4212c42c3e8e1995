"""Section 5, progression by activity combination (A4): 003 Figur 3-24, one figure per
indicator with the 16 combinations, unadjusted and adjusted, d from zero beside the sources'
centred d, the multiplicity rule's counts, and d translated into places. A combination is
called significant, or headlined, only when it survives the rule (Romano–Wolf, 5 %)."""

from __future__ import annotations

from bip.disclosure import Counts
from bip.instrument import ALL_COMBINATIONS
from bip.report import figures as F
from bip.report import names, numbers
from bip.report import published as P
from bip.report.blocks import Block, Figure, Para
from bip.report.i18n import N_
from bip.report.numbers import is_number
from bip.report.sections import combination_robustness
from bip.report.sections.activities import JOSH
from bip.report.sections.base import A4_SERIES, Ctx, Spec
from bip.report.style import OURS, OURS_2, PUBLISHED
from bip.report.tables import Col, Row, Table
from bip.results import Results
from bip.results.base import Series
from bip.results.combination_effects import A4CombinationEffects, CodeEffect

# The familywise p-value below which the report calls a combination significant
SIGNIFICANT = 0.05
# 003 numbers its figures: Figur 3 the B average, 4-12 B1-B9, 13 the S average, 14-24 S2-S12
FIRST_FIGURE = 3
# Effect sizes the sources print, by (series, combination)
PUBLISHED_D = {
    ("B_avg", "0000"): "es_no_activity_citizen_avg",
    ("S_avg", "0000"): "es_no_activity_caseworker_avg",
}


def build(r: Results, c: Ctx) -> list[Block]:
    """The blocks of section 5."""
    a4 = r.a4_combination_effects
    out: list[Block] = [_intro(a4, c), *_cr1_note(a4, c), _models(a4, c)]
    if a4.families:
        out.append(_rule(a4, c))
    out += [_figure(a4, it, i, c) for i, it in enumerate(A4_SERIES)]
    out += combination_robustness.blocks(a4, c)
    out.append(_places(a4, c))
    return out


def _level(a4: A4CombinationEffects, c: Ctx) -> str:
    return c._("{level} interval").format(level=numbers.pct(a4.level, c.lang, 0))


def _intro(a4: A4CombinationEffects, c: Ctx) -> Para:
    return Para(
        c._(
            "Each figure shows for one indicator the standardised progression (effect size d) "
            "of each of the 16 combinations with its {interval}, clustered by citizen (CR2, "
            "with degrees of freedom from each combination's own citizens). As in the sources, "
            "d is centred on the mean progression: 0 is the average citizen's progression, not "
            "no progression; the tables give d from zero progression beside it. d = 0.1 is "
            "moving about 4 places forward among 100 citizens. These are associations, not "
            "necessarily effects: citizens who progress may be given more activities. Open "
            "squares (dashed intervals) are adjusted for background and the previous level; "
            "black diamonds are the source's number where it prints one. With 16 combinations "
            "for each of 22 indicators, some intervals miss 0 by chance alone: a combination "
            "is called significant only when it survives the adjustment for all the "
            "comparisons (table below)."
        ).format(interval=_level(a4, c))
    )


def _cr1_note(a4: A4CombinationEffects, c: Ctx) -> list[Para]:
    """Where a model's design was too large for CR2 (a national-size panel), say so."""
    cr1 = [m for m, cov in (a4.cell_covariance or {}).items() if cov == "CR1"]
    if not cr1:
        return []
    text = {
        "naive": c._("In this large sample the unadjusted model uses CR1 instead of CR2"),
        "adjusted": c._("In this large sample the adjusted model uses CR1 instead of CR2"),
    }
    if len(cr1) == 2:
        first = c._("In this large sample both models use CR1 instead of CR2")
    else:
        first = text[cr1[0]]
    return [
        Para(
            first
            + c._(
                ": every combination has many citizens, where the two agree, and the "
                "intervals use each combination's citizens − 1 as degrees of freedom."
            )
        )
    ]


def _models(a4: A4CombinationEffects, c: Ctx) -> Table:
    rows = []
    for it in A4_SERIES:
        naive, adj = a4.naive[it], a4.adjusted[it]
        rows.append(
            Row(
                {
                    "item": names.item(c, it),
                    "n": naive.n,
                    "cit": naive.n_citizens,
                    "r2": naive.r2,
                    "r2a": adj.r2,
                },
                n_citizens=naive.n_citizens,
                n_obs=naive.n,
            )
        )
    n_controls = len([x for x in a4.adjusted_controls if not x.startswith("jobcenter_")])
    return Table(
        "tab-a4-models",
        c._("The models behind the figures"),
        c._(
            "How many repeat measurements each figure rests on and how much of the "
            "progression the combinations explain (R²), without and with the controls."
        ),
        (
            Col("item", c._("Indicator"), "text", False),
            Col("n", c._("Measurements"), "int"),
            Col("cit", c._("Citizens"), "int"),
            Col("r2", c._("R², unadjusted"), "d3"),
            Col("r2a", c._("R², adjusted"), "d3"),
        ),
        tuple(rows),
        notes=(
            c.n_(
                "The adjusted model controls for the previous level of the indicator, "
                "{n} background characteristic and the jobcentre.",
                "The adjusted model controls for the previous level of the indicator, "
                "{n} background characteristics and the jobcentre.",
                n_controls,
            ).format(n=n_controls),
        ),
    )


def _rule(a4: A4CombinationEffects, c: Ctx) -> Table:
    models = {"naive": c._("Unadjusted"), "adjusted": c._("Adjusted")}
    against = {"mean": c._("from the mean"), "zero": c._("from zero")}
    rows = tuple(
        Row(
            {
                "model": models[f.model],
                "against": against[f.against],
                "tests": f.n_tests,
                "p": f.n_unadjusted,
                "bh": f.n_bh,
                "fw": f.n_familywise,
            }
        )
        for f in a4.families or ()
    )
    return Table(
        "tab-a4-rule",
        c._("How many combinations differ, before and after adjusting for the comparisons"),
        c._(
            "Tests of all 16 combinations of all indicators in one model: significant alone "
            "(p below 5 %), after the false discovery rate adjustment (Benjamini–Hochberg q "
            "below 5 %) and after the familywise adjustment (Romano–Wolf below 5 %), which "
            "the report calls significant."
        ),
        (
            Col("model", c._("Model"), "text", False),
            Col("against", c._("d measured"), "text", False),
            Col("tests", c._("Tests"), "int", False),
            Col("p", c._("p below 5 %"), "int", False),
            Col("bh", c._("q below 5 %"), "int", False),
            Col("fw", c._("Significant"), "int", False),
        ),
        rows,
    )


def _figure(a4: A4CombinationEffects, it: Series, i: int, c: Ctx) -> Figure:
    rows = []
    for josh in ALL_COMBINATIONS:
        o, a = a4.naive[it].codes[josh], a4.adjusted[it].codes[josh]
        pid = PUBLISHED_D.get((it, josh))
        rows.append(
            Row(
                {
                    "code": josh,
                    "d": o.estimate,
                    "lo": o.ci_low,
                    "hi": o.ci_high,
                    "n": o.n,
                    "dz": o.estimate_vs_zero,
                    "fw": o.p_familywise,
                    "cd": a.estimate,
                    "clo": a.ci_low,
                    "chi": a.ci_high,
                    "cfw": a.p_familywise,
                    "pub": P.value(pid) if pid else None,
                },
                n_citizens=o.n_citizens,
                n_obs=o.n,
                cell_n=dict.fromkeys(("cd", "clo", "chi", "cfw"), Counts(a.n_citizens, a.n)),
            )
        )
    interval = _level(a4, c)
    t = Table(
        f"tab-a4-{it}",
        c._("Progression by combination: {item}").format(item=names.item(c, it)),
        c._(
            "Effect size d by combination, unadjusted and adjusted, centred on the mean "
            "progression as in the sources; beside it the unadjusted d from zero progression "
            "and the familywise p-values (significant below 5 %)."
        ),
        (
            Col("code", c._("Combination"), "text", False),
            Col("d", c._("d, unadjusted"), "d2"),
            Col("lo", c._("lower"), "d2"),
            Col("hi", c._("upper"), "d2"),
            Col("n", c._("Measurements"), "int"),
            Col("dz", c._("d from zero"), "d2"),
            Col("fw", c._("Familywise p"), "p"),
            Col("cd", c._("d, adjusted"), "d2"),
            Col("clo", c._("lower"), "d2"),
            Col("chi", c._("upper"), "d2"),
            Col("cfw", c._("Familywise p, adjusted"), "p"),
            Col("pub", c._("Published"), "d2", False, published=True),
        ),
        tuple(rows),
    )
    series = [
        F.Series("d", c._("Unadjusted"), OURS, "o", lo="lo", hi="hi"),
        F.Series("cd", c._("Adjusted"), OURS_2, "s", lo="clo", hi="chi", filled=False, ls="--"),
    ]
    if any(rw.values["pub"] is not None for rw in rows):
        series.append(F.Series("pub", c._("Published"), PUBLISHED, "D", filled=False))
    return Figure(
        f"fig-a4-{it}",
        t.caption,
        _reading(t, a4.naive[it].codes, c),
        t,
        lambda st: F.dot_interval(
            st,
            f"fa4{i}",
            c.lang,
            label_key="code",
            series=series,
            ylabel=c._("Effect size d, centred on the mean") + f" ({interval})",
            title=c._(JOSH),
        ),
        source=f"003, Figur {FIRST_FIGURE + i}",
    )


def _reading(t: Table, codes: dict[str, CodeEffect], c: Ctx) -> str:
    """The figure's reading line, from the table as the audience sees it: the manager edition
    never quotes a hidden value. Only a combination that survives the multiplicity rule is
    headlined, always with its n."""
    shown = [
        (r.values["d"], r.values["code"])
        for r in c.sup(t).rows
        if is_number(r.values["d"]) and _survives(codes[r.values["code"]])
    ]
    if not shown:
        return c._(
            "Points above 0 mean more progress than the average citizen's. No combination "
            "differs significantly from the average once all the comparisons are taken into "
            "account."
        )
    d, josh = max(shown, key=lambda x: abs(x[0]))
    e = codes[josh]
    return c._(
        "Points above 0 mean more progress than the average citizen's. Largest significant "
        "difference: {code} (d = {d}, about {places} places of 100, {n} measurements)."
    ).format(
        code=josh,
        d=numbers.num(d, c.lang, 2),
        places=numbers.num(None if e.percentile is None else e.percentile - 50, c.lang, 0),
        n=numbers.integer(e.n, c.lang),
    )


def _places(a4: A4CombinationEffects, c: Ctx) -> Table:
    cw_places = P.entry("places_no_activity_caseworker_avg")["value"]
    examples: tuple[tuple[Series, str, str | None, str | None], ...] = (
        # series, combination, published d, published places
        ("B_avg", "0000", "es_no_activity_citizen_avg", "places_no_activity_citizen_avg"),
        ("S_avg", "0000", "es_no_activity_caseworker_avg", "places_no_activity_caseworker_avg"),
        ("B_avg", "1101", None, "places_1101_citizen_avg"),
        ("B_avg", "1000", None, None),
        ("S_avg", "1000", None, None),
    )
    rows = []
    for it, josh, pid_d, pid in examples:
        e = a4.naive[it].codes[josh]
        pub_places = P.value(pid) if pid else None
        if pid == "places_no_activity_caseworker_avg":  # printed as a move from place 50 to 58
            pub_places = float(cw_places["from_place"] - cw_places["to_place"])
        rows.append(
            Row(
                {
                    "item": names.item(c, it),
                    "code": names.code(c, josh),
                    "d": e.estimate,
                    "places": None if e.percentile is None else e.percentile - 50,
                    "n": e.n,
                    "fw": e.p_familywise,
                    "pub_d": P.value(pid_d) if pid_d else None,
                    "pub_places": pub_places,
                    "src": P.ref(pid) if pid else P.ref(pid_d) if pid_d else "",
                },
                n_citizens=e.n_citizens,
                n_obs=e.n,
            )
        )
    return Table(
        "tab-percentile",
        c._("Effect sizes as places among 100 citizens"),
        c._(
            "A citizen in the middle of the distribution moves this many places forward (+) "
            "or back (−) among 100 with that combination, relative to the average citizen's "
            "progression (d centred on the mean, as in the sources)."
        ),
        (
            Col("item", c._("Indicator"), "text", False),
            Col("code", c._("Combination"), "text", False),
            Col("d", "d", "d2"),
            Col("places", c._("Places of 100"), "d1"),
            Col("n", c._("Measurements"), "int"),
            Col("fw", c._("Familywise p"), "p"),
            Col("pub_d", c._("Published d"), "d2", False, published=True),
            Col("pub_places", c._("Published places"), "d1", False, published=True),
            Col("src", c._("Source"), "ref", False),
        ),
        tuple(rows),
        notes=(
            c._(
                "003 prints “46th percentile” for d = 0.1; under the normal distribution it is "
                "the 54th (4 places forward)."
            ),
        ),
    )


def _survives(e: CodeEffect) -> bool:
    """The multiplicity rule: familywise (Romano–Wolf) p below 5 %."""
    return e.p_familywise is not None and e.p_familywise < SIGNIFICANT


SECTION = Spec("combinations", N_("Progression by activity combination"), build)
