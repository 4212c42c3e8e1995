"""``bip replicate RESULTS_DIR --out PKG``: the replication package of one analysis run.

The package holds the analysis panel the results came from (CSV for R, Stata ``.dta`` with
variable and value labels, Parquet), its codebook, BIP's estimates of the replicated models,
an R script and a Stata do-file that re-estimate them from the panel, the regression tables
(Markdown, LaTeX, Word) and a README. The
dataset is the one named in ``results.json`` (``meta.dataset_path``) unless another is given;
its fingerprint must equal the one recorded, so the panel is the one analysed.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from bip.dataset import open_dataset
from bip.dataset.write import atomic_dir
from bip.panel import build_panel
from bip.replicate.codebook import codebook, codebook_markdown
from bip.replicate.estimates import bip_estimates
from bip.replicate.readme import readme
from bip.replicate.scripts import do_file, r_script
from bip.replicate.tables import write_tables
from bip.results import Results, load_results

FILES = (
    "README.md",
    "panel.csv",
    "panel.dta",
    "panel.parquet",
    "codebook.csv",
    "codebook.md",
    "bip_estimates.csv",
    "results.json",
    "replicate.R",
    "replicate.do",
    "regression_tables.md",
    "regression_tables.tex",
    "regression_tables.docx",
)


class ReplicateError(ValueError):
    """A replication package that cannot be built as asked (one line: what and where)."""


def panel_csv(panel: pd.DataFrame, path: Path) -> Path:
    """The panel as plain CSV for R's ``read.csv``: 0/1 for booleans, empty cells for missing,
    dates as YYYY-MM-DD, numbers with round-trip precision; text is written as it is."""
    out = {}
    for c in panel.columns:
        s = panel[c]
        if pd.api.types.is_bool_dtype(s):
            out[c] = s.astype("Int8")
        else:
            out[c] = s
    pd.DataFrame(out).to_csv(path, index=False, na_rep="", date_format="%Y-%m-%d")
    return path


def resolve_dataset(results: Results, dataset: Path | None) -> Path:
    """The dataset folder of ``results`` (or ``dataset``), checked against its fingerprint."""
    from bip.pipeline import dataset_fingerprint

    path = Path(dataset) if dataset is not None else Path(results.meta.dataset_path)
    if not path.exists():
        raise ReplicateError(
            f"{path}: the dataset of these results (results.json meta/dataset_path) is not "
            "there; give its folder with --dataset"
        )
    ds = open_dataset(path)
    found = dataset_fingerprint(ds)
    if found != results.meta.dataset_fingerprint:
        raise ReplicateError(
            f"{path}: dataset fingerprint {found[:19]}... differs from the one in results.json "
            f"({results.meta.dataset_fingerprint[:19]}...); the data changed since the analysis"
        )
    return path


def build_package(
    results_dir: Path | str,
    out: Path | str,
    *,
    dataset: Path | str | None = None,
    lang: str = "en",
    overwrite: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Write the replication package of the run in ``results_dir`` to ``out`` (all or nothing).

    ``lang`` is the language of the ``.dta`` labels (the codebook has both).
    """
    from bip.report.export import write_frame

    step = progress or (lambda s: None)
    results_dir, out = Path(results_dir), Path(out)
    results = load_results(results_dir)
    src = results_dir / "results.json" if results_dir.is_dir() else results_dir
    path = resolve_dataset(results, Path(dataset) if dataset is not None else None)
    step("building the panel")
    panel = build_panel(open_dataset(path), progress=step)
    with atomic_dir(out, overwrite=overwrite) as tmp:
        step("writing the panel (CSV, Stata, Parquet)")
        panel_csv(panel, tmp / "panel.csv")
        write_frame(panel, tmp / "panel.dta", "dta", lang, name="panel")
        write_frame(panel, tmp / "panel.parquet", "parquet", lang, name="panel")
        step("writing the codebook")
        book = codebook(panel)
        book.to_csv(tmp / "codebook.csv", index=False)
        (tmp / "codebook.md").write_text(codebook_markdown(book), "utf-8")
        step("writing BIP's estimates and the scripts")
        bip_estimates(results).to_csv(tmp / "bip_estimates.csv", index=False, float_format="%.17g")
        shutil.copyfile(src, tmp / "results.json")
        (tmp / "replicate.R").write_text(r_script(panel), "utf-8")
        (tmp / "replicate.do").write_text(do_file(panel), "utf-8")
        write_tables(results, tmp, "regression_tables")
        (tmp / "README.md").write_text(readme(results, panel, lang), "utf-8")
    return out
