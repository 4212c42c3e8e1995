"""The one rule that keeps spreadsheet programs from evaluating a cell BIP writes.

Excel, LibreOffice and Google Sheets evaluate a text cell that starts with ``=``, ``+``, ``-``
or ``@`` as a formula, and some also after a leading tab or carriage return (OWASP, "CSV
Injection"). Every CSV or XLSX file BIP writes for people passes its text cells through
:func:`neutralise`, which puts an apostrophe in front of such text: the spreadsheet then shows
the text as it is. Numbers are left alone, so ``-1.5`` stays a number - also when it is text
(a CSV cell kept as text, ``"-1.5"``): a plain number is not a formula, and escaping it would
turn a negative amount into text for every program that reads the file back, BIP included.

The dataset validator refuses formula-like ids and text at input (:func:`formula_like_mask`),
so a valid dataset holds none and BIP's own dataset files read back exactly as written.
"""

from __future__ import annotations

import re

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Characters that make a spreadsheet treat the rest of a text cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A plain decimal number, e.g. "-1.5" or "+2e3": a spreadsheet reads it as that number.
_NUMBER = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
_START = "^[=+\\-@\t\r]"
_NUMBER_RE = re.compile(_NUMBER)


def is_formula_like(text: str) -> bool:
    """True if a spreadsheet would evaluate ``text`` as a formula when it is a cell's content."""
    return text.startswith(FORMULA_START) and not _NUMBER_RE.match(text)


def neutralise(value: object) -> object:
    """``value`` with an apostrophe before formula-like text; anything not text unchanged."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def formula_like_mask(arr: pa.Array) -> pa.Array:
    """Arrow boolean array: :func:`is_formula_like` of each text cell (null stays null)."""
    return pc.and_(
        pc.match_substring_regex(arr, _START),
        pc.invert(pc.match_substring_regex(arr, _NUMBER)),
    )


def neutralise_array(arr: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """:func:`neutralise` of every cell of a text array (other arrays are returned as they are)."""
    t = arr.type
    if pa.types.is_dictionary(t):
        return pc.cast(neutralise_array(pc.cast(arr, t.value_type)), t)
    if not (pa.types.is_string(t) or pa.types.is_large_string(t)):
        return arr
    bad = pc.fill_null(formula_like_mask(arr), False)
    if not pc.any(bad).as_py():
        return arr  # the common case: no copy
    return pc.if_else(bad, pc.binary_join_element_wise("'", arr, ""), arr)


def neutralise_table(table: pa.Table) -> pa.Table:
    """``table`` with :func:`neutralise_array` applied to every text column."""
    for i, col in enumerate(table.columns):
        new = neutralise_array(col)
        if new is not col:
            table = table.set_column(i, table.field(i), new)
    return table


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with :func:`neutralise` applied to every text cell (numbers and dates untouched)."""
    out = df
    for c in df.columns:
        s = df[c]
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype("object")
        if pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s):
            mask = s.map(lambda v: isinstance(v, str) and is_formula_like(v)).astype(bool)
            if mask.any():
                if out is df:
                    out = df.copy()
                out[c] = s.where(~mask, "'" + s.astype("object").where(mask, ""))
    return out
