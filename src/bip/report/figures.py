"""The report's figures, each drawn from an already suppressed :class:`~bip.report.tables.Table`.

A hidden value ("<5", "x") is never plotted: the point is left out and the mark is written
where it would have been, so a figure shows no more than its table. Numeric axes are labelled
in the report's language (``0,05`` in Danish, :func:`bip.report.style.localise`); shares are
plotted in percent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes

from bip.disclosure import HIDDEN
from bip.report.numbers import is_number
from bip.report.style import HATCHES, OURS, PUBLISHED, localise, new_figure, to_svg
from bip.report.tables import Table


@dataclass(frozen=True)
class Series:
    """One series of a figure: the column it plots and how it looks (greyscale-safe)."""

    key: str
    label: str
    color: str
    marker: str
    lo: str | None = None
    hi: str | None = None
    filled: bool = True
    ls: str = "-"


def _values(table: Table, key: str, scale: float = 1.0) -> np.ndarray:
    return np.array(
        [
            scale * float(v) if isinstance(v, int | float) and is_number(v) else np.nan
            for v in (r.values.get(key) for r in table.rows)
        ]
    )


def _marks(table: Table, key: str) -> list[str]:
    """The hidden-cell mark to write in place of each point, or ""."""
    return [
        v if isinstance(v, str) and v in HIDDEN else ""
        for v in (r.values.get(key) for r in table.rows)
    ]


def _annotate(ax: Axes, where: np.ndarray, marks: list[str], horizontal: bool = False) -> None:
    for pos, mark in zip(where, marks, strict=True):
        if mark:
            xy = (0.0, pos) if horizontal else (pos, 0.0)
            ax.annotate(
                mark,
                xy,
                ha="center",
                va="center" if horizontal else "bottom",
                fontsize=7,
                color="#555555",
            )


def dot_interval(
    table: Table,
    salt: str,
    lang: str,
    *,
    label_key: str,
    series: Sequence[Series],
    ylabel: str,
    title: str | None = None,
    height: float = 2.9,
) -> str:
    """Categories along x, one or more series of dots with their intervals (003 Figur 3-24)."""
    cats = [str(r.values[label_key]) for r in table.rows]
    n = len(cats)
    fig, ax = new_figure(height, margins={"left": 0.1, "right": 0.99, "top": 0.85, "bottom": 0.27})
    offsets = np.linspace(-0.18, 0.18, len(series)) if len(series) > 1 else [0.0]
    x = np.arange(n)
    for s, off in zip(series, offsets, strict=True):
        y = _values(table, s.key)
        if s.lo and s.hi:
            lo, hi = _values(table, s.lo), _values(table, s.hi)
            ok = ~np.isnan(y) & ~np.isnan(lo) & ~np.isnan(hi)
            # vlines + cap markers: one collection instead of an errorbar container per point
            ax.vlines(
                x[ok] + off,
                lo[ok],
                hi[ok],
                colors=s.color,
                linewidth=1.1,
                linestyles="dashed" if s.ls == "--" else "solid",
            )
            ax.plot(
                np.r_[x[ok], x[ok]] + off,
                np.r_[lo[ok], hi[ok]],
                linestyle="none",
                marker="_",
                markersize=5,
                color=s.color,
            )
        ax.plot(
            x + off,
            y,
            linestyle="none",
            marker=s.marker,
            markersize=6,
            color=s.color,
            markerfacecolor=s.color if s.filled else "white",
            markeredgewidth=1.3,
            label=s.label,
        )
        _annotate(ax, x + off, _marks(table, s.key))
    ax.axhline(0, color="#555555", linewidth=0.8)
    localise(ax, lang, x=False)
    ax.set_xticks(x)
    ax.set_xticklabels(cats)
    ax.set_ylabel(ylabel)
    ax.set_xlim(-0.6, n - 0.4)
    ax.grid(axis="x", visible=False)
    if title:  # two short lines so the note never runs past the figure's edge
        ax.set_title(title.replace("; ", "\n", 1), fontsize=7.5, loc="left", color="#333333")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=min(3, len(series)))
    return to_svg(fig, salt)


def hbar_compare(
    table: Table,
    salt: str,
    lang: str,
    *,
    label_key: str,
    ours: str,
    published: str,
    labels: tuple[str, str],
    xlabel: str,
    pct: bool = False,
) -> str:
    """Horizontal bars for ours (hatched) with the published value as a diamond."""
    cats = [str(r.values[label_key]) for r in table.rows]
    n = len(cats)
    fig, ax = new_figure(0.9 + 0.24 * n)
    y = np.arange(n)[::-1]
    scale = 100.0 if pct else 1.0
    v = _values(table, ours, scale)
    ax.barh(
        y,
        np.nan_to_num(v),
        height=0.6,
        color=OURS,
        alpha=0.85,
        hatch=HATCHES[1],
        edgecolor="white",
        label=labels[0],
    )
    _annotate(ax, y, _marks(table, ours), horizontal=True)
    ax.plot(
        _values(table, published, scale),
        y,
        linestyle="none",
        marker="D",
        markersize=5.5,
        color=PUBLISHED,
        markerfacecolor="white",
        markeredgewidth=1.4,
        label=labels[1],
    )
    localise(ax, lang, y=False)
    ax.set_yticks(y)
    ax.set_yticklabels(cats)
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2)
    return to_svg(fig, salt)


def lines_by_level(
    table: Table, salt: str, lang: str, *, label_key: str, series: Sequence[Series], ylabel: str
) -> str:
    """Shares (plotted in percent) by answer level 1-5: one line per series."""
    cats = [str(r.values[label_key]) for r in table.rows]
    fig, ax = new_figure(2.8)
    x = np.arange(len(cats))
    for s in series:
        ax.plot(
            x,
            _values(table, s.key, 100.0),
            marker=s.marker,
            linestyle=s.ls,
            color=s.color,
            markerfacecolor=s.color if s.filled else "white",
            label=s.label,
        )
        _annotate(ax, x, _marks(table, s.key))
    localise(ax, lang, x=False)
    ax.set_xticks(x)
    ax.set_xticklabels(cats)
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3)
    return to_svg(fig, salt)


def grouped_bars(
    table: Table,
    salt: str,
    lang: str,
    *,
    label_key: str,
    series: Sequence[Series],
    ylabel: str,
    xlabel: str = "",
    scale: float = 100.0,
) -> str:
    """Grouped vertical bars, hatched differently per series; an unfilled series is white.
    Values are multiplied by ``scale`` (100: shares in percent, differences in points)."""
    cats = [str(r.values[label_key]) for r in table.rows]
    fig, ax = new_figure(2.8)
    x = np.arange(len(cats))
    w = 0.8 / max(1, len(series))
    for i, s in enumerate(series):
        xi = x - 0.4 + w / 2 + i * w
        ax.bar(
            xi,
            np.nan_to_num(_values(table, s.key, scale)),
            width=w * 0.92,
            color=s.color if s.filled else "white",
            edgecolor=PUBLISHED,
            linewidth=0.7,
            hatch=HATCHES[i % len(HATCHES)],
            label=s.label,
        )
        _annotate(ax, xi, _marks(table, s.key))
    localise(ax, lang, x=False)
    ax.set_xticks(x)
    ax.set_xticklabels(cats)
    ax.set_ylabel(ylabel)
    ax.set_xlabel(xlabel)
    ax.axhline(0, color="#555555", linewidth=0.8)
    ax.grid(axis="x", visible=False)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2)
    return to_svg(fig, salt)


def histogram_bins(
    table: Table,
    salt: str,
    lang: str,
    *,
    series: Sequence[Series],
    xlabel: str,
    ylabel: str,
) -> str:
    """Binned counts (columns ``from``, ``to`` and one per series, differences plotted in
    points): the first series filled and hatched, the others as lines."""
    edges = np.r_[_values(table, "from", 100.0), _values(table, "to", 100.0)[-1:]]
    fig, ax = new_figure(2.6)
    for i, s in enumerate(series):
        counts = np.nan_to_num(_values(table, s.key))
        if i == 0:
            ax.stairs(
                counts,
                edges,
                fill=True,
                color=s.color,
                alpha=0.35,
                hatch="///",
                edgecolor=s.color,
                linewidth=1.2,
                label=s.label,
            )
        else:
            ax.stairs(counts, edges, color=s.color, linewidth=1.8, linestyle=s.ls, label=s.label)
    localise(ax, lang)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2)
    return to_svg(fig, salt)


def forest(
    table: Table, salt: str, lang: str, *, label_key: str, labels: tuple[str, str], xlabel: str
) -> str:
    """Relative effects (columns ``est``, ``lo``, ``hi``, ``pub``) as rows, in percent."""
    cats = [str(r.values[label_key]) for r in table.rows]
    n = len(cats)
    fig, ax = new_figure(0.9 + 0.45 * n)
    y = np.arange(n)[::-1]
    e, lo, hi = (_values(table, k, 100.0) for k in ("est", "lo", "hi"))
    ok = ~np.isnan(e) & ~np.isnan(lo) & ~np.isnan(hi)
    ax.errorbar(
        e[ok],
        y[ok],
        xerr=[e[ok] - lo[ok], hi[ok] - e[ok]],
        fmt="none",
        ecolor=OURS,
        capsize=3,
        elinewidth=1.3,
    )
    ax.plot(e, y, "o", color=OURS, markersize=7, label=labels[0])
    _annotate(ax, y, _marks(table, "est"), horizontal=True)
    ax.plot(
        _values(table, "pub", 100.0),
        y,
        "D",
        color=PUBLISHED,
        markerfacecolor="white",
        markeredgewidth=1.4,
        markersize=6,
        label=labels[1],
    )
    localise(ax, lang, y=False)
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels(cats)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2)
    return to_svg(fig, salt)


def calibration(
    table: Table,
    salt: str,
    lang: str,
    *,
    x_key: str,
    y_key: str,
    label: str,
    diagonal: str,
    xlabel: str,
    ylabel: str,
) -> str:
    """Observed share against mean predicted chance per group (both in percent), with the
    diagonal on which predictions equal what happened."""
    fig, ax = new_figure(3.0)
    x, y = _values(table, x_key, 100.0), _values(table, y_key, 100.0)
    both = np.r_[x, y]
    lo = min(0.0, float(np.nanmin(both))) if np.isfinite(both).any() else 0.0
    hi = float(np.nanmax(both)) if np.isfinite(both).any() else 100.0
    ax.plot([lo, hi], [lo, hi], color=PUBLISHED, linestyle=":", linewidth=1.0, label=diagonal)
    ax.plot(x, y, marker="o", color=OURS, label=label)
    _annotate(ax, x, _marks(table, y_key))
    localise(ax, lang)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(loc="upper left")
    return to_svg(fig, salt)
