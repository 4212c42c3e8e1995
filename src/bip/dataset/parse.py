"""Turn raw columns (text from CSV, or any Parquet type) into the canonical typed columns.

Vectorised with Arrow compute so that a 100-million-row register file is checked batch by
batch in bounded memory. A bad cell becomes null in the output and a Problem in the report.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bip.dataset import cprscan, spreadsheet
from bip.dataset.problems import Report
from bip.dataset.schema import Column

_INT_RE = r"^\s*[+-]?\d+\s*$"
_FLOAT_RE = r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$"
_DATE_RE = r"^\d{4}-\d{2}-\d{2}$"
_WEEK_RE = r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$"
_MONTH_RE = r"^\d{4}-(0[1-9]|1[0-2])$"


@cache
def _week53_years() -> pa.Array:
    """``YYYY-W53`` strings that exist (a year has 53 ISO weeks when 28 Dec is in week 53)."""
    years = [y for y in range(1900, 2101) if dt.date(y, 12, 28).isocalendar()[1] == 53]
    return pa.array([f"{y}-W53" for y in years])


def _fmt(v) -> str:
    """A cell's value as shown in a problem: CPR-looking parts masked, long text cut."""
    s = cprscan.mask_cpr(str(v))
    return s if len(s) <= 40 else s[:37] + "..."


def few_values(col: Column) -> bool:
    """Whether ``col`` holds few distinct values per batch (weeks, categories, references).

    Such columns are read dictionary-encoded and checked on their distinct values.
    """
    return col.kind in ("week", "month", "category") or col.ref is not None


class IdSet:
    """The ids of a parent table (jobcentres, caseworkers, citizens) that other tables cite.

    Arrow's ``is_in`` hashes the whole id set on every call: 0.1 s for 400,000 citizens, paid
    once per batch of every register. Here the set is hashed once (a pandas index keeps its
    hash table) and a batch's few distinct ids are looked up in it; a batch of mostly
    distinct ids (an unsorted file) goes to ``is_in``, which is faster per value.
    """

    def __init__(self, ids: pa.Array):
        self.ids = ids
        self._index: pd.Index | None = None

    def unknown(self, values: pa.Array) -> pa.Array:
        """Boolean mask of ``values`` (distinct, no nulls) that are not ids of the set."""
        if len(values) * 4 > len(self.ids):
            return pc.invert(pc.is_in(values, value_set=self.ids))
        if self._index is None:
            self._index = pd.Index(self.ids.to_numpy(zero_copy_only=False), dtype=object)
        return pa.array(self._index.get_indexer(values.to_numpy(zero_copy_only=False)) < 0)


