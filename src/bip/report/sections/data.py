"""Section 1, data and the citizens: the size of the dataset and the cohort's register profile
(A8) beside the BIP project's numbers, and the documents those numbers come from."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date

from bip.disclosure import Counts
from bip.report import names, numbers
from bip.report import published as P
from bip.report.blocks import Block, Para
from bip.report.i18n import N_
from bip.report.sections.base import Ctx, Fact, Spec, facts_table
from bip.report.tables import Col, Row, Table
from bip.results import Results

# The five documents whose published numbers stand beside ours (references as "003, Tabel 1").
SOURCES = (
    ("000", N_("Progression towards the labour market: summary of the BIP results (2020)")),
    ("001", N_("BIP webinar: slides")),
    ("002", N_("BIP: slides, with results of KORA (2017) and the CK committee (2015)")),
    (
        "003",
        N_(
            "Active employment measures and progression (Rosholm, Sørensen, Skipper and Nielsen, 2018)"
        ),
    ),
    ("004", N_("Caseworker effectiveness in BIP (the same authors)")),
)


def build(r: Results, c: Ctx) -> list[Block]:
    """The blocks of section 1."""
    coverage = _coverage(r, c)
    extra = [coverage] if coverage is not None else []
    return [_size(r, c), _cohort_text(r, c), *extra, _cohort(r, c), _sources(c)]


def _coverage(r: Results, c: Ctx) -> Para | None:
    """How far the outcome registers reach and how many outcomes their end removes."""
    cov = r.dataset.outcome_coverage
    if cov is None:  # results written before coverage was recorded
        return None
    month, week = cov.employment_months_last, cov.benefit_weeks_last
    if month is None:
        return Para(
            c._(
                "The dataset has no employment months, so both job outcomes are missing for "
                "every measurement."
            )
        )
    if week is None:
        text = c._(
            "The dataset has no DREAM weeks, so job or education within 52 weeks is missing for "
            "every measurement; employment runs up to and including {month}."
        ).format(month=_month(month, c.lang))
    else:
        text = c._(
            "The registers behind the outcomes run up to and including {month} (employment) "
            "and {week} (DREAM weeks)."
        ).format(month=_month(month, c.lang), week=_week(week, c))
    n52 = cov.censored.get("job_or_education_52w", 0)
    n13 = cov.censored.get("job_13w", 0)
    if week is not None and n52 == 0 and n13 == 0:
        return Para(text + " " + c._("No outcome window reaches past the registers' end."))
    if week is not None:
        text += " " + c.n_(
            "{n} measurement is left out of the outcome job or education within 52 weeks because its window "
            "reaches past the end of a register; it counts as missing even if the window already "
            "shows a job.",
            "{n} measurements are left out of the outcome job or education within 52 weeks because their "
            "window reaches past the end of a register; they count as missing even if the window "
            "already shows a job.",
            n52,
        ).format(n=_count(n52, c))
    text += " " + c.n_(
        "The same rule leaves {n} measurement out of the outcome employed within 13 weeks.",
        "The same rule leaves {n} measurements out of the outcome employed within 13 weeks.",
        n13,
    ).format(n=_count(n13, c))
    return Para(text)


def _count(n: int, c: Ctx) -> str:
    return c.shown(numbers.integer(n, c.lang), Counts(observations=n))


def _month(label: str, lang: str) -> str:
    """``2017-12`` as ``december 2017`` / ``December 2017``."""
    year, month = (int(x) for x in label.split("-"))
    return format_date(dt.date(year, month, 1), format="MMMM y", locale=numbers.LOCALES[lang])


def _week(label: str, c: Ctx) -> str:
    """``2017-W52`` as ``uge 52 i 2017`` / ``week 52 of 2017``."""
    year, week = label.split("-W")
    return c._("week {week} of {year}").format(week=int(week), year=year)


def _size(r: Results, c: Ctx) -> Table:
    ds = r.dataset
    n = Counts(citizens=ds.citizens)

    def fact(label: str, value: float | None, pid: str | None, kind: str = "int") -> Fact:
        return Fact(label, value, kind, n, P.value(pid) if pid else None, P.ref(pid) if pid else "")

    return facts_table(
        c,
        "tab-dataset",
        c._("Size of the dataset"),
        c._(
            "How many jobcentres, caseworkers, citizens and answers the analysis rests on, "
            "beside the BIP project's numbers."
        ),
        (
            fact(c._("Jobcentres"), ds.jobcenters, "n_jobcenters"),
            fact(c._("Caseworkers"), ds.caseworkers, "n_caseworkers_approx"),
            fact(c._("Citizens"), ds.citizens, "n_citizens_with_responses"),
            fact(c._("Citizens with a measurement"), ds.citizens_measured, None),
            fact(c._("Measurements"), ds.measurements, None),
            fact(c._("Answered citizen parts"), ds.citizen_parts, "n_citizen_responses"),
            fact(c._("Answered caseworker parts"), ds.caseworker_parts, "n_caseworker_responses"),
            fact(
                c._("Mean weeks between measurements"),
                r.a1_progression.weeks_between.mean,
                "mean_weeks_between_responses",
                "d1",
            ),
        ),
    )


def _cohort_text(r: Results, c: Ctx) -> Para:
    a8 = r.a8_cohort
    text = c.n_(
        "{n} citizen was measured from {first} to {last}",
        "{n} citizens were measured from {first} to {last}",
        a8.n_citizens,
    ).format(
        n=numbers.integer(a8.n_citizens, c.lang),
        first=numbers.date(a8.first_measurement, c.lang),
        last=numbers.date(a8.last_measurement, c.lang),
    )
    text += ", " + c._("{m} measurements each on average.").format(
        m=numbers.num(a8.measurements_per_citizen, c.lang, 1)
    )
    missing = a8.n_citizens - a8.n_citizens_with_persons_row
    if missing:
        text += " " + c.n_(
            "{n} citizen has no row in the register of persons; the profile below leaves them out.",
            "{n} citizens have no row in the register of persons; the profile below leaves "
            "them out.",
            missing,
        ).format(n=numbers.integer(missing, c.lang))
    warnings = len(r.meta.warnings)
    if warnings:
        text += " " + c.n_(
            "The validation of the dataset gave {n} warning.",
            "The validation of the dataset gave {n} warnings.",
            warnings,
        ).format(n=numbers.integer(warnings, c.lang))
    return Para(text)


def _cohort(r: Results, c: Ctx) -> Table:
    rows = []
    for x in r.a8_cohort.rows:
        share = x.stat == "share" or x.variable.startswith("share")
        pub = None
        if x.published_id:
            pub = P.fraction(x.published_id) if share else P.value(x.published_id)
        rows.append(
            Row(
                {
                    "var": names.variable(c, x.variable),
                    "value": x.value,
                    "n": x.n_citizens,
                    "pub": pub,
                    "src": P.ref(x.published_id) if x.published_id else "",
                },
                n_citizens=x.n_citizens,
                n_with=x.n_citizens_with,
                kind="pct" if share else "d1",
            )
        )
    return Table(
        "tab-cohort",
        c._("The citizens at their first measurement"),
        c._(
            "Who the citizens are, from the registers at their first measurement, beside "
            "the profile the BIP project published."
        ),
        (
            Col("var", c._("Characteristic"), "text", False),
            Col("value", c._("Ours"), "mixed"),
            Col("n", c._("Citizens"), "int"),
            Col("pub", c._("Published"), "mixed", False, published=True),
            Col("src", c._("Source"), "ref", False),
        ),
        tuple(rows),
        notes=(c._("Means of shares of time (employment in the years before) are shown in %."),),
    )


def _sources(c: Ctx) -> Table:
    return Table(
        "tab-sources",
        c._("The published numbers and their sources"),
        c._(
            "Grey columns hold the numbers the BIP project published; the reference names "
            "the document and its table or figure."
        ),
        (
            Col("ref", c._("Reference"), "text", False),
            Col("doc", c._("Document"), "text", False),
        ),
        tuple(Row({"ref": ref, "doc": c._(title)}) for ref, title in SOURCES),
    )


SECTION = Spec("data", N_("Data and the citizens"), build)
