"""Section 7b (A6): what the most and the least effective caseworkers do - activity use and
their ratings of their citizens by quartile (004 Figur 4-19) - with each of the source's
statements tested (:func:`bip.analysis.a6_quartiles.quartile_tests`)."""

from __future__ import annotations

from bip.disclosure import Counts
from bip.report import figures as F
from bip.report import names
from bip.report import published as P
from bip.report.blocks import Block, Figure, Para
from bip.report.i18n import N_
from bip.report.sections.base import GROUPS, Ctx, Spec
from bip.report.style import OURS
from bip.report.tables import Col, Row, Table
from bip.results import Results
from bip.results.caseworkers import A6Caseworkers, QuartileContrast, QuartileProfile

# Our reading of 004's statements (published.yaml: cw_quartile_activity_patterns for the
# activity groups, cw_quartile_answer_patterns for S2-S12): the quartile a statement is about,
# its direction (+1 higher, -1 lower, 0 no systematic difference) and whether the source
# calls it significant.
CLAIMS: dict[str, tuple[int | None, int, bool]] = {
    "J": (4, +1, False),
    "O": (4, +1, True),
    "S": (4, -1, True),
    "H": (4, -1, False),
    "none": (4, +1, False),
    "S2": (4, +1, False),
    "S3": (None, 0, False),
    "S4": (4, +1, False),
    "S5": (4, -1, False),
    "S6": (None, 0, False),
    "S7": (1, +1, True),
    "S8": (4, +1, True),
    "S9": (4, -1, False),
    "S10": (None, 0, False),
    "S11": (1, +1, True),
    "S12": (1, -1, False),
}
ALPHA = 0.05  # a difference is called significant when its familywise p is below this
QUARTILES = (1, 2, 3, 4)
ACTIVITY, ANSWERS = "activity_group", "caseworker_answer"  # the two families of the tests
PUBLISHED_IDS = {ACTIVITY: "cw_quartile_activity_patterns", ANSWERS: "cw_quartile_answer_patterns"}
SLUGS = {ACTIVITY: "activities", ANSWERS: "answers"}  # of the tables' and figures' ids
# Quartile 1 lightest to 4 in the report's own colour; the bars' hatches tell them apart in grey.
QUARTILE_COLOURS = ("#c6dbef", "#6baed6", "#2b7bba", OURS)


def build(r: Results, c: Ctx) -> list[Block]:
    """The blocks of the section: nothing when A6 has no quartile tests."""
    a6 = r.a6_caseworkers
    if a6.status != "ok" or not a6.quartile_tests or not a6.quartiles:
        return []
    tests: dict[tuple[str, str], QuartileContrast] = {
        (t.outcome, t.contrast): t for t in a6.quartile_tests
    }
    n_tests = sum(t.difference is not None for t in a6.quartile_tests)
    intro = c.n_(
        "The source compares the most effective quarter of the caseworkers (quartile 4) and the "
        "least effective (quartile 1) with the other three quarters: which activities they use "
        "and how they rate their citizens. Each of its statements is tested here: the "
        "difference between the quartile and the other three, clustered by caseworker. A "
        "difference is called significant only when it survives the correction for the {n} "
        "comparison (familywise p below {alpha}).",
        "The source compares the most effective quarter of the caseworkers (quartile 4) and the "
        "least effective (quartile 1) with the other three quarters: which activities they use "
        "and how they rate their citizens. Each of its statements is tested here: the "
        "difference between the quartile and the other three, clustered by caseworker. A "
        "difference is called significant only when it survives the correction for all {n} "
        "comparisons (familywise p below {alpha}).",
        n_tests,
    ).format(n=n_tests, alpha=c.num(ALPHA, "d2"))
    return [
        Para(intro),
        _figure(_by_quartile(a6, c, ACTIVITY), c, "pct"),
        _tests(a6, tests, c, ACTIVITY),
        _figure(_by_quartile(a6, c, ANSWERS), c, "d2"),
        _tests(a6, tests, c, ANSWERS),
        Para(
            c._(
                "Quartiles come from estimated effects, so part of the ranking is chance (see "
                "the section on caseworker effectiveness); the tests take the quartiles as "
                "given, as the source does."
            ),
            "note",
        ),
    ]


