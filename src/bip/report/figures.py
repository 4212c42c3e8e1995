"""The report's figures, each drawn from an already suppressed :class:`~bip.report.tables.Table`.

A suppressed value ("<5") is never plotted: the point is left out and "<5" is written where
it would have been, so a figure shows no more than its table.
"""

from __future__ import annotations

import numpy as np

from bip.disclosure import HIDDEN
from bip.report.style import HATCHES, OURS, OURS_2, PUBLISHED, new_figure, to_svg
from bip.report.tables import Table
from bip.report.text import is_missing, word


def _num(v) -> float:
    return np.nan if (v in HIDDEN or is_missing(v)) else float(v)


def _sup(v) -> str:
    """The hidden-cell mark ("<5" or "x") to write in place of the point, or ""."""
    return v if isinstance(v, str) and v in HIDDEN else ""


def _mark_suppressed(ax, xs, ys_anchor, marks, horizontal=False):
    for x, y, mark in zip(xs, ys_anchor, marks, strict=False):
        if mark:
            if horizontal:
                ax.annotate(mark, (y, x), ha="center", va="center", fontsize=7, color="#555555")
            else:
                ax.annotate(mark, (x, y), ha="center", va="bottom", fontsize=7, color="#555555")


def dot_interval(
    table: Table,
    salt: str,
    lang: str,
    *,
    label_key: str,
    series: list[dict],
    xlabel: str,
    zero_line: bool = True,
    height: float | None = None,
    label_rotation: int = 0,
    legend_note: str | None = None,
) -> str:
    """Categories on the x axis, one or more series of dots with optional intervals.

    ``series``: dicts with ``key`` (value column), optional ``lo``/``hi`` columns, ``label``,
    ``marker``, ``color``, ``filled``.
    """
    cats = [r.values[label_key] for r in table.rows]
    n = len(cats)
    fig, ax = new_figure(
        height or 3.0, margins={"left": 0.1, "right": 0.99, "top": 0.85, "bottom": 0.27}
    )
    k = len(series)
    offsets = np.linspace(-0.18, 0.18, k) if k > 1 else [0.0]
    x = np.arange(n)
    anchor_y = 0.0
    for s, off in zip(series, offsets, strict=False):
        vals = [r.values.get(s["key"]) for r in table.rows]
        y = np.array([_num(v) for v in vals])
        flags = [_sup(v) for v in vals]
        if s.get("lo"):
            lo = np.array([_num(r.values.get(s["lo"])) for r in table.rows])
            hi = np.array([_num(r.values.get(s["hi"])) for r in table.rows])
            ok = ~np.isnan(y) & ~np.isnan(lo) & ~np.isnan(hi)
            # vlines + cap markers: one collection instead of an errorbar container per point
            ax.vlines(
                x[ok] + off,
                lo[ok],
                hi[ok],
                colors=s["color"],
                linewidth=1.1,
                linestyles="dashed" if s.get("ls") == "--" else "solid",
            )
            ax.plot(
                np.r_[x[ok], x[ok]] + off,
                np.r_[lo[ok], hi[ok]],
                linestyle="none",
                marker="_",
                markersize=5,
                color=s["color"],
            )
        ax.plot(
            x + off,
            y,
            linestyle="none",
            marker=s["marker"],
            markersize=6,
            color=s["color"],
            markerfacecolor=s["color"] if s.get("filled", True) else "white",
            markeredgewidth=1.3,
            label=s["label"],
        )
        if any(flags):
            _mark_suppressed(ax, x + off, [anchor_y] * n, flags)
    if zero_line:
        ax.axhline(0, color="#555555", linewidth=0.8)
    ax.set_xticks(x)
    ax.set_xticklabels(cats, rotation=label_rotation, ha="right" if label_rotation else "center")
    ax.set_ylabel(xlabel)
    ax.set_xlim(-0.6, n - 0.4)
    ax.grid(axis="x", visible=False)
    handles, labels = ax.get_legend_handles_labels()
    if legend_note:  # two short lines so the note never runs past the figure's edge
        ax.set_title(legend_note.replace("; ", "\n", 1), fontsize=7.5, loc="left", color="#333333")
    if handles:
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.13 if label_rotation == 0 else -0.42),
            ncol=min(3, len(handles)),
        )
    return to_svg(fig, salt)


def hbar_compare(
    table: Table,
    salt: str,
    lang: str,
    *,
    label_key: str,
    ours: str,
    published: str | None,
    xlabel: str,
    ours_label: str | None = None,
    pub_label: str | None = None,
    pct: bool = False,
) -> str:
    """Horizontal bars for ours (hatched) with the published value as a black diamond."""
    cats = [r.values[label_key] for r in table.rows]
    n = len(cats)
    fig, ax = new_figure(0.9 + 0.24 * n)
    y = np.arange(n)[::-1]
    vals = [r.values.get(ours) for r in table.rows]
    v = np.array([_num(a) for a in vals]) * (100 if pct else 1)
    ax.barh(
        y,
        np.nan_to_num(v),
        height=0.6,
        color=OURS,
        alpha=0.85,
        hatch=HATCHES[1],
        edgecolor="white",
        label=ours_label or word("ours", lang),
    )
    _mark_suppressed(ax, y, [0.0] * n, [_sup(a) for a in vals], horizontal=True)
    if published:
        p = np.array([_num(r.values.get(published)) for r in table.rows]) * (100 if pct else 1)
        ax.plot(
            p,
            y,
            linestyle="none",
            marker="D",
            markersize=5.5,
            color=PUBLISHED,
            markerfacecolor="white",
            markeredgewidth=1.4,
            label=pub_label or word("published", lang),
        )
    ax.set_yticks(y)
    ax.set_yticklabels(cats)
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2)
    return to_svg(fig, salt)


