"""What every section module shares: the context it builds in and the section record.

A section module defines ``SECTION = Spec(key, N_("Title"), build)`` where ``build(results,
ctx)`` returns the section's blocks from the typed :class:`~bip.results.Results`; the list in
:mod:`bip.report.sections` puts the sections in order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, get_args

from bip.disclosure import SUPPRESSED, Counts
from bip.report import numbers
from bip.report.blocks import Block, Para
from bip.report.i18n import N_, Catalogue, catalogue
from bip.report.tables import Col, Row, Table, suppress
from bip.results import Results

if TYPE_CHECKING:
    from bip.calibration import Summary
from bip.results.base import Estimated, Group, Indicator, Series

AUDIENCES = ("analyst", "manager")

# The order the report lists indicators in, typed as the results' keys
INDICATORS: tuple[Indicator, ...] = get_args(Indicator)  # B1-B9, S2-S12
SERIES: tuple[Series, ...] = get_args(Series)  # B1-B9, B average, S2-S12, S average
# 003 Figur 3-24: each part's average first
A4_SERIES: tuple[Series, ...] = (SERIES[9], *SERIES[:9], SERIES[-1], *SERIES[10:-1])
GROUPS: tuple[Group, ...] = get_args(Group)  # J, O, S, H, none


class Ctx(Catalogue):
    """The language (messages, numbers) and audience a report is built for."""

    def __init__(self, lang: str, audience: str):
        if audience not in AUDIENCES:
            raise ValueError(f"audience must be one of {AUDIENCES}, not {audience!r}")
        cat = catalogue(lang)
        super().__init__(cat.lang, cat.translations)
        self.audience = audience
        # The run's calibration summary (bip.calibration.Summary), when it has one.
        self.calibration: Summary | None = None

    def num(self, x: object, kind: str) -> str:
        """A number formatted by kind (:func:`bip.report.numbers.fmt`)."""
        return numbers.fmt(x, kind, self.lang)

    def sup(self, table: Table) -> Table:
        """``table`` as this audience may see it."""
        return suppress(table, self.audience)

    def shown(self, text: str, counts: Counts) -> str:
        """A number quoted in a sentence, or "<5" where this audience may not see it."""
        if self.audience != "analyst" and counts.is_small():
            return SUPPRESSED
        return text


Builder = Callable[[Results, Ctx], Iterable[Block]]


@dataclass(frozen=True)
class Spec:
    """A section: anchor key, title (a msgid) and the function that builds its blocks."""

    key: str
    title: str
    build: Builder
    optional: bool = False  # left out of the report when it has no blocks


# Messages of the estimation engine (bip.analysis) and what they mean to a reader.
_REASONS = (
    ("singular design", N_("some background variables are constant or duplicate each other")),
    ("clustered errors need at least two clusters", N_("there are too few citizens")),
    ("no observations", N_("no measurement has everything the model needs")),
    ("Poisson regression needs some positive outcomes", N_("nobody in the sample got a job")),
    ("Poisson IRLS did not converge", N_("the estimation did not converge")),
)


def interval(c: Ctx, level: float = 0.95) -> str:
    """``95% interval`` in the report's language."""
    return c._("{level} interval").format(level=numbers.pct(level, c.lang, 0))


def lower(c: Ctx) -> str:
    """Column title of an interval's lower end."""
    return c._("{interval}, lower").format(interval=interval(c))


def upper(c: Ctx) -> str:
    """Column title of an interval's upper end."""
    return c._("{interval}, upper").format(interval=interval(c))


def why_not(c: Ctx, result: Estimated, what: str) -> Para:
    """The sentence a section shows in place of a result whose ``status`` is not ``ok``."""
    if result.status == "insufficient_data":
        return Para(c._("{what}: the data are too few to estimate it.").format(what=what), "status")
    reason = next(
        (c._(msg) for prefix, msg in _REASONS if (result.reason or "").startswith(prefix)),
        c._("the estimation failed (the reason is recorded in the results file)"),
    )
    text = c._("{what} could not be estimated: {reason}.").format(what=what, reason=reason)
    return Para(text, "status")


@dataclass(frozen=True)
class Fact:
    """One row of a key-figures table: our number beside the published one."""

    label: str
    value: float | None
    kind: str
    counts: Counts
    pub: float | None = None
    src: str = ""


def facts_table(
    c: Ctx,
    table_id: str,
    caption: str,
    reading: str,
    facts: Iterable[Fact],
    *,
    notes: tuple[str, ...] = (),
    ours: str | None = None,
) -> Table:
    """A table of key figures: quantity, ours, published, source."""
    rows = tuple(
        Row(
            {"q": f.label, "ours": f.value, "pub": f.pub, "src": f.src},
            n_citizens=f.counts.citizens,
            n_obs=f.counts.observations,
            n_with=f.counts.with_,
            kind=f.kind,
        )
        for f in facts
    )
    cols = (
        Col("q", c._("Quantity"), "text", False),
        Col("ours", ours or c._("Ours"), "mixed"),
        Col("pub", c._("Published"), "mixed", False, published=True),
        Col("src", c._("Source"), "ref", False),
    )
    return Table(table_id, caption, reading, cols, rows, notes=notes)
