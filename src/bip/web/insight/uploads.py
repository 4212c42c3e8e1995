"""Register files uploaded by the administrator: validated, pseudonymised, stored - or nothing.

A file is one register table of dataset format v1 (``employment_months.csv`` …). If it carries
a ``cpr`` column instead of ``citizen_id`` it is pseudonymised with the data controller's key
(:func:`bip.dataset.pseudonymise.pseudonymise_file`); then it is validated together with a
fresh export of the tool's operational tables (:func:`bip.dataset.validate_dataset`: problems
with file, line and column, as docs/dataset-format.md lists them). A raw CPR number in any
column, of any name, refuses the file (:mod:`bip.dataset.cprscan`). Only a file without errors is stored, in
``$BIP_DATA_DIR/registers/<uuid>/``, and recorded as a :class:`RegisterUpload`; columns the
format does not know are left out of the stored file (they would reach analysts in a run's
dataset zip). Folders without a row (a request that failed after the move) are swept at the
next upload.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from bip.dataset import validate_dataset
from bip.dataset.files import MalformedFile, TableFile, header
from bip.dataset.problems import Problem
from bip.dataset.schema import REGISTER_TABLES
from bip.web.insight.models import RegisterUpload, data_dir

CPR_COLUMN = "cpr"
MAX_BYTES = 2 * 1024**3


@dataclass
class UploadRejected(Exception):
    """The upload was refused; ``problems`` name file, line, column and reason."""

    problems: list[Problem]

    def __str__(self) -> str:
        return "; ".join(str(p) for p in self.problems[:3])


def _problem(file: str, reason: str, line=None, column=None) -> Problem:
    return Problem(file, line, column, reason, "error")


def register_dir() -> Path:
    d = data_dir() / "registers"
    d.mkdir(parents=True, exist_ok=True)
    return d


def sweep_orphans() -> None:
    """Remove stored folders that no upload row refers to."""
    known = {
        Path(n).parts[1] for n in RegisterUpload.objects.values_list("stored_name", flat=True) if n
    }
    for d in register_dir().iterdir():
        if d.is_dir() and d.name not in known:
            shutil.rmtree(d, ignore_errors=True)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


def accept_register_file(src: Path, table: str, original_name: str, user=None) -> RegisterUpload:
    """Validate (and pseudonymise) ``src`` as register ``table``; store it or raise UploadRejected."""
    from bip.web.identity import KeyMissing, hmac_key

    label = original_name
    if table not in REGISTER_TABLES:
        raise UploadRejected(
            [
                _problem(
                    label, f"unknown register table {table!r}; one of {', '.join(REGISTER_TABLES)}"
                )
            ]
        )
    suffix = Path(original_name).suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise UploadRejected([_problem(label, "the file must be .csv or .parquet")])
    sweep_orphans()
    tmp = Path(tempfile.mkdtemp(prefix="bip-register-", dir=register_dir().parent))
    try:
        raw = tmp / f"upload{suffix}"
        shutil.copyfile(src, raw)
        ds = tmp / "dataset"
        _operational(ds)
        target = ds / f"{table}{suffix}"
        try:
            names = header(TableFile(table, raw, suffix.lstrip(".")))
        except MalformedFile as exc:
            raise UploadRejected([_problem(label, exc.reason, exc.line)]) from None
        pseudonymised = CPR_COLUMN in names
        if pseudonymised:
            from bip.dataset.pseudonymise import pseudonymise_file

            try:
                key = hmac_key()
            except KeyMissing as exc:
                raise UploadRejected([_problem(label, f"cannot pseudonymise: {exc}")]) from None
            res = pseudonymise_file(raw, target, key, cpr_column=CPR_COLUMN)
            if res.rows_written is None:
                raise UploadRejected([_relabel(p, label) for p in res.report.errors])
        else:
            shutil.move(raw, target)
        report = validate_dataset(ds)
        errors = [p for p in report.errors]
        if errors:
            raise UploadRejected(
                [_relabel(p, label) if Path(str(p.file)).stem == table else p for p in errors]
            )
        rows = _rows(target)
        folder = uuid.uuid4().hex
        final = register_dir() / folder
        final.mkdir()
        _store(target, table, final / target.name)
        try:
            with transaction.atomic():
                RegisterUpload.objects.filter(table=table, active=True).update(active=False)
                up = RegisterUpload.objects.create(
                    table=table,
                    original_name=original_name[:200],
                    stored_name=f"registers/{folder}/{target.name}",
                    rows=rows,
                    sha256=_sha256(final / target.name),
                    pseudonymised=pseudonymised,
                    uploaded_by=user,
                )
        except BaseException:
            shutil.rmtree(final, ignore_errors=True)
            raise
        from bip.web.insight.current import forget_version

        forget_version()
        return up
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _store(src: Path, table: str, dest: Path) -> None:
    """Move the validated file to ``dest``, rewritten with only the format's columns if it has
    others (the common case, no other columns, is a plain move)."""
    from bip.dataset import TABLES, TableWriter
    from bip.dataset.read import Dataset

    tf = TableFile(table, src, src.suffix.lstrip("."))
    if header(tf) == TABLES[table].column_names:
        shutil.move(src, dest)
        return
    with TableWriter(dest.parent, table, tf.format) as w:
        for batch in Dataset(src.parent).batches(table):
            w.write(batch)
    src.unlink()


def _relabel(p: Problem, label: str) -> Problem:
    """Problems name the uploaded file as the administrator knows it."""
    return Problem(label, p.line, p.column, p.reason, p.severity)


def _operational(out: Path) -> None:
    """The tool's operational tables (the registers are validated against them)."""
    from bip.dataset import write_dataset
    from bip.web.exchange import export_frames

    write_dataset(export_frames(), out, "parquet")


def _rows(path: Path) -> int:
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    with open(path, "rb") as fh:
        return max(sum(1 for _ in fh) - 1, 0)
