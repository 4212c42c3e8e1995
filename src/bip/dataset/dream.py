"""Import the DREAM wide layout into the long ``benefit_weeks`` table of format v1.

A DREAM file has one row per person and one column per ISO week holding a benefit code
(*ydelseskode*); an empty cell means no record that week. A user-supplied mapping file
(CSV ``code,status``; lines starting with ``#`` are comments) maps every code to one of the
seven ``benefit_weeks`` statuses. The import streams the file in row batches, so memory stays
bounded whatever the number of persons; nothing is written unless every cell is understood.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bip.dataset.files import MalformedFile, TableFile, batches, header
from bip.dataset.problems import Report
from bip.dataset.schema import BENEFIT_STATUSES, TABLES
from bip.dataset.write import FileWriter, atomic_file, format_of

# Week column names understood by default: DREAM's own ``y_YYWW`` (``y_1501`` = 2015 week 1)
# and ISO ``YYYY-Www``. A pattern needs the named groups ``year`` and ``week``.
DEFAULT_WEEK_PATTERNS: tuple[str, ...] = (
    r"^y_(?P<year>\d{2})(?P<week>\d{2})$",
    r"^(?P<year>\d{4})-W(?P<week>\d{2})$",
)
# DREAM starts in 1991: two-digit years from 90 on are the 1990s, below that the 2000s.
TWO_DIGIT_PIVOT = 90
EXAMPLE_MAPPING = Path(__file__).parent / "data" / "dream_mapping_example.csv"
_BATCH_CELLS = 4_000_000  # Parquet cells per batch (rows x week columns): bounds memory


@dataclass(frozen=True)
class Mapping:
    """Benefit code -> status, read from a mapping file."""

    codes: pa.Array  # string codes
    statuses: np.ndarray  # index into BENEFIT_STATUSES, aligned with codes

    def __len__(self) -> int:
        return len(self.codes)


def read_mapping(path: Path | str, report: Report) -> Mapping | None:
    """Read a ``code,status`` mapping file; problems (with line numbers) go to ``report``."""
    path = Path(path)
    label = path.name
    codes: dict[str, tuple[int, int]] = {}
    before = report.n_errors
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        report.error(label, None, None, "mapping file not found")
        return None
    except UnicodeDecodeError:
        report.error(label, None, None, "mapping file is not valid UTF-8 text")
        return None
    rows = [
        (n, line)
        for n, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not rows:
        report.error(label, None, None, "mapping file has no header row 'code,status'")
        return None
    head_line, head = rows[0]
    head_cells = [c.strip() for c in next(csv.reader([head]))]
    if head_cells[:2] != ["code", "status"]:
        report.error(
            label, head_line, None, f"header must be 'code,status' (found '{head.strip()}')"
        )
        return None
    for n, line in rows[1:]:
        cells = [c.strip() for c in next(csv.reader([line]))]
        if len(cells) < 2:
            report.error(label, n, None, f"expected 2 fields (code,status), got {len(cells)}")
            continue
        code, status = cells[0], cells[1]
        if not code:
            report.error(label, n, "code", "empty code")
            continue
        if status not in BENEFIT_STATUSES:
            report.error(
                label,
                n,
                "status",
                f"unknown status '{status}' (allowed: {', '.join(BENEFIT_STATUSES)})",
            )
            continue
        if code in codes and codes[code][0] != BENEFIT_STATUSES.index(status):
            report.error(
                label, n, "code", f"code '{code}' mapped twice (first on line {codes[code][1]})"
            )
            continue
        codes.setdefault(code, (BENEFIT_STATUSES.index(status), n))
    if report.n_errors > before:
        return None
    if not codes:
        report.error(label, None, None, "mapping file maps no codes")
        return None
    return Mapping(
        pa.array(list(codes), pa.string()), np.array([v[0] for v in codes.values()], dtype=np.int16)
    )


def parse_week_column(name: str, patterns: Sequence[re.Pattern]) -> tuple[str | None, str | None]:
    """(``YYYY-Www``, None) for a week column, (None, reason) for a bad one, (None, None) if
    the name matches no pattern (not a week column)."""
    for pat in patterns:
        m = pat.match(name)
        if not m:
            continue
        year, week = int(m.group("year")), int(m.group("week"))
        if len(m.group("year")) == 2:
            year += 1900 if year >= TWO_DIGIT_PIVOT else 2000
        weeks_in_year = dt.date(year, 12, 28).isocalendar()[1]
        if not 1 <= week <= weeks_in_year:
            return (
                None,
                f"week column names week {week} of {year}, which has {weeks_in_year} ISO weeks",
            )
        return f"{year}-W{week:02d}", None
    return None, None


def _compile(patterns: Sequence[str]) -> list[re.Pattern]:
    out = []
    for p in patterns:
        pat = re.compile(p)
        if not {"year", "week"} <= set(pat.groupindex):
            raise ValueError(
                f"week pattern {p!r} needs the named groups (?P<year>..) and (?P<week>..)"
            )
        out.append(pat)
    return out


def _codes_text(arr: pa.Array) -> pa.Array:
    """Cells as trimmed text codes; empty -> null. Parquet integers/floats become '111'."""
    if pa.types.is_floating(arr.type):
        whole = pc.equal(pc.floor(arr), arr)
        arr = pc.if_else(
            whole,
            pc.cast(pc.cast(arr, pa.int64(), safe=False), pa.string()),
            pc.cast(arr, pa.string()),
        )
    elif not pa.types.is_string(arr.type):
        arr = pc.cast(arr, pa.string())
    arr = pc.utf8_trim_whitespace(arr)
    return pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)


def import_dream(
    src: Path | str,
    mapping: Path | str,
    out: Path | str,
    *,
    fmt: str | None = None,
    id_column: str = "citizen_id",
    week_patterns: Sequence[str] = DEFAULT_WEEK_PATTERNS,
    overwrite: bool = False,
    progress=None,
) -> Report:
    """Convert the DREAM wide file ``src`` into a ``benefit_weeks`` file ``out``.

    Returns the report of every problem (file, line, column, reason). ``out`` is written only
    if there is no error. ``progress``, if given, is called with the number of persons done.
    Columns that are neither ``id_column`` nor week columns are ignored with a warning.
    """
    src, out = Path(src), Path(out)
    report = Report()
    try:
        in_fmt = format_of(src)
        out_fmt = format_of(out, fmt)
        patterns = _compile(week_patterns)
    except ValueError as exc:
        report.error(str(src), None, None, str(exc))
        return report
    tf = TableFile("", src, in_fmt)
    label = tf.label
    if not src.is_file():
        report.error(label, None, None, "no such file")
        return report
    mp = read_mapping(mapping, report)
    try:
        names = header(tf)
    except MalformedFile as exc:
        report.error(label, exc.line, None, exc.reason)
        return report
    weeks: dict[str, str] = {}  # column -> YYYY-Www
    seen_weeks: dict[str, str] = {}
    ignored = []
    for n in names:
        week, reason = parse_week_column(n, patterns)
        if reason:
            report.error(label, 1, n, reason)
        elif week is None:
            if n != id_column:
                ignored.append(n)
        elif week in seen_weeks:
            report.error(label, 1, n, f"week {week} appears twice (also column {seen_weeks[week]})")
        else:
            weeks[n] = week
            seen_weeks[week] = n
    if id_column not in names:
        report.error(label, 1, id_column, "missing id column (choose it with --id-column)")
    if not weeks and not report.n_errors:
        report.error(
            label, 1, None, "no week columns found (expected names like y_1501 or 2015-W01)"
        )
    if ignored:
        report.warning(label, 1, None, f"not week columns, ignored: {', '.join(ignored)}")
    dupes = sorted({n for n in names if names.count(n) > 1})
    for d in dupes:
        report.error(label, 1, d, "column appears twice in the header")
    if report.n_errors or mp is None:
        return report
    week_cols = list(weeks)
    week_labels = pa.array([weeks[c] for c in week_cols], pa.string())
    status_labels = pa.array(BENEFIT_STATUSES, pa.string())
    ids_seen: list[pa.Array] = []
    lines_seen: list[np.ndarray] = []
    schema = TABLES["benefit_weeks"].arrow_schema
    done = 0
    try:
        with atomic_file(out, overwrite) as tmp, FileWriter(tmp, schema, out_fmt) as writer:
            rows_per_batch = max(1_000, _BATCH_CELLS // len(week_cols))
            for lines, batch in batches(
                tf, names, report, batch_rows=rows_per_batch, dictionary=frozenset(week_cols)
            ):
                ids = _codes_text(batch.column(id_column))
                empty = ids.is_null().to_numpy(zero_copy_only=False)
                for line in lines[empty]:
                    report.error(label, int(line), id_column, "empty, but this column is required")
                ids_seen.append(ids)
                lines_seen.append(lines)
                codes = np.full((batch.num_rows, len(week_cols)), -1, dtype=np.int16)
                for j, col in enumerate(week_cols):
                    codes[:, j] = _map_codes(batch.column(col), mp, lines, label, col, report)
                done += batch.num_rows
                if progress:
                    progress(done)
                if report.n_errors:
                    continue  # keep reading to report every problem; nothing will be written
                rows, cols = np.nonzero(codes >= 0)  # row-major: person by person, week by week
                status_idx = codes[rows, cols]  # already status indices
                writer.write(
                    pa.RecordBatch.from_arrays(
                        [
                            ids.take(pa.array(rows)),
                            week_labels.take(pa.array(cols)),
                            status_labels.take(pa.array(status_idx)),
                        ],
                        schema=schema,
                    )
                )
            _check_unique_ids(ids_seen, lines_seen, label, id_column, report)
            if report.n_errors:
                raise _Abort
    except _Abort:
        pass
    except MalformedFile as exc:
        report.error(label, exc.line, None, exc.reason)
    except FileExistsError as exc:
        report.error(str(out), None, None, str(exc))
    return report


def _map_codes(
    cells: pa.Array, mp: Mapping, lines: np.ndarray, label: str, column: str, report: Report
) -> np.ndarray:
    """Status index per row (-1: no record) for one week column; unmapped codes reported.

    Works on the column's few distinct codes (a dictionary encoding) and maps rows by index.
    """
    if isinstance(cells, pa.ChunkedArray):
        cells = cells.combine_chunks()
    enc = cells if pa.types.is_dictionary(cells.type) else pc.dictionary_encode(cells)
    values = _codes_text(enc.dictionary)
    found = pc.index_in(values, value_set=mp.codes)
    status = np.append(mp.statuses[pc.fill_null(found, 0).to_numpy(zero_copy_only=False)], -1)
    status[:-1][pc.is_null(found).to_numpy(zero_copy_only=False)] = -1
    rows = pc.fill_null(enc.indices, len(values)).to_numpy(zero_copy_only=False)
    unmapped = np.append(
        pc.and_(pc.is_valid(values), pc.is_null(found)).to_numpy(zero_copy_only=False), False
    )
    if unmapped.any():
        bad = unmapped[rows]
        shown = values.to_pylist()
        for line, v in zip(lines[bad], rows[bad], strict=True):
            report.error(
                label, int(line), column, f"benefit code '{shown[v]}' is not in the mapping file"
            )
    return status[rows]


class _Abort(Exception):
    """Leave the output unwritten (the report says why)."""


def _check_unique_ids(
    ids: list[pa.Array], lines: list[np.ndarray], label: str, column: str, report: Report
) -> None:
    if not ids:
        return
    allids = pa.chunked_array(ids, pa.string())
    counts = pc.value_counts(allids)
    dup = counts.filter(pc.greater(counts.field("counts"), 1)).field("values")
    if len(dup) == 0:
        return
    is_dup = pc.is_in(allids, value_set=dup).to_numpy(zero_copy_only=False)
    all_lines = np.concatenate(lines)
    first: dict[str, int] = {}
    for v, line in zip(allids.filter(pa.array(is_dup)).to_pylist(), all_lines[is_dup], strict=True):
        if v is None:
            continue
        if v in first:
            report.error(label, int(line), column, f"duplicate id '{v}' (first on line {first[v]})")
        else:
            first[v] = int(line)
