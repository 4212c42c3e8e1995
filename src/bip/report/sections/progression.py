"""Section 2, progression (A1): mean change per indicator beside 003 Tabel 1, the time between
measurements and whether progression grows with it."""

from __future__ import annotations

from bip.disclosure import Counts
from bip.report import figures as F
from bip.report import names
from bip.report import published as P
from bip.report.blocks import Block, Figure
from bip.report.i18n import N_
from bip.report.sections.base import SERIES, Ctx, Fact, Spec, facts_table, lower, upper
from bip.report.tables import Col, Row, Table
from bip.results import Results

SLOPE_WEEKS = 10  # the slope is shown per 10 weeks, a readable size of change


def build(r: Results, c: Ctx) -> list[Block]:
    """The blocks of section 2."""
    t = _progression(r, c)
    return [t, _figure(t, c), _weeks(r, c), _regression(r, c)]


def _progression(r: Results, c: Ctx) -> Table:
    rows = []
    for it in SERIES:
        o = r.a1_progression.items[it]
        pid = P.T1_IDS[it]
        rows.append(
            Row(
                {
                    "item": names.item(c, it),
                    "mean": o.mean,
                    "pub_mean": P.value(pid),
                    "sd": o.sd,
                    "n": o.n,
                    "pub_n": P.published_n(pid),
                    "unch": o.share_unchanged,
                    "up": o.share_up,
                    "down": o.share_down,
                },
                n_citizens=o.n_citizens,
                n_obs=o.n,
            )
        )
    return Table(
        "tab-progression",
        c._("Mean progression per indicator"),
        c._(
            "Progression is the answer minus the citizen's previous answer to the same "
            "question (1–5 scale); values near 0 mean most stand still."
        ),
        (
            Col("item", c._("Indicator"), "text", False),
            Col("mean", c._("Mean progression"), "d3"),
            Col("pub_mean", c._("Published"), "d3", False, published=True),
            Col("sd", c._("SD"), "d2"),
            Col("n", c._("Measurements"), "int"),
            Col("pub_n", c._("Published"), "int", False, published=True),
            Col("unch", c._("Unchanged"), "pct"),
            Col("up", c._("Up"), "pct"),
            Col("down", c._("Down"), "pct"),
        ),
        tuple(rows),
        source=P.ref("t1_b_avg"),
    )


def _figure(t: Table, c: Ctx) -> Figure:
    return Figure(
        "fig-progression",
        c._("Mean progression: ours and 003 Tabel 1"),
        c._("Bars are our means, diamonds the published ones; bars right of 0 mean progress."),
        t,
        lambda st: F.hbar_compare(
            st,
            "fprog",
            c.lang,
            label_key="item",
            ours="mean",
            published="pub_mean",
            labels=(c._("Ours"), c._("Published")),
            xlabel=c._("Mean change (scale points)"),
        ),
        source=P.ref("t1_b_avg"),
    )


def _weeks(r: Results, c: Ctx) -> Table:
    w = r.a1_progression.weeks_between
    n = Counts(citizens=w.n_citizens, observations=w.n)
    pid = "mean_weeks_between_responses"
    return facts_table(
        c,
        "tab-weeks",
        c._("Weeks between two measurements of a citizen"),
        c._("The sources intended a measurement every three months (13 weeks)."),
        (
            Fact(c._("Mean"), w.mean, "d1", n, P.value(pid), P.ref(pid)),
            Fact(c._("Median"), w.median, "d1", n),
            Fact(c._("SD"), w.sd, "d1", n),
            Fact(c._("Within 13 weeks"), w.share_within_13_weeks, "pct", n),
            Fact(c._("Pairs of consecutive measurements"), w.n, "int", n),
            Fact(c._("Citizens"), w.n_citizens, "int", n),
        ),
    )


def _regression(r: Results, c: Ctx) -> Table:
    rows = []
    for it in SERIES:
        g = r.a1_progression.weeks_regression[it]

        def per(x: float | None) -> float | None:
            return None if x is None else SLOPE_WEEKS * x

        rows.append(
            Row(
                {
                    "item": names.item(c, it),
                    "slope": per(g.slope_per_week),
                    "lo": per(g.ci_low),
                    "hi": per(g.ci_high),
                    "p": g.p_value,
                    "n": g.n,
                },
                n_citizens=g.n_citizens,
                n_obs=g.n,
            )
        )
    return Table(
        "tab-weeks-regression",
        c._("Does progression grow with the time between measurements?"),
        c._(
            "The change in progression when 10 more weeks lie between two measurements; "
            "an interval that crosses 0 means no clear link."
        ),
        (
            Col("item", c._("Indicator"), "text", False),
            Col("slope", c._("Per 10 weeks"), "d3"),
            Col("lo", lower(c), "d3"),
            Col("hi", upper(c), "d3"),
            Col("p", c._("p-value"), "p"),
            Col("n", c._("Measurements"), "int"),
        ),
        tuple(rows),
        notes=(c._("Linear regression with errors clustered by citizen."),),
    )


SECTION = Spec("progression", N_("Progression"), build)
