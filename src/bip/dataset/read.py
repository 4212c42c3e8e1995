"""Open a validated dataset: typed pandas frames for operational tables, DuckDB for registers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from bip.dataset.files import TableFile, locate
from bip.dataset.problems import DatasetError, Report
from bip.dataset.schema import TABLES
from bip.dataset.validate import scan, validate_dataset
from bip.dataset.write import TableWriter, atomic_dir

_PANDAS_TYPES = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.float64(): pd.Float64Dtype(),
}
_DUCK_TYPES = {
    "id": "VARCHAR",
    "text": "VARCHAR",
    "category": "VARCHAR",
    "week": "VARCHAR",
    "month": "VARCHAR",
    "date": "DATE",
    "score": "TINYINT",
    "flag": "TINYINT",
    "count": "INTEGER",
    "year": "SMALLINT",
    "amount": "DOUBLE",
}


def to_pandas(t: pa.Table) -> pd.DataFrame:
    """Canonical pandas form: nullable integer/float dtypes, strings, datetime64 dates."""
    return t.to_pandas(date_as_object=False, types_mapper=_PANDAS_TYPES.get)


class Dataset:
    """A dataset folder. Use :func:`open_dataset` to get one that has passed validation."""

    def __init__(self, path: Path | str, report: Report | None = None):
        self.path = Path(path)
        self.report = report or Report()
        self.files: dict[str, TableFile] = locate(self.path, Report())

    def has(self, name: str) -> bool:
        return name in self.files

    @property
    def format(self) -> str:
        fmts = {tf.format for tf in self.files.values()}
        return fmts.pop() if len(fmts) == 1 else "mixed"

    def batches(self, name: str) -> Iterator[pa.RecordBatch]:
        """Typed batches of a table (empty if the table is absent)."""
        tf = self.files.get(name)
        if tf is None:
            return
        for _, b in scan(tf, Report()):
            yield b

    def arrow(self, name: str) -> pa.Table:
        """A whole table in canonical Arrow types (an absent table is empty)."""
        parts = list(self.batches(name))
        if not parts:
            return TABLES[name].arrow_schema.empty_table()
        return pa.Table.from_batches(parts, schema=TABLES[name].arrow_schema)

    def frame(self, name: str) -> pd.DataFrame:
        """A whole table as a pandas DataFrame in canonical dtypes. For registers prefer DuckDB."""
        return to_pandas(self.arrow(name))

    def register(self, con: duckdb.DuckDBPyConnection, names: list[str] | None = None) -> None:
        """Create DuckDB views, one per table, over the files (typed; absent tables empty)."""
        for name in names or list(TABLES):
            table = TABLES[name]
            cols = ", ".join(
                f'CAST("{c.name}" AS {_DUCK_TYPES[c.kind]}) AS "{c.name}"' for c in table.columns
            )
            tf = self.files.get(name)
            if tf is None:
                defs = ", ".join(
                    f'CAST(NULL AS {_DUCK_TYPES[c.kind]}) AS "{c.name}"' for c in table.columns
                )
                con.execute(f'CREATE OR REPLACE VIEW "{name}" AS SELECT {defs} WHERE false')
            elif tf.format == "parquet":
                con.execute(
                    f"CREATE OR REPLACE VIEW \"{name}\" AS SELECT {cols} FROM read_parquet('{_q(tf.path)}')"
                )
            else:
                con.execute(
                    f"CREATE OR REPLACE VIEW \"{name}\" AS SELECT {cols} FROM read_csv('{_q(tf.path)}', "
                    "header=true, all_varchar=true, nullstr='')"
                )


def _q(p: Path) -> str:
    return str(p.resolve()).replace("'", "''")


def open_dataset(path: Path | str, *, validate: bool = True, progress=None) -> Dataset:
    """Open the dataset at ``path``; raise :class:`DatasetError` naming every problem if invalid."""
    report = validate_dataset(path, progress=progress) if validate else Report()
    if not report.ok:
        raise DatasetError(report, path)
    return Dataset(path, report)


def convert_dataset(
    src: Path | str, out: Path | str, fmt: str, *, overwrite: bool = False, progress=None
) -> Path:
    """Validate ``src`` and write it again as ``fmt`` (csv/parquet) to ``out``, all or nothing."""
    ds = open_dataset(src, progress=progress)
    with atomic_dir(Path(out), overwrite) as tmp:
        for name in ds.files:
            with TableWriter(tmp, name, fmt) as w:
                for b in ds.batches(name):
                    w.write(b)
    return Path(out)
