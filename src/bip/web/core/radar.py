"""Server-side SVG star (radar) chart of one citizen's readings, as Outcomes Star users expect.

One spoke per topic (scale 1 at the centre, 5 at the rim); each reading (e.g. the first and the
latest measurement) is one closed polygon. Accessible as the line charts are (``role="img"``,
``<title>``, ``<desc>`` naming each reading's values); the page shows a table beside it.
"""

from __future__ import annotations

import math
from html import escape

from bip.web.core.charts import COLOURS, dec, wrap_title

LO, HI = 1.0, 5.0


def _point(cx: float, cy: float, r: float, k: int, n: int, v: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * k / n  # the first spoke points up
    rr = r * (v - LO + 0.0) / (HI - LO) if v > LO else 0.0
    return cx + rr * math.cos(angle), cy + rr * math.sin(angle)


def radar_chart(
    topics: list[tuple[str, str]],
    readings: list[tuple[str, list[float | None]]],
    *,
    title: str,
    size: int = 360,
) -> str:
    """A star chart: ``topics`` are (code, label) spokes, ``readings`` (name, value per topic).

    A missing value is skipped (its neighbours are joined) rather than drawn at the centre,
    which would read as the lowest answer. Labels are the topic codes around the rim; the
    legend names the readings.
    """
    lines = wrap_title(title, size)
    top = 14 * len(lines) + 14 * len(readings) + 6
    width, height = size, size + top - 10
    r = size / 2 - 46
    cx, cy = width / 2, top + r + 22
    n = len(topics)
    desc = "; ".join(
        f"{name}: "
        + ", ".join(
            f"{code} {dec(v, 1) if v is not None else '–'}"
            for (code, _), v in zip(topics, vals, strict=True)
        )
        for name, vals in readings
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:.0f}" width="{width}" '
        f'height="{height:.0f}" role="img" aria-label="{escape(title)}" class="chart radar">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
        *(
            f'<text x="4" y="{14 + 14 * i}" font-size="12" font-weight="bold" fill="#222" '
            f'class="chart-title">{escape(line)}</text>'
            for i, line in enumerate(lines)
        ),
    ]
    for ring in range(int(LO), int(HI) + 1):
        ring_pts = " ".join(
            f"{x:.1f},{y:.1f}" for x, y in (_point(cx, cy, r, k, n, ring) for k in range(n))
        )
        parts.append(f'<polygon points="{ring_pts}" fill="none" stroke="#ddd" stroke-width="1"/>')
        if ring > LO:
            x, y = _point(cx, cy, r, 0, n, ring)
            parts.append(
                f'<text x="{x + 3:.1f}" y="{y + 3:.1f}" font-size="9" fill="#777">{ring}</text>'
            )
    for k, (code, _label) in enumerate(topics):
        x, y = _point(cx, cy, r, k, n, HI)
        parts.append(
            f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="#ccc" stroke-width="1"/>'
        )
        lx, ly = _point(cx, cy, r + 16, k, n, HI)
        anchor = "middle" if abs(lx - cx) < 8 else ("start" if lx > cx else "end")
        parts.append(
            f'<text x="{lx:.1f}" y="{ly + 4:.1f}" font-size="11" text-anchor="{anchor}" fill="#222" '
            f'font-family="monospace">{escape(code)}</text>'
        )
    for j, (name, vals) in enumerate(readings):
        colour = COLOURS[j % len(COLOURS)]
        dash = ' stroke-dasharray="5 3"' if j % 2 == 0 and len(readings) > 1 else ""
        pts = [(_point(cx, cy, r, k, n, v), v, k) for k, v in enumerate(vals) if v is not None]
        if len(pts) > 1:
            poly = " ".join(f"{x:.1f},{y:.1f}" for (x, y), _v, _k in pts)
            fill = ' fill-opacity="0.12"' if j == len(readings) - 1 else ' fill-opacity="0"'
            parts.append(
                f'<polygon points="{poly}" fill="{colour}"{fill} stroke="{colour}" stroke-width="2"{dash}/>'
            )
        for (x, y), v, k in pts:
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"><title>{escape(name)} '
                f"{escape(topics[k][0])}: {dec(v, 1)}</title></circle>"
            )
        ly = 14 * len(lines) + 12 + 14 * j
        parts.append(
            f'<line x1="4" x2="18" y1="{ly - 4}" y2="{ly - 4}" stroke="{colour}" stroke-width="2"{dash}/>'
            f'<text x="22" y="{ly}" font-size="10" fill="#222">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
