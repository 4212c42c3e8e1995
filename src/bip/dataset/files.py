"""Find a dataset's files and stream their rows as Arrow batches with line numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from bip.dataset.problems import Report
from bip.dataset.schema import TABLES

BATCH_ROWS = 1_000_000
FORMATS = ("csv", "parquet")


@dataclass(frozen=True)
class TableFile:
    """One table's file in a dataset folder."""

    table: str
    path: Path
    format: str

    @property
    def label(self) -> str:
        return self.path.name


class MalformedFile(Exception):
    """A file that cannot be read at all past some point (encoding, structure)."""

    def __init__(self, line: int | None, reason: str):
        self.line = line
        self.reason = reason
        super().__init__(reason)


def locate(path: Path, report: Report) -> dict[str, TableFile]:
    """The table files of the dataset at ``path``; problems (none found, both forms) reported."""
    found: dict[str, TableFile] = {}
    if not path.is_dir():
        report.error(str(path), None, None, "not a folder")
        return found
    for name in TABLES:
        forms = [
            TableFile(name, path / f"{name}.{ext}", ext)
            for ext in FORMATS
            if (path / f"{name}.{ext}").is_file()
        ]
        if len(forms) > 1:
            report.error(
                str(path), None, None, f"both {name}.csv and {name}.parquet present; keep one"
            )
        elif forms:
            found[name] = forms[0]
    known = {f"{n}.{e}" for n in TABLES for e in FORMATS}
    for f in sorted(path.iterdir()):
        if f.suffix in (".csv", ".parquet") and f.name not in known:
            report.warning(f.name, None, None, "not a table of dataset format v1; ignored")
    return found


def header(tf: TableFile) -> list[str]:
    """Column names of a table file."""
    if tf.format == "parquet":
        try:
            return pq.ParquetFile(tf.path).schema_arrow.names
        except (pa.ArrowException, OSError) as exc:
            raise MalformedFile(None, f"not a readable Parquet file ({exc})") from exc
    with open(tf.path, "rb") as fh:
        first = fh.readline()
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MalformedFile(1, "not valid UTF-8 text") from exc
    if not text.strip():
        raise MalformedFile(1, "empty file: a header row is required")
    try:
        return [c.strip() for c in next(csv.reader(io.StringIO(text.rstrip("\r\n"))))]
    except (csv.Error, StopIteration) as exc:
        raise MalformedFile(1, f"header row cannot be read ({exc})") from exc


def batches(
    tf: TableFile,
    names: list[str],
    report: Report,
    batch_rows: int = BATCH_ROWS,
    dictionary: frozenset[str] = frozenset(),
) -> Iterator[tuple[np.ndarray, pa.RecordBatch]]:
    """(line numbers, raw batch) pairs. CSV cells come as text; Parquet as stored.

    ``batch_rows`` bounds Parquet batches (CSV batches follow the reader's block size).
    Text columns named in ``dictionary`` come dictionary-encoded (cheap for few distinct
    values, e.g. the benefit codes of a DREAM file).
    """
    if tf.format == "parquet":
        line = 2
        try:
            pf = pq.ParquetFile(tf.path)
            schema = pf.schema_arrow
            as_dict = [
                c
                for c in dictionary
                if c in schema.names and pa.types.is_string(schema.field(c).type)
            ]
            if as_dict:
                pf = pq.ParquetFile(tf.path, read_dictionary=as_dict)
            for b in pf.iter_batches(batch_size=batch_rows, columns=names):
                yield np.arange(line, line + b.num_rows), b
                line += b.num_rows
        except (pa.ArrowException, OSError) as exc:
            raise MalformedFile(line, f"Parquet file cannot be read ({exc})") from exc
        return
    yield from _csv_batches(tf, names, report, dictionary)


def _csv_batches(
    tf: TableFile, names: list[str], report: Report, dictionary: frozenset[str] = frozenset()
) -> Iterator[tuple[np.ndarray, pa.RecordBatch]]:
    n = len(names)
    skipped: list[int] = []

    def bad_row(row) -> str:
        # Arrow gives the file line (header = 1) of the row it skips.
        report.error(
            tf.label,
            row.number,
            None,
            f"malformed row: expected {n} fields, got {row.actual_columns}",
        )
        if row.number is not None:
            skipped.append(row.number)
        return "skip"

    ro = pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=64 << 20, use_threads=False)
    # Empty lines are kept as rows so that line numbers stay exact (they fail as empty ids).
    po = pacsv.ParseOptions(
        invalid_row_handler=bad_row, newlines_in_values=False, ignore_empty_lines=False
    )
    co = pacsv.ConvertOptions(
        column_types={
            c: pa.dictionary(pa.int32(), pa.string()) if c in dictionary else pa.string()
            for c in names
        },
        strings_can_be_null=True,
        null_values=[""],
        quoted_strings_can_be_null=True,
    )
    line = 2
    try:
        reader = pacsv.open_csv(tf.path, read_options=ro, parse_options=po, convert_options=co)
        for b in reader:
            lines = _line_numbers(line, b.num_rows, skipped)
            yield lines, b
            if len(lines):
                line = int(lines[-1]) + 1
    except (pa.ArrowInvalid, pa.ArrowException) as exc:
        bad = _first_bad_utf8_line(tf.path)
        if bad is not None:
            raise MalformedFile(bad, "not valid UTF-8 text") from exc
        raise MalformedFile(None, f"CSV cannot be read ({str(exc).splitlines()[0]})") from exc


def _line_numbers(start: int, n: int, skipped: list[int]) -> np.ndarray:
    """File lines of ``n`` parsed rows from ``start`` on, passing over skipped lines.

    Linear in ``n`` plus the number of skipped lines, however many rows are malformed.
    """
    skip = np.array([x for x in skipped if x >= start], dtype=np.int64)
    lines = np.arange(start, start + n + len(skip), dtype=np.int64)
    if len(skip):
        lines = lines[~np.isin(lines, skip)]
    return lines[:n]


def _first_bad_utf8_line(path: Path) -> int | None:
    with open(path, "rb") as fh:
        for i, raw in enumerate(fh, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return i
    return None
