"""One figure style for the whole report: print- and greyscale-safe, no network fonts.

Series differ by marker, line style and hatching as well as colour, so a greyscale print
keeps them apart. Figures are inline SVG with text kept as text (the page's system font).
"""

from __future__ import annotations

import io
import logging
import re
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")
# A family missing from matplotlib's font list (fonts installed after the list was cached) is
# reported once per text drawn - thousands of lines per report; the SVG keeps text as text and
# the page's fonts render it, so the fallback matplotlib measures with is good enough.
logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import ticker  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from bip.report.numbers import num  # noqa: E402

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

# Okabe–Ito colours (colour-blind safe) with distinct greyscale lightness
OURS = "#0b4f8a"
OURS_2 = "#d55e00"
PUBLISHED = "#222222"
GRID = "#d0d0d0"
MARKERS = {"ours": "o", "ours2": "s", "published": "D"}
HATCHES = ("", "///", "...", "xx")

WIDTH_IN = 7.0  # fits an A4 page with 18 mm margins at 100 %

RC: dict[RcKeyType, Any] = {
    "font.family": ["DejaVu Sans", "Liberation Sans", "sans-serif"],
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": GRID,
    "grid.linewidth": 0.6,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "svg.fonttype": "none",
    "figure.dpi": 100,
}


def drawing() -> AbstractContextManager[None]:
    """The report style for everything drawn inside (figure, axes, legends, labels)."""
    return plt.rc_context(RC)


def new_figure(
    height_in: float, width_in: float = WIDTH_IN, margins: dict[str, float] | None = None
) -> tuple[Figure, Axes]:
    """A figure and axes in the report style.

    ``margins`` (``subplots_adjust`` fractions) fixes the layout for figures whose labels
    are known in advance; that is several times cheaper than the constrained layout.
    """
    with plt.rc_context(RC):
        if margins:
            fig, ax = plt.subplots(figsize=(width_in, height_in))
            fig.subplots_adjust(**margins)
        else:
            fig, ax = plt.subplots(figsize=(width_in, height_in), layout="constrained")
    return fig, ax


class LocaleFormatter(ticker.Formatter):
    """Tick labels in the report's language (``0,05`` in Danish), with as few decimals as the
    ticks need to differ."""

    def __init__(self, lang: str):
        self.lang = lang
        self.decimals = 0

    def set_locs(self, locs: Any) -> None:
        super().set_locs(locs)
        self.decimals = next(
            (d for d in range(7) if all(abs(v * 10**d - round(v * 10**d)) < 1e-6 for v in locs)),
            2,
        )

    def __call__(self, x: float, pos: int | None = None) -> str:
        return num(x, self.lang, self.decimals)


def localise(ax: Axes, lang: str, *, x: bool = True, y: bool = True) -> None:
    """Format the numeric axes' tick labels in ``lang`` (category axes keep their labels)."""
    if x:
        ax.xaxis.set_major_formatter(LocaleFormatter(lang))
    if y:
        ax.yaxis.set_major_formatter(LocaleFormatter(lang))


def to_svg(fig: Figure, salt: str) -> str:
    """The figure as an inline ``<svg>`` element (ids salted so figures never share ids)."""
    buf = io.StringIO()
    with plt.rc_context(RC | {"svg.hashsalt": salt}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    # width/height in pt -> let CSS scale it to the column width, keep the aspect ratio
    svg = re.sub(
        r'<svg([^>]*?) width="[^"]*" height="[^"]*"',
        r'<svg\1 class="fig" preserveAspectRatio="xMidYMid meet"',
        svg,
        count=1,
    )
    # inline SVG in HTML needs no namespaces; the metadata block only names matplotlib's URL
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg)
    # matplotlib ids are only unique per file; prefix them with the salt
    svg = re.sub(r'id="([^"]+)"', lambda m: f'id="{salt}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{salt}-{m.group(1)})", svg)
    svg = re.sub(r'xlink:href="#([^"]+)"', lambda m: f'xlink:href="#{salt}-{m.group(1)}"', svg)
    return svg
