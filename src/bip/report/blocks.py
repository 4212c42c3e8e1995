"""What a report section is made of: paragraphs, tables and figures, all in one language.

A section builder (:mod:`bip.report.sections`) returns these blocks; :mod:`bip.report.render`
numbers them and renders them through the templates. Text is already translated; numbers in
tables are still numbers (formatted when rendered, after suppression).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from bip.report.tables import Table


@dataclass(frozen=True)
class Para:
    """A paragraph. ``kind`` ``note`` is a smaller remark, ``status`` says why a result is not
    there (the analysis could not estimate it, or the data are too few)."""

    text: str
    kind: Literal["p", "note", "status"] = "p"


@dataclass(frozen=True)
class Figure:
    """A numbered figure drawn from ``data`` after suppression.

    ``draw`` gets ``data`` as the audience may see it (small cells already "<5") and returns
    an inline SVG; a figure can therefore show no more than its table. The tables page shows
    ``data`` itself in place of the picture.
    """

    id: str
    caption: str
    reading: str
    data: Table
    draw: Callable[[Table], str]
    source: str = ""
    notes: tuple[str, ...] = ()


Block = Para | Table | Figure


@dataclass(frozen=True)
class Section:
    """One built section of the report: its anchor key, title and blocks."""

    key: str
    title: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)
