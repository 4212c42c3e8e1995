"""The one small-cell rule: which numbers may be shown outside the analyst role.

A number built on few citizens can identify them. Every manager-facing output (the manager
edition of the report, the jobcentre dashboards, the caseworker-effectiveness page) asks this
module, and only this module, whether a cell may be shown:

* **Small cells.** A cell is small when it rests on 1 to 4 citizens (:data:`MIN_CELL_CITIZENS`
  is 5). For a share, the citizens *with* the characteristic (the numerator) and the citizens
  *without* it count as well: 2 of 60 citizens with a diagnosis names two people as surely as a
  group of 2 does, and 58 of 60 names the two without it. A small cell is shown as
  :data:`SUPPRESSED` ("<5"). A cell of 0 citizens has no value to hide.
* **Complementary suppression.** When cells split one total (the 16 activity combinations, the
  rows of a distribution), a hidden cell could be worked out by subtracting the shown ones from
  the total. :func:`complementary` then hides the smallest other cell with citizens as well,
  shown as :data:`WITHHELD` ("x"): the hidden cells' sum is then at least 5 whatever they hold.

The rule depends only on the counts, never on the values, so what a manager sees does not
depend on what small cells contain (property tests in ``tests/test_disclosure.py``).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar

# Fewest citizens a cell shown outside the analyst role may rest on.
MIN_CELL_CITIZENS = 5
# What a manager sees instead of a small cell, and instead of a cell hidden to protect one.
SUPPRESSED = "<5"
WITHHELD = "x"
HIDDEN = (SUPPRESSED, WITHHELD)

K = TypeVar("K", bound=Hashable)


def is_small_count(n: float | None) -> bool:
    """True for a count of 1 to 4 (people that could be recognised); None and 0 are not small."""
    if n is None or isinstance(n, bool):
        return False
    return 0 < float(n) < MIN_CELL_CITIZENS


@dataclass(frozen=True, slots=True)
class Counts:
    """The citizens a cell rests on.

    ``citizens`` is the cell's denominator (distinct citizens behind it); ``observations`` the
    rows behind it, used when the citizen count is unknown (rows are at least as many as
    citizens, so 1 to 4 rows means 1 to 4 citizens); ``with_`` the citizens with
    the characteristic a share counts (its numerator), when the cell is such a share.
    """

    citizens: float | None = None
    observations: float | None = None
    with_: float | None = None

    def is_small(self) -> bool:
        """Whether the cell must not be shown outside the analyst role."""
        # Rows are at least as many as citizens: 1-4 rows is 1-4 citizens whatever else is known.
        if is_small_count(self.citizens) or is_small_count(self.observations):
            return True
        if self.with_ is None or self.citizens is None:
            return False
        return is_small_count(self.with_) or is_small_count(self.citizens - self.with_)


def is_small(
    citizens: float | None = None,
    *,
    observations: float | None = None,
    with_: float | None = None,
) -> bool:
    """:meth:`Counts.is_small` of these counts."""
    return Counts(citizens, observations, with_).is_small()


def complementary(sizes: Mapping[K, float | None], hidden: set[K]) -> set[K]:
    """All cells of a partition to hide so that no small number can be worked out of the total.

    ``sizes`` maps each cell to its size (citizens, or rows), ``hidden`` are the cells hidden
    for being small. Subtracting the shown cells from the total gives the hidden cells' sum, so
    when any cell is hidden the smallest other cell with a size above 0 is hidden with it
    (secondary suppression; ties by the cell's name). Every cell left shown has 5 or more, so
    the sum that can be worked out is then at least 5 whatever the hidden cells hold, and which
    cell is taken does not depend on them either.
    """
    out = set(hidden)

    def size(k: K) -> float:
        n = sizes.get(k)
        return 0.0 if n is None or isinstance(n, bool) else float(n)

    cover = sorted((size(k), str(k), k) for k in sizes if k not in out and size(k) > 0)
    if out and cover:
        out.add(cover[0][2])
    return out


def marks(cells: Mapping[K, Counts], *, partition: bool = False) -> dict[K, str]:
    """The cells to hide and how each is shown: :data:`SUPPRESSED` or :data:`WITHHELD`.

    With ``partition`` the cells split one total and complementary suppression applies.
    """
    small = {k for k, c in cells.items() if c.is_small()}
    out = dict.fromkeys(small, SUPPRESSED)
    if partition:
        sizes = {
            k: c.citizens if c.citizens is not None else c.observations for k, c in cells.items()
        }
        for k in complementary(sizes, small) - small:
            out[k] = WITHHELD
    return out
