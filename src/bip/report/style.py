"""One figure style for the whole report: print- and greyscale-safe, no network fonts.

Series differ by marker, line style and hatching as well as colour, so a greyscale print
keeps them apart. Figures are inline SVG with text kept as text (the page's system font).
"""

from __future__ import annotations

import io
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

# Okabe–Ito colours (colour-blind safe) with distinct greyscale lightness
OURS = "#0b4f8a"
OURS_2 = "#d55e00"
PUBLISHED = "#222222"
GRID = "#d0d0d0"
MARKERS = {"ours": "o", "ours2": "s", "published": "D"}
HATCHES = ("", "///", "...", "xx")

WIDTH_IN = 7.0  # fits an A4 page with 18 mm margins at 100 %

RC = {
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


def new_figure(height_in: float, width_in: float = WIDTH_IN, margins: dict | None = None):
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


def to_svg(fig, salt: str) -> str:
    """The figure as an inline ``<svg>`` element (ids salted so figures never share ids)."""
    buf = io.StringIO()
    with plt.rc_context({**RC, "svg.hashsalt": salt}):
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
