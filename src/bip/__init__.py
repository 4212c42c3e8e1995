"""BIP: progression measurement, register linkage and analysis for public employment services.

The notebook API (docs/replication.md)::

    import bip
    ds = bip.open_dataset("demo/dataset")      # validated dataset (DatasetError if invalid)
    panel = bip.build_panel(ds)                # pandas DataFrame, one row per measurement
    results = bip.analyze(ds, panel)           # typed Results: results.a6_caseworkers...
    tables = bip.frames(results)               # every table as a DataFrame

Imports are deferred to the calls, so ``import bip`` stays light.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

__version__ = "0.1.0"

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd

    from bip.dataset import Dataset
    from bip.results import Results

__all__ = [
    "__version__",
    "analyze",
    "build_panel",
    "frame",
    "frames",
    "load_results",
    "open_dataset",
]


def open_dataset(path: Path | str, *, progress: Callable[[str], None] | None = None) -> Dataset:
    """Open and validate the dataset folder (or zip-extracted folder) at ``path``.

    Raises :class:`bip.dataset.DatasetError` listing every problem when it is invalid.
    """
    from bip.dataset import open_dataset as _open

    return _open(path, progress=progress)


def _dataset(dataset: Dataset | Path | str) -> Dataset:
    from bip.dataset import Dataset

    return dataset if isinstance(dataset, Dataset) else open_dataset(dataset)


def build_panel(
    dataset: Dataset | Path | str, *, progress: Callable[[str], None] | None = None
) -> pd.DataFrame:
    """The analysis panel (docs/panel.md) of a dataset, opened first when given a path."""
    from bip.panel import build_panel as _build

    return _build(_dataset(dataset), progress=progress)


def analyze(
    dataset: Dataset | Path | str,
    panel: pd.DataFrame | None = None,
    *,
    lang: Literal["da", "en"] = "da",
    anonymise_jobcenters: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Results:
    """Analyses A1-A9 of a dataset as typed :class:`bip.results.Results` (nothing written).

    ``panel`` is built from ``dataset`` unless given (pass the one from :func:`build_panel`
    to build it once). The same as ``bip analyze`` computes, without the report.
    """
    from bip import pipeline

    ds = _dataset(dataset)
    if panel is None:
        panel = build_panel(ds, progress=progress)
    options = pipeline.RunOptions(lang=lang, anonymise_jobcenters=anonymise_jobcenters)
    return pipeline.analyze(ds, panel, options, progress)


def load_results(path: Path | str) -> Results:
    """``results.json`` (a file, or the folder ``bip analyze`` wrote) as typed Results."""
    from bip.results import load_results as _load

    return _load(path)


def frames(results: Results) -> dict[str, pd.DataFrame]:
    """Every table of ``results`` as a pandas DataFrame (:mod:`bip.replicate.frames`)."""
    from bip.replicate.frames import frames as _frames

    return _frames(results)


def frame(results: Results, name: str) -> pd.DataFrame:
    """One table of ``results`` as a DataFrame, e.g. ``bip.frame(results, "a4_adjusted")``."""
    from bip.replicate.frames import frame as _frame

    return _frame(results, name)
