"""The report's tables as data, and the one small-cell suppression rule applied to them.

Every table and every figure of the report is first built as a :class:`Table`; figures are
drawn from the table after :func:`suppress`, so a manager's output cannot show a cell that
was built on fewer than :data:`MIN_CITIZENS` citizens, in a table or in a figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

MIN_CITIZENS = 5
SUPPRESSED = "<5"
# A cell hidden only so that a "<5" cell of the same partition cannot be worked out from the
# total (it rests on 5 or more citizens, so "<5" would be untrue).
WITHHELD = "x"
HIDDEN = (SUPPRESSED, WITHHELD)


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


def is_small(row: Row) -> bool:
    """True if the row rests on fewer than 5 citizens.

    Uses ``n_citizens`` when the results carry it; otherwise a row with fewer than 5
    observations is small too (observations are at least as many as citizens).
    """
    return any(_lt5(n) for n in (row.n_citizens, row.n_obs, row.n_with))


def _lt5(n) -> bool:
    if n is None or isinstance(n, bool):
        return False
    try:
        return float(n) < MIN_CITIZENS
    except (TypeError, ValueError):
        return False


def suppress(table: Table, audience: str) -> Table:
    """The suppression rule: for managers, every citizen-based cell of a small row -> "<5".

    A share whose numerator (``n_citizens_with``) is under 5 is small too: it would reveal
    the few. In a :attr:`Table.partition` table one more row is hidden, so that the hidden
    rows' sum (the total minus the shown rows) is no small number (:func:`complementary`); it
    shows "x". Analysts see every cell. Applied to every table and, through the table it is
    drawn from, to every figure of the manager report.
    """
    if audience == "analyst":
        return table
    based = [c.key for c in table.cols if c.citizen_based]
    hide_rows: dict[int, list[str]] = {}
    for i, r in enumerate(table.rows):
        small = is_small(r)
        cell_n = r.cell_n or {}
        hide = [
            k for k in based if k in r.values and (small or any(_lt5(n) for n in cell_n.get(k, ())))
        ]
        if hide:
            hide_rows[i] = hide
    marks = dict.fromkeys(hide_rows, SUPPRESSED)
    if table.partition:
        sizes = {
            i: r.n_citizens if r.n_citizens is not None else r.n_obs
            for i, r in enumerate(table.rows)
        }
        for i in complementary(sizes, set(hide_rows)) - set(hide_rows):
            hide_rows[i] = [k for k in based if k in table.rows[i].values]
            marks[i] = WITHHELD
    rows = list(table.rows)
    for i, keys in hide_rows.items():
        rows[i] = replace(rows[i], values={**rows[i].values, **dict.fromkeys(keys, marks[i])})
    return replace(table, rows=tuple(rows))


def complementary(sizes: dict, hidden: set) -> set:
    """The cells of a partition to hide so that no small number can be worked out from the total.

    ``sizes`` maps each cell to its size (citizens, or observations), ``hidden`` are the cells
    hidden for being small. Subtracting the shown cells from the total gives the hidden cells'
    sum, so when any cell is hidden the smallest other cell with a size above 0 is hidden with
    it (secondary suppression). Every cell left shown has 5 or more, so the sum that can be
    worked out is then at least 5 whatever the hidden cells hold, and which cell is taken does
    not depend on them either. Returns all cells to hide.
    """
    hidden = set(hidden)

    def size(k) -> float:
        n = sizes.get(k)
        return 0.0 if n is None or isinstance(n, bool) else float(n)

    cover = sorted((size(k), str(k), k) for k in sizes if k not in hidden and size(k) > 0)
    if hidden and cover:
        hidden.add(cover[0][2])
    return hidden


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
