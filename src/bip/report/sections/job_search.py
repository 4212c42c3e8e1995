"""Section 6, second part (A5): the citizen's and the caseworker's belief in a job (B8, S12),
job search and its channels (B10), and the answers by mental health (000 Figur 2-3)."""

from __future__ import annotations

from bip.disclosure import Counts
from bip.instrument import B10_CHANNELS, B10_STATUSES
from bip.report import figures as F
from bip.report import names
from bip.report import published as P
from bip.report.blocks import Block, Figure
from bip.report.sections.base import Ctx
from bip.report.style import OURS, OURS_2
from bip.report.tables import Col, Row, Table
from bip.results.job_chance import A5JobChance, SearchShares

# Published names of the B10 answers: overall (002), by mean citizen score (002)
OVERALL = {
    "searching": ("job_search_status", "soeger_job"),
    "not_searching": ("job_search_status", "soeger_ikke_job"),
    "no_answer": ("job_search_status", "vil_ikke_svare"),
    "newspapers": ("job_search_channel_usage", "aviser"),
    "internet": ("job_search_channel_usage", "internet"),
    "unsolicited": ("job_search_channel_usage", "uopfordret"),
    "network": ("job_search_channel_usage", "netvaerk"),
    "internship": ("job_search_channel_usage", "via_praktik"),
    "temp_agency": ("job_search_channel_usage", "vikarbureau"),
}
BY_BAND = {
    "not_searching": "soeger_ikke",
    "no_answer": "oensker_ikke_at_svare",
    "newspapers": "aviser",
    "internet": "internettet",
    "unsolicited": "uopfordret",
    "network": "netvaerk",
    "internship": "praktikvirksomhed",
    "temp_agency": "vikarbureau",
}
BY_PSYCH = {"none": "job_search_no_psych", "severe": "job_search_severe_psych"}


def blocks(a5: A5JobChance, c: Ctx) -> list[Block]:
    """Beliefs, job search and mental health."""
    t = _beliefs(a5, c)
    js = a5.job_search
    out: list[Block] = [t, _beliefs_figure(t, c)]
    out.append(_search(js.overall, a5, B10_STATUSES, c))
    out.append(_search(js.overall, a5, B10_CHANNELS, c))
    out += [_mental_health(a5, part, c) for part in ("citizen", "caseworker")]
    return out


def _beliefs(a5: A5JobChance, c: Ctx) -> Table:
    bd = a5.belief_distributions
    rows = []
    for x, y in zip(bd.B8, bd.S12, strict=True):
        step = f"step{x.level}"
        rows.append(
            Row(
                {
                    "level": str(x.level),
                    "b8": x.share,
                    "pb8": P.fraction("belief_dist_citizens", step),
                    "s12": y.share,
                    "ps12": P.fraction("belief_dist_caseworkers", step),
                },
                cell_n={"b8": Counts(x.n_citizens, x.n), "s12": Counts(y.n_citizens, y.n)},
            )
        )
    return Table(
        "tab-a5-belief",
        c._("The citizen's and the caseworker's belief in a job (B8 and S12)"),
        c._(
            "How the answers 1–5 are spread: citizens believe in a job more often than "
            "caseworkers where the B8 shares are higher at 4–5."
        ),
        (
            Col("level", c._("Answer"), "text", False),
            Col("b8", names.item(c, "B8"), "pct"),
            Col("pb8", c._("Published"), "pct", False, published=True),
            Col("s12", names.item(c, "S12"), "pct"),
            Col("ps12", c._("Published"), "pct", False, published=True),
        ),
        tuple(rows),
        source=P.ref("belief_dist_citizens"),
        partition_cols=("b8", "s12"),
    )


def _beliefs_figure(t: Table, c: Ctx) -> Figure:
    published = c._("Published")
    series = [
        F.Series("b8", "B8", OURS, "o"),
        F.Series("pb8", f"B8 {published}", OURS, "o", filled=False),
        F.Series("s12", "S12", OURS_2, "s"),
        F.Series("ps12", f"S12 {published}", OURS_2, "s", filled=False),
    ]
    return Figure(
        "fig-a5-belief",
        c._("Belief in a job: citizen (B8) and caseworker (S12)"),
        c._("Filled bars are our shares, white bars the published ones (001)."),
        t,
        lambda st: F.grouped_bars(
            st,
            "fa5b",
            c.lang,
            label_key="level",
            series=series,
            ylabel=c._("Share (%)"),
            xlabel=c._("Answer"),
        ),
        source=t.source,
    )


