"""Write dataset tables as CSV or Parquet in the canonical types, atomically."""

from __future__ import annotations

import errno
import os
import shutil
import uuid
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from bip.dataset.schema import TABLES, Table
from bip.dataset.spreadsheet import neutralise_table

TableData = pd.DataFrame | pa.Table | pa.RecordBatch


def conform(table: Table | str, data: TableData) -> pa.Table:
    """``data`` with exactly the table's columns, in order, in canonical Arrow types.

    Missing columns are an error: a writer must not invent values.
    """
    table = TABLES[table] if isinstance(table, str) else table
    if isinstance(data, pd.DataFrame):
        data = pa.Table.from_pandas(data, preserve_index=False)
    elif isinstance(data, pa.RecordBatch):
        data = pa.Table.from_batches([data])
    missing = [c for c in table.column_names if c not in data.column_names]
    if missing:
        raise ValueError(f"{table.name}: data lacks columns {missing}")
    arrays = []
    for c in table.columns:
        arr = data.column(c.name)
        if pa.types.is_timestamp(arr.type) and c.kind == "date":
            arr = arr.cast(pa.date32())
        arrays.append(arr.cast(c.arrow_type))
    return pa.Table.from_arrays(arrays, schema=table.arrow_schema)


class TableWriter:
    """Streams one table into ``<dir>/<name>.<fmt>`` batch by batch, in canonical types."""

    def __init__(self, directory: Path, name: str, fmt: str):
        self.table = TABLES[name]
        self.path = Path(directory) / f"{name}.{fmt}"
        self._file = FileWriter(self.path, self.table.arrow_schema, fmt)

    @property
    def rows(self) -> int:
        return self._file.rows

    def write(self, data: TableData) -> None:
        self._file.write(conform(self.table, data))

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def make_parent(out: Path) -> None:
    """Create the folder ``out`` goes into. A file in the way is NotADirectoryError (naming
    it), not the FileExistsError that callers take to mean ``out`` itself exists."""
    try:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), exc.filename) from None


def _staging(out: Path, overwrite: bool, what: str) -> tuple[Path, Path]:
    """``out`` checked (exists and no overwrite → error) and a hidden temporary path beside it."""
    out = Path(out)
    if out.exists() and not overwrite:
        raise FileExistsError(f"{out} exists; choose another {what} or allow overwriting")
    make_parent(out)
    return out, out.parent / f".{out.name}.tmp-{uuid.uuid4().hex[:8]}"


@contextmanager
def atomic_dir(out: Path, overwrite: bool = False):
    """Yield a temporary folder that becomes ``out`` only if the block succeeds."""
    out, tmp = _staging(out, overwrite, "folder")
    tmp.mkdir()
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if out.exists():
        old = out.parent / f".{out.name}.old-{uuid.uuid4().hex[:8]}"
        os.replace(out, old)
        os.replace(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, out)


@contextmanager
def atomic_file(out: Path, overwrite: bool = False):
    """Yield a temporary path beside ``out`` that becomes ``out`` only if the block succeeds."""
    out, tmp = _staging(out, overwrite, "name")
    try:
        yield tmp
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, out)


class FileWriter:
    """Streams batches of any fixed schema into one CSV or Parquet file.

    CSV text cells pass through :func:`bip.dataset.spreadsheet.neutralise` (a spreadsheet
    opening the file must not run a cell as a formula); Parquet is written as it is.
    """

    def __init__(self, path: Path, schema: pa.Schema, fmt: str):
        if fmt not in ("csv", "parquet"):
            raise ValueError(f"unknown format {fmt!r} (csv or parquet)")
        self.schema = schema
        self.fmt = fmt
        if fmt == "parquet":
            self._w = pq.ParquetWriter(path, schema, compression="zstd")
        else:
            self._w = pacsv.CSVWriter(
                path, schema, write_options=pacsv.WriteOptions(quoting_style="needed")
            )
        self.rows = 0

    def write(self, batch: pa.RecordBatch | pa.Table) -> None:
        self.rows += batch.num_rows
        if isinstance(batch, pa.RecordBatch):
            batch = pa.Table.from_batches([batch])
        if self.fmt == "csv":
            batch = neutralise_table(batch)
        self._w.write_table(batch)

    def close(self) -> None:
        self._w.close()

    def __enter__(self) -> FileWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def format_of(path: Path, fmt: str | None = None) -> str:
    """``fmt`` if given, else from the file suffix (.csv/.parquet); a conflict is an error."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if fmt is None:
        if suffix not in ("csv", "parquet"):
            raise ValueError(f"{path}: cannot tell the format from the name; use .csv or .parquet")
        return suffix
    if suffix in ("csv", "parquet") and suffix != fmt:
        raise ValueError(f"{path}: name says {suffix} but the format asked for is {fmt}")
    return fmt


def write_dataset(
    tables: Mapping[str, TableData | Iterable[TableData]],
    out: Path | str,
    fmt: str = "csv",
    *,
    overwrite: bool = False,
) -> Path:
    """Write the given tables as a dataset folder (atomically). Absent tables are not written."""
    unknown = set(tables) - set(TABLES)
    if unknown:
        raise ValueError(f"not tables of format v1: {sorted(unknown)}")
    with atomic_dir(Path(out), overwrite) as tmp:
        for name, data in tables.items():
            with TableWriter(tmp, name, fmt) as w:
                if isinstance(data, pd.DataFrame | pa.Table | pa.RecordBatch):
                    w.write(data)
                else:
                    for part in data:
                        w.write(part)
    return Path(out)
