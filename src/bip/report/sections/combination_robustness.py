"""Section 5's selection robustness (A4, the two averages): beside the unadjusted and
adjusted d, Oster's δ and bias-adjusted d and the citizen fixed-effects d with its interval,
with a plain-language reading (docs/estimation.md)."""

from __future__ import annotations

from bip.disclosure import Counts
from bip.instrument import ALL_COMBINATIONS
from bip.report import names, numbers
from bip.report.blocks import Block, Para
from bip.report.sections.base import A4_SERIES, Ctx
from bip.report.tables import Col, Row, Table
from bip.results.combination_effects import A4CombinationEffects


def blocks(a4: A4CombinationEffects, c: Ctx) -> list[Block]:
    """The explanation and one table per average with a robustness check; none without."""
    items = [it for it in A4_SERIES if it in (a4.oster or {}) or it in (a4.citizen_fe or {})]
    if not items:
        return []
    return [_explain(c), *(_table(a4, it, c) for it in items)]


def _explain(c: Ctx) -> Para:
    return Para(
        c._(
            "Are the differences between combinations due to who gets which activities? Two "
            "checks for the two averages. First: how much the differences move when the "
            "citizens' background and previous level are taken into account. If what can be "
            "seen changes little, only hidden differences much stronger than the visible ones "
            "could explain a difference away. δ says how much stronger: δ = 2 means hidden "
            "differences would have to matter twice as much as everything the adjusted model "
            "takes into account; a negative δ means that taking account of what can be seen "
            "moved the estimate away from 0. The bias-adjusted d is the estimate if hidden "
            "differences matter as much as the visible ones (δ = 1; Oster 2019). Second: each "
            "citizen compared with themselves, at their own measurements with different "
            "combinations (citizen fixed effects). This removes everything about the citizen "
            "that does not change, but rests only on the citizens whose combination changed, "
            "and it does not remove that activities follow how the citizen is doing at the "
            "time: it is a check, not a better estimate than the adjusted one."
        )
    )


def _table(a4: A4CombinationEffects, it, c: Ctx) -> Table:
    o = (a4.oster or {}).get(it)
    fe = (a4.citizen_fe or {}).get(it)
    rows = []
    for josh in ALL_COMBINATIONS:
        nv, adj = a4.naive[it].codes[josh], a4.adjusted[it].codes[josh]
        oc = o.codes.get(josh) if o else None
        fc = fe.codes.get(josh) if fe else None
        within = Counts(fc.n_citizens_within, fc.n) if fc else Counts(0, 0)
        rows.append(
            Row(
                {
                    "code": josh,
                    "d": nv.estimate,
                    "cd": adj.estimate,
                    "delta": oc.delta if oc else None,
                    "bstar": oc.beta_star if oc else None,
                    "fe": fc.estimate if fc else None,
                    "lo": fc.ci_low if fc else None,
                    "hi": fc.ci_high if fc else None,
                    "within": fc.n_citizens_within if fc else None,
                },
                n_citizens=nv.n_citizens,
                n_obs=nv.n,
                cell_n={
                    **dict.fromkeys(("cd", "delta", "bstar"), Counts(adj.n_citizens, adj.n)),
                    **dict.fromkeys(("fe", "lo", "hi", "within"), within),
                },
            )
        )
    notes = []
    if o is not None and o.r_max is not None and o.r2_adjusted is not None:
        notes.append(
            c._(
                "δ and the bias-adjusted d assume that the hidden differences could at most "
                "raise the share of the progression explained (R²) from {r2} to {rmax}, "
                "{factor} times the adjusted model's."
            ).format(
                r2=numbers.num(o.r2_adjusted, c.lang, 3),
                rmax=numbers.num(o.r_max, c.lang, 3),
                factor=numbers.num(o.r_max_factor, c.lang, 1),
            )
        )
    if fe is not None:
        notes.append(
            c._(
                "The within-citizen d compares each citizen's own measurements; it is centred "
                "on the mean like the other columns and rests on the {n} citizens with more "
                "than one combination."
            ).format(
                n=c.shown(
                    numbers.integer(fe.n_citizens_within, c.lang),
                    Counts(fe.n_citizens_within, fe.n),
                )
            )
        )
    interval = c._("{level} interval").format(level=numbers.pct(a4.level, c.lang, 0))
    return Table(
        f"tab-a4-robust-{it}",
        c._("Is it selection? {item}").format(item=names.item(c, it)),
        c._(
            "Effect size d by combination, centred on the mean: unadjusted, adjusted, the "
            "hidden selection δ it would take to make the adjusted d 0, the bias-adjusted d "
            "and d within citizens with its {interval}."
        ).format(interval=interval),
        (
            Col("code", c._("Combination"), "text", False),
            Col("d", c._("d, unadjusted"), "d2"),
            Col("cd", c._("d, adjusted"), "d2"),
            Col("delta", c._("δ for d = 0"), "d1"),
            Col("bstar", c._("d, bias-adjusted"), "d2"),
            Col("fe", c._("d within citizens"), "d2"),
            Col("lo", c._("lower"), "d2"),
            Col("hi", c._("upper"), "d2"),
            Col("within", c._("Citizens who changed"), "int"),
        ),
        tuple(rows),
        notes=tuple(notes),
    )