def lines_by_level(
    table: Table, salt: str, lang: str, *, label_key: str, series: list[dict], ylabel: str
) -> str:
    """Rates by answer level 1–5: one line per series, distinct markers and line styles."""
    cats = [str(r.values[label_key]) for r in table.rows]
    fig, ax = new_figure(2.8)
    x = np.arange(len(cats))
    for s in series:
        vals = [r.values.get(s["key"]) for r in table.rows]
        y = np.array([_num(v) for v in vals]) * 100
        ax.plot(
            x,
            y,
            marker=s["marker"],
            linestyle=s.get("ls", "-"),
            color=s["color"],
            markerfacecolor=s["color"] if s.get("filled", True) else "white",
            label=s["label"],
        )
        _mark_suppressed(ax, x, [0.0] * len(x), [_sup(v) for v in vals])
    ax.set_xticks(x)
    ax.set_xticklabels(cats)
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3)
    return to_svg(fig, salt)


def grouped_bars(
    table: Table, salt: str, lang: str, *, label_key: str, series: list[dict], ylabel: str
) -> str:
    """Grouped vertical bars, hatched differently per series."""
    cats = [str(r.values[label_key]) for r in table.rows]
    fig, ax = new_figure(2.8)
    x = np.arange(len(cats))
    w = 0.8 / max(1, len(series))
    colors = [OURS, OURS_2, "#999999", PUBLISHED]
    for i, s in enumerate(series):
        vals = [r.values.get(s["key"]) for r in table.rows]
        y = np.array([_num(v) for v in vals]) * s.get("scale", 1)
        xi = x - 0.4 + w / 2 + i * w
        ax.bar(
            xi,
            np.nan_to_num(y),
            width=w * 0.92,
            color=colors[i % 4] if not s.get("white") else "white",
            edgecolor=PUBLISHED,
            linewidth=0.7,
            hatch=HATCHES[i % len(HATCHES)],
            label=s["label"],
        )
        _mark_suppressed(ax, xi, [0.0] * len(x), [_sup(v) for v in vals])
    ax.set_xticks(x)
    ax.set_xticklabels(cats)
    ax.set_ylabel(ylabel)
    ax.axhline(0, color="#555555", linewidth=0.8)
    ax.grid(axis="x", visible=False)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2)
    return to_svg(fig, salt)


def histogram_pair(
    a: list[float], b: list[float], salt: str, *, labels: tuple[str, str], xlabel: str, ylabel: str
) -> str:
    """Two distributions as step histograms (solid vs dashed) on common bins."""
    fig, ax = new_figure(2.6)
    both = np.array([*a, *b], dtype=float)
    both = both[~np.isnan(both)]
    bins = np.linspace(both.min(), both.max(), 31) if both.size and both.min() < both.max() else 10
    ax.hist(
        a,
        bins=bins,
        histtype="stepfilled",
        color=OURS,
        alpha=0.35,
        hatch="///",
        edgecolor=OURS,
        linewidth=1.2,
        label=labels[0],
    )
    ax.hist(
        b, bins=bins, histtype="step", color=OURS_2, linewidth=1.8, linestyle="--", label=labels[1]
    )
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2)
    return to_svg(fig, salt)


def forest(
    table: Table,
    salt: str,
    lang: str,
    *,
    label_key: str,
    est: str,
    lo: str,
    hi: str,
    published: str | None,
    xlabel: str,
) -> str:
    """Estimates with intervals as horizontal rows (relative effects shown in percent)."""
    cats = [r.values[label_key] for r in table.rows]
    n = len(cats)
    fig, ax = new_figure(0.9 + 0.45 * n)
    y = np.arange(n)[::-1]
    e = np.array([_num(r.values.get(est)) for r in table.rows]) * 100
    lo_ = np.array([_num(r.values.get(lo)) for r in table.rows]) * 100
    hi_ = np.array([_num(r.values.get(hi)) for r in table.rows]) * 100
    ok = ~np.isnan(e) & ~np.isnan(lo_) & ~np.isnan(hi_)
    ax.errorbar(
        e[ok],
        y[ok],
        xerr=[e[ok] - lo_[ok], hi_[ok] - e[ok]],
        fmt="none",
        ecolor=OURS,
        capsize=3,
        elinewidth=1.3,
    )
    ax.plot(e, y, "o", color=OURS, markersize=7, label=word("ours", lang))
    _mark_suppressed(
        ax, y, [0.0] * n, [_sup(r.values.get(est)) for r in table.rows], horizontal=True
    )
    if published:
        p = np.array([_num(r.values.get(published)) for r in table.rows]) * 100
        ax.plot(
            p,
            y,
            "D",
            color=PUBLISHED,
            markerfacecolor="white",
            markeredgewidth=1.4,
            markersize=6,
            label=word("published", lang),
        )
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels(cats)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2)
    return to_svg(fig, salt)
