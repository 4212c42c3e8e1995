"""Server-side SVG line charts (no JavaScript, no external resources)."""

from __future__ import annotations

import datetime as dt
from html import escape

from django.utils.formats import number_format

COLOURS = ("#1f5fa8", "#c0502a", "#2e7d32", "#6a3d9a")


def dec(value: float, digits: int = 1) -> str:
    """``value`` with ``digits`` decimals in the page's language: "2,5" in Danish, "2.5" in
    English (Django's locale formats; no thousands separator)."""
    # + 0.0 turns a rounded -0.0 into 0.0 (never "-0,0")
    return number_format(round(value, digits) + 0.0, digits, use_l10n=True, force_grouping=False)


# Width of one character of 12 px bold system-ui text, generously (wide letters such as "m" and
# "W" are about 9 px, most lower-case letters 6-7 px): a title wrapped to this never overruns.
TITLE_CHAR_PX = 7.4


def wrap_title(title: str, width: int, indent: int = 4) -> list[str]:
    """``title`` broken at spaces into lines that fit ``width`` px of 12 px bold text (two lines
    at most; a word longer than a line is cut with "…")."""
    per_line = max(8, int((width - indent - 6) / TITLE_CHAR_PX))
    lines: list[str] = []
    for word in title.split():
        if lines and len(lines[-1]) + 1 + len(word) <= per_line:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])]
    return [ln if len(ln) <= per_line else ln[: per_line - 1] + "…" for ln in lines]


def line_chart(
    series: list[tuple[str, list[tuple[dt.date, float | None]]]],
    *,
    title: str,
    width: int = 320,
    height: int = 170,
    lo: float = 1,
    hi: float = 5,
) -> str:
    """An SVG chart of one or more series of (date, value) on a fixed lo-hi axis.

    Missing values break the line; a single point is drawn as a dot. The title doubles as the
    accessible name (``role="img"`` + ``<title>``).
    """
    left, right, bottom = 28, 10, 24
    # a title too long for the chart's width takes a second line instead of being clipped
    lines = wrap_title(title, width)
    # legend entries (10 px text, about 6.2 px a character) flow onto a new row when the next
    # one would pass the right edge
    legend: list[tuple[float, int]] = []  # (x, row) of each series' entry
    lx, row = 4.0, 0
    for name, _pts in series if len(series) > 1 else []:
        w = 22 + 6.2 * len(name)
        if legend and lx + w > width - 4:
            lx, row = 4.0, row + 1
        legend.append((lx, row))
        lx += w + 10
    extra = 14 * (len(lines) - 1) + 14 * (legend[-1][1] if legend else 0)
    height += extra
    top = (38 if len(series) > 1 else 22) + extra
    pw, ph = width - left - right, height - top - bottom
    days = [d for _, pts in series for d, v in pts if v is not None]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>',
        *(
            f'<text x="4" y="{14 + 14 * i}" font-size="12" font-weight="bold" fill="#222" '
            f'class="chart-title">{escape(line)}</text>'
            for i, line in enumerate(lines)
        ),
    ]
    for tick in range(int(lo), int(hi) + 1):
        y = top + ph - (tick - lo) / (hi - lo) * ph
        parts.append(
            f'<line x1="{left}" x2="{left + pw}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end" fill="#555">{tick}</text>'
        )
    if not days:
        parts.append(
            f'<text x="{left + pw / 2}" y="{top + ph / 2}" font-size="11" text-anchor="middle" fill="#777">–</text></svg>'
        )
        return "".join(parts)
    d0, d1 = min(days), max(days)
    span = max((d1 - d0).days, 1)

    def x(d: dt.date) -> float:
        return left + (pw / 2 if d0 == d1 else (d - d0).days / span * pw)

    for label_day in {d0, d1}:
        anchor = "start" if label_day == d0 and d0 != d1 else ("end" if d0 != d1 else "middle")
        parts.append(
            f'<text x="{x(label_day):.1f}" y="{height - 8}" font-size="10" text-anchor="{anchor}" fill="#555">'
            f"{label_day.isoformat()}</text>"
        )
    for k, (name, pts) in enumerate(series):
        colour = COLOURS[k % len(COLOURS)]
        dash = ' stroke-dasharray="5 3"' if k % 2 else ""
        run: list[str] = []
        segments: list[list[str]] = []
        for d, v in pts:
            if v is None:
                if run:
                    segments.append(run)
                run = []
                continue
            y = top + ph - (v - lo) / (hi - lo) * ph
            run.append(f"{x(d):.1f},{y:.1f}")
            parts.append(
                f'<circle cx="{x(d):.1f}" cy="{y:.1f}" r="3" fill="{colour}"><title>{escape(name)} {d}: {dec(v, 1)}</title></circle>'
            )
        if run:
            segments.append(run)
        for seg in segments:
            if len(seg) > 1:
                parts.append(
                    f'<polyline points="{" ".join(seg)}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'
                )
        if legend:
            ex, erow = legend[k]
            ey = 14 * len(lines) + 12 + 14 * erow
            parts.append(
                f'<line x1="{ex}" x2="{ex + 14}" y1="{ey - 4}" y2="{ey - 4}" stroke="{colour}" stroke-width="2"{dash}/>'
            )
            parts.append(
                f'<text x="{ex + 18}" y="{ey}" font-size="10" fill="#222">{escape(name)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
