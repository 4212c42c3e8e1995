"""Template filters for figure cells (``{value, n_citizens, suppressed, mark, lo, hi}``)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from bip.web.core.charts import dec

register = template.Library()
DASH = "–"


def _small(c) -> bool:
    return isinstance(c, dict) and c.get("suppressed")


def _hidden(c):
    """What a hidden cell shows: "< 5", or "x" for a cell hidden to protect a "< 5" one."""
    if c.get("mark") == "x":
        return format_html(
            '<span class="suppressed" title="{}">x</span>',
            _("hidden so that a number under 5 cannot be worked out from the others"),
        )
    return format_html(
        '<span class="suppressed" title="{}">&lt; 5</span>', _("fewer than 5 citizens")
    )


@register.filter
def pct(c):
    """A share cell as '23 %', '< 5' when suppressed, '–' when empty."""
    if _small(c):
        return _hidden(c)
    v = c.get("value") if isinstance(c, dict) else c
    return DASH if v is None else f"{dec(100 * v, 0)} %"


@register.filter
def num(c, digits=1):
    """A number cell with ``digits`` decimals ('< 5' when suppressed)."""
    if _small(c):
        return _hidden(c)
    v = c.get("value") if isinstance(c, dict) else c
    return DASH if v is None else dec(v, int(digits))


@register.filter
def interval(c):
    """'0.12 [0.03; 0.21]' ('0,12 [0,03; 0,21]' in Danish; '< 5' when suppressed)."""
    if _small(c):
        return _hidden(c)
    if not isinstance(c, dict) or c.get("value") is None:
        return DASH
    if c.get("lo") is None:
        return dec(c["value"], 2)
    return f"{dec(c['value'], 2)} [{dec(c['lo'], 2)}; {dec(c['hi'], 2)}]"


@register.filter
def ncit(c):
    """The citizen count of a cell ('< 5' when suppressed)."""
    if _small(c):
        return _hidden(c)
    return c.get("n_citizens", DASH) if isinstance(c, dict) else DASH


@register.filter
def get(d, key):
    return d.get(key) if isinstance(d, dict) else None


@register.filter
def register_name(table):
    """A register table's name in the interface language ("employment_months" in words)."""
    from bip.web.core.labels import register_label

    return register_label(str(table))
