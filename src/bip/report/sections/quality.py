"""Section 9, data quality (A9): per jobcentre, how often and how regularly citizens are
measured, how complete the answers are, and which answers are missing."""

from __future__ import annotations

from bip.disclosure import Counts
from bip.report import names
from bip.report.blocks import Block
from bip.report.i18n import N_
from bip.report.sections.base import INDICATORS, Ctx, Spec
from bip.report.tables import Col, Row, Table
from bip.results import Results
from bip.results.cohort import QualityRow


def build(r: Results, c: Ctx) -> list[Block]:
    """The blocks of section 9."""
    a9 = r.a9_data_quality
    rows = (*a9.rows, a9.all)
    return [_timing(rows, c), _parts(rows, c), _missing(rows, c)]


def _label(x: QualityRow, c: Ctx) -> str:
    return c._("All jobcentres") if x.jobcenter == "all" else x.jobcenter


def _row(x: QualityRow, c: Ctx, values: dict[str, object]) -> Row:
    return Row({"jc": _label(x, c), **values}, n_citizens=x.n_citizens, n_obs=x.n_measurements)


def _timing(rows: tuple[QualityRow, ...], c: Ctx) -> Table:
    return Table(
        "tab-quality",
        c._("Measurements per jobcentre and their timing"),
        c._(
            "How many citizens each jobcentre measured, how often, and how long they waited "
            "between two measurements (intended: 13 weeks)."
        ),
        (
            Col("jc", c._("Jobcentre"), "text", False),
            Col("cit", c._("Citizens"), "int"),
            Col("n", c._("Measurements"), "int"),
            Col("cw", c._("Caseworkers"), "int"),
            Col("mean", c._("Measurements per citizen"), "d1"),
            Col("median", c._("Median"), "d1"),
            Col("repeat", c._("Measured again"), "pct"),
            Col("weeks", c._("Weeks between"), "d1"),
            Col("w13", c._("Within 13 weeks"), "pct"),
        ),
        tuple(
            _row(
                x,
                c,
                {
                    "cit": x.n_citizens,
                    "n": x.n_measurements,
                    "cw": x.n_caseworkers,
                    "mean": x.measurements_per_citizen_mean,
                    "median": x.measurements_per_citizen_median,
                    "repeat": x.share_citizens_with_repeat,
                    "weeks": x.mean_weeks_between,
                    "w13": x.share_within_13_weeks,
                },
            )
            for x in rows
        ),
        partition=True,  # the jobcentres' citizens add up to the last row
    )


def _parts(rows: tuple[QualityRow, ...], c: Ctx) -> Table:
    return Table(
        "tab-quality-parts",
        c._("Completeness of the measurements per jobcentre"),
        c._(
            "The share of measurements with each part answered and with enough answers for "
            "the averages, and the measurements whose activities (S1) are unknown or "
            "contradictory."
        ),
        (
            Col("jc", c._("Jobcentre"), "text", False),
            Col("cp", c._("Citizen part"), "pct"),
            Col("wp", c._("Caseworker part"), "pct"),
            Col("both", c._("Both parts"), "pct"),
            Col("bavg", names.item(c, "B_avg"), "pct"),
            Col("savg", names.item(c, "S_avg"), "pct"),
            Col("unk", c._("Unknown combination"), "int"),
            Col("unk_s", c._("Share unknown"), "pct"),
            Col("dk", c._("Only “don't know”"), "int"),
            Col("contra", c._("Contradictory S1"), "int"),
        ),
        tuple(
            _row(
                x,
                c,
                {
                    "cp": x.share_citizen_part,
                    "wp": x.share_caseworker_part,
                    "both": x.share_both_parts,
                    "bavg": x.share_b_avg_defined,
                    "savg": x.share_s_avg_defined,
                    "unk": x.n_unknown_combination,
                    "unk_s": x.share_unknown_combination,
                    "dk": x.n_only_dont_know,
                    "contra": x.n_contradictory_s1,
                },
            )
            for x in rows
        ),
        notes=(
            c._(
                "The averages: the share of answered parts for which the average could be "
                "computed. Contradictory: an activity ticked together with “no activity” or "
                "“don't know”."
            ),
        ),
    )


def _missing(rows: tuple[QualityRow, ...], c: Ctx) -> Table:
    """Missing answers: indicators down, jobcentres across (each cell its jobcentre's counts)."""
    cols = [Col("item", c._("Indicator"), "text", False)]
    cols += [Col(f"jc{i}", _label(x, c), "pct0") for i, x in enumerate(rows)]
    counts = {f"jc{i}": Counts(x.n_citizens, x.n_measurements) for i, x in enumerate(rows)}
    return Table(
        "tab-quality-missing",
        c._("Missing answers per indicator and jobcentre"),
        c._("The share of measurements with the part answered but this indicator left blank."),
        tuple(cols),
        tuple(
            Row(
                {"item": it, **{f"jc{i}": x.share_missing[it] for i, x in enumerate(rows)}},
                cell_n=counts,
            )
            for it in INDICATORS
        ),
    )


SECTION = Spec("quality", N_("Data quality"), build)
