"""Export the analysis panel or the dataset to CSV, Parquet, Stata, SPSS or Excel.

* Panel: one file (``OUT`` is the file; an existing folder gets ``panel.<ext>``).
* Dataset: one file per table in the folder ``OUT`` (csv, parquet, dta, sav), or one sheet
  per table in the workbook ``OUT`` (xlsx; a table longer than an Excel sheet continues on
  ``<table>_2``, ``<table>_3``...).

Stata and SPSS files carry variable labels (Danish or English) and value labels for coded
columns (scales 1–5, 0/1 flags); Excel gets a ``labels`` sheet. Numbers round-trip: reading
a ``.dta``/``.sav`` back gives the same values; dates stay dates. Everything is written
beside the target and renamed into place, so a failed export leaves nothing half-written.
Exports hold only pseudonymous ids: the dataset format has no CPR column. Text cells of CSV
and Excel files pass through :func:`bip.dataset.spreadsheet.neutralise`: text a spreadsheet
would run as a formula gets an apostrophe in front (numbers, also negative ones, stay numbers).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from bip.dataset import open_dataset
from bip.dataset.schema import TABLES
from bip.dataset.spreadsheet import neutralise, neutralise_frame
from bip.dataset.write import atomic_dir, make_parent
from bip.report.labels import STATA_LABEL_MAX, value_labels, variable_label

FORMATS = ("csv", "parquet", "dta", "sav", "xlsx")
EXCEL_MAX_ROWS = 1_048_575  # one row is the header
STATA_STR_MAX = 2045  # format 118 str# limit; longer text would need strL


class ExportError(ValueError):
    """An export that cannot be done as asked (the message says what and where)."""


def _plain(df: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Stata/SPSS-ready copy: bools -> 0/1, nullable numbers -> float/int, strings -> object.

    Returns the frame and the names of date columns.
    """
    out: dict[str, pd.Series] = {}
    dates = []
    for c in df.columns:
        s = df[c]
        if pd.api.types.is_bool_dtype(s):
            out[c] = (
                s.astype("float64").astype("int8") if not s.isna().any() else s.astype("float64")
            )
        elif pd.api.types.is_datetime64_any_dtype(s):
            out[c] = s.astype("datetime64[ns]")
            dates.append(c)
        elif pd.api.types.is_integer_dtype(s) or pd.api.types.is_float_dtype(s):
            if s.isna().any() or pd.api.types.is_float_dtype(s):
                out[c] = s.astype("float64")
            else:
                out[c] = s.astype("int64") if s.abs().max() > 2**31 - 1 else s.astype("int32")
        else:
            v = s.astype("object").where(s.notna(), "")
            v = v.map(str)
            longest = int(v.str.len().max()) if len(v) else 0
            if longest > STATA_STR_MAX:
                raise ExportError(
                    f"column {c}: text of {longest} characters exceeds the Stata limit of {STATA_STR_MAX}"
                )
            out[c] = v
    return pd.DataFrame(out, index=df.index), dates


def _labels(cols, lang: str) -> dict[str, str]:
    return {c: variable_label(c, lang) for c in cols}


def _vlabels(df: pd.DataFrame, lang: str) -> dict[str, dict[int, str]]:
    out = {}
    for c in df.columns:
        vl = value_labels(c, lang)
        if vl and pd.api.types.is_numeric_dtype(df[c]):
            out[c] = vl
    return out


