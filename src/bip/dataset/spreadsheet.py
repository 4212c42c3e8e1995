"""The one rule that keeps spreadsheet programs from evaluating a cell BIP writes.

Excel, LibreOffice and Google Sheets evaluate a text cell that starts with ``=``, ``+``, ``-``
or ``@`` as a formula, and some also after a leading tab or carriage return (OWASP, "CSV
Injection"). Every CSV or XLSX file BIP writes for people passes its text cells through
:func:`neutralise`, which puts an apostrophe in front of such text: the spreadsheet then shows
the text as it is. Numbers are left alone, so ``-1.5`` stays a number.
"""

from __future__ import annotations

# Characters that make a spreadsheet treat the rest of a text cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(text: str) -> bool:
    """True if a spreadsheet would evaluate ``text`` when it is a cell's whole content."""
    return text.startswith(FORMULA_START)


def neutralise(value: object) -> object:
    """``value`` with an apostrophe before formula-like text; anything not text unchanged."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value
