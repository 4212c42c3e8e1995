"""Section after A5's job chance: the time to a first job (A5's hazard model), with the chance
of a first job within 52 weeks beside the 52-week windows."""

from __future__ import annotations

from bip.disclosure import Counts
from bip.report import figures as F
from bip.report import names
from bip.report.blocks import Block, Figure, Para
from bip.report.i18n import N_
from bip.report.sections.base import Ctx, Spec, lower, upper, why_not
from bip.report.style import OURS, OURS_2, PUBLISHED
from bip.report.tables import Col, Row, Table
from bip.results import Results
from bip.results.hazard import HazardBand, HazardModel


def build(r: Results, c: Ctx) -> list[Block]:
    """The section's blocks; none for results without the hazard model (left out)."""
    hz = r.a5_job_chance.hazard
    if hz is None:
        return []
    if hz.status != "ok":
        return [why_not(c, hz, c._("The model of the time to a first job"))]
    bands = _bands(hz, c)
    return [
        Para(_explain(hz, c)),
        _ratios(hz, c),
        bands,
        _figure(hz, c),
        Para(_beside(hz, c), "note"),
    ]


def _explain(hz: HazardModel, c: Ctx) -> str:
    counts = Counts(hz.n_citizens)
    return c._(
        "This model follows each of {n} citizens from their first measurement to their first "
        "job. For the 13 weeks after each measurement it asks whether the citizen had a job "
        "then, and it stops at the first job or where the registers end. A hazard ratio above "
        "1 means that a job comes sooner, other things being equal; below 1, later. The ratios "
        "describe these data: they are not the effects of activities or of caseworkers."
    ).format(n=c.shown(c.num(hz.n_citizens, "int"), counts))


def _band_label(band: str, c: Ctx) -> str:
    _, lo, hi = band.split("_")
    if hi == "plus":
        return c._("{lo} weeks or more").format(lo=lo)
    return c._("{lo}–{hi} weeks").format(lo=lo, hi=hi)


def _term_label(term: str, c: Ctx) -> str:
    if term.startswith("weeks_"):
        return c._("Time since the first measurement: {band}").format(band=_band_label(term, c))
    if term.startswith("act_"):
        return c._("Activity: {group}").format(group=names.group(c, term[-1]))
    if term.startswith("S12_"):
        return c._("Caseworker's belief (S12) at {level}, against 3").format(level=term[-1])
    if term.startswith("B8_"):
        return c._("Citizen's belief (B8) at {level}, against 3").format(level=term[-1])
    if term == "n_cw_changes":
        return c._("Per change of caseworker so far")
    return c._("Caseworker's job rate with other citizens, per 10 percentage points")


def _ratios(hz: HazardModel, c: Ctx) -> Table:
    rows = tuple(
        Row(
            {
                "term": _term_label(t.term, c),
                "hr": t.hazard_ratio,
                "lo": t.ci_low,
                "hi": t.ci_high,
                "p": t.p_value,
            },
            n_obs=t.n,
        )
        for t in hz.terms
    )
    return Table(
        "tab-hazard-ratios",
        c._("Hazard ratios of a first job"),
        c._(
            "Above 1: a first job comes sooner with this characteristic than without it, "
            "below 1: later, with the other characteristics and the background held equal."
        ),
        (
            Col("term", c._("Characteristic"), "text", False),
            Col("hr", c._("Hazard ratio"), "d2"),
            Col("lo", lower(c), "d2"),
            Col("hi", upper(c), "d2"),
            Col("p", c._("p-value"), "p"),
        ),
        rows,
        notes=(
            c._(
                "Complementary log-log model of {n} periods of 13 weeks with {k} first jobs; "
                "intervals clustered by citizen. The caseworker's job rate is over their other "
                "citizens, so a citizen's own outcome never enters it."
            ).format(n=c.num(hz.n_periods, "int"), k=c.num(hz.n_events, "int")),
        ),
    )