def _atomic_file(out: Path, write: Callable[[Path], None]) -> Path:
    make_parent(out)
    tmp = out.parent / f".{out.stem}.tmp-{uuid.uuid4().hex[:8]}{out.suffix}"
    try:
        write(tmp)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def write_frame(
    df: pd.DataFrame, out: Path, fmt: str, lang: str = "da", name: str = "data"
) -> Path:
    """Write one frame as ``fmt`` to the file ``out`` (atomically) with labels where supported."""
    out = Path(out)
    if fmt == "csv":
        safe = neutralise_frame(df)
        return _atomic_file(out, lambda p: safe.to_csv(p, index=False, date_format="%Y-%m-%d"))
    if fmt == "parquet":
        return _atomic_file(out, lambda p: df.to_parquet(p, index=False))
    if fmt == "xlsx":
        return write_workbook({name: df}, out, lang)
    plain, dates = _plain(df)
    labels = _labels(plain.columns, lang)
    vlabels = _vlabels(plain, lang)
    if fmt == "dta":
        for c in plain.columns:
            if len(c) > 32:
                raise ExportError(f"column {c}: Stata names are at most 32 characters")

        def w(p: Path) -> None:
            plain.to_stata(
                p,
                write_index=False,
                version=118,
                convert_dates={c: "td" for c in dates},
                variable_labels={c: lab[:STATA_LABEL_MAX] for c, lab in labels.items()},
                value_labels=vlabels,
            )

        return _atomic_file(out, w)
    if fmt == "sav":
        import pyreadstat

        def w(p: Path) -> None:
            pyreadstat.write_sav(
                plain,
                str(p),
                column_labels=[labels[c] for c in plain.columns],
                variable_value_labels={
                    c: {int(k): v for k, v in vl.items()} for c, vl in vlabels.items()
                },
            )

        return _atomic_file(out, w)
    raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def write_workbook(frames: dict[str, pd.DataFrame], out: Path, lang: str = "da") -> Path:
    """One sheet per frame (long frames continue on numbered sheets) plus a ``labels`` sheet."""
    from openpyxl import Workbook

    def w(p: Path) -> None:
        wb = Workbook(write_only=True)
        label_rows = []
        for name, df in frames.items():
            chunks = max(1, -(-len(df) // EXCEL_MAX_ROWS))
            for k in range(chunks):
                ws = wb.create_sheet(name if k == 0 else f"{name}_{k + 1}"[:31])
                ws.append([neutralise(str(c)) for c in df.columns])
                part = df.iloc[k * EXCEL_MAX_ROWS : (k + 1) * EXCEL_MAX_ROWS]
                cols = []
                for c in df.columns:
                    s = part[c]
                    if pd.api.types.is_datetime64_any_dtype(s):
                        cols.append([None if pd.isna(x) else x.date() for x in s])
                    elif pd.api.types.is_bool_dtype(s):
                        cols.append([None if pd.isna(x) else int(x) for x in s.astype("object")])
                    elif pd.api.types.is_numeric_dtype(s):
                        arr = s.astype("float64").to_numpy()
                        is_int = pd.api.types.is_integer_dtype(s)
                        cols.append(
                            [None if np.isnan(x) else (int(x) if is_int else float(x)) for x in arr]
                        )
                    else:
                        # openpyxl writes text starting with "=" as a formula: neutralise
                        cols.append(
                            [None if pd.isna(x) else neutralise(str(x)) for x in s.astype("object")]
                        )
                for row in zip(*cols, strict=True):
                    ws.append(list(row))
            for c in df.columns:
                vl = value_labels(c, lang)
                label_rows.append(
                    [
                        name,
                        c,
                        variable_label(c, lang),
                        "; ".join(f"{k}={v}" for k, v in vl.items()) if vl else None,
                    ]
                )
        ws = wb.create_sheet("labels")
        ws.append(["table", "variable", "label", "values"])
        for r in label_rows:
            ws.append([neutralise(v) for v in r])
        wb.save(p)

    return _atomic_file(Path(out), w)


def _panel_path(out: Path, fmt: str) -> Path:
    out = Path(out)
    if out.is_dir():
        return out / f"panel.{fmt}"
    if out.suffix.lower() != f".{fmt}":
        out = out.with_name(out.name + f".{fmt}")
    return out


def export_panel(
    dataset: Path | str,
    out: Path | str,
    fmt: str,
    *,
    lang: str = "da",
    overwrite: bool = False,
    progress=None,
) -> Path:
    """Build the analysis panel of ``dataset`` and write it as one ``fmt`` file."""
    from bip.panel import build_panel

    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    target = _panel_path(Path(out), fmt)
    if target.exists() and not overwrite:
        raise FileExistsError(f"{target} exists; choose another name or allow overwriting")
    ds = open_dataset(dataset)
    panel = build_panel(ds, progress=progress)
    return write_frame(panel, target, fmt, lang, name="panel")


def export_dataset(
    dataset: Path | str,
    out: Path | str,
    fmt: str,
    *,
    lang: str = "da",
    overwrite: bool = False,
    progress=None,
) -> Path:
    """Write every table of ``dataset``: a folder of ``<table>.<fmt>`` files, or one workbook."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    ds = open_dataset(dataset)
    names = [n for n in TABLES if ds.has(n)]
    out = Path(out)
    if fmt == "xlsx":
        if out.suffix.lower() != ".xlsx":
            out = out.with_name(out.name + ".xlsx")
        if out.exists() and not overwrite:
            raise FileExistsError(f"{out} exists; choose another name or allow overwriting")
        frames = {}
        for n in names:
            if progress:
                progress(f"export: {n}")
            frames[n] = ds.frame(n)
        return write_workbook(frames, out, lang)
    with atomic_dir(out, overwrite=overwrite) as tmp:
        for n in names:
            if progress:
                progress(f"export: {n}")
            write_frame(ds.frame(n), tmp / f"{n}.{fmt}", fmt, lang, name=n)
    return out
