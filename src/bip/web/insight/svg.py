"""Server-side SVG for the dashboards (no JavaScript, no external resources; as core/charts.py).

Both charts compare the jobcentre (solid, blue) with all jobcentres (hollow, red) row by row.
A suppressed cell (< 5 citizens) is drawn as the text "< 5" (or "x" when hidden to protect such
a cell), never as a mark.
"""

from __future__ import annotations

from html import escape

from bip.web.core.charts import COLOURS, dec

ROW_H = 18


def _head(width: int, height: int, title: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>',
        f'<text x="4" y="14" font-size="12" font-weight="bold" fill="#222">{escape(title)}</text>',
    ]


def _legend(parts: list[str], x: int, labels: tuple[str, str]) -> None:
    """One marker and name per series; a series without a name (the effectiveness chart has only
    the jobcentre) gets no marker, which would otherwise stand unexplained in the legend."""
    for k, name in enumerate(labels):
        if not name:
            continue
        fill = COLOURS[k] if k == 0 else "white"
        parts.append(
            f'<circle cx="{x}" cy="27" r="4" fill="{fill}" stroke="{COLOURS[k]}" stroke-width="2"/>'
        )
        parts.append(f'<text x="{x + 8}" y="31" font-size="10" fill="#222">{escape(name)}</text>')
        x += 20 + int(5.6 * len(name))


def interval_chart(
    rows: list[tuple[str, dict, dict]], *, title: str, labels: tuple[str, str], width: int = 520
) -> str:
    """Estimates with 95 % intervals per row; each cell is ``{value, lo, hi, suppressed}``."""
    left, right, top = 54, 12, 40
    vals = [
        v
        for _, *cells in rows
        for c in cells
        if c and not c.get("suppressed") and c.get("value") is not None
        for v in (c.get("lo"), c.get("hi"), c["value"])
        if v is not None
    ]
    lo, hi = (min(vals + [0.0]), max(vals + [0.0])) if vals else (-1.0, 1.0)
    pad = (hi - lo) * 0.05 or 0.5
    lo, hi = lo - pad, hi + pad
    height = top + ROW_H * 2 * len(rows) + 24
    pw = width - left - right
    parts = _head(width, height, title)
    _legend(parts, left, labels)

    def x(v: float) -> float:
        return left + (v - lo) / (hi - lo) * pw

    parts.append(
        f'<line x1="{x(0):.1f}" x2="{x(0):.1f}" y1="{top}" y2="{height - 20}" stroke="#888" stroke-width="1"/>'
    )
    for tick in (lo + pad, 0.0, hi - pad):
        parts.append(
            f'<text x="{x(tick):.1f}" y="{height - 6}" font-size="10" text-anchor="middle" fill="#555">{dec(tick, 2)}</text>'
        )
    for i, (label, *cells) in enumerate(rows):
        y0 = top + i * 2 * ROW_H
        parts.append(
            f'<text x="{left - 6}" y="{y0 + ROW_H + 4}" font-size="11" text-anchor="end" fill="#222" '
            f'font-family="monospace">{escape(label)}</text>'
        )
        for k, c in enumerate(cells):
            y = y0 + ROW_H * (k + 0.5) + 4
            colour = COLOURS[k]
            if not c or c.get("n_citizens", 0) == 0:
                continue
            if c.get("suppressed"):
                parts.append(
                    f'<text x="{left + 4}" y="{y + 4:.1f}" font-size="10" fill="#777" class="suppressed">{escape(c.get("mark", "< 5"))}</text>'
                )
                continue
            if c.get("value") is None:
                continue
            if c.get("lo") is not None and c.get("hi") is not None:
                parts.append(
                    f'<line x1="{x(c["lo"]):.1f}" x2="{x(c["hi"]):.1f}" y1="{y:.1f}" y2="{y:.1f}" '
                    f'stroke="{colour}" stroke-width="2"/>'
                )
            fill = colour if k == 0 else "white"
            tip = f"{labels[k]} {label}: {dec(c['value'], 2)}"
            if c.get("lo") is not None:
                tip += f" [{dec(c['lo'], 2)}; {dec(c['hi'], 2)}]"
            parts.append(
                f'<circle cx="{x(c["value"]):.1f}" cy="{y:.1f}" r="4" fill="{fill}" stroke="{colour}" '
                f'stroke-width="2"><title>{escape(tip)}</title></circle>'
            )
    parts.append("</svg>")
    return "".join(parts)


def share_bars(
    rows: list[tuple[str, dict, dict]], *, title: str, labels: tuple[str, str], width: int = 520
) -> str:
    """Shares (0-1) per row as paired horizontal bars."""
    left, right, top = 54, 44, 40
    vals = [c["value"] for _, *cells in rows for c in cells if c and c.get("value") is not None]
    hi = max(vals + [0.05])
    height = top + ROW_H * 2 * len(rows) + 8
    pw = width - left - right
    parts = _head(width, height, title)
    _legend(parts, left, labels)
    for i, (label, *cells) in enumerate(rows):
        y0 = top + i * 2 * ROW_H
        parts.append(
            f'<text x="{left - 6}" y="{y0 + ROW_H + 4}" font-size="11" text-anchor="end" fill="#222" '
            f'font-family="monospace">{escape(label)}</text>'
        )
        for k, c in enumerate(cells):
            y = y0 + ROW_H * k + 3
            if not c or c.get("n_citizens", 0) == 0:
                continue
            if c.get("suppressed"):
                parts.append(
                    f'<text x="{left + 4}" y="{y + 11}" font-size="10" fill="#777" class="suppressed">{escape(c.get("mark", "< 5"))}</text>'
                )
                continue
            w = c["value"] / hi * pw
            style = (
                f'fill="{COLOURS[k]}"'
                if k == 0
                else f'fill="white" stroke="{COLOURS[k]}" stroke-width="1.5"'
            )
            parts.append(
                f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{ROW_H - 6}" {style}>'
                f"<title>{escape(labels[k])} {escape(label)}: {dec(100 * c['value'], 1)} %</title></rect>"
            )
            parts.append(
                f'<text x="{left + w + 4:.1f}" y="{y + 11}" font-size="10" fill="#333">{100 * c["value"]:.0f} %</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