def _band_row(b: HazardBand, c: Ctx) -> Row:
    return Row(
        {
            "band": _band_label(b.band, c),
            "at_risk": b.n_at_risk,
            "events": b.n_events,
            "observed": b.observed,
            "model": b.model,
            "lo": b.model_ci_low,
            "hi": b.model_ci_high,
        },
        n_obs=b.n_at_risk,
        cell_n={
            "events": Counts(observations=b.n_at_risk, with_=b.n_events),
            "observed": Counts(observations=b.n_at_risk, with_=b.n_events),
        },
    )


def _bands(hz: HazardModel, c: Ctx) -> Table:
    return Table(
        "tab-hazard-bands",
        c._("Chance of a first job in the next 13 weeks, by time since the first measurement"),
        c._(
            "Of the citizens still without a job, this share got one in the 13 weeks after a "
            "measurement: as observed, and as the model gives it for all citizens."
        ),
        (
            Col("band", c._("Time since the first measurement"), "text", False),
            Col("at_risk", c._("Periods without a job yet"), "int"),
            Col("events", c._("First jobs"), "int"),
            Col("observed", c._("Observed"), "pct"),
            Col("model", c._("Model"), "pct"),
            Col("lo", lower(c), "pct"),
            Col("hi", upper(c), "pct"),
        ),
        tuple(_band_row(b, c) for b in hz.bands),
    )


def _figure(hz: HazardModel, c: Ctx) -> Figure:
    horizon = [b for b in hz.bands if b.cumulative_life_table is not None]
    rows = []
    for k, b in enumerate(horizon):
        last = k == len(horizon) - 1
        rows.append(
            Row(
                {
                    "weeks": b.band.split("_")[2],
                    "model": b.cumulative_model,
                    "life": b.cumulative_life_table,
                    "obs": hz.observed_52w if last else None,
                },
                n_citizens=hz.n_entry,
            )
        )
    data = Table(
        "tab-hazard-cumulative",
        c._("Chance of a first job within 13, 26, 39 and 52 weeks"),
        c._("The share with a first job by each week, counted from the first measurement."),
        (
            Col("weeks", c._("Weeks since the first measurement"), "text", False),
            Col("model", c._("Model"), "pct"),
            Col("life", c._("From the observed chances"), "pct"),
            Col("obs", c._("Job or education within 52 weeks"), "pct"),
        ),
        tuple(rows),
    )
    series = [
        F.Series("model", c._("Model"), OURS, "o"),
        F.Series("life", c._("From the observed chances"), OURS_2, "s", filled=False, ls="--"),
        F.Series("obs", c._("Job or education within 52 weeks"), PUBLISHED, "D", filled=False),
    ]
    return Figure(
        "fig-hazard-cumulative",
        c._("Chance of a first job by weeks since the first measurement"),
        c._(
            "The model's and the observed chances build up to the 52-week mark, where the "
            "diamond is the share with a job or education within 52 weeks."
        ),
        data,
        lambda st: F.lines_by_level(
            st, "fhaz", c.lang, label_key="weeks", series=series, ylabel=c._("Share (%)")
        ),
    )


def _beside(hz: HazardModel, c: Ctx) -> str:
    return c._(
        "Within 52 weeks of the first measurement the model gives {model} a first job "
        "({lo} to {hi}), the observed chances {life}; {obs} of the same citizens had a job or "
        "education within 52 weeks. That window also counts education and any month in a job "
        "during the year, so it need not equal the chance of a first job."
    ).format(
        model=c.num(hz.cumulative_52w_model, "pct"),
        lo=c.num(hz.cumulative_52w_model_ci_low, "pct"),
        hi=c.num(hz.cumulative_52w_model_ci_high, "pct"),
        life=c.num(hz.cumulative_52w_life_table, "pct"),
        obs=c.num(hz.observed_52w, "pct"),
    )


SECTION = Spec("hazard", N_("Time to a first job"), build, optional=True)
