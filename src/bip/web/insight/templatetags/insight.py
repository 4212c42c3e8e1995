"""Template filters for figure cells (``{value, n_citizens, suppressed, lo, hi}``)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()
DASH = "–"


def _small(c) -> bool:
    return isinstance(c, dict) and c.get("suppressed")


@register.filter
def pct(c):
    """A share cell as '23 %', '< 5' when suppressed, '–' when empty."""
    if _small(c):
        return format_html('<span class="suppressed" title="{}">&lt; 5</span>', "fewer than 5 citizens")
    v = c.get("value") if isinstance(c, dict) else c
    return DASH if v is None else f"{100 * v:.0f} %"


@register.filter
def num(c, digits=1):
    """A number cell with ``digits`` decimals ('< 5' when suppressed)."""
    if _small(c):
        return mark_safe('<span class="suppressed">&lt; 5</span>')
    v = c.get("value") if isinstance(c, dict) else c
    return DASH if v is None else f"{v:.{int(digits)}f}"


@register.filter
def interval(c):
    """'0.12 [0.03; 0.21]' ('< 5' when suppressed)."""
    if _small(c):
        return mark_safe('<span class="suppressed">&lt; 5</span>')
    if not isinstance(c, dict) or c.get("value") is None:
        return DASH
    if c.get("lo") is None:
        return f"{c['value']:.2f}"
    return f"{c['value']:.2f} [{c['lo']:.2f}; {c['hi']:.2f}]"


@register.filter
def ncit(c):
    """The citizen count of a cell ('< 5' when suppressed)."""
    if _small(c):
        return mark_safe('<span class="suppressed">&lt; 5</span>')
    return c.get("n_citizens", DASH) if isinstance(c, dict) else DASH


@register.filter
def get(d, key):
    return d.get(key) if isinstance(d, dict) else None