def _search(ov: SearchShares, a5: A5JobChance, keys: tuple[str, ...], c: Ctx) -> Table:
    """Job search status (a partition of each column) or channels (several per answer)."""
    js = a5.job_search
    status = keys == B10_STATUSES
    cols = [
        Col("k", c._("Job search") if status else c._("Channel"), "text", False),
        Col("all", c._("All"), "pct"),
        Col("p_all", c._("Publ."), "pct", False, published=True),
    ]
    for b in js.by_mean_citizen_score:
        cols.append(Col("b" + b.band, c._("Score {band}").format(band=_band(b.band, c)), "pct"))
        cols.append(Col("pb" + b.band, c._("Publ."), "pct", False, published=True))
    for g in js.by_psych_group:
        cols.append(Col("g" + g.group, names.psych_group(c, g.group), "pct"))
        if g.group in BY_PSYCH:
            cols.append(Col("pg" + g.group, c._("Publ."), "pct", False, published=True))
    rows = []
    for k in keys:
        values: dict[str, object] = {
            "k": names.b10(c, k),
            "all": getattr(ov, k),
            "p_all": P.fraction(*OVERALL[k]),
        }
        cell_n = {"all": Counts(ov.n_citizens, ov.n)}
        for b in js.by_mean_citizen_score:
            values["b" + b.band] = getattr(b, k)
            pub = BY_BAND.get(k)
            values["pb" + b.band] = (
                P.fraction("job_search_channel_by_citizen_score", pub, b.band) if pub else None
            )
            cell_n["b" + b.band] = Counts(b.n_citizens, b.n)
        for g in js.by_psych_group:
            values["g" + g.group] = getattr(g, k)
            if g.group in BY_PSYCH:
                values["pg" + g.group] = P.fraction(BY_PSYCH[g.group], k)
            cell_n["g" + g.group] = Counts(g.n_citizens, g.n)
        rows.append(Row(values, cell_n=cell_n))
    ours = tuple(col.key for col in cols if col.citizen_based and col.kind == "pct")
    return Table(
        "tab-a5-jobsearch" if status else "tab-a5-channels",
        c._("Who searches for a job (B10)") if status else c._("How citizens search (B10)"),
        c._(
            "Shares of the measurements with an answer to B10, overall, by the citizen's mean "
            "score on B1–B9 and by psychiatric diagnosis."
        )
        if status
        else c._(
            "A citizen may use several channels, so the shares add up to more than those searching."
        ),
        tuple(cols),
        tuple(rows),
        source=P.ref("job_search_channel_by_citizen_score"),
        partition_cols=ours if status else (),
        notes=(
            c._(
                "Psychiatric diagnosis in the three years before the first measurement; a "
                "severe diagnosis (F00–F09, F20–F29, F60–F89) counts before a light one."
            ),
        ),
    )


def _band(band: str, c: Ctx) -> str:
    """A band of mean scores, with the language's decimal mark (``2,5–3,5``)."""
    return band.replace("-", "–").replace(".", "," if c.lang == "da" else ".")


def _mental_health(a5: A5JobChance, part: str, c: Ctx) -> Table:
    groups = getattr(a5.answers_by_mental_health, part)
    items = list(groups[0].means) if groups else []
    rows = []
    for it in items:
        rows.append(
            Row(
                {"item": names.item(c, it), **{g.group: g.means[it].mean for g in groups}},
                cell_n={g.group: Counts(g.n_citizens, g.means[it].n) for g in groups},
            )
        )
    title = (
        c._("Mean answer by mental health: the citizen's answers")
        if part == "citizen"
        else c._("Mean answer by mental health: the caseworker's answers")
    )
    return Table(
        f"tab-a5-mh-{part}",
        title,
        c._(
            "The mean on the 1–5 scale of citizens without, with a light and with a severe "
            "psychiatric diagnosis."
        ),
        (
            Col("item", c._("Indicator"), "text", False),
            *(Col(g.group, names.psych_group(c, g.group), "d2") for g in groups),
        ),
        tuple(rows),
        source="000, Figur 2–3",
    )