def _claim_text(outcome: str, c: Ctx) -> str:
    q, d, sig = CLAIMS[outcome]
    if q is None or d == 0:
        return c._("No systematic difference")
    if sig:
        text = (
            c._("Quartile {q} higher, significant")
            if d > 0
            else c._("Quartile {q} lower, significant")
        )
    else:
        text = (
            c._("Quartile {q} higher (a tendency)")
            if d > 0
            else c._("Quartile {q} lower (a tendency)")
        )
    return text.format(q=q)


def _verdict(outcome: str, tests: dict[tuple[str, str], QuartileContrast], c: Ctx) -> str:
    q, d, _ = CLAIMS[outcome]
    if q is None or d == 0:
        found = [
            t
            for t in (tests.get((outcome, k)) for k in ("top_vs_rest", "bottom_vs_rest"))
            if t is not None and t.p_familywise is not None
        ]
        if not found:
            return c._("Not estimable")
        if any(t.p_familywise < ALPHA for t in found):  # type: ignore[operator]
            return c._("Not confirmed: a significant difference")
        return c._("Confirmed: no significant difference")
    t = tests.get((outcome, "top_vs_rest" if q == 4 else "bottom_vs_rest"))
    if t is None or t.difference is None or t.p_familywise is None:
        return c._("Not estimable")
    same = (t.difference > 0) == (d > 0)
    significant = t.p_familywise < ALPHA
    if same and significant:
        return c._("Confirmed: significant, same direction")
    if same:
        return c._("Same direction, not significant")
    if significant:
        return c._("Contradicted: significant, opposite direction")
    return c._("Opposite direction, not significant")


def _counts(x: QuartileProfile | None) -> Counts:
    """The citizens behind a quartile's cells (none known: treated as small)."""
    if x is None:
        return Counts(citizens=0, observations=0)
    return Counts(citizens=x.n_citizens, observations=x.n_measurements)


def _size(n: Counts) -> float:
    return n.citizens if n.citizens is not None else 0


def _outcomes(family: str) -> list[str]:
    return [str(g) for g in GROUPS] if family == ACTIVITY else [f"S{i}" for i in range(2, 13)]


def _label(c: Ctx, family: str, outcome: str) -> str:
    return names.group(c, outcome) if family == ACTIVITY else names.item(c, outcome)


def _by_quartile(a6: A6Caseworkers, c: Ctx, family: str) -> Table:
    """The figure's data: each quartile's share of measurements with each activity group, or
    its mean answer to each caseworker question (004 Figur 4-19)."""
    activity = family == ACTIVITY
    by_q = {x.quartile: x for x in a6.quartiles}
    rows = []
    for o in _outcomes(family):
        # The answers' figure labels its bars by question number only (S2 ... S12).
        values: dict[str, object] = {"what": _label(c, family, o)}
        if not activity:
            values["short"] = o
        for k in QUARTILES:
            x = by_q.get(k)
            if x is None:
                values[f"q{k}"] = None
            elif activity:
                g = x.activity_groups.get(o)  # type: ignore[call-overload]
                values[f"q{k}"] = g.share if g is not None else None
            else:
                m = x.mean_answers.get(o)  # type: ignore[call-overload]
                values[f"q{k}"] = m.mean if m is not None else None
        cell_n = {f"q{k}": _counts(by_q.get(k)) for k in QUARTILES}
        rows.append(Row(values, n_citizens=a6.n_citizens, n_obs=a6.n_measurements, cell_n=cell_n))
    kind = "pct" if activity else "d2"
    if activity:
        caption = c._("Activities used by quartile of caseworker effectiveness")
        reading = c._("Share of measurements with each activity group, by quartile.")
        first = c._("Activity group")
    else:
        caption = c._("Caseworkers' ratings of their citizens by quartile of effectiveness")
        reading = c._("Mean answer (1-5) to each caseworker question, by quartile.")
        first = c._("Question")
    return Table(
        f"tab-cw-profile-{SLUGS[family]}",
        caption,
        reading,
        (
            Col("what", first, "text", False),
            *(() if activity else (Col("short", c._("Question number"), "text", False),)),
            *(Col(f"q{k}", c._("Quartile {q}").format(q=k), kind) for k in QUARTILES),
        ),
        tuple(rows),
        source=P.ref(PUBLISHED_IDS[family]),
    )


