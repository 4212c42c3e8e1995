"""The one rule that keeps raw CPR numbers out of every file BIP takes in.

A cell *looks like a CPR number* if it holds ``DDMMYYXXXX`` or ``DDMMYY-XXXX`` whose first six
digits are a real date (century from the 7th digit, as in :func:`bip.dataset.pseudonym.century`):

- anywhere in text, as a run of digits not touching a letter or another digit
  (``"CPR 010170-1018."`` matches; a hex pseudonym such as ``"a0101701018f..."`` does not);
- as a whole cell of 9 digits (a CPR number stored as an integer loses the leading zero of
  days 01-09), also written as a float (``101701018.0``);
- in integer or float columns: whole numbers of 9 or 10 digits, read zero-padded to 10.

The dataset validator, ``bip pseudonymise``, the web register upload and ``bip import-db`` all
refuse such cells with file, line and column and write or store nothing. The reason never
repeats the number. The scan is vectorised: a regular expression (RE2, in Arrow) picks the few
candidate cells, and only those are date-checked in Python; text whose longest cell is under
9 characters and integers below 10^8 are passed over without a scan.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bip.dataset.pseudonym import century

REASON = (
    "looks like a CPR number: raw CPR numbers must not be in a file given to BIP "
    "(pseudonymise the column with `bip pseudonymise`, or remove it)"
)
MASK = "<CPR number>"

# RE2 candidates: a 10-digit run (optionally DDMMYY-XXXX) not touching a letter or digit, or a
# whole cell of 9-10 digits (an integer that lost its leading zero), optionally as a float.
_CANDIDATE = (
    r"(^|[^0-9A-Za-z])[0-9]{6}-?[0-9]{4}($|[^0-9A-Za-z])"
    r"|^\s*[0-9]{9,10}(\.0*)?\s*$"
)
_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])([0-9]{6})-?([0-9]{4})(?![0-9A-Za-z])")
_WHOLE = re.compile(r"^\s*([0-9]{9,10})(?:\.0*)?\s*$")
_MIN_TEXT = 9  # no cell shorter than this can hold a CPR number
_MIN_INT, _MAX_INT = 10**8, 10**10


def is_cpr(digits: str) -> bool:
    """True if the 10 digits ``digits`` start with a real CPR date (no modulus-11 check)."""
    day, month, yy, seventh = int(digits[0:2]), int(digits[2:4]), int(digits[4:6]), int(digits[6])
    try:
        dt.date(century(yy, seventh) + yy, month, day)
    except ValueError:
        return False
    return True


def _cpr_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every CPR-looking part of ``text``."""
    m = _WHOLE.match(text)
    if m and is_cpr(m.group(1).zfill(10)):
        return [(0, len(text))]
    return [
        (m.start(), m.end()) for m in _IN_TEXT.finditer(text) if is_cpr(m.group(1) + m.group(2))
    ]


def text_has_cpr(text: str) -> bool:
    """True if ``text`` holds something that looks like a CPR number (see the module doc)."""
    return bool(_cpr_spans(text))


def mask_cpr(text: str) -> str:
    """``text`` with every CPR-looking part replaced by ``<CPR number>`` (safe to show or log)."""
    spans = _cpr_spans(text)
    for start, end in reversed(spans):
        text = text[:start] + MASK + text[end:]
    return text


def cpr_mask(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Boolean numpy mask: True where a cell of ``arr`` looks like a CPR number.

    Text, integer, float and dictionary-encoded columns are scanned; other types (dates,
    booleans, ...) cannot hold a CPR number and give all False.
    """
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    n = len(arr)
    t = arr.type
    if pa.types.is_dictionary(t):
        inner = cpr_mask(arr.dictionary)
        if not inner.any():
            return np.zeros(n, dtype=bool)
        idx = arr.indices.to_numpy(zero_copy_only=False)
        valid = ~arr.is_null().to_numpy(zero_copy_only=False)
        out = np.zeros(n, dtype=bool)
        out[valid] = inner[idx[valid].astype(np.int64)]
        return out
    if pa.types.is_integer(t) or pa.types.is_floating(t):
        return _number_mask(arr)
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return _text_mask(arr)
    return np.zeros(n, dtype=bool)


def _text_mask(arr: pa.Array) -> np.ndarray:
    n = len(arr)
    out = np.zeros(n, dtype=bool)
    if n == arr.null_count:
        return out
    longest = pc.max(pc.binary_length(arr)).as_py()
    if longest is None or longest < _MIN_TEXT:
        return out
    cand = pc.fill_null(pc.match_substring_regex(arr, _CANDIDATE), False)
    idx = np.flatnonzero(cand.to_numpy(zero_copy_only=False))
    if len(idx):
        values = arr.take(pa.array(idx)).to_pylist()
        out[idx] = [text_has_cpr(v) for v in values]
    return out


def _number_mask(arr: pa.Array) -> np.ndarray:
    n = len(arr)
    out = np.zeros(n, dtype=bool)
    mm = pc.min_max(arr)
    lo, hi = mm["min"].as_py(), mm["max"].as_py()
    if hi is None or hi < _MIN_INT or lo >= _MAX_INT:
        return out
    values = pc.fill_null(pc.cast(arr, pa.float64()), 0.0).to_numpy(zero_copy_only=False)
    cand = (values >= _MIN_INT) & (values < _MAX_INT) & (np.floor(values) == values)
    idx = np.flatnonzero(cand)
    out[idx] = [is_cpr(f"{int(values[i]):010d}") for i in idx]
    return out


def report_cpr(
    file: str, arr: pa.Array | pa.ChunkedArray, lines: np.ndarray, column: str, report
) -> int:
    """Report every CPR-looking cell of ``arr`` as an error of ``file``; return how many.

    ``lines[i]`` is the file line of cell ``i``; ``report`` is a :class:`bip.dataset.Report`.
    """
    hits = np.flatnonzero(cpr_mask(arr))
    for i in hits:
        report.error(file, int(lines[i]), column, REASON)
    return len(hits)
