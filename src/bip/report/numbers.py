"""Numbers, percentages and dates in the language of the report (Babel's CLDR data).

Danish: decimal comma, dot as thousands separator (``1.234,5``), a space before the percent
sign (``14,8 %``); English: ``1,234.5`` and ``14.8%``. A difference of two shares is in
percentage points: :func:`fmt` ``pp`` prints the number alone, and the words around it (a
column title, a sentence) name the unit - never a "%" sign.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALES = {"da": "da_DK", "en": "en_GB"}
MINUS = "\u2212"  # a typographic minus reads better in print than a hyphen
DASH = "–"  # an undefined number

Kind = Literal["int", "d1", "d2", "d3", "pct", "pct0", "pp", "p", "text"]


def is_number(x: object) -> bool:
    """A finite int or float (bools and None are not numbers here)."""
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def num(x: float | None, lang: str, decimals: int = 2) -> str:
    """``x`` with ``decimals`` decimals and the language's separators; None is a dash."""
    if x is None or not is_number(x):
        return DASH
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    s = format_decimal(float(x), format=pattern, locale=LOCALES[lang], decimal_quantization=True)
    if s.startswith("-"):
        s = s[1:] if set(s[1:]) <= set("0.,") else MINUS + s[1:]  # never "-0,0"
    return s


def integer(x: float | None, lang: str) -> str:
    """A count: ``13.688`` / ``13,688``."""
    return num(None if x is None else round(float(x)), lang, 0)


def pct(fraction: float | None, lang: str, decimals: int = 1) -> str:
    """A fraction (0.1476) as a percentage: ``14,8 %`` / ``14.8%``."""
    if fraction is None or not is_number(fraction):
        return DASH
    sign = "\u00a0%" if lang == "da" else "%"
    return num(100 * float(fraction), lang, decimals) + sign


def pp(difference: float | None, lang: str, decimals: int = 1) -> str:
    """A difference of two fractions (0.137) in percentage points, the number alone: ``13,7``."""
    if difference is None or not is_number(difference):
        return DASH
    return num(100 * float(difference), lang, decimals)


def p_value(p: float | None, lang: str) -> str:
    """A p-value: three decimals, or ``< 0,001``."""
    if p is None or not is_number(p):
        return DASH
    if p < 0.001:
        return "<\u00a0" + num(0.001, lang, 3)
    return num(p, lang, 3)


def fmt(x: object, kind: str, lang: str) -> str:
    """A table cell's number by kind: ``int``, ``d1``-``d3`` decimals, ``pct`` (a fraction
    shown in percent, ``pct0`` without decimals), ``pp`` (percentage points), ``p``."""
    if isinstance(x, str):
        return x
    v = float(x) if is_number(x) else None  # type: ignore[arg-type]
    if kind == "int":
        return integer(v, lang)
    if kind == "pct":
        return pct(v, lang)
    if kind == "pct0":
        return pct(v, lang, 0)
    if kind == "pp":
        return pp(v, lang)
    if kind == "p":
        return p_value(v, lang)
    if kind in ("d1", "d2", "d3"):
        return num(v, lang, int(kind[1]))
    raise ValueError(f"unknown number kind {kind!r}")


def date(d: dt.date | None, lang: str) -> str:
    """A date: ``5. mar. 2024`` / ``5 Mar 2024``."""
    if d is None:
        return DASH
    return format_date(d, format="medium" if lang == "da" else "d MMM y", locale=LOCALES[lang])