def _tests(
    a6: A6Caseworkers, tests: dict[tuple[str, str], QuartileContrast], c: Ctx, family: str
) -> Table:
    """Each of the source's statements beside our test of it."""
    activity = family == ACTIVITY
    by_q = {x.quartile: x for x in a6.quartiles}
    q4, q1 = _counts(by_q.get(4)), _counts(by_q.get(1))
    rows = []
    for o in _outcomes(family):
        top, bottom = tests.get((o, "top_vs_rest")), tests.get((o, "bottom_vs_rest"))
        if top is None or bottom is None:
            continue
        values = {
            "what": _label(c, family, o),
            "top": top.difference,
            "top_p": top.p_familywise,
            "bottom": bottom.difference,
            "bottom_p": bottom.p_familywise,
            "source": _claim_text(o, c),
            "verdict": _verdict(o, tests, c),
        }
        # A contrast rests on its quartile's citizens (the other three are many more); the
        # verdict is read from the contrast the claim is about.
        about = {4: q4, 1: q1}.get(CLAIMS[o][0] or 0) or min(q4, q1, key=_size)
        cell_n = {"top": q4, "top_p": q4, "bottom": q1, "bottom_p": q1, "verdict": about}
        rows.append(Row(values, n_citizens=a6.n_citizens, n_obs=top.n_measurements, cell_n=cell_n))
    diff_kind = "pp" if activity else "d2"
    if activity:
        caption = c._("The source's statements on activity use, tested")
        reading = c._("Differences in percentage points between the quartile and the other three.")
    else:
        caption = c._("The source's statements on the caseworkers' ratings, tested")
        reading = c._("Differences in answer points between the quartile and the other three.")
    return Table(
        f"tab-cw-profile-{SLUGS[family]}-tests",
        caption,
        reading,
        (
            Col("what", c._("Activity group") if activity else c._("Question"), "text", False),
            Col("top", c._("Quartile 4 minus the rest"), diff_kind),
            Col("top_p", c._("Familywise p"), "p"),
            Col("bottom", c._("Quartile 1 minus the rest"), diff_kind),
            Col("bottom_p", c._("Familywise p"), "p"),
            Col("source", c._("The source says"), "text", False, published=True),
            Col("verdict", c._("Our test"), "text"),
        ),
        tuple(rows),
        source=P.ref(PUBLISHED_IDS[family]),
    )


def _figure(t: Table, c: Ctx, kind: str) -> Figure:
    series = [
        F.Series(f"q{k}", c._("Quartile {q}").format(q=k), QUARTILE_COLOURS[k - 1], "o")
        for k in QUARTILES
    ]
    pct = kind == "pct"
    return Figure(
        t.id.replace("tab-", "fig-"),
        t.caption,
        c._("Quartile 1 is the least, 4 the most effective quarter of the caseworkers."),
        t,
        lambda st: F.grouped_bars(
            st,
            t.id,
            c.lang,
            label_key="what" if pct else "short",
            series=series,
            ylabel=c._("Share (%)") if pct else c._("Mean answer (1-5)"),
            scale=100.0 if pct else 1.0,
        ),
        source=t.source,
    )


SECTION = Spec("caseworker-profiles", N_("What effective caseworkers do"), build, optional=True)
