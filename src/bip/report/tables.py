"""The report's tables as data, and the small-cell rule of :mod:`bip.disclosure` applied to them.

Every table and every figure of the report is first built as a :class:`Table`; figures are
drawn from the table after :func:`suppress`, so a manager's output cannot show a cell that
:mod:`bip.disclosure` calls small, in a table or in a figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bip.disclosure import SUPPRESSED, Counts, is_small_count, marks


@dataclass(frozen=True)
class Col:
    """A column: ``kind`` selects the number format (see :func:`bip.report.text.fmt_value`).

    ``citizen_based`` columns hold numbers computed from citizens (counts, shares, means,
    estimates); published values and labels are not, and are never suppressed.
    """

    key: str
    title: str
    kind: str = "d2"
    citizen_based: bool = True


@dataclass(frozen=True)
class Row:
    """A row: ``values`` by column key, and the number of citizens the row is built on."""

    values: dict
    n_citizens: float | None = None
    n_obs: float | None = None
    n_with: float | None = None  # citizens with the attribute a share counts (its numerator)
    cell_n: dict | None = None  # per-cell citizen counts, for tables whose cells differ


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


def counts(row: Row) -> Counts:
    """The citizens a row rests on, as :mod:`bip.disclosure` reads them."""
    return Counts(citizens=row.n_citizens, observations=row.n_obs, with_=row.n_with)


def _cell_small(n: Counts | tuple | None) -> bool:
    """A cell's own counts: :class:`Counts`, or a tuple of counts any of which may be small."""
    if isinstance(n, Counts):
        return n.is_small()
    return any(is_small_count(x) for x in n or ())


def suppress(table: Table, audience: str) -> Table:
    """For managers, every citizen-based cell of a small row becomes "<5".

    A row is small by :meth:`bip.disclosure.Counts.is_small`; a table whose cells have their
    own citizen counts (``Row.cell_n``) hides each small cell. In a :attr:`Table.partition`
    table one more row is hidden (complementary suppression), shown as "x". Analysts see every
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
            keys = [k for k in based if k in r.values and _cell_small(cell_n.get(k))]
            mark = SUPPRESSED
        if keys:
            rows[i] = replace(r, values={**r.values, **dict.fromkeys(keys, mark)})
    return replace(table, rows=tuple(rows))


def row_from(obj: dict, values: dict) -> Row:
    """A row whose citizen count is read from a results object (``n_citizens`` / ``n``)."""
    n_cit = obj.get("n_citizens") if isinstance(obj, dict) else None
    n_obs = None
    if isinstance(obj, dict):
        for k in ("n", "n_obs", "n_measurements"):
            if obj.get(k) is not None:
                n_obs = obj[k]
                break
    n_with = obj.get("n_citizens_with") if isinstance(obj, dict) else None
    return Row(values=values, n_citizens=n_cit, n_obs=n_obs, n_with=n_with)
