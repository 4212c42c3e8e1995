"""Server-side SVG line charts (no JavaScript, no external resources)."""

from __future__ import annotations

import datetime as dt
from html import escape

COLOURS = ("#1f5fa8", "#c0502a", "#2e7d32", "#6a3d9a")


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
    top = 36 if len(series) > 1 else 22
    pw, ph = width - left - right, height - top - bottom
    days = [d for _, pts in series for d, v in pts if v is not None]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>',
        f'<text x="{left}" y="14" font-size="12" font-weight="bold" fill="#222">{escape(title)}</text>',
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
    legend_x = left + 4
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
                f'<circle cx="{x(d):.1f}" cy="{y:.1f}" r="3" fill="{colour}"><title>{escape(name)} {d}: {v:.2g}</title></circle>'
            )
        if run:
            segments.append(run)
        for seg in segments:
            if len(seg) > 1:
                parts.append(
                    f'<polyline points="{" ".join(seg)}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'
                )
        if len(series) > 1:
            lx = legend_x
            legend_x += 30 + int(5.6 * len(name))  # rough width of 10px text
            parts.append(
                f'<line x1="{lx}" x2="{lx + 14}" y1="{top - 10}" y2="{top - 10}" stroke="{colour}" stroke-width="2"{dash}/>'
            )
            parts.append(
                f'<text x="{lx + 18}" y="{top - 6}" font-size="10" fill="#222">{escape(name)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
