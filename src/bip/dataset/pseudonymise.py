"""Pseudonymise a CPR-keyed file (CSV or Parquet): the CPR column becomes ``citizen_id``.

Streams batch by batch; each distinct CPR number is validated and hashed once. Every invalid
CPR number is reported with file, line and column (never with the number itself). By default
nothing is written if any is invalid; with ``drop_invalid`` the valid rows are written. A
CPR-looking value in any other column (:mod:`bip.dataset.cprscan`) is an error too: nothing
is written, whatever ``drop_invalid`` says.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bip.dataset.cprscan import REASON as CPR_REASON
from bip.dataset.cprscan import mask_cpr, report_cpr, text_has_cpr
from bip.dataset.files import MalformedFile, TableFile, batches, header
from bip.dataset.problems import Report
from bip.dataset.pseudonym import Pseudonymiser
from bip.dataset.write import FileWriter, atomic_file, format_of

ID_COLUMN = "citizen_id"


@dataclass
class PseudonymiseResult:
    """What :func:`pseudonymise_file` did: every problem, and the rows written (None: no file)."""

    report: Report
    rows_written: int | None = None
    invalid_cpr: int = 0


def _cpr_text(arr: pa.Array) -> pa.Array:
    """CPR cells as text. Integer storage lost the leading zero of days 01-09: pad to 10."""
    if pa.types.is_integer(arr.type):
        return pc.utf8_lpad(pc.cast(arr, pa.string()), 10, "0")
    if pa.types.is_large_string(arr.type) or not pa.types.is_string(arr.type):
        return pc.cast(arr, pa.string())
    return arr


def pseudonymise_file(
    src: Path | str,
    out: Path | str,
    key: bytes,
    *,
    cpr_column: str = "cpr",
    drop_invalid: bool = False,
    fmt: str | None = None,
    overwrite: bool = False,
    report: Report | None = None,
) -> PseudonymiseResult:
    """Write ``src`` to ``out`` with ``cpr_column`` replaced by ``citizen_id`` (same position).

    Formats follow the file names (``.csv``/``.parquet``) unless ``fmt`` names the output's.
    CSV cells are kept as text, Parquet columns keep their types. ``out`` is written only if
    there are no errors, or with ``drop_invalid`` if the only errors are invalid CPR numbers
    (those rows are left out); ``rows_written`` of the result says whether it was.
    """
    src, out = Path(src), Path(out)
    report = report if report is not None else Report()
    try:
        in_fmt = format_of(src)
        out_fmt = format_of(out, fmt)
    except ValueError as exc:
        report.error(str(src), None, None, str(exc))
        return PseudonymiseResult(report)
    tf = TableFile("", src, in_fmt)
    label = tf.label
    if not src.is_file():
        report.error(label, None, None, "no such file")
        return PseudonymiseResult(report)
    try:
        names = header(tf)
    except MalformedFile as exc:
        report.error(label, exc.line, None, exc.reason)
        return PseudonymiseResult(report)
    if cpr_column not in names:
        report.error(label, 1, cpr_column, "missing CPR column (choose it with --cpr-column)")
        return PseudonymiseResult(report)
    if ID_COLUMN in names:
        report.error(label, 1, ID_COLUMN, f"the file already has a {ID_COLUMN} column")
        return PseudonymiseResult(report)
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        report.error(label, 1, dupes[0], "column appears twice in the header")
        return PseudonymiseResult(report)
    in_header = [n for n in names if n != cpr_column and text_has_cpr(n)]
    if in_header:  # the header is written out as it is
        report.error(label, 1, mask_cpr(in_header[0]), CPR_REASON)
        return PseudonymiseResult(report)
    pos = names.index(cpr_column)
    hasher = Pseudonymiser(key)
    invalid = 0
    other_errors = report.n_errors
    try:
        with atomic_file(out, overwrite) as tmp:
            writer: FileWriter | None = None
            try:
                for lines, batch in batches(tf, names, report):
                    cpr = _cpr_text(batch.column(pos))
                    ids, bad = _hash_column(cpr, hasher)
                    if bad.any():
                        invalid += int(bad.sum())
                        reasons = [hasher(v)[1] for v in cpr.filter(pa.array(bad)).to_pylist()]
                        for line, reason in zip(lines[bad], reasons, strict=True):
                            report.error(label, int(line), cpr_column, reason)
                    # CPR numbers left in other columns would pass into the output unhashed.
                    for j, name in enumerate(names):
                        if j != pos:
                            report_cpr(label, batch.column(j), lines, mask_cpr(name), report)
                    if report.n_errors > other_errors + invalid or (invalid and not drop_invalid):
                        continue  # keep scanning to report every problem, write nothing
                    cols = list(batch.columns)
                    cols[pos] = ids
                    fields = list(batch.schema)
                    fields[pos] = pa.field(ID_COLUMN, pa.string())
                    out_batch = pa.RecordBatch.from_arrays(cols, schema=pa.schema(fields))
                    if bad.any():
                        out_batch = out_batch.filter(pa.array(~bad))
                    if writer is None:
                        writer = FileWriter(tmp, out_batch.schema, out_fmt)
                    writer.write(out_batch)
                if writer is None:
                    fields = [
                        pa.field(ID_COLUMN, pa.string()) if i == pos else pa.field(n, pa.string())
                        for i, n in enumerate(names)
                    ]
                    writer = FileWriter(tmp, pa.schema(fields), out_fmt)
            finally:
                if writer is not None:
                    writer.close()
            structural = report.n_errors - invalid - other_errors
            if structural or (invalid and not drop_invalid):
                raise _Abort
            rows = writer.rows
    except _Abort:
        return PseudonymiseResult(report, None, invalid)
    except MalformedFile as exc:
        report.error(label, exc.line, None, exc.reason)
        return PseudonymiseResult(report, None, invalid)
    except FileExistsError as exc:
        report.error(str(out), None, None, str(exc))
        return PseudonymiseResult(report, None, invalid)
    return PseudonymiseResult(report, rows, invalid)


class _Abort(Exception):
    """Leave the output unwritten (the report says why)."""


def _hash_column(cpr: pa.Array, hasher: Pseudonymiser) -> tuple[pa.Array, np.ndarray]:
    """(pseudonyms, invalid mask) for one batch, hashing each distinct value once."""
    uniq = pc.unique(cpr)
    values = uniq.to_pylist()
    hashed = [hasher(v)[0] if v is not None else None for v in values]
    idx = pc.index_in(cpr, value_set=uniq, skip_nulls=False)
    ids = pa.array(hashed, pa.string()).take(idx)
    return ids, ids.is_null().to_numpy(zero_copy_only=False)
