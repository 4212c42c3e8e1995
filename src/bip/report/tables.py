"""The report's tables as data, and the small-cell rule of :mod:`bip.disclosure` applied to them.

Every table and every figure of the report is first built as a :class:`Table`; figures are
drawn from the table after :func:`suppress`, so a manager's output cannot show a cell that
:mod:`bip.disclosure` calls small, in a table or in a figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from bip.disclosure import SUPPRESSED, Counts, marks


@dataclass(frozen=True)
class Col:
    """A column: ``kind`` selects the number format (:func:`bip.report.numbers.fmt`; ``text``
    for labels, ``mixed`` for a number whose format is the row's :attr:`Row.kind`).

    ``citizen_based`` columns hold numbers computed from citizens (counts, shares, means,
    estimates); published values and labels are not, and are never suppressed. ``published``
    columns are shaded grey.
    """

    key: str
    title: str
    kind: str = "d2"
    citizen_based: bool = True
    published: bool = False


@dataclass(frozen=True)
class Row:
    """A row: ``values`` by column key, and the number of citizens the row is built on."""

    values: Mapping[str, Any]
    n_citizens: float | None = None
    n_obs: float | None = None
    n_with: float | None = None  # citizens with the attribute a share counts (its numerator)
    cell_n: Mapping[str, Counts] | None = None  # per-cell counts, for tables whose cells differ
    kind: str = "d2"  # the number format of the row's ``mixed`` columns


@dataclass(frozen=True)
class Table:
    """A numbered table of the report (the number is given when the report is assembled)."""

    id: str
    caption: str
    reading: str
    cols: tuple[Col, ...]
    rows: tuple[Row, ...]
    source: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    # The rows split one total (e.g. the 16 activity combinations): a hidden row could be worked
    # out by subtracting the others from the total, so suppression hides more (complementary).
    partition: bool = False
    # Columns each of whose cells (``Row.cell_n``) split one total over the rows (the shares
    # of the answers 1-5 of one question): complementary suppression within each column.
    partition_cols: tuple[str, ...] = ()


def counts(row: Row) -> Counts:
    """The citizens a row rests on, as :mod:`bip.disclosure` reads them."""
    return Counts(citizens=row.n_citizens, observations=row.n_obs, with_=row.n_with)


def suppress(table: Table, audience: str) -> Table:
    """For managers, every citizen-based cell of a small row becomes "<5".

    A row is small by :meth:`bip.disclosure.Counts.is_small`; a table whose cells have their
    own citizen counts (``Row.cell_n``) hides each small cell. In a :attr:`Table.partition`
    table one more row is hidden (complementary suppression), shown as "x", and in each of the
    :attr:`Table.partition_cols` one more cell. Analysts see every
    cell. Applied to every table and, through the table it is drawn from, to every figure of
    the manager report.
    """
    if audience == "analyst":
        return table
    based = [c.key for c in table.cols if c.citizen_based]
    hidden = marks({i: counts(r) for i, r in enumerate(table.rows)}, partition=table.partition)
    rows = list(table.rows)
    for i, r in enumerate(rows):
        if i in hidden:
            keys = [k for k in based if k in r.values]
            mark = hidden[i]
        else:
            cell_n = r.cell_n or {}
            keys = [k for k in based if k in cell_n and cell_n[k].is_small()]
            mark = SUPPRESSED
        if keys:
            rows[i] = replace(r, values={**r.values, **dict.fromkeys(keys, mark)})
    for key in table.partition_cols:
        cells = {i: r.cell_n[key] for i, r in enumerate(rows) if r.cell_n and key in r.cell_n}
        for i, mark in marks(cells, partition=True).items():
            rows[i] = replace(rows[i], values={**rows[i].values, key: mark})
    return replace(table, rows=tuple(rows))
