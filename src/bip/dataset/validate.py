"""Validate a dataset folder against format v1 and report every problem."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bip.dataset.cprscan import REASON as CPR_REASON
from bip.dataset.cprscan import mask_cpr, report_cpr, text_has_cpr
from bip.dataset.files import MalformedFile, TableFile, batches, header, locate
from bip.dataset.parse import IdSet, Parser, few_values
from bip.dataset.problems import Report
from bip.dataset.schema import OPERATIONAL_TABLES, TABLE_ORDER, TABLES, Table

# Tables whose ids other tables refer to; their id sets are small (at most a few hundred
# thousand citizens) and kept in memory (parse.IdSet).
PARENT_TABLES = ("jobcenters", "caseworkers", "citizens")


def scan(
    tf: TableFile,
    report: Report,
    refs: dict[str, IdSet] | None = None,
    broken: set[str] | None = None,
) -> Iterator[tuple[np.ndarray, pa.RecordBatch]]:
    """Typed batches of one table file (bad cells null, problems reported), with line numbers.

    A file that cannot be read to its end has its table name added to ``broken``.
    """
    table = TABLES[tf.table]
    try:
        names = header(tf)
    except MalformedFile as exc:
        report.error(tf.label, exc.line, None, exc.reason)
        if broken is not None:
            broken.add(tf.table)
        return
    if not _check_header(tf, table, names, report):
        if broken is not None:
            broken.add(tf.table)
        return
    parser = Parser(tf.label, report, refs)
    # Columns the format does not know are not read, but they are stored with the file and
    # handed on: a raw CPR number in any of them refuses the file.
    extra = [(i, n) for i, n in enumerate(names) if n not in table.column_names]
    try:
        # Weeks, categories and ids come dictionary-encoded from the reader (Parquet stores
        # them so): no decoding to text and encoding again per batch.
        few = frozenset(c.name for c in table.columns if few_values(c))
        for lines, raw in batches(tf, names, report, dictionary=few):
            for i, n in extra:
                report_cpr(tf.label, raw.column(i), lines, mask_cpr(n) or f"#{i + 1}", report)
            arrays = [parser.column(c, raw.column(c.name), lines) for c in table.columns]
            yield lines, pa.RecordBatch.from_arrays(arrays, schema=table.arrow_schema)
    except MalformedFile as exc:
        report.error(tf.label, exc.line, None, exc.reason)
        if broken is not None:
            broken.add(tf.table)


def _check_header(tf: TableFile, table: Table, names: list[str], report: Report) -> bool:
    ok = True
    seen: set[str] = set()
    for n in names:
        if n in seen:
            report.error(tf.label, 1, n, "column appears twice in the header")
            ok = False
        seen.add(n)
    for c in table.columns:
        if c.name not in seen:
            report.error(tf.label, 1, c.name, "missing required column")
            ok = False
    for n in names:
        if n not in table.column_names and text_has_cpr(n):  # a header is a cell too
            report.error(tf.label, 1, mask_cpr(n), CPR_REASON)
            ok = False
        elif n not in table.column_names and n not in ("",):
            report.warning(tf.label, 1, n, "unknown column; ignored")
    return ok


class _Order:
    """Tracks whether a table's keys are strictly increasing row by row.

    Registers usually arrive sorted by person and period (the DREAM import writes them so);
    then no key can repeat and the costly duplicate search is skipped.
    """

    def __init__(self, key: tuple[str, ...]):
        self.key = key
        self.increasing = True
        self._last: tuple | None = None

    def update(self, batch: pa.RecordBatch) -> None:
        if not self.increasing or batch.num_rows == 0:
            return
        cols = [batch.column(k) for k in self.key]
        if any(c.null_count for c in cols):
            self.increasing = False
            return
        first = tuple(c[0].as_py() for c in cols)
        if self._last is not None and not first > self._last:
            self.increasing = False
            return
        n = batch.num_rows
        if n > 1:
            ok = None
            for c in reversed(cols):  # lexicographic: (a, b) > (a', b') built from the last key
                cur, prev = c.slice(1), c.slice(0, n - 1)
                gt = pc.greater(cur, prev)
                ok = gt if ok is None else pc.or_(gt, pc.and_(pc.equal(cur, prev), ok))
            if not pc.all(ok).as_py():
                self.increasing = False
                return
        self._last = tuple(c[n - 1].as_py() for c in cols)


class _KeyChecker:
    """Finds duplicate keys across all batches of a table with DuckDB (spills to disk)."""

    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="bip-validate-")
        self.con = duckdb.connect()
        self.con.execute(f"SET temp_directory='{self._tmp.name}'")
        self.con.execute("SET memory_limit='3GB'")
        self.con.execute("SET preserve_insertion_order=false")
        # Inside Jupyter DuckDB refuses to touch the setting without ipywidgets; its
        # progress bar is then off anyway.
        with contextlib.suppress(duckdb.InvalidInputException):
            self.con.execute("SET enable_progress_bar=false")

    def check(
        self,
        tf: TableFile,
        key: tuple[str, ...],
        parts: Iterator[tuple[np.ndarray, pa.RecordBatch]],
        report: Report,
        skip=lambda: False,
    ) -> None:
        """Duplicate keys of batches streamed from any file (spooled to DuckDB).

        ``skip()`` is asked once all batches are spooled: True means no search is needed.
        """
        cols = ", ".join(f'"{k}" VARCHAR' for k in key)
        self.con.execute(f"CREATE OR REPLACE TABLE k (line BIGINT, {cols})")
        for lines, batch in parts:
            keys = pa.table(
                {
                    "line": pa.array(lines, pa.int64()),
                    **{k: pc.cast(batch.column(k), pa.string()) for k in key},
                }
            )
            self.con.register("kb", keys)
            self.con.execute("INSERT INTO k SELECT * FROM kb")
            self.con.unregister("kb")
        if skip():
            self.con.execute("DROP TABLE k")
            return
        kl = ", ".join(f'"{k}"' for k in key)
        nonnull = " AND ".join(f'"{k}" IS NOT NULL' for k in key)
        rows = self.con.execute(f"""
            WITH d AS (SELECT {kl}, min(line) AS first FROM k WHERE {nonnull}
                       GROUP BY {kl} HAVING count(*) > 1)
            SELECT k.line, d.first, {", ".join(f'k."{c}"' for c in key)}
            FROM k JOIN d USING ({kl}) WHERE k.line > d.first ORDER BY k.line
        """).fetchall()
        self._report(tf, key, rows, report)
        self.con.execute("DROP TABLE k")

    def check_parquet(self, tf: TableFile, key: tuple[str, ...], report: Report) -> None:
        """Duplicate keys of a Parquet file, found by DuckDB reading the file itself.

        Much faster than feeding batches through Python for 100-million-row registers; the
        line of a row is its file row number + 2, as everywhere else.
        """

        def canon(k: str) -> str:
            v = f'CAST("{k}" AS VARCHAR)'
            return f"CASE WHEN trim({v}) = '' THEN NULL ELSE {v} END AS \"{k}\""

        kl = ", ".join(f'"{k}"' for k in key)
        nonnull = " AND ".join(f'"{k}" IS NOT NULL' for k in key)
        src = str(tf.path.resolve()).replace("'", "''")
        keys = f"SELECT {', '.join(canon(c) for c in key)} FROM read_parquet('{src}')"
        try:
            # Group 8-byte hashes, not the strings: 100 million distinct keys group far faster.
            # A repeated hash is only a candidate; the exact query below settles it.
            hits = self.con.execute(f"""
                SELECT h FROM (SELECT hash({kl}) AS h FROM ({keys}) WHERE {nonnull})
                GROUP BY h HAVING count(*) > 1""").fetchall()
            if not hits:
                return
            self.con.execute("CREATE OR REPLACE TEMP TABLE hits (h UBIGINT)")
            self.con.executemany("INSERT INTO hits VALUES (?)", hits)
            rows = self.con.execute(f"""
                WITH k AS (SELECT * FROM (SELECT file_row_number + 2 AS line,
                                                 {", ".join(canon(c) for c in key)}
                                          FROM read_parquet('{src}', file_row_number = true))
                           WHERE hash({kl}) IN (SELECT h FROM hits)),
                     d AS (SELECT {kl}, min(line) AS first FROM k WHERE {nonnull}
                           GROUP BY {kl} HAVING count(*) > 1)
                SELECT k.line, d.first, {", ".join(f'k."{c}"' for c in key)}
                FROM k JOIN d USING ({kl}) WHERE k.line > d.first ORDER BY k.line
                LIMIT {report.limit + 1}
            """).fetchall()
        except duckdb.Error as exc:  # the row scan has reported why the file cannot be read
            report.warning(
                tf.label, None, None, f"duplicate keys not checked ({str(exc).splitlines()[0]})"
            )
            return
        self._report(tf, key, rows, report)

    def _report(self, tf: TableFile, key: tuple[str, ...], rows, report: Report) -> None:
        what = "id" if len(key) == 1 else "key (" + ", ".join(key) + ")"
        for line, first, *vals in rows:
            shown = mask_cpr(", ".join(str(v) for v in vals))
            report.error(
                tf.label, line, key[-1], f"duplicate {what} '{shown}' (first on line {first})"
            )

    def close(self) -> None:
        self.con.close()
        self._tmp.cleanup()


def validate_dataset(path: Path | str, *, limit: int = 100_000, progress=None) -> Report:
    """Check every table of the dataset at ``path``; return all problems found.

    ``progress``, if given, is called with each table name as it is checked.
    """
    path = Path(path)
    report = Report(limit=limit)
    files = locate(path, report)
    if not path.is_dir():
        return report
    for name in OPERATIONAL_TABLES:
        if name not in files:
            report.error(
                f"{name}.csv",
                None,
                None,
                f"missing table: {name}.csv or {name}.parquet is required",
            )
    for name in TABLE_ORDER:
        if name not in files and name not in OPERATIONAL_TABLES:
            report.warning(f"{name}.csv", None, None, "register table absent: treated as empty")
    refs: dict[str, IdSet] = {}
    broken: set[str] = set()  # tables not read to the end: references to them go unchecked
    keys = _KeyChecker()
    try:
        for name in TABLE_ORDER:
            tf = files.get(name)
            if tf is None:
                continue
            if progress:
                progress(name)
            table = TABLES[name]
            ids: list[pa.Array] = []
            keep_ids = name in PARENT_TABLES

            def parts(tf=tf, ids=ids, keep_ids=keep_ids, table=table):
                for lines, batch in scan(tf, report, refs, broken):
                    if keep_ids:
                        ids.append(pc.drop_null(batch.column(table.key[0])))
                    yield lines, batch

            order = _Order(table.key) if table.key else None

            def ordered(parts=parts, order=order):
                for lines, batch in parts():
                    order.update(batch)
                    yield lines, batch

            if table.key and tf.format == "parquet":
                for _ in ordered():
                    pass
                if name not in broken and not order.increasing:
                    keys.check_parquet(tf, table.key, report)
            elif table.key:
                keys.check(
                    tf, table.key, ordered(), report, skip=lambda order=order: order.increasing
                )
            else:
                for _ in parts():
                    pass
            if keep_ids and name not in broken:
                refs[name] = IdSet(
                    pc.unique(pa.concat_arrays(ids)) if ids else pa.array([], pa.string())
                )
    finally:
        keys.close()
    return report


def check_value(table: str, column: str, value: str) -> str | None:
    """Why ``value`` may not stand in ``table.column`` by the format's rules, or None if it may.

    The validator's own reason (a raw CPR number, a formula-like start, too long, not a code,
    not an allowed value...), for forms that take one value at a time, so that what a form
    accepts is what an import accepts. References to other tables are not checked.
    """
    report = Report()
    Parser(f"{table}.csv", report).column(
        TABLES[table].column(column), pa.array([value], pa.string()), np.array([2])
    )
    return report.errors[0].reason if report.errors else None
