"""Section 3, activities (A2): the 16 activity combinations of repeat measurements beside
003 Tabel 3, and the shares derived from them."""

from __future__ import annotations

from bip.instrument import ALL_COMBINATIONS
from bip.report import figures as F
from bip.report import names, numbers
from bip.report import published as P
from bip.report.blocks import Block, Figure, Para
from bip.report.i18n import N_
from bip.report.numbers import is_number
from bip.report.sections.base import Ctx, Spec
from bip.report.tables import Col, Row, Table
from bip.results import Results
from bip.results.activities import A2Derived, CodeShare

JOSH = N_(
    "Code JOSH: J = job-focused, O = up-skilling, S = social, H = health; 1 = took part, "
    "0 = did not. 0000 = no activity."
)
# Derived groups: (field of A2Derived, name, published id, key inside the published value)
DERIVED = (
    ("no_activity", N_("No activity"), "share_no_activity", None),
    ("any_job_focused", N_("Job-focused (alone or combined)"), "share_any_job_focused", None),
    ("only_job_focused", N_("Job-focused only"), "single_type_shares", "jobrettet"),
    ("only_upskilling", N_("Up-skilling only"), "single_type_shares", "opkvalificering"),
    ("only_social", N_("Social only"), "single_type_shares", "social"),
    ("only_health", N_("Health only"), "single_type_shares", "helbredsrettet"),
    ("combined", N_("Combined (2–4 types)"), "share_combined_000_001", None),
    (
        "combined_with_job_focused",
        N_("Combined including job-focused"),
        "share_combined_incl_job",
        None,
    ),
)


def build(r: Results, c: Ctx) -> list[Block]:
    """The blocks of section 3."""
    t = _combinations(r, c)
    return [_known(r, c), t, _figure(t, c), _derived(r.a2_activities.derived, c)]


def _known(r: Results, c: Ctx) -> Para:
    a2 = r.a2_activities
    return Para(
        c._(
            "Of {n} repeat measurements the caseworker's answer to S1 gives the activity "
            "combination for {known} ({share}); the tables below are built on those."
        ).format(
            n=numbers.integer(a2.n_repeat_measurements, c.lang),
            known=numbers.integer(a2.n_known, c.lang),
            share=numbers.pct(a2.n_known / a2.n_repeat_measurements, c.lang)
            if a2.n_repeat_measurements
            else numbers.DASH,
        )
    )


def _row(o: CodeShare, values: dict[str, object]) -> Row:
    return Row(
        {**values, "n": o.n, "share": o.share}, n_citizens=o.n_citizens, n_obs=o.n, kind="pct"
    )


def _combinations(r: Results, c: Ctx) -> Table:
    rows = []
    for josh in ALL_COMBINATIONS:
        pub = P.value("t3_combinations", josh, "percent")
        rows.append(
            _row(
                r.a2_activities.codes[josh],
                {
                    "code": names.code(c, josh),
                    "short": josh,
                    "pub_n": P.value("t3_combinations", josh, "count"),
                    "pub_share": None if pub is None else pub / 100,
                },
            )
        )
    return Table(
        "tab-combinations",
        c._("Activity combinations at repeat measurements"),
        c._(
            "How often each combination of job-focused (J), up-skilling (O), social (S) and "
            "health (H) activities occurred in the last three months."
        ),
        (
            Col("code", c._("Combination"), "text", False),
            Col("n", c._("Count"), "int"),
            Col("share", c._("Share"), "pct"),
            Col("pub_n", c._("Published count"), "int", False, published=True),
            Col("pub_share", c._("Published share"), "pct", False, published=True),
        ),
        tuple(rows),
        source=P.ref("t3_combinations"),
        notes=(c._(JOSH),),
        partition=True,
    )


def _commonest(t: Table, c: Ctx) -> str:
    """The reading line, from the table as the audience sees it: it never names a hidden share."""
    shown = sorted(
        (
            (r.values["share"], r.values["short"])
            for r in c.sup(t).rows
            if is_number(r.values["share"])
        ),
        reverse=True,
    )
    if len(shown) < 2:
        return c._("Bars are our shares, diamonds 003 Tabel 3.")
    (s1, k1), (s2, k2) = shown[:2]
    return c._(
        "Commonest are {first} ({share1}) and {second} ({share2}); diamonds are 003 Tabel 3."
    ).format(first=k1, share1=numbers.pct(s1, c.lang), second=k2, share2=numbers.pct(s2, c.lang))


def _figure(t: Table, c: Ctx) -> Figure:
    return Figure(
        "fig-combinations",
        c._("Distribution of activity combinations"),
        _commonest(t, c),
        t,
        lambda st: F.hbar_compare(
            st,
            "fcomb",
            c.lang,
            label_key="short",
            ours="share",
            published="pub_share",
            labels=(c._("Ours"), c._("Published")),
            xlabel=c._("Share of repeat measurements (%)"),
            pct=True,
        ),
        source=P.ref("t3_combinations"),
        notes=(c._(JOSH),),
    )


def _derived(d: A2Derived, c: Ctx) -> Table:
    rows = []
    for field, label, pid, key in DERIVED:
        rows.append(
            _row(
                getattr(d, field),
                {
                    "q": c._(label),
                    "pub": P.fraction(pid, key) if key else P.fraction(pid),
                    "src": P.ref(pid),
                },
            )
        )
    return Table(
        "tab-derived-shares",
        c._("Derived shares"),
        c._("The same counts summarised: how many had no, one or several types of activity."),
        (
            Col("q", c._("Quantity"), "text", False),
            Col("n", c._("Count"), "int"),
            Col("share", c._("Share"), "pct"),
            Col("pub", c._("Published"), "pct", False, published=True),
            Col("src", c._("Source"), "ref", False),
        ),
        tuple(rows),
        notes=(
            c._(
                "The sources' shares are often sums of rounded percents (e.g. 42 against "
                "exactly 43.4 in 003 Tabel 3)."
            ),
        ),
    )


SECTION = Spec("activities", N_("Activities"), build)