class Parser:
    """Parses the columns of one file, reporting problems with line numbers."""

    def __init__(self, file: str, report: Report, refs: dict[str, IdSet] | None = None):
        self.file = file
        self.report = report
        self.refs = refs or {}

    def _report_rows(
        self, bad: pa.Array, raw: pa.Array, lines: np.ndarray, column: str, reason
    ) -> None:
        idx = np.flatnonzero(pc.fill_null(bad, False).to_numpy(zero_copy_only=False))
        if len(idx) == 0:
            return
        values = raw.take(pa.array(idx)).to_pylist()
        for i, v in zip(idx, values, strict=True):
            self.report.error(self.file, int(lines[i]), column, reason(v))

    def column(self, col: Column, raw: pa.Array, lines: np.ndarray) -> pa.Array:
        """Canonical array for ``col`` from ``raw``; problems go to the report.

        ``lines[i]`` is the file line of row ``i`` (header = line 1).
        """
        if isinstance(raw, pa.ChunkedArray):
            raw = raw.combine_chunks()
        target = col.arrow_type
        if pa.types.is_string(target):
            arr, empty = self._text(col, raw, lines)
        else:
            # Emptiness is judged on the raw cell, so a malformed value is reported once (as
            # malformed), not a second time as "empty" after it has been nulled.
            empty = pc.is_null(raw)
            if pa.types.is_string(raw.type) or pa.types.is_large_string(raw.type):
                empty = pc.or_(empty, pc.fill_null(_blank(raw), False))
            if raw.type != target:
                arr = self._to_target(col, raw, lines)
            elif col.kind in ("score", "flag", "count", "year", "amount"):
                arr = raw if _clean_numbers(col, raw) else self._numeric(col, raw, raw, lines)
            else:
                arr = raw
        if col.required:
            self._report_rows(
                empty, arr, lines, col.name, lambda v: "empty, but this column is required"
            )
        return arr

    def _text(self, col: Column, raw: pa.Array, lines: np.ndarray) -> tuple[pa.Array, pa.Array]:
        """(canonical text array, empty mask) for the text kinds: id, text, category, week, month.

        Where values repeat, every check runs on the distinct values (a dictionary encoding),
        not on every row: a 100-million-row register has a few thousand distinct ids per
        batch and ~500 weeks.
        """
        if pa.types.is_null(raw.type):
            return pa.nulls(len(raw), pa.string()), pa.array(np.ones(len(raw), dtype=bool))
        if pa.types.is_dictionary(raw.type):
            enc, plain = raw, None
        else:
            plain = raw if pa.types.is_string(raw.type) else pc.cast(raw, pa.string())
            # Few distinct values (weeks, categories, a register's person ids in a sorted
            # batch): check those. Keys and free text are nearly all distinct, so hashing them
            # first would only add work: check them row by row.
            enc = pc.dictionary_encode(plain) if few_values(col) else None
        if enc is None:
            values, idx = plain, None
        else:
            values, idx = enc.dictionary, enc.indices
        if not pa.types.is_string(values.type):
            values = pc.cast(values, pa.string())
        shown = enc if enc is not None else values

        def rows_of(mask_v: pa.Array) -> pa.Array:
            return mask_v if idx is None else pc.fill_null(pc.take(mask_v, idx), False)

        blank = pc.fill_null(_blank(values), False)
        drop = blank  # values that become null in the output
        present = pc.invert(blank)
        # A raw CPR number is reported as such, and by no other check (whose reason would
        # quote the value); the cell becomes null.
        cpr = pa.array(cprscan.cpr_mask(values))
        if pc.any(cpr).as_py():
            self._report_rows(rows_of(cpr), shown, lines, col.name, lambda v: cprscan.REASON)
            drop = pc.or_(drop, cpr)
            present = pc.and_(present, pc.invert(cpr))

        def flag(mask_v: pa.Array, reason, null_out: bool) -> None:
            nonlocal drop
            mask_v = pc.and_(pc.fill_null(mask_v, False), present)
            if not pc.any(mask_v).as_py():
                return
            self._report_rows(rows_of(mask_v), shown, lines, col.name, reason)
            if null_out:
                drop = pc.or_(drop, mask_v)

        # A line break inside a quoted CSV cell would shift every later line number.
        flag(
            pc.or_(pc.match_substring(values, "\n"), pc.match_substring(values, "\r")),
            lambda v: "line break inside a cell (not allowed in format v1)",
            True,
        )
        limit = col.max_chars
        if limit is not None:
            flag(
                pc.greater(pc.utf8_length(values), limit),
                lambda v: f"too long: {len(v)} characters (at most {limit})",
                True,
            )
        if col.pattern is not None:
            what = col.pattern_doc
            flag(
                pc.invert(pc.match_substring_regex(values, col.pattern)),
                lambda v: f"'{_fmt(v)}' is not {what}",
                True,
            )
        elif col.kind in ("id", "text"):
            # A spreadsheet would run such a value as a formula when it opens a CSV export.
            flag(
                spreadsheet.formula_like_mask(values),
                lambda v: (
                    f"'{_fmt(v)}' starts with {v[0]!r}, which a spreadsheet reads as "
                    "a formula (not allowed in ids and text)"
                ),
                True,
            )
        if col.kind in ("week", "month"):
            ok = pc.match_substring_regex(values, _WEEK_RE if col.kind == "week" else _MONTH_RE)
            if col.kind == "week":
                w53 = pc.ends_with(values, "-W53")
                ok = pc.and_(
                    ok, pc.or_(pc.invert(w53), pc.is_in(values, value_set=_week53_years()))
                )
            expect = "YYYY-Www, an ISO week" if col.kind == "week" else "YYYY-MM"
            kind = col.kind
            flag(pc.invert(ok), lambda v: f"bad {kind} '{_fmt(v)}' (expected {expect})", True)
        if col.values is not None:
            allowed = ", ".join(col.values)
            flag(
                pc.invert(pc.is_in(values, value_set=pa.array(col.values))),
                lambda v: f"unknown value '{_fmt(v)}' (allowed: {allowed})",
                False,
            )
        if col.ref is not None and col.ref in self.refs:
            flag(
                self.refs[col.ref].unknown(values),
                lambda v: f"unknown id '{_fmt(v)}' (not in {col.ref})",
                False,
            )
        if idx is None:
            empty = pc.or_(pc.is_null(values), blank)
        else:
            empty = pc.fill_null(pc.or_(pc.is_null(idx), pc.take(blank, idx)), True)
        if pc.any(drop).as_py():
            cleaned = pc.if_else(drop, pa.scalar(None, pa.string()), values)
            out = cleaned if idx is None else pc.take(cleaned, idx)
        elif plain is not None:
            out = plain  # the common case: no copy
        else:
            out = pc.cast(enc, pa.string())
        return out, empty

    @staticmethod
    def _blank_to_null(arr: pa.Array) -> pa.Array:
        blank = _blank(arr)
        if not pc.any(blank).as_py():
            return arr  # the common case: no copy
        return pc.if_else(blank, pa.scalar(None, arr.type), arr)

    def _to_target(self, col: Column, raw: pa.Array, lines: np.ndarray) -> pa.Array:
        target = col.arrow_type
        if pa.types.is_null(raw.type):
            return pa.nulls(len(raw), target)
        if col.kind == "date" and (pa.types.is_timestamp(raw.type) or pa.types.is_date(raw.type)):
            return pc.cast(raw, target)
        if (pa.types.is_integer(raw.type) or pa.types.is_floating(raw.type)) and col.kind in (
            "score",
            "flag",
            "count",
            "year",
            "amount",
        ):
            return self._numeric(col, raw, raw, lines)
        if pa.types.is_boolean(raw.type) and col.kind == "flag":
            return pc.cast(raw, target)
        text = raw if pa.types.is_string(raw.type) else pc.cast(raw, pa.string())
        text = self._blank_to_null(text)
        kind = col.kind
        if kind in ("score", "flag", "count", "year"):
            ok = pc.match_substring_regex(text, _INT_RE)
            self._report_rows(
                pc.invert(ok),
                text,
                lines,
                col.name,
                lambda v: f"bad number '{_fmt(v)}' (expected a whole number)",
            )
            clean = pc.if_else(ok, text, pa.scalar(None, pa.string()))
            return self._numeric(
                col, pc.cast(pc.utf8_trim_whitespace(clean), pa.int64()), text, lines
            )
        if kind == "amount":
            ok = pc.match_substring_regex(text, _FLOAT_RE)
            self._report_rows(
                pc.invert(ok), text, lines, col.name, lambda v: f"bad number '{_fmt(v)}'"
            )
            clean = pc.if_else(ok, text, pa.scalar(None, pa.string()))
            return self._numeric(
                col, pc.cast(pc.utf8_trim_whitespace(clean), pa.float64()), text, lines
            )
        if kind == "date":
            return self._date(col, text, lines)
        raise AssertionError(f"unknown column kind {kind}")

    def _date(self, col: Column, text: pa.Array, lines: np.ndarray) -> pa.Array:
        """ISO dates from text. Parsed once per distinct value; a parsed date must print back
        as the same text, because Arrow's strptime rolls 2014-02-30 over to 2014-03-02."""
        uniq = pc.drop_null(pc.unique(text))
        shape = pc.match_substring_regex(uniq, _DATE_RE)
        parsed = pc.strptime(
            pc.if_else(shape, uniq, pa.scalar(None, pa.string())),
            format="%Y-%m-%d",
            unit="s",
            error_is_null=True,
        )
        same = pc.fill_null(pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), uniq), False)
        for bad_values, why in (
            (uniq.filter(pc.invert(shape)), "expected YYYY-MM-DD"),
            (uniq.filter(pc.and_(shape, pc.invert(same))), "no such day"),
        ):
            if len(bad_values):
                self._report_rows(
                    pc.is_in(text, value_set=bad_values),
                    text,
                    lines,
                    col.name,
                    lambda v, why=why: f"bad date '{_fmt(v)}' ({why})",
                )
        good = pc.if_else(same, pc.cast(parsed, pa.date32()), pa.scalar(None, pa.date32()))
        return good.take(pc.index_in(text, value_set=uniq))

    def _numeric(
        self, col: Column, values: pa.Array, shown: pa.Array, lines: np.ndarray
    ) -> pa.Array:
        values = pc.cast(values, pa.float64())
        if col.kind != "amount":
            frac = pc.and_(pc.is_valid(values), pc.not_equal(pc.floor(values), values))
            self._report_rows(
                frac,
                shown,
                lines,
                col.name,
                lambda v: f"bad number '{_fmt(v)}' (expected a whole number)",
            )
            values = pc.if_else(frac, pa.scalar(None, pa.float64()), values)
        finite = pc.is_finite(values)
        nonfinite = pc.and_(pc.is_valid(values), pc.invert(finite))
        self._report_rows(nonfinite, shown, lines, col.name, lambda v: f"bad number '{_fmt(v)}'")
        values = pc.if_else(nonfinite, pa.scalar(None, pa.float64()), values)
        if col.lo is not None:
            out = pc.or_(pc.less(values, col.lo), pc.greater(values, col.hi))
            lo, hi = _num(col.lo), _num(col.hi)
            self._report_rows(
                out, shown, lines, col.name, lambda v: f"value '{_fmt(v)}' out of range {lo}–{hi}"
            )
            values = pc.if_else(out, pa.scalar(None, pa.float64()), values)
        return pc.cast(values, col.arrow_type)


def _clean_numbers(col: Column, arr: pa.Array) -> bool:
    """True if an array already in the column's type needs no per-row checks (one pass)."""
    if pa.types.is_floating(arr.type) and pc.any(pc.invert(pc.is_finite(arr))).as_py():
        return False
    if col.lo is None:
        return True
    mm = pc.min_max(arr)
    lo, hi = mm["min"].as_py(), mm["max"].as_py()
    return lo is None or (lo >= col.lo and hi <= col.hi)


def _blank(arr: pa.Array) -> pa.Array:
    """True where a text cell is empty or only whitespace (no string is copied)."""
    return pc.or_(pc.equal(pc.utf8_length(arr), 0), pc.utf8_is_space(arr))


def _num(x: float | None) -> str:
    return "" if x is None else (str(int(x)) if float(x).is_integer() else str(x))
